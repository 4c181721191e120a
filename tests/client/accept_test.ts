/**
 * Accept mode against the real QEMU 7.2 and 10.0: the client listens and
 * QEMU connects (`-qmp unix:PATH` without `server=on`, over TCP too); with
 * a socket chardev's reconnect interval, QEMU connects again after the
 * connection is lost and the same client takes it.
 */
import assert from "node:assert/strict";
import { listenQmp } from "../../lib/client/accept.ts";
import type { Qmp7_2 } from "../../schemas/qmp/7.2.js";
import { nextState, skipped, startQemu } from "./qemu_process.ts";

/** The chardev option that makes QEMU connect again: seconds before 9.2, milliseconds after. */
const reconnectOption = { "7.2": "reconnect=1", "10.0": "reconnect-ms=100" } as const;

for (const version of ["7.2", "10.0"] as const) {
  Deno.test({
    name: `accept, QEMU ${version}: -qmp unix:PATH connects to the client's listener`,
    ignore: skipped,
    fn: async () => {
      const directory = await Deno.makeTempDir();
      const path = `${directory}/accept.sock`;
      try {
        await using listener = await listenQmp<Qmp7_2>(path);
        assert.equal(listener.address, path);
        assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600, "only its owner can connect");
        await using _qemu = await startQemu(version, ["-qmp", `unix:${path}`]);
        await using qmp = await listener.accept({ signal: AbortSignal.timeout(20_000) });
        assert.equal(`${qmp.version.major}.${qmp.version.minor}`, version);
        await qmp.execute("stop");
        assert.equal((await qmp.execute("query-status")).status, "paused");
        listener.close();
        await assert.rejects(Deno.stat(path), Deno.errors.NotFound, "the socket file is removed");
        assert.equal((await qmp.execute("query-status")).status, "paused", "still connected");
      } finally {
        await Deno.remove(directory, { recursive: true });
      }
    },
  });

  Deno.test({
    name: `accept, QEMU ${version}: over TCP (port 0), with the chardev reconnecting; ` +
      "a lost connection is taken back by the same client with its listeners",
    ignore: skipped,
    fn: async () => {
      await using listener = await listenQmp<Qmp7_2>({ host: "127.0.0.1", port: 0 });
      const { port } = listener.address as { port: number };
      assert.ok(port > 0);
      await using _qemu = await startQemu(version, [
        "-chardev",
        `socket,id=mon0,host=127.0.0.1,port=${port},${reconnectOption[version]}`,
        "-mon",
        "chardev=mon0,mode=control",
      ]);
      await using qmp = await listener.accept({
        reconnect: { delay: 10, maxDelay: 50 },
        signal: AbortSignal.timeout(20_000),
      });
      const events: string[] = [];
      qmp.on("STOP", (event) => events.push(event.event));
      const lost = nextState(qmp, (change) => change.state === "reconnecting");
      // Dropping the connection underneath (not the client): QEMU connects again.
      qmp.connection.close();
      await lost;
      await nextState(qmp, (change) => change.state === "connected");
      await qmp.execute("stop");
      await qmp.waitFor("STOP", { timeout: 5_000 });
      assert.deepEqual(events, ["STOP"]);
      // Closing the listener ends a reconnecting client at its next loss.
      listener.close();
      qmp.connection.close();
      assert.match(await qmp.closed, /the listener is closed/);
      assert.equal(qmp.state, "closed");
    },
  });
}

for (const version of ["7.2", "10.0"] as const) {
  Deno.test({
    name: `accept, QEMU ${version}: a QEMU that connects and greets before accept() is not lost`,
    ignore: skipped,
    fn: async () => {
      const directory = await Deno.makeTempDir();
      const path = `${directory}/early.sock`;
      try {
        await using listener = await listenQmp<Qmp7_2>(path);
        await using _qemu = await startQemu(version, ["-qmp", `unix:${path}`]);
        // QEMU connects and sends its greeting while nobody has called accept() yet.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        await using qmp = await listener.accept({ greetingTimeout: 5_000 });
        assert.equal((await qmp.execute("query-status")).running, true);
      } finally {
        await Deno.remove(directory, { recursive: true });
      }
    },
  });
}

Deno.test("accept: a listener that cannot listen says why; accept honours its signal", async () => {
  const directory = await Deno.makeTempDir();
  try {
    const path = `${directory}/taken.sock`;
    await using _first = await listenQmp(path);
    await assert.rejects(
      listenQmp(path),
      /listen EADDRINUSE .*taken\.sock \(a file is already there/,
    );
    await assert.rejects(listenQmp(`${directory}/missing/x.sock`), /listen ENOENT/);
    await using listener = await listenQmp(`${directory}/idle.sock`);
    await assert.rejects(
      listener.accept({ signal: AbortSignal.timeout(20) }),
      (error: Error) => error.name === "TimeoutError",
    );
    listener.close();
    await assert.rejects(listener.accept(), /the listener is closed/);
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});

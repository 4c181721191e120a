/**
 * Reconnection against the real QEMU 7.2 and 10.0: a monitor that restarts
 * (QEMU killed, a newer one started on the same socket), a connection lost
 * between client and QEMU (a proxy cut), calls rejected or held meanwhile,
 * giving up, and `quit` ending the client.
 */
import assert from "node:assert/strict";
import { connect } from "../../lib/client/qmp.ts";
import { launch } from "../../lib/launch/launch.ts";
import type { StateChange } from "../../lib/client/reconnect.ts";
import { ValidationError } from "../../lib/introspect/validate.ts";
import { ConnectionClosedError, TimeoutError } from "../../lib/protocol/errors.ts";
import type { Qmp7_2 } from "../../schemas/qmp/7.2.js";
import { nextState, skipped, startProxy, startQemu } from "./qemu_process.ts";

const serverArgs = (path: string) => ["-qmp", `unix:${path},server=on,wait=off`];

Deno.test({
  name: "reconnect: QEMU 7.2's monitor goes away, QEMU 10.0 comes up on the same socket; " +
    "listeners kept, calls meanwhile rejected, the version and strict mode's schema follow",
  ignore: skipped,
  fn: async () => {
    const directory = await Deno.makeTempDir();
    const path = `${directory}/qmp.sock`;
    try {
      const old = await startQemu("7.2", serverArgs(path), path);
      const changes: StateChange[] = [];
      await using qmp = await connect<Qmp7_2>(path, {
        reconnect: { delay: 20, maxDelay: 100 },
        strict: true,
      });
      // Strict mode checks calls against the schema of the server connected now.
      const untyped = qmp.execute as (command: string, args?: object) => Promise<unknown>;
      await assert.rejects(untyped("blockdev-set-active", { active: true }), ValidationError);
      qmp.onStateChange((change) => changes.push(change));
      const stops: number[] = [];
      qmp.on("STOP", (event) => stops.push(event.timestamp.seconds));
      assert.equal(qmp.state, "connected");
      assert.equal(qmp.version.major, 7);
      await qmp.execute("stop");
      const lost = nextState(qmp, (change) => change.state === "reconnecting");
      await old.kill();
      assert.match((await lost).reason!, /peer closed the connection|reset by peer/);
      assert.equal(qmp.state, "reconnecting");
      await assert.rejects(
        qmp.execute("query-status"),
        (error) =>
          error instanceof ConnectionClosedError &&
          /query-status: connection closed: reconnecting \(/.test(error.message),
      );
      const back = nextState(qmp, (change) => change.state === "connected");
      await using _newer = await startQemu("10.0", serverArgs(path), path);
      const connected = await back;
      assert.ok(connected.attempt! >= 1);
      assert.equal(qmp.state, "connected");
      assert.equal(qmp.version.major, 10, "the version is the new server's");
      // The STOP of QEMU 7.2 is not taken for news on the new connection.
      await assert.rejects(qmp.waitFor("STOP", { timeout: 100 }), TimeoutError);
      assert.equal((await qmp.execute("query-status")).status, "running");
      await untyped("blockdev-set-active", { active: true }); // 10.0 has it
      await assert.rejects(untyped("query-status", { verbose: true }), ValidationError);
      await qmp.execute("stop");
      await qmp.waitFor("STOP", { timeout: 5_000, history: true });
      assert.equal(stops.length, 2, "the handler registered before the restart still runs");
      assert.equal(changes[0].state, "reconnecting");
      assert.equal(changes.at(-1)!.state, "connected");
      assert.ok(changes.slice(1, -1).every((change) => change.state === "reconnecting"));
    } finally {
      await Deno.remove(directory, { recursive: true });
    }
  },
});

for (const version of ["7.2", "10.0"] as const) {
  Deno.test({
    name: `reconnect, QEMU ${version}: a lost connection; calls held meanwhile go out once ` +
      "connected again, a held call times out, a waitFor started before the loss completes",
    ignore: skipped,
    fn: async () => {
      const directory = await Deno.makeTempDir();
      const path = `${directory}/qmp.sock`;
      try {
        await using _qemu = await startQemu(version, serverArgs(path), path);
        await using proxy = startProxy(`${directory}/proxy.sock`, path);
        await using qmp = await connect<Qmp7_2>(proxy.path, {
          reconnect: { delay: 20, maxDelay: 50, whileReconnecting: "queue" },
        });
        await qmp.execute("stop");
        const resumed = qmp.waitFor("RESUME", { timeout: 20_000, history: false });
        proxy.refuse = true;
        const lost = nextState(qmp, (change) => change.state === "reconnecting");
        proxy.cut();
        await lost;
        // Refused attempts are reported as reconnecting again, with the attempt.
        const failed = await nextState(
          qmp,
          (change) => change.state === "reconnecting" && change.attempt !== undefined,
        );
        assert.ok(failed.attempt! >= 1);
        const held = qmp.execute("cont");
        const status = qmp.execute("query-status");
        const late = qmp.execute("query-status", undefined, { timeout: 50 });
        const aborted = new AbortController();
        const abandoned = qmp.execute("query-status", undefined, { signal: aborted.signal });
        const abandonedRejects = assert.rejects(abandoned, /not needed/);
        aborted.abort(new Error("not needed"));
        await abandonedRejects;
        await assert.rejects(late, TimeoutError);
        assert.equal(qmp.state, "reconnecting");
        const back = nextState(qmp, (change) => change.state === "connected");
        proxy.refuse = false;
        await back;
        await held;
        assert.equal((await status).status, "running", "held calls went out in order");
        assert.equal((await resumed).event, "RESUME");
        assert.ok(proxy.connections >= 2);
      } finally {
        await Deno.remove(directory, { recursive: true });
      }
    },
  });
}

Deno.test({
  name: "reconnect: gives up after its attempts; the client closes, held calls and listeners end",
  ignore: skipped,
  fn: async () => {
    const directory = await Deno.makeTempDir();
    const path = `${directory}/qmp.sock`;
    try {
      const qemu = await startQemu("10.0", serverArgs(path), path);
      const qmp = await connect<Qmp7_2>(path, {
        reconnect: { delay: 10, maxDelay: 20, attempts: 3, whileReconnecting: "queue" },
      });
      const listener = qmp.listen("STOP");
      const lost = nextState(qmp, (change) => change.state === "reconnecting");
      await qemu.kill();
      await lost;
      const held = qmp.execute("query-status");
      const reason = await qmp.closed;
      assert.match(reason, /^gave up reconnecting after 3 attempts: connect E\w+ /);
      assert.equal(qmp.state, "closed");
      await assert.rejects(held, ConnectionClosedError);
      await assert.rejects(qmp.execute("query-status"), /gave up reconnecting/);
      await assert.rejects(listener.wait(), /gave up reconnecting/);
    } finally {
      await Deno.remove(directory, { recursive: true });
    }
  },
});

Deno.test({
  name: "reconnect: after quit the client closes instead of reconnecting",
  ignore: skipped,
  fn: async () => {
    const directory = await Deno.makeTempDir();
    const path = `${directory}/qmp.sock`;
    try {
      await using qemu = await startQemu("7.2", serverArgs(path), path);
      const qmp = await connect<Qmp7_2>(path, { reconnect: { delay: 10 } });
      const changes: string[] = [];
      qmp.onStateChange((change) => changes.push(change.state));
      await qmp.execute("quit");
      assert.match(await qmp.closed, /peer closed the connection|reset by peer/);
      assert.deepEqual(changes, ["closed"]);
      assert.equal((await qemu.child.status).success, true);
    } finally {
      await Deno.remove(directory, { recursive: true });
    }
  },
});

Deno.test("reconnect is refused for an open stream and by launch, and bad reconnect options are named", async () => {
  // @ts-expect-error: launch() has no reconnect option
  await assert.rejects(launch({ reconnect: true }), /launch\(\) does not reconnect/);
  const { Socket } = await import("node:net");
  await assert.rejects(
    connect(new Socket(), { reconnect: true }),
    /reconnect needs a target that can be opened again/,
  );
  await assert.rejects(
    connect("/nonexistent/qmp.sock", { reconnect: { delay: -1 } }),
    /reconnect\.delay must be a number, 0 or more, not -1/,
  );
  await assert.rejects(
    connect("/nonexistent/qmp.sock", {
      reconnect: { whileReconnecting: "wait" as "queue" },
    }),
    /reconnect\.whileReconnecting must be "reject" or "queue", not wait/,
  );
});

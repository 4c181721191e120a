/**
 * Accept mode, reconnection and tracing on Node, against the installed npm
 * package and a real QEMU (node:net listeners and sockets underneath).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  connect,
  listenQmp,
  replayTransport,
  type StateChange,
  TraceRecorder,
} from "@qapi-ts/qapi-ts";
import type { Qmp7_2 } from "@qapi-ts/qapi-ts/qmp/7.2";

const binary = process.env.QAPI_TS_QEMU ?? "qemu-system-x86_64";
const dataArgs = process.env.QAPI_TS_QEMU_DATA ? ["-L", process.env.QAPI_TS_QEMU_DATA] : [];

/** QEMU with no machine and the given monitor options; `exited` resolves when it has ended. */
function startQemu(monitorArgs: string[]): { child: ChildProcess; exited: Promise<unknown> } {
  const child = spawn(
    binary,
    [...dataArgs, "-M", "none", "-nodefaults", "-display", "none", ...monitorArgs],
    { stdio: "ignore" },
  );
  return { child, exited: new Promise((resolve) => child.once("exit", resolve)) };
}

async function waitForFile(path: string): Promise<void> {
  for (let i = 0; !existsSync(path); i++) {
    if (i > 2000) throw new Error(`${path} did not appear`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function nextState(
  client: { onStateChange(handler: (change: StateChange) => void): () => void },
  state: StateChange["state"],
): Promise<StateChange> {
  return new Promise((resolve) => {
    const stop = client.onStateChange((change) => {
      if (change.state !== state) return;
      stop();
      resolve(change);
    });
  });
}

test("accept mode on Node: QEMU connects to the client's listener, before accept() too", async () => {
  const directory = mkdtempSync(join(tmpdir(), "qapi-ts-accept-"));
  const path = join(directory, "accept.sock");
  const listener = await listenQmp<Qmp7_2>(path);
  const qemu = startQemu(["-qmp", `unix:${path}`]);
  try {
    // QEMU connects and greets before accept() is called: nothing of it is lost.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const qmp = await listener.accept({ signal: AbortSignal.timeout(20_000) });
    assert.equal((await qmp.execute("query-status")).running, true);
    await qmp.execute("quit");
    await qemu.exited;
  } finally {
    listener.close();
    qemu.child.kill("SIGKILL");
    rmSync(directory, { recursive: true, force: true });
  }
});

test("reconnect on Node: the monitor restarts, listeners are kept", async () => {
  const directory = mkdtempSync(join(tmpdir(), "qapi-ts-reconnect-"));
  const path = join(directory, "qmp.sock");
  const monitor = ["-qmp", `unix:${path},server=on,wait=off`];
  let qemu = startQemu(monitor);
  try {
    await waitForFile(path);
    const qmp = await connect<Qmp7_2>(path, { reconnect: { delay: 20, maxDelay: 100 } });
    const stops: string[] = [];
    qmp.on("STOP", (event) => stops.push(event.event));
    const lost = nextState(qmp, "reconnecting");
    qemu.child.kill("SIGKILL");
    await qemu.exited;
    await lost;
    assert.equal(qmp.state, "reconnecting");
    const back = nextState(qmp, "connected");
    qemu = startQemu(monitor);
    await back;
    await qmp.execute("stop");
    await qmp.waitFor("STOP", { timeout: 5_000 });
    assert.deepEqual(stops, ["STOP"]);
    await qmp.close();
    assert.equal(qmp.state, "closed");
  } finally {
    qemu.child.kill("SIGKILL");
    rmSync(directory, { recursive: true, force: true });
  }
});

test("trace on Node: a session recorded against QEMU replays without it", async () => {
  const directory = mkdtempSync(join(tmpdir(), "qapi-ts-trace-"));
  const path = join(directory, "qmp.sock");
  const qemu = startQemu(["-qmp", `unix:${path},server=on,wait=off`]);
  try {
    await waitForFile(path);
    const recorder = new TraceRecorder();
    const qmp = await connect<Qmp7_2>(path, { trace: recorder.hook });
    const live = await qmp.execute("query-status");
    await qmp.close();
    assert.deepEqual(
      recorder.entries.map((entry) => entry.direction),
      ["in", "out", "in", "out", "in"],
    );
    const replayed = await connect<Qmp7_2>(replayTransport(recorder.toJsonLines()));
    assert.deepEqual(await replayed.execute("query-status"), live);
    await replayed.close();
  } finally {
    qemu.child.kill("SIGKILL");
    rmSync(directory, { recursive: true, force: true });
  }
});

test("the QAPI reader on Node: a schema with an include read, a faulty one named FILE:LINE", async () => {
  const { readSchema, QapiError } = await import("@qapi-ts/qapi-ts/qapi");
  const directory = mkdtempSync(join(tmpdir(), "qapi-ts-reader-"));
  try {
    writeFileSync(
      join(directory, "schema.json"),
      "{ 'include': 'common.json' }\n{ 'command': 'ping', 'returns': 'Pong' }\n",
    );
    writeFileSync(
      join(directory, "common.json"),
      "{ 'struct': 'Pong', 'data': { 'ok': 'bool' } }\n",
    );
    const schema = await readSchema(join(directory, "schema.json"), {
      strictDocs: false,
      version: "10.2",
    });
    assert.deepEqual(Object.keys(schema.commands), ["ping"]);
    assert.ok("Pong" in schema.types);
    writeFileSync(join(directory, "bad.json"), "{ 'command': 'ping' }\n{ 'command': 'ping' }\n");
    await assert.rejects(
      readSchema(join(directory, "bad.json"), { strictDocs: false, version: "10.2" }),
      (error) =>
        error instanceof QapiError && /bad\.json:2: .ping. is already defined/.test(error.message),
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

/**
 * Waiting for QEMU's socket. Pre-opened (the default): QEMU inherits a
 * listening socket, the client connects at once and waits for the greeting;
 * a server that accepts late is waited for, one that exits is reported.
 * Bound by QEMU (`preopenMonitor: false`): launch() connects only once QEMU
 * listens, not between its bind() and listen() (ECONNREFUSED), and not
 * before bind() (ENOENT). Many launches in a row of each against the real
 * QEMU 7.2 and 10.0, and a server that binds its socket well before it
 * listens.
 */
import assert from "node:assert/strict";
import { launch } from "../../lib/launch/launch.ts";
import type { Qmp7_2 } from "../../schemas/qmp/7.2.js";
import { provision, realQemuSkipped } from "../provision/qemu.ts";

const skipped = realQemuSkipped();
const binaries = skipped ? undefined : await provision();

const launches = 100;

for (const version of ["7.2", "10.0"] as const) {
  for (const preopenMonitor of [true, false]) {
    Deno.test({
      name: `QEMU ${version}: ${launches} launches in a row, each connected and closed (${
        preopenMonitor ? "pre-opened socket" : "socket bound by QEMU"
      })`,
      ignore: skipped,
      fn: async () => {
        const failures: string[] = [];
        for (let i = 0; i < launches; i++) {
          try {
            await using qmp = await launch<Qmp7_2>({
              binary: binaries![version].system,
              extraArgs: binaries![version].dataArgs,
              preopenMonitor,
            });
            assert.equal(qmp.preopened, preopenMonitor);
            assert.equal((await qmp.execute("query-status")).running, true);
          } catch (error) {
            failures.push(`launch ${i + 1}: ${(error as Error).message}`);
          }
        }
        assert.deepEqual(failures, []);
      },
    });
  }
}

/**
 * A QMP server in Python (the only runtime at hand that can bind a unix
 * socket without listening on it): binds the socket named on its command
 * line, listens 400 ms later, then greets and answers every command.
 */
const slowServer = `
import json, re, socket, sys, time
path = None
for arg in sys.argv[1:]:
    match = re.search(r"(?:^unix:|(?:^|,)path=)((?:[^,]|,,)*qmp\\.sock)(?:,|$)", arg)
    if match:
        path = match.group(1).replace(",,", ",")
server = socket.socket(socket.AF_UNIX)
server.bind(path)
time.sleep(0.4)
server.listen(1)
connection, _ = server.accept()
greeting = {"QMP": {"version": {"qemu": {"major": 7, "minor": 2, "micro": 0}, "package": ""},
                    "capabilities": []}}
connection.sendall(json.dumps(greeting).encode() + b"\\r\\n")
for line in connection.makefile("rb"):
    request = json.loads(line)
    connection.sendall(json.dumps({"return": {}, "id": request.get("id")}).encode() + b"\\r\\n")
    if request.get("execute") == "quit":
        break
`;

const python = await (async () => {
  try {
    const { success } = await new Deno.Command("python3", { args: ["-c", ""] }).output();
    return success;
  } catch {
    return false;
  }
})();
// CI must run these tests: a missing python3 there is a failure, not a skip.
if (!python && Deno.env.get("CI")) throw new Error("python3 is needed by the start-up tests in CI");

Deno.test({
  name: "a server that binds its socket 400 ms before it listens: launch() waits for it",
  ignore: skipped || !python,
  fn: async () => {
    const folder = await Deno.makeTempDir({ prefix: "qapi-ts-slow-" });
    try {
      const binary = `${folder}/slow-qmp-server`;
      await Deno.writeTextFile(binary, `#!/usr/bin/env python3\n${slowServer}`, { mode: 0o755 });
      for (let i = 0; i < 3; i++) {
        await using qmp = await launch<Qmp7_2>({ binary, preopenMonitor: false });
        assert.deepEqual(await qmp.connection.call("query-status"), {});
      }
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
  },
});

/**
 * A QMP server in Python that inherits its listening socket (`fd=N` on its
 * command line, as QEMU's `-chardev socket,fd=N`), and accepts 400 ms after
 * it starts, or exits with an error instead.
 */
const lateServer = `
import json, os, re, socket, sys, time
fd = None
for arg in sys.argv[1:]:
    match = re.search(r"(?:^|,)fd=(\\d+)(?:,|$)", arg)
    if match:
        fd = int(match.group(1))
if os.environ.get("LATE_SERVER_FAIL"):
    sys.stderr.write("late-server: refusing to start\\n")
    sys.exit(2)
server = socket.socket(fileno=fd)
time.sleep(0.4)
connection, _ = server.accept()
greeting = {"QMP": {"version": {"qemu": {"major": 7, "minor": 2, "micro": 0}, "package": ""},
                    "capabilities": []}}
connection.sendall(json.dumps(greeting).encode() + b"\\r\\n")
for line in connection.makefile("rb"):
    request = json.loads(line)
    connection.sendall(json.dumps({"return": {}, "id": request.get("id")}).encode() + b"\\r\\n")
    if request.get("execute") == "quit":
        break
`;

Deno.test({
  name: "a server that accepts on its pre-opened socket 400 ms late: launch() waits, no polling",
  ignore: skipped || !python,
  fn: async () => {
    const folder = await Deno.makeTempDir({ prefix: "qapi-ts-late-" });
    try {
      const binary = `${folder}/late-qmp-server`;
      await Deno.writeTextFile(binary, `#!/usr/bin/env python3\n${lateServer}`, { mode: 0o755 });
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        await using qmp = await launch<Qmp7_2>({ binary });
        assert.ok(Date.now() - started >= 400, "the greeting came after the late accept");
        assert.ok(qmp.preopened);
        assert.deepEqual(await qmp.connection.call("query-status"), {});
      }
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
  },
});

Deno.test({
  name: "a server that exits before it accepts on its pre-opened socket: its error is reported",
  ignore: skipped || !python,
  fn: async () => {
    const folder = await Deno.makeTempDir({ prefix: "qapi-ts-late-" });
    try {
      const binary = `${folder}/late-qmp-server`;
      await Deno.writeTextFile(
        binary,
        `#!/usr/bin/env python3\nimport os\nos.environ["LATE_SERVER_FAIL"] = "1"\n${lateServer}`,
        { mode: 0o755 },
      );
      await assert.rejects(
        () => launch<Qmp7_2>({ binary }),
        /exited \(2\) before it listened on its QMP socket: late-server: refusing to start/,
      );
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
  },
});

Deno.test("a bad greetingTimeout is refused before anything starts", async () => {
  await assert.rejects(() => launch({ greetingTimeout: -1 }), RangeError);
  await assert.rejects(() => launch({ greetingTimeout: NaN, preopenMonitor: false }), RangeError);
});

/**
 * Waiting for QEMU's socket: launch() connects only once QEMU listens, not
 * between its bind() and listen() (ECONNREFUSED), and not before bind()
 * (ENOENT). Many launches in a row against the real QEMU 7.2 and 10.0, and a
 * server that binds its socket well before it listens.
 */
import assert from "node:assert/strict";
import { launch } from "../../lib/launch/launch.ts";
import type { Qmp7_2 } from "../../schemas/qmp/7.2.js";
import { provision, realQemuSkipped } from "../provision/qemu.ts";

const skipped = realQemuSkipped();
const binaries = skipped ? undefined : await provision();

const launches = 100;

for (const version of ["7.2", "10.0"] as const) {
  Deno.test({
    name: `QEMU ${version}: ${launches} launches in a row, each connected and closed`,
    ignore: skipped,
    fn: async () => {
      const failures: string[] = [];
      for (let i = 0; i < launches; i++) {
        try {
          await using qmp = await launch<Qmp7_2>({
            binary: binaries![version].system,
            extraArgs: binaries![version].dataArgs,
          });
          assert.equal((await qmp.execute("query-status")).running, true);
        } catch (error) {
          failures.push(`launch ${i + 1}: ${(error as Error).message}`);
        }
      }
      assert.deepEqual(failures, []);
    },
  });
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

Deno.test({
  name: "a server that binds its socket 400 ms before it listens: launch() waits for it",
  ignore: skipped || !python,
  fn: async () => {
    const folder = await Deno.makeTempDir({ prefix: "qapi-ts-slow-" });
    try {
      const binary = `${folder}/slow-qmp-server`;
      await Deno.writeTextFile(binary, `#!/usr/bin/env python3\n${slowServer}`, { mode: 0o755 });
      for (let i = 0; i < 3; i++) {
        await using qmp = await launch<Qmp7_2>({ binary });
        assert.deepEqual(await qmp.connection.call("query-status"), {});
      }
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
  },
});

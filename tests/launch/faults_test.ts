/**
 * Faulty processes and surroundings, against the real QEMU 7.2 and 10.0 and
 * small scripts: a flood of error output before QEMU's own error, a binary
 * whose child keeps its error output open.
 */
import assert from "node:assert/strict";
import { launch } from "../../lib/launch/launch.ts";
import type { Qmp7_2 } from "../../schemas/qmp/7.2.js";
import { provision, realQemuSkipped } from "../provision/qemu.ts";
import { eventually } from "./helpers.ts";

const skipped = realQemuSkipped();
const binaries = skipped ? undefined : await provision();

for (const version of ["7.2", "10.0"] as const) {
  Deno.test({
    name: `QEMU ${version}: its error after a flood of trace output is reported, bounded`,
    ignore: skipped,
    fn: async () => {
      const qemu = binaries![version];
      // Every trace point on stderr (about 250 KB) comes before QEMU's error, its last words.
      await assert.rejects(
        () =>
          launch<Qmp7_2>({
            binary: qemu.system,
            extraArgs: [...qemu.dataArgs, "-trace", "enable=*", "-device", "nope"],
          }),
        (error: Error) => {
          assert.match(error.message, /exited \(1\) before it listened/);
          assert.match(error.message, /'nope' is not a valid device model name/);
          assert.match(error.message, /\[… \d+ bytes left out …\]/);
          assert.ok(error.message.length < 66_000, `${error.message.length} characters`);
          return true;
        },
      );
    },
  });
}

Deno.test({
  name: "a binary whose child keeps its error output open: the failed launch lets go of it",
  fn: async () => {
    const folder = await Deno.makeTempDir({ prefix: "qapi-ts-orphan-" });
    const childPid = `${folder}/child.pid`;
    try {
      const failing = `${folder}/failing`;
      await Deno.writeTextFile(failing, "#!/bin/sh\necho 'failing: at once' >&2\nexit 1\n", {
        mode: 0o755,
      });
      // As a network script may start a daemon that inherits QEMU's stderr.
      const leaving = `${folder}/leaving`;
      await Deno.writeTextFile(
        leaving,
        `#!/bin/sh\nsleep 30 &\necho $! > '${childPid}'\necho 'leaving: bad option' >&2\nexit 1\n`,
        { mode: 0o755 },
      );
      // A first launch opens what the run time keeps for every child process.
      await assert.rejects(() => launch({ binary: failing }), /failing: at once/);
      const descriptors = () => [...Deno.readDirSync("/proc/self/fd")].length;
      const before = descriptors();
      await assert.rejects(() => launch({ binary: leaving }), /leaving: bad option/);
      assert.ok(
        await eventually(() => descriptors() <= before, 3_000),
        `descriptors: ${before} before, ${descriptors()} after`,
      );
    } finally {
      try {
        Deno.kill(Number(await Deno.readTextFile(childPid)), "SIGKILL");
      } catch {
        // Not started, or gone.
      }
      await Deno.remove(folder, { recursive: true });
    }
  },
});

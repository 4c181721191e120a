/**
 * Faulty processes and surroundings, against the real QEMU 7.2 and 10.0 and
 * small scripts: a flood of error output before QEMU's own error, a binary
 * whose child keeps its error output open, a QEMU that stops answering when
 * closed, a `TMPDIR` too long for a unix socket's path.
 */
import assert from "node:assert/strict";
import { launch } from "../../lib/launch/launch.ts";
import type { Qmp7_2 } from "../../schemas/qmp/7.2.js";
import { provision, realQemuSkipped } from "../provision/qemu.ts";
import { eventually, exists } from "./helpers.ts";

const skipped = realQemuSkipped();
const binaries = skipped ? undefined : await provision();

/** The private directories under `parent`. */
const launchDirectories = (parent: string) =>
  [...Deno.readDirSync(parent)].filter((entry) => /^qapi-ts-[A-Za-z0-9]{6}$/.test(entry.name));

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

  Deno.test({
    name: `QEMU ${version}: close() of a QEMU that stopped answering takes quitTimeout, no more`,
    ignore: skipped,
    fn: async () => {
      const qemu = binaries![version];
      const qmp = await launch<Qmp7_2>({
        binary: qemu.system,
        extraArgs: qemu.dataArgs,
        quitTimeout: 300,
      });
      Deno.kill(qmp.pid, "SIGSTOP"); // Never answers `quit`; SIGKILL still ends it.
      const started = Date.now();
      await qmp.close();
      const took = Date.now() - started;
      assert.ok(took < 1_500, `close() took ${took} ms`);
      assert.equal(await qmp.exited, "SIGKILL");
      assert.ok(!exists(qmp.directory), "the directory is removed");
    },
  });

  Deno.test({
    name: `QEMU ${version}: a TMPDIR too long for the socket's path is refused, saying so`,
    ignore: skipped,
    fn: async () => {
      const qemu = binaries![version];
      const base = await Deno.makeTempDir({ prefix: "qapi-ts-long-" });
      const saved = Deno.env.get("TMPDIR");
      try {
        // `${tmpdir}/qapi-ts-XXXXXX/qmp.sock`: 24 bytes after TMPDIR.
        const tmpdirOf = async (socketLength: number) => {
          const tmpdir = `${base}/${"d".repeat(socketLength - 24 - base.length - 1)}`;
          await Deno.mkdir(tmpdir);
          Deno.env.set("TMPDIR", tmpdir);
          return tmpdir;
        };
        // The longest path both run times bind and connect to.
        const longest = await tmpdirOf(107);
        for (const preopenMonitor of [true, false]) {
          await using qmp = await launch<Qmp7_2>({
            binary: qemu.system,
            extraArgs: qemu.dataArgs,
            preopenMonitor,
          });
          assert.equal(`${qmp.directory}/qmp.sock`.length, 107);
          assert.ok(qmp.directory.startsWith(longest));
          assert.equal((await qmp.execute("query-status")).running, true);
        }
        const tooLong = await tmpdirOf(108);
        for (const preopenMonitor of [true, false]) {
          await assert.rejects(
            () => launch<Qmp7_2>({ binary: qemu.system, extraArgs: qemu.dataArgs, preopenMonitor }),
            /would be 108 bytes long, more than the 107 .*: set TMPDIR to a shorter directory/,
          );
        }
        assert.deepEqual(launchDirectories(tooLong), [], "nothing is created");
      } finally {
        if (saved === undefined) Deno.env.delete("TMPDIR");
        else Deno.env.set("TMPDIR", saved);
        await Deno.remove(base, { recursive: true });
      }
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

Deno.test("arguments that are not an array of strings are refused before anything starts", async () => {
  for (
    const options of [
      { args: "-M none" },
      { extraArgs: "-m 64" },
      { extraArgs: ["-m", 64] },
      { extraArgs: ["-name", "a\0b"] },
    ]
  ) {
    await assert.rejects(
      () => launch(options as never),
      (error: Error) =>
        error instanceof TypeError &&
        /^(args|extraArgs) must be an array of strings without NUL, not /.test(error.message),
    );
  }
});

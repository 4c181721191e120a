/**
 * Paths in QEMU option strings: a comma in `TMPDIR` neither breaks `launch()`
 * nor injects an option (`TMPDIR=/tmp/x,wait=on`), for the system emulator
 * and the storage daemon, QEMU 7.2 and 10.0.
 */
import assert from "node:assert/strict";
import { provision, realQemuSkipped } from "../provision/qemu.ts";
import { alive, eventually, exists, leaveNothing, startClient } from "./helpers.ts";

const skipped = realQemuSkipped();
const binaries = skipped ? undefined : await provision();

const hostile = ["a,b", "x,wait=on", "y,server=off,path=/tmp/elsewhere"];

for (const version of ["7.2", "10.0"] as const) {
  for (const program of ["system emulator", "storage daemon"] as const) {
    for (const name of hostile) {
      Deno.test({
        name: `QEMU ${version} ${program}: TMPDIR=…/${name} (launches, socket inside it)`,
        ignore: skipped,
        fn: async () => {
          const qemu = binaries![version];
          const base = await Deno.makeTempDir({ prefix: "qapi-ts-tmpdir-" });
          const tmpdir = `${base}/${name}`;
          let pid = 0;
          let directory = "";
          try {
            await Deno.mkdir(tmpdir, { recursive: true });
            const client = await startClient("deno", {
              TMPDIR: tmpdir,
              QAPI_TS_MODE: "close",
              QAPI_TS_QEMU: program === "system emulator" ? qemu.system : qemu.storageDaemon,
              QAPI_TS_DAEMON: program === "storage daemon" ? "1" : "0",
              ...(qemu.dataArgs.length ? { QAPI_TS_QEMU_DATA: qemu.dataArgs[1] } : {}),
            });
            ({ pid } = client.report);
            ({ directory } = client.report);
            assert.ok(directory.startsWith(`${tmpdir}/qapi-ts-`), directory);
            // QEMU itself reports the socket it listens on: the whole path, in TMPDIR.
            const filenames = client.report.chardevs.map((chardev) => chardev.filename);
            assert.ok(
              filenames.some((filename) => filename.includes(`${directory}/qmp.sock`)),
              filenames.join("\n"),
            );
            const { status, errors } = await client.ended;
            assert.equal(status.code, 0, errors);
            assert.ok(await eventually(() => !alive(pid), 10_000), "QEMU has ended");
            assert.ok(!exists(directory), "the directory is removed");
          } finally {
            if (pid) leaveNothing(pid, directory);
            await Deno.remove(base, { recursive: true });
          }
        },
      });
    }
  }
}

/**
 * A client process for the descriptor tests, run on Deno and on Node (from
 * the built ESM copy). It opens a qcow2 image, gives QEMU the descriptor
 * (`QAPI_TS_FD_MODE=launch`: `launch({ fds })`; `live`: `addFd` over the
 * monitor connection), adds it as a block node through `/dev/fdset/N`,
 * writes 4 KiB of 0x5a at offset 0 with HMP's `qemu-io`, reads the whole
 * disk back through QEMU (an NBD export read by `qemu-img convert`, into
 * `QAPI_TS_READ_OUT`), quits QEMU and prints one JSON line of what it saw.
 *
 * When descriptors cannot be passed over the connection (Node; Deno without
 * `--allow-ffi`), it prints `{ "refused": MESSAGE, "name": ERROR_NAME }`.
 *
 * Environment: `QAPI_TS_QEMU` (the system emulator), `QAPI_TS_QEMU_DATA`
 * (its `-L` folder), `QAPI_TS_QEMU_IMG`, `QAPI_TS_IMAGE`, `QAPI_TS_NBD`
 * (a socket path for the export), `QAPI_TS_READ_OUT`, `QAPI_TS_FD_MODE`.
 *
 * @module
 */

import { execFileSync } from "node:child_process";
import { closeSync, openSync, readFileSync, readlinkSync } from "node:fs";
import process from "node:process";
import { inheritedFd, launch } from "../../lib/launch/launch.ts";
import { addFd } from "../../lib/launch/fd_passing.ts";

const env = (name: string) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const mode = env("QAPI_TS_FD_MODE");
const image = env("QAPI_TS_IMAGE");
const data = process.env.QAPI_TS_QEMU_DATA;

/** Thrown to end the script once a refusal is printed. */
const refused = new Error("refused");

const fd = openSync(image, "r+");
const devNull = openSync("/dev/null", "r");
const qmp = await launch({
  binary: env("QAPI_TS_QEMU"),
  extraArgs: data ? ["-L", data] : [],
  // With `launch`: the image in an fd set, /dev/null only inherited.
  fds: mode === "launch" ? [{ fd, opaque: "disk0 image" }, { fd: devNull, set: false }] : [],
});
try {
  let set: number;
  if (mode === "launch") {
    set = qmp.fds[0].set!;
  } else {
    try {
      set = (await addFd(qmp, fd, { opaque: "disk0 image" }))["fdset-id"];
    } catch (error) {
      const { name, message } = error as Error;
      process.stdout.write(JSON.stringify({ refused: message, name }) + "\n");
      throw refused;
    }
  }
  const fdsets = await qmp.execute("query-fdsets");
  await qmp.execute("blockdev-add", {
    driver: "qcow2",
    "node-name": "disk0",
    file: { driver: "file", filename: `/dev/fdset/${set}` },
  });
  const write = await qmp.execute("human-monitor-command", {
    "command-line": 'qemu-io disk0 "write -P 0x5a 0 4k"',
  });
  const nbd = env("QAPI_TS_NBD");
  await qmp.execute("nbd-server-start", { addr: { type: "unix", data: { path: nbd } } });
  await qmp.execute("block-export-add", { type: "nbd", id: "export0", "node-name": "disk0" });
  execFileSync(env("QAPI_TS_QEMU_IMG"), [
    "convert",
    "-f",
    "raw",
    "-O",
    "raw",
    `nbd+unix:///disk0?socket=${nbd}`,
    env("QAPI_TS_READ_OUT"),
  ]);
  const commandLine = readFileSync(`/proc/${qmp.pid}/cmdline`, "utf8").split("\0");
  // QEMU closes the descriptors of `-add-fd` once it has its own copies in the
  // sets; those it inherited without a set stay as they are.
  const inherited = qmp.fds.filter((passed) => passed.set === undefined)
    .map((passed) => readlinkSync(`/proc/${qmp.pid}/fd/${passed.fd}`));
  const inSets = fdsets.flatMap((fdset) =>
    fdset.fds.map((entry) => readlinkSync(`/proc/${qmp.pid}/fd/${entry.fd}`))
  );
  process.stdout.write(
    JSON.stringify({
      set,
      fds: qmp.fds,
      secondFd: inheritedFd(1),
      preopened: qmp.preopened,
      fdsets,
      write,
      commandLine,
      inherited,
      inSets,
    }) + "\n",
  );
} catch (error) {
  if (error !== refused) throw error;
} finally {
  await qmp.close();
  closeSync(fd);
  closeSync(devNull);
}

/**
 * A client process for the launch tests, run on Deno (`deno run -A`) and on
 * Node (from the built ESM copy). It launches QEMU (or qemu-storage-daemon
 * with `QAPI_TS_DAEMON=1`), prints one JSON line `{ pid, directory,
 * chardevs }` (the directory as QEMU names it), then
 * ends the way `QAPI_TS_MODE` says:
 *
 * - `end`: nothing more; the script ends without `close()`.
 * - `close`: `close()`, then the script ends.
 * - `exit`: `process.exit(3)` while connected.
 * - `throw`: an uncaught exception while connected.
 * - `wait`: stays alive (a timer) until it is signalled.
 * - `handler`: like `wait`, with its own SIGTERM handler that closes and exits with 7.
 * - `waitFor`: awaits a STOP event caused by an unreferenced timer, then ends.
 * - `iterate`: the same through `events()`.
 * - `exited`: awaits `exited` while an unreferenced timer makes QEMU quit.
 *
 * The binary comes from `QAPI_TS_QEMU`, the data directory (`-L`) from
 * `QAPI_TS_QEMU_DATA`.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import process from "node:process";
import { setTimeout as later } from "node:timers";
import { launch } from "../../lib/launch/launch.ts";
import { launchStorageDaemon } from "../../lib/storage/daemon.ts";

const mode = process.env.QAPI_TS_MODE ?? "end";
const binary = process.env.QAPI_TS_QEMU;
const data = process.env.QAPI_TS_QEMU_DATA;
const qmp = process.env.QAPI_TS_DAEMON === "1"
  ? await launchStorageDaemon({ binary })
  : await launch({ binary, extraArgs: data ? ["-L", data] : [] });

/**
 * The directory of the QMP socket as QEMU names it: on its command line, the
 * value of `path=` (or of the legacy `unix:` form) that ends in `qmp.sock`,
 * with QEMU's doubled commas undone; when QEMU inherited the socket
 * pre-opened (`fd=N`, no path on its command line), the socket QEMU reports
 * for its monitor's chardev (`unix:PATH,server=on`).
 */
function qemuDirectory(pid: number, chardevs: readonly { filename: string }[]): string {
  const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  for (const arg of args) {
    const match = /(?:^unix:|(?:^|,)path=)((?:[^,]|,,)*qmp\.sock)(?:,|$)/.exec(arg);
    if (match) {
      const socket = match[1].replaceAll(",,", ",");
      return socket.slice(0, socket.lastIndexOf("/"));
    }
  }
  for (const { filename } of chardevs) {
    const end = filename.lastIndexOf("/qmp.sock,");
    if (filename.startsWith("unix:") && end > 0) return filename.slice("unix:".length, end);
  }
  throw new Error(`no QMP socket on QEMU's command line nor among its chardevs: ${args.join(" ")}`);
}

const chardevs = await qmp.connection.call("query-chardev") as { filename: string }[];
const directory = qemuDirectory(qmp.pid, chardevs);
process.stdout.write(JSON.stringify({ pid: qmp.pid, directory, chardevs }) + "\n");

/** A timer that does not keep the process alive. */
const unreferenced = (milliseconds: number, run: () => void) => later(run, milliseconds).unref();

switch (mode) {
  case "end":
    break;
  case "close":
    await qmp.close();
    break;
  case "exit":
    process.exit(3);
    break;
  case "throw":
    later(() => {
      throw new Error("an uncaught exception");
    }, 10);
    break;
  case "wait":
    setInterval(() => {}, 1_000);
    break;
  case "handler":
    process.on("SIGTERM", async () => {
      await qmp.close();
      process.stdout.write("handled\n");
      process.exit(7);
    });
    setInterval(() => {}, 1_000);
    break;
  case "waitFor": {
    unreferenced(300, () => void qmp.execute("stop"));
    const event = await qmp.waitFor("STOP", { history: false });
    process.stdout.write(`${event.event}\n`);
    break;
  }
  case "iterate": {
    unreferenced(300, () => void qmp.execute("stop"));
    for await (const event of qmp.events()) {
      if (event.event === "STOP") {
        process.stdout.write(`${event.event}\n`);
        break;
      }
    }
    break;
  }
  case "exited":
    unreferenced(300, () => void qmp.execute("quit"));
    process.stdout.write(`${await qmp.exited}\n`);
    break;
  default:
    throw new Error(`unknown mode ${mode}`);
}

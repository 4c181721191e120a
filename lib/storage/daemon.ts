/**
 * qemu-storage-daemon: the block layer without an emulator, driven over the
 * same QMP protocol with its own schema (QSD).
 *
 * @module
 */

import type { Qsd10_2 } from "../../schemas/qsd/10.2.js";
import {
  launch,
  type LaunchedQmpClient,
  type LaunchOptions,
  qemuOptionValue,
} from "../launch/launch.ts";
import type { AcceptAll, CompatPolicy } from "../types/features.ts";
import type { Schema } from "../types/schema.ts";

/**
 * Starts `qemu-storage-daemon` with a QMP monitor on a socket in a fresh
 * private directory (`--chardev socket,… --monitor chardev=…`, the path
 * escaped) and returns a client typed by the QSD schema (default: QSD 10.2).
 * The lifecycle is `launch()`'s: the daemon dies with this process.
 *
 * @example
 * ```ts ignore
 * import { launchStorageDaemon } from "./daemon.ts";
 * await using qsd = await launchStorageDaemon();
 * await qsd.execute("blockdev-add", { driver: "null-co", "node-name": "n0" });
 * ```
 */
export function launchStorageDaemon<
  schema extends Schema = Qsd10_2,
  policy extends CompatPolicy = AcceptAll,
>(
  options: LaunchOptions = {},
): Promise<LaunchedQmpClient<schema, policy>> {
  return launch<schema, policy>({
    binary: "qemu-storage-daemon",
    args: [],
    monitorArgs: (socket) => [
      "--chardev",
      `socket,id=qmp,path=${qemuOptionValue(socket)},server=on,wait=off`,
      "--monitor",
      "chardev=qmp",
    ],
    ...options,
  });
}

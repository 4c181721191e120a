/**
 * qemu-storage-daemon: launch one with a private monitor, typed by the
 * storage daemon's schema (QSD).
 *
 * @example
 * ```ts ignore
 * import { launchStorageDaemon } from "./storage.ts";
 * await using qsd = await launchStorageDaemon();
 * await qsd.execute("blockdev-add", { driver: "null-co", "node-name": "n0" });
 * ```
 *
 * @module
 */

export { launchStorageDaemon } from "./lib/storage/daemon.ts";
export type { Qsd10_2 } from "./schemas/qsd/10.2.js";

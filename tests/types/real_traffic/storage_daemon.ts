/**
 * Real qemu-storage-daemon traffic: the replies to its read-only queries
 * (with a few nodes, a job and an export to report on) and the events of a
 * mirror job and an export, to check against the QSD schema of its release.
 *
 * @module
 */

import { launchStorageDaemon } from "../../../lib/storage/daemon.ts";
import { QmpError } from "../../../lib/protocol/errors.ts";
import type { RawEvent } from "../../../lib/protocol/events.ts";
import type { QemuBinaries } from "../../provision/qemu.ts";
import { type Check, type SchemaModule, type Statement, writeModule } from "../doc_examples.ts";

/** What the daemon sent. */
export interface StorageDaemonTraffic {
  /** Replies (`return`) and events (`data`), as checks for `writeQsdModule`. */
  readonly checks: readonly Check[];
  /** `COMMAND: ERROR-CLASS` for each query the daemon refused. */
  readonly refused: readonly string[];
  readonly events: readonly RawEvent[];
}

/** The commands of a vendored schema, with their arguments' optionality. */
type Commands = Record<string, { data?: Record<string, string | { optional?: boolean }> }>;

/** Queries (read-only by QEMU's naming) that take no required argument. */
function queriesOf(commands: Commands): string[] {
  return Object.entries(commands)
    .filter(([name, { data }]) =>
      /^(x-)?query-/.test(name) &&
      Object.values(data ?? {}).every((m) => typeof m === "object" && m.optional)
    )
    .map(([name]) => name);
}

/**
 * Starts qemu-storage-daemon (`binaries.storageDaemon`), gives it a few
 * nodes, a paused mirror job and an NBD export, asks every query of the
 * vendored QSD schema `commands`, then completes the job and deletes the
 * export; returns the replies and events as checks.
 *
 * @example
 * ```ts ignore
 * import { provision } from "../../provision/qemu.ts";
 * import { qsd10_0 } from "../../../schemas/qsd/10.0.js";
 * import { storageDaemonTraffic } from "./storage_daemon.ts";
 * const { checks } = await storageDaemonTraffic((await provision())["10.0"], qsd10_0.commands);
 * console.log(checks.length);
 * ```
 */
export async function storageDaemonTraffic(
  binaries: QemuBinaries,
  commands: object,
): Promise<StorageDaemonTraffic> {
  const directory = await Deno.makeTempDir({ prefix: "qapi-ts-qsd-" });
  try {
    await using qsd = await launchStorageDaemon({ binary: binaries.storageDaemon });
    const all = qsd.connection.events.listen();
    const call = (command: string, args?: Record<string, unknown>) =>
      qsd.connection.call(command, args);
    const until = (name: string) => qsd.connection.events.waitFor(name, { timeout: 10_000 });
    const size = 1 << 20;
    await Deno.writeFile(`${directory}/data.img`, new Uint8Array(size).fill(0x5a));
    await call("blockdev-add", {
      driver: "raw",
      "node-name": "source",
      file: { driver: "file", filename: `${directory}/data.img` },
    });
    await call("blockdev-add", { driver: "null-co", "node-name": "target", size });
    await call("blockdev-mirror", {
      "job-id": "mirror0",
      device: "source",
      target: "target",
      sync: "full",
    });
    await until("BLOCK_JOB_READY");
    await call("nbd-server-start", {
      addr: { type: "unix", data: { path: `${directory}/nbd.sock` } },
    });
    await call("block-export-add", { type: "nbd", id: "export0", "node-name": "source" });

    const checks: Check[] = [];
    const refused: string[] = [];
    for (const name of queriesOf(commands as Commands)) {
      try {
        checks.push({ key: `qsd reply ${name}`, kind: "reply", name, value: await call(name) });
      } catch (error) {
        if (!(error instanceof QmpError)) throw error;
        refused.push(`${name}: ${error.errorClass}`);
      }
    }

    await call("job-complete", { id: "mirror0" });
    await until("BLOCK_JOB_COMPLETED");
    await call("block-export-del", { id: "export0" });
    await until("BLOCK_EXPORT_DELETED");
    const events = all.clear();
    const perKind = new Map<string, number>();
    for (const event of events) {
      const n = (perKind.get(event.event) ?? 0) + 1;
      perKind.set(event.event, n);
      checks.push({
        key: `qsd event ${event.event} #${n}`,
        kind: "event",
        name: event.event,
        value: event.data,
      });
    }
    return { checks, refused, events };
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
}

/**
 * `writeModule` for the storage daemon's schema (`schemas/qsd/`): the same
 * module, its schema imported from there.
 *
 * @example
 * ```ts ignore
 * import { writeQsdModule } from "./storage_daemon.ts";
 * const check = { key: "r", kind: "reply", name: "query-jobs", value: [] } as const;
 * console.log(await writeQsdModule("10.0", [check], "qsd-10.0"));
 * ```
 */
export async function writeQsdModule(
  version: string,
  checks: readonly Check[],
  basename: string,
): Promise<{ path: string; statements: Statement[] }> {
  const schema: SchemaModule = { protocol: "qmp", version };
  const written = await writeModule(schema, checks, basename);
  // The header names the QMP schema; the lines stay where they are.
  const tag = version.replace(".", "_");
  const text = (await Deno.readTextFile(written.path))
    .replace(
      `import type { Qmp${tag} } from "../../schemas/qmp/`,
      `import type { Qsd${tag} } from "../../schemas/qsd/`,
    )
    .replaceAll(`Qmp${tag}`, `Qsd${tag}`);
  await Deno.writeTextFile(written.path, text);
  return written;
}

/**
 * Real events: QEMU started for real (a PC, no KVM, no guest OS) and made
 * to send as many kinds of event as the host alone can cause (the run
 * state, trays, USB unplug, block jobs and their errors, quorum, exports,
 * stream netdevs, VNC clients, dumps, migration), each event captured raw
 * from the connection's event stream.
 *
 * @module
 */

import type { RawEvent } from "../../../lib/protocol/events.ts";
import { launch, type LaunchedQmpClient } from "../../../lib/launch/launch.ts";
import type { QemuBinaries } from "../../provision/qemu.ts";
import { vncHandshake } from "./vnc.ts";
import { corruptQcow2 } from "./qcow2.ts";

/**
 * What a run of the scenarios gave: every event, and the steps that did not cause theirs.
 *
 * @example
 * ```ts
 * import type { ProvokedEvents } from "./events.ts";
 * const none: ProvokedEvents = { events: [], misses: ["system_reset: no RESET"] };
 * ```
 */
export interface ProvokedEvents {
  readonly events: readonly RawEvent[];
  /** `STEP: what went wrong`, for steps whose command failed or whose event never came. */
  readonly misses: readonly string[];
}

/** The PC the scenarios run on: devices whose state the host can change, and a VNC server. */
function machineArgs(directory: string): string[] {
  return [
    "-M",
    "pc",
    "-accel",
    "tcg",
    "-nodefaults",
    "-display",
    "none",
    "-no-shutdown",
    // Not started: a running vCPU would hold up work QEMU defers (10.0 deletes an unplugged
    // device later), and there is nothing for it to run.
    "-S",
    "-m",
    "64M",
    "-vnc",
    `unix:${directory}/vnc.sock`,
    "-device",
    "ide-cd,id=cd0,bus=ide.1",
    "-device",
    "qemu-xhci,id=xhci",
  ];
}

/** One step of a scenario: commands, then the event that shows they took effect. */
type Step = (qmp: Driver) => Promise<void>;

/** What the steps run against. */
interface Driver {
  readonly directory: string;
  readonly binaries: QemuBinaries;
  call(command: string, args?: Record<string, unknown>): Promise<unknown>;
  /** The next event named `name` (from the recent history too) that matches `where`. */
  until(name: string, where?: (data: Record<string, unknown>) => boolean): Promise<RawEvent>;
}

/** The size of every image: small, so that jobs end at once. */
const imageSize = 1 << 20;

/** A null-co node: a job's target, or a source of zeroes. */
function nullNode(name: string): Record<string, unknown> {
  return { driver: "null-co", "node-name": name, size: imageSize, "read-zeroes": true };
}

/**
 * A file node over a file of data in the scenario's folder: a job copies
 * it by reading and writing (zeroes it would only describe).
 */
async function dataNode(q: Driver, name: string): Promise<Record<string, unknown>> {
  const filename = `${q.directory}/${name}.img`;
  await Deno.writeFile(filename, new Uint8Array(imageSize).fill(0x5a));
  return { driver: "file", "node-name": name, filename };
}

/** A raw node over blkdebug over a data file, failing every read with EIO. */
async function failingNode(q: Driver, name: string): Promise<Record<string, unknown>> {
  return {
    driver: "raw",
    "node-name": name,
    file: {
      driver: "blkdebug",
      image: await dataNode(q, `${name}-image`),
      "inject-error": [{ event: "read_aio", errno: 5 }],
    },
  };
}

const steps: Record<string, Step> = {
  "cont and stop": async (q) => {
    await q.call("cont");
    await q.until("RESUME");
    await q.call("stop");
    await q.until("STOP");
  },
  "a migration to a command that discards it": async (q) => {
    await q.call("migrate-set-capabilities", {
      capabilities: [{ capability: "events", state: true }],
    });
    await q.call("migrate", { uri: "exec:cat >/dev/null" });
    await q.until("MIGRATION_PASS");
    const end = await q.until(
      "MIGRATION",
      (d) => d.status === "completed" || d.status === "failed",
    );
    if ((end.data as { status: string }).status === "failed") {
      const { "error-desc": why } = await q.call("query-migrate") as { "error-desc"?: string };
      throw new Error(`the migration failed: ${why}`);
    }
  },
  "system_reset": async (q) => {
    await q.call("system_reset");
    await q.until("RESET");
  },
  "system_powerdown": async (q) => {
    await q.call("system_powerdown");
    await q.until("POWERDOWN");
  },
  "the CD-ROM's tray opened and closed": async (q) => {
    await q.call("blockdev-open-tray", { id: "cd0" });
    await q.until("DEVICE_TRAY_MOVED", (d) => d["tray-open"] === true);
    await q.call("blockdev-close-tray", { id: "cd0" });
    await q.until("DEVICE_TRAY_MOVED", (d) => d["tray-open"] === false);
  },
  "a USB tablet plugged and unplugged": async (q) => {
    await q.call("device_add", { driver: "usb-tablet", id: "tablet0", bus: "xhci.0" });
    await q.call("device_del", { id: "tablet0" });
    await q.until("DEVICE_DELETED", (d) => d.device === "tablet0");
  },
  "a mirror job over a write threshold, completed": async (q) => {
    await q.call("blockdev-add", await dataNode(q, "mirror-src"));
    await q.call("blockdev-add", nullNode("mirror-dst"));
    await q.call("block-set-write-threshold", {
      "node-name": "mirror-dst",
      "write-threshold": 4096,
    });
    await q.call("blockdev-mirror", {
      "job-id": "mirror0",
      device: "mirror-src",
      target: "mirror-dst",
      sync: "full",
    });
    await q.until("BLOCK_JOB_READY", (d) => d.device === "mirror0");
    await q.until("BLOCK_WRITE_THRESHOLD");
    await q.call("job-complete", { id: "mirror0" });
    await q.until("BLOCK_JOB_COMPLETED", (d) => d.device === "mirror0");
  },
  "a backup job waiting to be finalized": async (q) => {
    await q.call("blockdev-add", nullNode("backup-src"));
    await q.call("blockdev-add", nullNode("backup-dst"));
    await q.call("blockdev-backup", {
      "job-id": "backup0",
      device: "backup-src",
      target: "backup-dst",
      sync: "full",
      "auto-finalize": false,
      "auto-dismiss": false,
    });
    await q.until("BLOCK_JOB_PENDING", (d) => d.id === "backup0");
    await q.call("job-finalize", { id: "backup0" });
    await q.until("BLOCK_JOB_COMPLETED", (d) => d.device === "backup0");
    await q.call("job-dismiss", { id: "backup0" });
    await q.until("JOB_STATUS_CHANGE", (d) => d.id === "backup0" && d.status === "null");
  },
  "a slow backup job paused, resumed and cancelled": async (q) => {
    // Big and limited to a byte a second: the job stalls after its first chunk.
    const big = { size: 64 * imageSize, "read-zeroes": false };
    await q.call("blockdev-add", { ...nullNode("slow-src"), ...big });
    await q.call("blockdev-add", { ...nullNode("slow-dst"), ...big });
    await q.call("blockdev-backup", {
      "job-id": "slow0",
      device: "slow-src",
      target: "slow-dst",
      sync: "full",
      speed: 1,
    });
    await q.call("job-pause", { id: "slow0" });
    await q.until("JOB_STATUS_CHANGE", (d) => d.id === "slow0" && d.status === "paused");
    await q.call("job-resume", { id: "slow0" });
    await q.call("job-cancel", { id: "slow0" });
    await q.until("BLOCK_JOB_CANCELLED", (d) => d.device === "slow0");
  },
  "a backup job reading a failing node": async (q) => {
    await q.call("blockdev-add", await failingNode(q, "failing-src"));
    await q.call("blockdev-add", nullNode("failing-dst"));
    await q.call("blockdev-backup", {
      "job-id": "failing0",
      device: "failing-src",
      target: "failing-dst",
      sync: "full",
      "on-source-error": "report",
    });
    await q.until("BLOCK_JOB_ERROR", (d) => d.device === "failing0");
    await q.until("BLOCK_JOB_COMPLETED", (d) => d.device === "failing0");
  },
  "quorums with one and with two failing children read by backup jobs": async (q) => {
    for (const [quorum, failing] of [["quorum-one", 1], ["quorum-two", 2]] as const) {
      const children: string[] = [];
      for (let i = 0; i < 3; i++) {
        const child = `${quorum}-child${i}`;
        children.push(child);
        await q.call(
          "blockdev-add",
          i < failing ? await failingNode(q, child) : await dataNode(q, child),
        );
      }
      await q.call("blockdev-add", {
        driver: "quorum",
        "node-name": quorum,
        "vote-threshold": 2,
        children,
      });
      await q.call("blockdev-add", nullNode(`${quorum}-dst`));
      await q.call("blockdev-backup", {
        "job-id": `${quorum}-backup`,
        device: quorum,
        target: `${quorum}-dst`,
        sync: "full",
      });
      await q.until("BLOCK_JOB_COMPLETED", (d) => d.device === `${quorum}-backup`);
    }
    await q.until("QUORUM_REPORT_BAD");
    await q.until("QUORUM_FAILURE");
  },
  "a corrupt qcow2 image read by a backup job": async (q) => {
    const image = `${q.directory}/corrupt.qcow2`;
    await corruptQcow2(q.binaries.img, image, imageSize);
    await q.call("blockdev-add", {
      driver: "qcow2",
      "node-name": "corrupt",
      file: { driver: "file", filename: image },
    });
    await q.call("blockdev-add", nullNode("corrupt-dst"));
    await q.call("blockdev-backup", {
      "job-id": "corrupt0",
      device: "corrupt",
      target: "corrupt-dst",
      sync: "full",
    });
    await q.until("BLOCK_IMAGE_CORRUPTED");
    await q.until("BLOCK_JOB_COMPLETED", (d) => d.device === "corrupt0");
  },
  "an NBD export added and deleted": async (q) => {
    await q.call("blockdev-add", nullNode("exported"));
    await q.call("nbd-server-start", {
      addr: { type: "unix", data: { path: `${q.directory}/nbd.sock` } },
    });
    await q.call("block-export-add", { type: "nbd", id: "export0", "node-name": "exported" });
    await q.call("block-export-del", { id: "export0" });
    await q.until("BLOCK_EXPORT_DELETED", (d) => d.id === "export0");
    await q.call("nbd-server-stop");
  },
  "a stream netdev's peer connected and gone": async (q) => {
    const path = `${q.directory}/stream.sock`;
    await q.call("netdev_add", {
      type: "stream",
      id: "stream0",
      server: true,
      addr: { type: "unix", path },
    });
    // 7.2 binds the socket after its reply.
    const peer = await connectSoon(path);
    await q.until("NETDEV_STREAM_CONNECTED");
    peer.close();
    await q.until("NETDEV_STREAM_DISCONNECTED");
  },
  "a VNC client connected, initialised and gone": async (q) => {
    const client = await Deno.connect({ transport: "unix", path: `${q.directory}/vnc.sock` });
    try {
      await vncHandshake(client);
      await q.until("VNC_INITIALIZED");
    } finally {
      client.close();
    }
    await q.until("VNC_CONNECTED");
    await q.until("VNC_DISCONNECTED");
  },
  "dump-guest-memory detached": async (q) => {
    await q.call("dump-guest-memory", {
      paging: false,
      protocol: `file:${q.directory}/memory.dump`,
      detach: true,
    });
    await q.until("DUMP_COMPLETED");
  },
};

/** Connects to a unix socket that is about to be bound. */
async function connectSoon(path: string): Promise<Deno.UnixConn> {
  for (let attempt = 0;; attempt++) {
    try {
      return await Deno.connect({ transport: "unix", path });
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound) || attempt === 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** How long a step waits for an event before it counts as not caused. */
const eventTimeout = 10_000;

/**
 * Runs every scenario against real QEMU of `binaries`; returns the events it sent.
 *
 * @example
 * ```ts ignore
 * import { provision } from "../../provision/qemu.ts";
 * import { provokeEvents } from "./events.ts";
 * const { events, misses } = await provokeEvents((await provision())["10.0"]);
 * console.log(new Set(events.map((e) => e.event)), misses);
 * ```
 */
export async function provokeEvents(binaries: QemuBinaries): Promise<ProvokedEvents> {
  const directory = await Deno.makeTempDir({ prefix: "qapi-ts-events-" });
  const misses: string[] = [];
  try {
    const qmp: LaunchedQmpClient = await launch({
      binary: binaries.system,
      args: machineArgs(directory),
      extraArgs: binaries.dataArgs,
    });
    const events = qmp.connection.events;
    const all = events.listen();
    const driver: Driver = {
      directory,
      binaries,
      call: (command, args) => qmp.connection.call(command, args),
      until: (name, where) =>
        events.waitFor(name, {
          timeout: eventTimeout,
          where: where && ((e) => where(e.data as Record<string, unknown>)),
        }),
    };
    try {
      for (const [name, step] of Object.entries(steps)) {
        try {
          await step(driver);
        } catch (error) {
          misses.push(`${name}: ${(error as Error).message}`);
        }
      }
      // Last: quitting sends SHUTDOWN before QEMU exits.
      const shutdown = events.waitFor("SHUTDOWN", { timeout: eventTimeout }).catch((error) => {
        misses.push(`quit: ${(error as Error).message}`);
      });
      await qmp.connection.call("quit").catch(() => {});
      await shutdown;
    } finally {
      await qmp.close();
    }
    return { events: all.clear(), misses };
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
}

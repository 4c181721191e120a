/**
 * Real events only a guest causes, caused by a few bytes of firmware
 * (`firmware.ts`) instead of a guest OS: each program runs in a PC of its
 * own (TCG), and the events it causes are captured raw.
 *
 * @module
 */

import { launch } from "../../../lib/launch/launch.ts";
import type { RawEvent } from "../../../lib/protocol/events.ts";
import type { QemuBinaries } from "../../provision/qemu.ts";
import { enablePowerManagement, firmware, x86 } from "./firmware.ts";
import type { ProvokedEvents } from "./events.ts";

/** A program, the devices and actions it needs, and what the host does while it runs. */
interface Scenario {
  readonly program: number[];
  readonly args?: readonly string[];
  /** The releases that have what it needs (default: all). */
  readonly since?: number;
  run(qmp: {
    call(command: string, args?: Record<string, unknown>): Promise<unknown>;
    until(name: string, where?: (data: Record<string, unknown>) => boolean): Promise<RawEvent>;
  }): Promise<void>;
}

/** The pvpanic device's port and its event bits. */
const pvpanic = { port: 0x505, panicked: 1, crashLoaded: 2, shutdown: 4 };
/** The PM1 control register (after `enablePowerManagement`): sleep enable and the sleep type. */
const pm1Control = { port: 0x604, sleep: (type: number) => 0x2000 | (type << 10) };
/** The PCI slot of the balloon device. */
const balloonSlot = 5;
/** A CMOS register no one else uses: the program's "done once" flag. */
const onceFlag = 0x7e;

const scenarios: Record<string, Scenario> = {
  "the clock set, a crash kernel loaded, a watchdog armed to expire at once": {
    program: [
      ...x86.cmosWrite(0, 0x30), // the seconds
      ...x86.out8(pvpanic.port, pvpanic.crashLoaded),
      ...x86.out8(0x443, 0x0f), // ib700: enable, with the shortest timeout (none)
    ],
    args: ["-device", "pvpanic", "-device", "ib700", "-action", "watchdog=pause"],
    run: async (q) => {
      await q.until("RTC_CHANGE");
      await q.until("GUEST_CRASHLOADED");
      await q.until("WATCHDOG");
    },
  },
  "a panic": {
    program: x86.out8(pvpanic.port, pvpanic.panicked),
    args: ["-device", "pvpanic"],
    run: async (q) => {
      await q.until("GUEST_PANICKED");
    },
  },
  "a shutdown reported through pvpanic": {
    program: x86.out8(pvpanic.port, pvpanic.shutdown),
    args: ["-device", "pvpanic"],
    since: 10,
    run: async (q) => {
      await q.until("GUEST_PVSHUTDOWN");
    },
  },
  "a reset through the keyboard controller": {
    program: x86.once(onceFlag, x86.out8(0x64, 0xfe)),
    run: async (q) => {
      await q.until("RESET", (d) => d.guest === true);
    },
  },
  "a balloon's size reported": {
    program: [
      // Its legacy I/O registers at 0xc000, enabled; the device's own registers after the
      // 20 bytes of the common ones: `num_pages`, then `actual`.
      ...x86.pciWrite32(balloonSlot, 0, 0x10, 0xc000),
      ...x86.pciWrite32(balloonSlot, 0, 0x04, 1),
      ...x86.out32(0xc000 + 20 + 4, 256),
    ],
    args: ["-device", `virtio-balloon-pci,disable-modern=on,addr=${balloonSlot}`],
    run: async (q) => {
      await q.until("BALLOON_CHANGE");
    },
  },
  "a memory slot's status reported through ACPI": {
    program: [
      // The memory hotplug registers: slot 0 selected, its _OST event (an eject request)
      // and status (a failure).
      ...x86.out32(0xa00, 0),
      ...x86.out32(0xa04, 3),
      ...x86.out32(0xa08, 1),
    ],
    args: [
      ...["-m", "16M,slots=1,maxmem=1G", "-object", "memory-backend-ram,id=mem0,size=128M"],
      ...["-device", "pc-dimm,id=dimm0,memdev=mem0"],
    ],
    run: async (q) => {
      await q.until("ACPI_DEVICE_OST");
    },
  },
  "a disk read failing": {
    program: [
      // The IDE function's I/O enabled, then READ SECTORS (PIO) of LBA 0 on the primary master.
      ...x86.pciWrite32(1, 1, 0x04, 1),
      ...x86.out8(0x1f6, 0xe0),
      ...x86.out8(0x1f2, 1),
      ...x86.out8(0x1f3, 0),
      ...x86.out8(0x1f4, 0),
      ...x86.out8(0x1f5, 0),
      ...x86.out8(0x1f7, 0x20),
    ],
    args: [
      "-blockdev",
      JSON.stringify({
        driver: "raw",
        "node-name": "failing",
        file: {
          driver: "blkdebug",
          image: { driver: "null-co", size: 1 << 20 },
          "inject-error": [{ event: "read_aio", errno: 5 }],
        },
      }),
      ...["-device", "ide-hd,drive=failing,bus=ide.0,id=disk0"],
    ],
    run: async (q) => {
      await q.until("BLOCK_IO_ERROR");
    },
  },
  "a suspend to RAM, woken up": {
    // After the wake-up the program runs again, and suspends again: harmless.
    program: [...enablePowerManagement, ...x86.out16(pm1Control.port, pm1Control.sleep(1))],
    run: async (q) => {
      await q.until("SUSPEND");
      await q.call("system_wakeup");
      await q.until("WAKEUP");
    },
  },
  "a suspend to disk": {
    program: [...enablePowerManagement, ...x86.out16(pm1Control.port, pm1Control.sleep(2))],
    run: async (q) => {
      await q.until("SUSPEND_DISK");
      await q.until("SHUTDOWN", (d) => d.guest === true);
    },
  },
};

/** How long a scenario waits for an event before it counts as not caused. */
const eventTimeout = 10_000;

/**
 * Runs every firmware scenario QEMU of `binaries` can run; returns the
 * events it sent.
 *
 * @example
 * ```ts ignore
 * import { provision } from "../../provision/qemu.ts";
 * import { provokeGuestEvents } from "./firmware_events.ts";
 * const { events, misses } = await provokeGuestEvents((await provision())["10.0"]);
 * console.log(new Set(events.map((e) => e.event)), misses);
 * ```
 */
export async function provokeGuestEvents(binaries: QemuBinaries): Promise<ProvokedEvents> {
  const directory = await Deno.makeTempDir({ prefix: "qapi-ts-firmware-" });
  const events: RawEvent[] = [];
  const misses: string[] = [];
  try {
    for (const [index, [name, scenario]] of Object.entries(scenarios).entries()) {
      if (scenario.since && Number(binaries.version.split(".")[0]) < scenario.since) continue;
      const bios = `${directory}/firmware-${index}.bin`;
      await Deno.writeFile(bios, firmware(scenario.program));
      const qmp = await launch({
        binary: binaries.system,
        args: [
          ...["-M", "pc", "-accel", "tcg", "-nodefaults", "-display", "none", "-no-shutdown"],
          ...["-m", "16M", "-bios", bios, ...(scenario.args ?? [])],
          // Started once connected: QEMU sends no events before the client's qmp_capabilities,
          // and the program runs at once.
          "-S",
        ],
        extraArgs: binaries.dataArgs,
      });
      const all = qmp.connection.events.listen();
      try {
        await qmp.connection.call("cont");
        await scenario.run({
          call: (command, args) => qmp.connection.call(command, args),
          until: (event, where) =>
            qmp.connection.events.waitFor(event, {
              timeout: eventTimeout,
              where: where && ((e) => where(e.data as Record<string, unknown>)),
            }),
        });
      } catch (error) {
        misses.push(`${name}: ${(error as Error).message}`);
      } finally {
        await qmp.close();
      }
      events.push(...all.clear());
    }
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
  return { events, misses };
}

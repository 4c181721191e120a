/**
 * What the launching process does for its launched QEMUs on its way out, and
 * for those of processes that died without a chance to.
 *
 * - On `exit`, and on SIGINT, SIGTERM and SIGHUP when nothing else handles
 *   them, the private directories of every running launch are removed at once
 *   (synchronously); the signal is then raised again with its default action,
 *   so the process ends as it would have (status 128 + the signal's number).
 *   QEMU itself ends through its watchdog, which sees the process go.
 * - A process killed outright (SIGKILL) runs no code: its watchdogs end QEMU
 *   and remove the directories. Were the watchdogs killed too (a whole
 *   process group or control group killed at once), the next `launch()`
 *   removes the directories whose owner process is gone ({@link reapStale}).
 *
 * Handlers are installed while at least one launch runs, and removed after.
 *
 * @module
 */

import { lstat, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { readFileSync, readlinkSync, rmSync } from "node:fs";
import { constants } from "node:os";
import process from "node:process";

/**
 * The prefix of every private directory `launch()` creates.
 *
 * @example
 * ```ts
 * import { directoryPrefix } from "./cleanup.ts";
 * import { mkdtemp } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * const directory = await mkdtemp(`${tmpdir()}/${directoryPrefix}`);
 * ```
 */
export const directoryPrefix = "qapi-ts-";
/** The file in a private directory that names the process that owns it. */
const ownerFile = "owner";
const handledSignals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

const directories = new Set<string>();

function removeAll(): void {
  for (const directory of directories) {
    try {
      rmSync(directory, { recursive: true, force: true });
    } catch {
      // Nothing more can be done on the way out; the watchdog tries again.
    }
  }
  directories.clear();
}

function onSignal(signal: (typeof handledSignals)[number]): void {
  // Another handler decides what the signal means; the exit handler still runs if it exits.
  if (process.listenerCount(signal) > 1) return;
  removeAll();
  uninstall();
  process.kill(process.pid, signal);
  // Where the default action cannot be restored, end with the conventional status.
  setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 1_000);
}

const signalHandlers = new Map(
  handledSignals.map((signal) => [signal, () => onSignal(signal)] as const),
);

function install(): void {
  process.on("exit", removeAll);
  for (const [signal, handler] of signalHandlers) {
    try {
      process.on(signal, handler);
    } catch {
      // A platform without this signal.
    }
  }
}

function uninstall(): void {
  process.off("exit", removeAll);
  for (const [signal, handler] of signalHandlers) process.off(signal, handler);
}

/**
 * Removes `directory` when the process exits or is ended by a signal, until
 * the returned function is called (then it stops doing so).
 *
 * @example
 * ```ts
 * import { removeOnExit } from "./cleanup.ts";
 * const forget = removeOnExit("/tmp/qapi-ts-example");
 * forget();
 * ```
 */
export function removeOnExit(directory: string): () => void {
  if (directories.size === 0) install();
  directories.add(directory);
  return () => {
    if (directories.delete(directory) && directories.size === 0) uninstall();
  };
}

/** The start time of process `pid` (a reused pid has another), or undefined when it is gone. */
function startTime(pid: number | "self"): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return undefined;
    throw error;
  }
  // Fields after the command name (which may hold spaces): state is field 3, start time 22.
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
}

/**
 * Who this process is, in a form that outlives it: its pid namespace, pid
 * and start time. Undefined where `/proc` does not tell (not Linux).
 */
function identity(): string | undefined {
  try {
    return `${readlinkSync("/proc/self/ns/pid")} ${process.pid} ${startTime("self")}`;
  } catch {
    return undefined;
  }
}

/**
 * Writes the owner file of a fresh private directory: the identity of this
 * process, which {@link reapStale} checks. Does nothing where processes
 * cannot be identified.
 *
 * @example
 * ```ts ignore
 * import { markOwner } from "./cleanup.ts";
 * await markOwner("/tmp/qapi-ts-Ab12Cd");
 * ```
 */
export async function markOwner(directory: string): Promise<void> {
  const self = identity();
  if (self) await writeFile(`${directory}/${ownerFile}`, self + "\n", { mode: 0o600 });
}

/**
 * Removes the private directories under `parent` left by processes that are
 * gone: directories named `qapi-ts-XXXXXX`, owned by this user, whose owner
 * file names a process of this pid namespace that no longer runs (no such
 * pid, or a pid reused by a process started at another time). A directory
 * without an owner file, or whose owner runs or cannot be checked, is kept.
 * Never fails.
 *
 * @example
 * ```ts ignore
 * import { reapStale } from "./cleanup.ts";
 * import { tmpdir } from "node:os";
 * await reapStale(tmpdir());
 * ```
 */
export async function reapStale(parent: string): Promise<void> {
  const self = identity();
  if (!self) return;
  const namespace = self.split(" ")[0];
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  for (const name of names) {
    if (!/^qapi-ts-[A-Za-z0-9]{6}$/.test(name)) continue;
    const directory = `${parent}/${name}`;
    try {
      const info = await lstat(directory);
      if (!info.isDirectory() || info.uid !== process.getuid?.()) continue;
      const owner = (await readFile(`${directory}/${ownerFile}`, "utf8")).trim().split(" ");
      if (owner.length !== 3 || owner[0] !== namespace) continue;
      const pid = Number(owner[1]);
      if (!Number.isSafeInteger(pid) || pid <= 0) continue;
      // Its owner still runs (or cannot be checked, which throws).
      if (startTime(pid) === owner[2] || directories.has(directory)) continue;
      await rm(directory, { recursive: true, force: true });
    } catch {
      // Not ours, not readable, or removed meanwhile: leave it.
    }
  }
}

/**
 * The watchdog that ends QEMU when the process that launched it goes,
 * however it goes (exit, signal, SIGKILL), on every QEMU version and on Deno
 * and Node alike, without native code.
 *
 * QEMU runs under a small POSIX `sh` script, in a session of its own. The
 * script's standard input is a pipe whose write end only the launching
 * process holds (runtimes open pipes close-on-exec, so no other child gets
 * it, and QEMU is given `/dev/null`). The kernel closes that end when the
 * process ends, for any reason; the script then reads end-of-file, sends
 * QEMU SIGTERM (a clean shutdown), SIGKILL after a grace period, and removes
 * the private directory once QEMU has exited. When QEMU exits first, the
 * script removes the directory and exits with QEMU's status. SIGINT, SIGTERM
 * or SIGHUP sent to the script itself are passed on to QEMU as SIGTERM.
 *
 * QEMU's command line reaches it as the script's positional parameters
 * (`"$@"`): the shell never parses it.
 *
 * Descriptors for QEMU to inherit (disk images, sockets, the monitor's
 * listening socket) are given to the script as descriptors 4, 5, … (3 is the
 * script's own copy of the pipe); the script never names them, so QEMU
 * inherits them as they are, whatever their number.
 *
 * (QEMU's own `-run-with exit-with-parent=on` is missing from QEMU 7.2 and
 * 10.0, and qemu-storage-daemon has no such option.)
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import { constants } from "node:os";
import process from "node:process";

const script = `
directory=$1 grace=$2
shift 2
exec 3<&0 </dev/null
"$@" 3<&- >/dev/null &
qemu=$!
echo "$qemu"
exec >/dev/null
(
  while read -r _ <&3; do :; done
  kill -TERM "$qemu" 2>/dev/null
  sleep "$grace" &
  sleeper=$!
  trap 'kill "$sleeper" 2>/dev/null; wait "$sleeper"; exit' TERM
  wait "$sleeper"
  kill -KILL "$qemu" 2>/dev/null
) 2>/dev/null &
watcher=$!
exec 3<&-
trap 'kill -TERM "$qemu" 2>/dev/null' INT TERM HUP
while :; do
  wait "$qemu"
  status=$?
  [ "$status" -gt 128 ] && kill -0 "$qemu" 2>/dev/null || break
done
kill -TERM "$watcher" 2>/dev/null
rm -rf -- "$directory"
exit "$status"
`;

/**
 * The first descriptor number QEMU inherits from `watch()`'s `inherited`
 * list: the list's descriptors become 4, 5, … in QEMU, in order.
 *
 * @example
 * ```ts
 * import { firstInheritedFd } from "./watchdog.ts";
 * console.log(firstInheritedFd); // 4
 * ```
 */
export const firstInheritedFd = 4;

/**
 * A QEMU process under its watchdog.
 *
 * @example
 * ```ts ignore
 * import { watch, type Watched } from "./watchdog.ts";
 * const qemu: Watched = watch("qemu-system-x86_64", ["-M", "none"], "/tmp/qapi-ts-Ab12Cd", "5");
 * console.log(await qemu.exited, qemu.stderr());
 * ```
 */
export interface Watched {
  /** The watchdog (`/bin/sh`); its standard input is the pipe it watches. */
  readonly watchdog: ChildProcess;
  /** QEMU's pid, once the watchdog has started it. */
  readonly pid: Promise<number>;
  /**
   * Resolves once QEMU has exited and the watchdog removed the directory:
   * QEMU's exit code, or the name of the signal that ended it.
   */
  readonly exited: Promise<number | string>;
  /**
   * QEMU's error output so far: all of it up to 64 KiB, else its first and
   * last 32 KiB with the number of bytes left out between them.
   */
  stderr(): string;
  /** Resolves once QEMU's error output has ended, or a second after QEMU exited. */
  readonly stderrEnded: Promise<void>;
}

/**
 * Keeps the first and the last `size` bytes of an output, however long it
 * runs: QEMU's fatal error is its last line, and may follow a flood of
 * warnings or trace lines (`-trace`), which must neither hide it nor grow
 * memory.
 */
class OutputKeeper {
  readonly #size: number;
  readonly #head: Uint8Array;
  #headLength = 0;
  readonly #tail: Uint8Array[] = [];
  #tailLength = 0;
  #omitted = 0;

  constructor(size: number) {
    this.#size = size;
    this.#head = new Uint8Array(size);
  }

  add(chunk: Uint8Array): void {
    const intoHead = Math.min(chunk.length, this.#size - this.#headLength);
    this.#head.set(chunk.subarray(0, intoHead), this.#headLength);
    this.#headLength += intoHead;
    if (intoHead === chunk.length) return;
    this.#tail.push(chunk.slice(intoHead));
    this.#tailLength += chunk.length - intoHead;
    while (this.#tailLength > this.#size) {
      const excess = this.#tailLength - this.#size;
      const first = this.#tail[0]!; // The tail holds more than `excess` bytes.
      if (first.length <= excess) {
        this.#tail.shift();
        this.#tailLength -= first.length;
        this.#omitted += first.length;
      } else {
        this.#tail[0] = first.subarray(excess);
        this.#tailLength -= excess;
        this.#omitted += excess;
      }
    }
  }

  text(): string {
    const bytes = new Uint8Array(this.#headLength + this.#tailLength);
    bytes.set(this.#head.subarray(0, this.#headLength));
    let offset = this.#headLength;
    for (const chunk of this.#tail) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    const decode = (from: number, to = bytes.length) =>
      new TextDecoder().decode(bytes.subarray(from, to));
    // Decoded whole when nothing was left out: no character is split.
    if (!this.#omitted) return decode(0);
    const cut = `\n[… ${this.#omitted} bytes left out …]\n`;
    return decode(0, this.#headLength) + cut + decode(this.#headLength);
  }
}

const signalNames = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name]));

/**
 * Starts `binary` with `args` under a watchdog that removes `directory` once
 * QEMU has exited, and ends QEMU (SIGTERM, then SIGKILL after
 * `grace` seconds) when this process goes. QEMU inherits the descriptors of
 * `inherited` as `firstInheritedFd`, `firstInheritedFd + 1`, … (each must be
 * open, and listed once).
 *
 * @example
 * ```ts ignore
 * import { watch } from "./watchdog.ts";
 * const qemu = watch("qemu-system-x86_64", ["-M", "none"], "/tmp/qapi-ts-Ab12Cd", "5");
 * console.log(await qemu.pid);
 * ```
 */
export function watch(
  binary: string,
  args: readonly string[],
  directory: string,
  grace: string,
  inherited: readonly number[] = [],
): Watched {
  // Descriptor 3 is left closed for the script's copy of the pipe.
  const stdio = ["pipe", "pipe", "pipe", ...(inherited.length ? ["ignore", ...inherited] : [])];
  const watchdog = spawn(
    "/bin/sh",
    ["-c", script, "qapi-ts-watchdog", directory, grace, binary, ...args],
    { stdio: stdio as ("pipe" | "ignore" | number)[], detached: true },
  );
  const stderr = new OutputKeeper(32 << 10);
  watchdog.stderr?.on("data", (chunk: Uint8Array) => stderr.add(chunk));
  let spawnError = "";
  let qemuPid = 0;
  const exited = new Promise<number | string>((resolve) => {
    watchdog.once("exit", (code, signal) => {
      if (signal !== null) {
        // The watchdog itself was killed: QEMU may run on, unwatched.
        if (qemuPid) {
          try {
            process.kill(qemuPid, "SIGKILL");
          } catch {
            // Already gone.
          }
        }
        resolve(signal);
      } else if (code !== null && code > 128 && signalNames.has(code - 128)) {
        resolve(signalNames.get(code - 128)!);
      } else resolve(code ?? -1);
    });
    watchdog.once("error", (error) => {
      spawnError = error.message;
      resolve(-1);
    });
  });
  const pid = new Promise<number>((resolve, reject) => {
    let line = "";
    watchdog.stdout?.on("data", (chunk: Uint8Array) => {
      line += new TextDecoder().decode(chunk);
      if (line.includes("\n")) {
        qemuPid = Number(line.trim());
        resolve(qemuPid);
      }
    });
    exited.then(() => reject(new Error("the watchdog exited before it started QEMU")));
  });
  pid.catch(() => {});
  const stderrEnded = new Promise<void>((resolve) => {
    watchdog.stderr?.once("close", () => resolve());
    exited.then(() => setTimeout(resolve, 1_000).unref?.());
  });
  // A process QEMU left behind (a script's child, an `ifup` script's daemon)
  // may hold the pipes open after QEMU has exited: they are let go then, so
  // they neither keep this process alive nor hold its descriptors.
  stderrEnded.then(() => {
    watchdog.stdout?.destroy();
    watchdog.stderr?.destroy();
  });
  return { watchdog, pid, exited, stderr: () => stderr.text() + spawnError, stderrEnded };
}

/**
 * `launch()`: starts a QEMU binary with a QMP socket in a fresh private
 * directory and returns a connected, typed client that quits QEMU (and kills
 * it if it lingers) and removes the directory on close.
 *
 * The lifecycle:
 *
 * - QEMU dies with the launching process, however that ends (exit, an
 *   uncaught exception, a signal, SIGKILL): it runs under a watchdog that
 *   sees the process go (see `watchdog.ts`).
 * - The private directory is removed on close, when QEMU exits, and when the
 *   process exits or is ended by SIGINT, SIGTERM or SIGHUP (see
 *   `cleanup.ts`); after SIGKILL, by the watchdog.
 * - A launched client keeps the process alive only while something awaits
 *   it: a call, `waitFor`, a listener's `wait()` or `for await`, `exited`,
 *   `closed`, `close()`. A script that forgets `close()` ends when it has
 *   nothing left to do, and QEMU with it.
 *
 * Uses `node:` modules only, so it runs the same on Deno and Node (on a
 * system with `/bin/sh`).
 *
 * @module
 */

import { chmod, mkdtemp, rm } from "node:fs/promises";
import { connect as netConnect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
import { connect, QmpClient, type QmpOptions } from "../client/qmp.ts";
import type { Connection } from "../protocol/connection.ts";
import { startTimer, timeoutProblem } from "../protocol/options.ts";
import type { AcceptAll, CompatPolicy } from "../schema/features.ts";
import type { Schema } from "../schema/schema.ts";
import { fromDuplex } from "../transport/transport.ts";
import { directoryPrefix, markOwner, reapStale, removeOnExit } from "./cleanup.ts";
import { watch } from "./watchdog.ts";

/**
 * Options of `launch`.
 *
 * @example
 * ```ts
 * import type { LaunchOptions } from "./launch.ts";
 * const options: LaunchOptions = { binary: "qemu-system-x86_64", args: ["-m", "64"] };
 * ```
 */
export interface LaunchOptions extends QmpOptions {
  /** The QEMU binary. Default `qemu-system-x86_64` (from `PATH`). */
  readonly binary?: string;
  /**
   * The arguments before the QMP socket's. Default: no guest, nothing
   * attached: `-M none -nodefaults -display none`.
   */
  readonly args?: readonly string[];
  /** Extra arguments after the defaults (e.g. `-L DIR`). */
  readonly extraArgs?: readonly string[];
  /** Milliseconds to wait for QEMU to listen on its socket. Default 15 000. */
  readonly startTimeout?: number;
  /**
   * Milliseconds QEMU gets to quit before it is killed: after `close()`
   * asks it to, and after the launching process has gone (when it is sent
   * SIGTERM first). Default 5 000.
   */
  readonly quitTimeout?: number;
  /**
   * The arguments that put a QMP server on the unix socket `socket` (a path,
   * as is: escape it with `qemuOptionValue` inside an option string).
   * Default `-chardev socket,id=qapi-ts-qmp,path=SOCKET,server=on,wait=off
   * -mon chardev=qapi-ts-qmp,mode=control` (the system emulator's form).
   */
  readonly monitorArgs?: (socket: string) => readonly string[];
}

/**
 * Escapes a value for a QEMU option string (`key=value,key=value`): QEMU
 * reads a doubled comma as a comma, and a single one as the end of the value,
 * so a path holding `,wait=on` would otherwise add an option. Use it for
 * every value that comes from outside (paths, names) in `-chardev`,
 * `-blockdev`, `-drive`, `--export` and the like.
 *
 * @example
 * ```ts
 * import { qemuOptionValue } from "./launch.ts";
 * const path = "/tmp/x,wait=on/disk.qcow2";
 * const drive = `file=${qemuOptionValue(path)},format=qcow2`;
 * console.log(drive); // file=/tmp/x,,wait=on/disk.qcow2,format=qcow2
 * ```
 */
export function qemuOptionValue(value: string): string {
  return value.replaceAll(",", ",,");
}

const monitorId = "qapi-ts-qmp";
const systemMonitorArgs = (socket: string) => [
  "-chardev",
  `socket,id=${monitorId},path=${qemuOptionValue(socket)},server=on,wait=off`,
  "-mon",
  `chardev=${monitorId},mode=control`,
];

/**
 * The default arguments: a machine with nothing in it, no display.
 *
 * @example
 * ```ts
 * import { defaultQemuArgs, type LaunchOptions } from "./launch.ts";
 * const options: LaunchOptions = { args: [...defaultQemuArgs, "-m", "64"] };
 * ```
 */
export const defaultQemuArgs: readonly string[] = ["-M", "none", "-nodefaults", "-display", "none"];

/** Keeps the process alive while at least one promise it holds is pending. */
class KeepAlive {
  #count = 0;
  #timer?: ReturnType<typeof setInterval>;

  hold<value>(promise: Promise<value>): Promise<value> {
    if (this.#count++ === 0) this.#timer = setInterval(() => {}, 1 << 30);
    const release = () => {
      if (--this.#count === 0) clearInterval(this.#timer);
    };
    promise.then(release, release);
    return promise;
  }
}

/**
 * Makes everything that awaits the connection hold the process: calls,
 * `waitFor`, and a listener's `wait()` and `next()` (`for await`).
 */
function holdWhileAwaited(connection: Connection, keepAlive: KeepAlive): void {
  const call = connection.call.bind(connection);
  connection.call = (command, args, options) => keepAlive.hold(call(command, args, options));
  const events = connection.events;
  const waitFor = events.waitFor.bind(events);
  events.waitFor = (name, options) => keepAlive.hold(waitFor(name, options));
  const listen = events.listen.bind(events);
  events.listen = (names, options) => {
    const listener = listen(names, options);
    const next = listener.next.bind(listener);
    listener.next = () => keepAlive.hold(next());
    const wait = listener.wait.bind(listener);
    listener.wait = (waitOptions) => keepAlive.hold(wait(waitOptions));
    return listener;
  };
}

/** Connects to a unix socket; rejects with the error (`ENOENT`, `ECONNREFUSED`, …). */
function connectUnix(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ path });
    const onError = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.once("error", onError);
    socket.once("connect", () => {
      socket.off("error", onError);
      resolve(socket);
    });
  });
}

const delay = (milliseconds: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/** What a launched client holds of its process. */
interface Launched {
  readonly pid: number;
  readonly directory: string;
  readonly exited: Promise<number | string>;
  readonly keepAlive: KeepAlive;
  readonly close: () => Promise<void>;
}

/**
 * A client of a launched QEMU; `close()` also ends the process and removes
 * its private directory. It keeps the process alive only while something
 * awaits it (a call, an event, `exited`, `closed`, `close()`); when the
 * process ends, QEMU ends too.
 *
 * @example
 * ```ts ignore
 * import { launch } from "./launch.ts";
 * await using qmp = await launch();
 * console.log(qmp.pid, qmp.version, qmp.directory);
 * ```
 */
export class LaunchedQmpClient<
  schema extends Schema = Qmp10_2,
  policy extends CompatPolicy = AcceptAll,
> extends QmpClient<schema, policy> {
  #launched?: Launched;

  /** @internal Attaches the process and its cleanup. */
  attach(launched: Launched): void {
    this.#launched = launched;
  }

  /** The QEMU process id. */
  get pid(): number {
    return this.#launched?.pid ?? 0;
  }

  /**
   * The private directory (mode 0700) that holds the QMP socket `qmp.sock`;
   * removed once QEMU has exited.
   */
  get directory(): string {
    return this.#launched?.directory ?? "";
  }

  /**
   * Resolves with QEMU's exit code (or the name of the signal that ended it)
   * once it has exited and its directory is removed. Awaiting it keeps the
   * process alive until then.
   */
  get exited(): Promise<number | string> {
    const launched = this.#launched;
    return launched ? launched.keepAlive.hold(launched.exited) : Promise.resolve(0);
  }

  /** Resolves when the connection has closed, with the reason; awaiting it keeps the process alive. */
  override get closed(): Promise<string> {
    const closed = super.closed;
    return this.#launched ? this.#launched.keepAlive.hold(closed) : closed;
  }

  /** Quits QEMU (kills it if it lingers), closes the connection, removes the directory. */
  override async close(): Promise<void> {
    if (this.#launched) await this.#launched.close();
    else await super.close();
  }
}

/**
 * Starts QEMU and connects to it. Arguments are passed as an array, never
 * parsed by a shell; paths inside option strings are escaped. Rejects with
 * QEMU's own error output when it fails to start.
 *
 * QEMU dies with this process (exit, uncaught exception, signal, SIGKILL),
 * and the private directory is removed; an idle client does not keep the
 * process alive. See the module's documentation for the whole lifecycle.
 *
 * @example
 * ```ts ignore
 * import { launch } from "./launch.ts";
 * await using qmp = await launch({ extraArgs: ["-m", "64"] });
 * await qmp.execute("stop");
 * ```
 */
export async function launch<
  schema extends Schema = Qmp10_2,
  policy extends CompatPolicy = AcceptAll,
>(
  options: LaunchOptions = {},
): Promise<LaunchedQmpClient<schema, policy>> {
  const startTimeout = options.startTimeout ?? 15_000;
  const quitTimeout = options.quitTimeout ?? 5_000;
  const problem = timeoutProblem("startTimeout", startTimeout) ??
    timeoutProblem("quitTimeout", quitTimeout);
  if (problem) throw problem;

  const parent = tmpdir();
  await reapStale(parent);
  // A private directory (0700) holds the socket, so no other user can reach it.
  const directory = await mkdtemp(join(parent, directoryPrefix));
  const forget = removeOnExit(directory);
  const removeDirectory = () => {
    forget();
    return rm(directory, { recursive: true, force: true });
  };
  try {
    await chmod(directory, 0o700);
    await markOwner(directory);
  } catch (error) {
    await removeDirectory();
    throw error;
  }

  const socket = join(directory, "qmp.sock");
  const binary = options.binary ?? "qemu-system-x86_64";
  const args = [
    ...(options.args ?? defaultQemuArgs),
    ...(options.extraArgs ?? []),
    ...(options.monitorArgs ?? systemMonitorArgs)(socket),
  ];
  const grace = quitTimeout === Infinity ? "2147483647" : (quitTimeout / 1000).toFixed(3);
  const qemu = watch(binary, args, directory, grace);
  let hasExited = false;
  let pid = 0;
  qemu.exited.then(() => {
    hasExited = true;
    removeDirectory().catch(() => {});
  });
  qemu.pid.then((value) => (pid = value), () => {});
  /** Kills QEMU, which the watchdog has not reaped yet (it exits right after). */
  const kill = () => {
    if (pid && !hasExited) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  };
  /** Ends QEMU at once (a failed start). */
  const abandon = async () => {
    if (pid) kill();
    else qemu.watchdog.stdin?.destroy(); // No pid yet: the watchdog ends QEMU.
    await qemu.exited;
    await removeDirectory();
  };

  // QEMU creates the socket file with bind() and accepts connections only
  // after listen(): until then connecting fails with ENOENT, then ECONNREFUSED.
  const deadline = Date.now() + startTimeout;
  let stream: Socket;
  for (;;) {
    if (hasExited) {
      await qemu.stderrEnded;
      await removeDirectory();
      throw new Error(
        `${binary} exited (${await qemu.exited}) before it listened on its QMP socket: ${
          qemu.stderr().trim() || "(no output)"
        }`,
      );
    }
    try {
      stream = await connectUnix(socket);
      break;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== "ENOENT" && code !== "ECONNREFUSED") {
        await abandon();
        throw error;
      }
    }
    if (Date.now() > deadline) {
      await abandon();
      throw new Error(`${binary} did not listen on its QMP socket within ${startTimeout} ms`);
    }
    await delay(10);
  }

  let client: QmpClient<schema, policy>;
  try {
    await chmod(socket, 0o600);
    pid = await qemu.pid;
    // Strict mode is enabled on the launched client below, which keeps the schema.
    client = await connect<schema, policy>(fromDuplex(stream), { ...options, strict: false });
  } catch (error) {
    stream.destroy();
    await abandon();
    throw error;
  }
  // Re-home the negotiated connection in the launched client class.
  const launched = new LaunchedQmpClient<schema, policy>(
    client.connection,
    client.version,
    client.capabilities,
    client.enabled,
  );
  const connection = launched.connection;
  const keepAlive = new KeepAlive();
  let closing: Promise<void> | undefined;
  launched.attach({
    pid,
    directory,
    exited: qemu.exited,
    keepAlive,
    close: () =>
      closing ??= keepAlive.hold((async () => {
        if (!hasExited && !connection.isClosed) {
          await connection.call("quit", undefined, { timeout: 2_000 }).catch(() => {});
        }
        const cancel = startTimer(quitTimeout, kill);
        await qemu.exited;
        cancel();
        connection.close();
        qemu.watchdog.stdin?.destroy();
        await removeDirectory();
      })()),
  });
  if (options.strict) {
    try {
      await launched.enableStrict(options.policy, options.validateReplies);
    } catch (error) {
      await launched.close();
      throw error;
    }
  }
  // From here on, only what awaits the client holds the process (see KeepAlive).
  holdWhileAwaited(connection, keepAlive);
  for (const handle of [stream, qemu.watchdog, ...qemu.watchdog.stdio]) {
    (handle as { unref?: () => void } | null)?.unref?.();
  }
  return launched;
}

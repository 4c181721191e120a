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
 * Descriptors (`fds`): QEMU inherits descriptors this process opened (a
 * disk image, a tap device, a socket), each put in an fd set with `-add-fd`
 * so that `/dev/fdset/N` names it where QEMU takes a file name. The monitor's
 * socket is pre-opened as libvirt does it: this process binds and listens on
 * it and QEMU inherits the listening descriptor (`-chardev socket,fd=N`), so
 * the client connects at once instead of polling for the socket file.
 *
 * Uses `node:` modules only, so it runs the same on Deno and Node (on a
 * system with `/bin/sh`): both run times' `node:child_process` give a child
 * extra descriptors through `stdio` (Deno's own `Deno.Command` cannot), and
 * both expose a `node:net` server's listening descriptor.
 *
 * @module
 */

import { fstatSync } from "node:fs";
import { chmod, link, mkdtemp, rename, rm } from "node:fs/promises";
import { connect as netConnect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
import { connect, QmpClient, type QmpOptions } from "../client/qmp.ts";
import type { Connection } from "../protocol/connection.ts";
import { startTimer, timeoutProblem } from "../protocol/options.ts";
import type { AcceptAll, CompatPolicy } from "../types/features.ts";
import type { Schema } from "../types/schema.ts";
import { fromDuplex } from "../transport/transport.ts";
import { directoryPrefix, markOwner, reapStale, removeOnExit } from "./cleanup.ts";
import { firstInheritedFd, watch } from "./watchdog.ts";

/**
 * A descriptor for QEMU to inherit (`launch({ fds })`).
 *
 * @example
 * ```ts
 * import { openSync } from "node:fs";
 * import type { PassedFd } from "./launch.ts";
 * const disk: PassedFd = { fd: openSync("/dev/null", "r+"), set: 1, opaque: "disk0" };
 * ```
 */
export interface PassedFd {
  /**
   * The descriptor, open in this process: on Deno and Node alike, from
   * `node:fs` (`openSync(path, "r+")`, `(await open(path, "r+")).fd`).
   * This process keeps it; close it when QEMU no longer needs it (QEMU has
   * its own copy).
   */
  readonly fd: number;
  /**
   * The fd set QEMU adds it to (`-add-fd fd=N,set=S`): `/dev/fdset/S` then
   * names it in a file name (`blockdev-add` with `driver: "file"`,
   * `filename: "/dev/fdset/S"`). Default: a set of its own, the lowest id
   * (from 0) no other entry names. `false`: no fd set, QEMU only inherits it,
   * as number `inheritedFd(i)` (`i` its index in `fds`), for options that take
   * a number, such as `-netdev tap,fd=N`; the system emulator's `-add-fd`
   * is the only option `launch` adds for `fds`, so the storage daemon takes
   * `set: false` entries only.
   */
  readonly set?: number | false;
  /** Text QEMU keeps with it in the set (`opaque=`), shown by `query-fdsets`. */
  readonly opaque?: string;
}

/**
 * A descriptor QEMU inherited, as a launched client reports it.
 *
 * @example
 * ```ts ignore
 * import { launch } from "./launch.ts";
 * import { openSync } from "node:fs";
 * await using qmp = await launch({ fds: [{ fd: openSync("disk.qcow2", "r+") }] });
 * const [{ set, fd }] = qmp.fds; // set 0, QEMU's descriptor 4
 * console.log(set, fd);
 * ```
 */
export interface InheritedFd {
  /** The descriptor's number in QEMU (as passed to `-add-fd fd=`). */
  readonly fd: number;
  /** The fd set it was added to, or undefined for `set: false`. */
  readonly set?: number;
  /** Its `opaque` text. */
  readonly opaque?: string;
}

/**
 * The number QEMU gives the `index`-th entry of `launch({ fds })`: 4, 5, …
 * (entries that repeat a descriptor share the number of its first entry).
 * Use it on the command line for options that take a descriptor's number.
 *
 * @example
 * ```ts ignore
 * import { openSync } from "node:fs";
 * import { inheritedFd, launch } from "./launch.ts";
 * const tap = openSync("/dev/net/tun", "r+"); // set up with TUNSETIFF beforehand
 * await using qmp = await launch({
 *   fds: [{ fd: tap, set: false }],
 *   extraArgs: ["-netdev", `tap,id=net0,fd=${inheritedFd(0)}`],
 * });
 * ```
 */
export function inheritedFd(index: number): number {
  return firstInheritedFd + index;
}

/**
 * Options of `launch`: those of `connect` but `reconnect` (a launched QEMU's
 * client ends with that QEMU), and these.
 *
 * @example
 * ```ts
 * import type { LaunchOptions } from "./launch.ts";
 * const options: LaunchOptions = { binary: "qemu-system-x86_64", args: ["-m", "64"] };
 * ```
 */
export interface LaunchOptions extends Omit<QmpOptions, "reconnect"> {
  /** The QEMU binary. Default `qemu-system-x86_64` (from `PATH`). */
  readonly binary?: string;
  /**
   * The arguments before the QMP socket's. Default: no guest, nothing
   * attached: `-M none -nodefaults -display none`.
   */
  readonly args?: readonly string[];
  /** Extra arguments after the defaults (e.g. `-L DIR`). */
  readonly extraArgs?: readonly string[];
  /**
   * Milliseconds to wait for QEMU to listen on its socket (with a pre-opened
   * socket: to start and greet on it). Default 15 000.
   */
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
   * Used when the socket is not pre-opened (see `preopenMonitor`).
   */
  readonly monitorArgs?: (socket: string) => readonly string[];
  /**
   * The arguments that put a QMP server on the pre-opened listening socket
   * QEMU inherits as descriptor `fd`. Default `-chardev
   * socket,id=qapi-ts-qmp,fd=FD,server=on,wait=off -mon
   * chardev=qapi-ts-qmp,mode=control`. When only `monitorArgs` is given,
   * the socket is not pre-opened.
   */
  readonly monitorFdArgs?: (fd: number) => readonly string[];
  /**
   * Pre-open the monitor's socket, as libvirt does: this process binds and
   * listens on it and QEMU inherits the listening descriptor, so the client
   * connects at once and reads the greeting when QEMU is ready, with no
   * polling for the socket file. Where the run time does not expose a
   * server's descriptor, QEMU binds the socket itself and the client polls
   * (see `LaunchedQmpClient.preopened`). Default true (false when only
   * `monitorArgs` is given).
   */
  readonly preopenMonitor?: boolean;
  /**
   * Descriptors QEMU inherits, each added to an fd set with `-add-fd` (the
   * system emulator's option) unless its `set` is `false`. They are QEMU's
   * descriptors 4, 5, … (`inheritedFd(i)`); `LaunchedQmpClient.fds` lists them.
   */
  readonly fds?: readonly PassedFd[];
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

/**
 * The longest unix socket path, in bytes, that binds and connects on both run
 * times (`sun_path` holds 108 bytes; Deno wants a terminating NUL in them).
 */
const maxSocketPath = 107;

const monitorId = "qapi-ts-qmp";
const systemMonitorArgs = (socket: string) => [
  "-chardev",
  `socket,id=${monitorId},path=${qemuOptionValue(socket)},server=on,wait=off`,
  "-mon",
  `chardev=${monitorId},mode=control`,
];
const systemMonitorFdArgs = (fd: number) => [
  "-chardev",
  `socket,id=${monitorId},fd=${fd},server=on,wait=off`,
  "-mon",
  `chardev=${monitorId},mode=control`,
];

/** What `fds` gives QEMU: the distinct descriptors in order, the `-add-fd` arguments, the report. */
interface FdPlan {
  readonly inherited: readonly number[];
  readonly args: readonly string[];
  readonly fds: readonly InheritedFd[];
}

/** Checks `fds` and numbers its descriptors as QEMU will see them. */
function planFds(passed: readonly PassedFd[]): FdPlan {
  const inherited: number[] = [];
  const taken = new Set<number>();
  passed.forEach(({ fd, set }, i) => {
    if (!Number.isInteger(fd) || fd < 0) {
      throw new TypeError(`fds[${i}].fd must be a descriptor (an integer, 0 or more), not ${fd}`);
    }
    try {
      fstatSync(fd);
    } catch {
      throw new TypeError(`fds[${i}].fd (${fd}) is not an open descriptor of this process`);
    }
    if (set !== undefined && set !== false && (!Number.isInteger(set) || set < 0)) {
      throw new TypeError(`fds[${i}].set must be an integer, 0 or more, or false, not ${set}`);
    }
    if (typeof set === "number") taken.add(set);
  });
  let next = 0;
  const args: string[] = [];
  const fds = passed.map(({ fd, set, opaque }): InheritedFd => {
    let index = inherited.indexOf(fd);
    if (index < 0) index = inherited.push(fd) - 1;
    const qemuFd = firstInheritedFd + index;
    if (set === false) return opaque === undefined ? { fd: qemuFd } : { fd: qemuFd, opaque };
    if (set === undefined) {
      while (taken.has(next)) next++;
      set = next;
      taken.add(set);
    }
    args.push(
      "-add-fd",
      `fd=${qemuFd},set=${set}${opaque === undefined ? "" : `,opaque=${qemuOptionValue(opaque)}`}`,
    );
    return opaque === undefined ? { fd: qemuFd, set } : { fd: qemuFd, set, opaque };
  });
  return { inherited, args, fds };
}

/**
 * Binds and listens on `path` with a `node:net` server and returns its
 * descriptor, or undefined when the run time does not expose it (the server
 * is closed then). The server is not meant to accept: `release()` closes it
 * once QEMU has inherited the descriptor, and keeps the socket file (a
 * closed `node:net` server unlinks it, so it is linked under a second name
 * first and renamed back).
 */
async function preopen(
  path: string,
): Promise<{ fd: number; release: () => Promise<void> } | undefined> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  const fd = (server as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  if (typeof fd !== "number" || !Number.isInteger(fd) || fd < 0) {
    await close();
    await rm(path, { force: true });
    return undefined;
  }
  const kept = `${path}.bound`;
  try {
    await chmod(path, 0o600);
    await link(path, kept);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    fd,
    release: async () => {
      await close();
      await rename(kept, path);
    },
  };
}

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
  readonly fds: readonly InheritedFd[];
  readonly preopened: boolean;
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
   * The descriptors QEMU inherited (`launch({ fds })`), in the order given:
   * QEMU's number for each and its fd set.
   */
  get fds(): readonly InheritedFd[] {
    return this.#launched?.fds ?? [];
  }

  /**
   * Whether QEMU was given its monitor socket pre-opened (a listening
   * descriptor) rather than binding it itself.
   */
  get preopened(): boolean {
    return this.#launched?.preopened ?? false;
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
    timeoutProblem("quitTimeout", quitTimeout) ??
    timeoutProblem("greetingTimeout", options.greetingTimeout ?? 10_000);
  if (problem) throw problem;
  for (const name of ["args", "extraArgs"] as const) {
    const value: unknown = options[name];
    // A string would reach QEMU spread into characters ("-: invalid option").
    if (
      value !== undefined &&
      (!Array.isArray(value) || value.some((arg) => typeof arg !== "string" || arg.includes("\0")))
    ) {
      throw new TypeError(
        `${name} must be an array of strings without NUL, not ${JSON.stringify(value)}`,
      );
    }
  }
  if ((options as QmpOptions).reconnect) {
    throw new TypeError(
      "launch() does not reconnect: its client ends with the QEMU it started " +
        "(reconnect is for connect() and listenQmp().accept())",
    );
  }

  const plan = planFds(options.fds ?? []);

  const parent = tmpdir();
  // The socket's path must fit a unix socket address, or binding and
  // connecting fail with a bare EINVAL: say why, and what to do, instead.
  const longest = join(parent, `${directoryPrefix}XXXXXX`, "qmp.sock");
  const length = new TextEncoder().encode(longest).length;
  if (length > maxSocketPath) {
    throw new Error(
      `the QMP socket's path, ${longest}, would be ${length} bytes long, more than the ` +
        `${maxSocketPath} a unix socket's path can hold: set TMPDIR to a shorter directory`,
    );
  }
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
  const preopenWanted = options.preopenMonitor ??
    (options.monitorFdArgs !== undefined || options.monitorArgs === undefined);
  let listener: Awaited<ReturnType<typeof preopen>>;
  try {
    listener = preopenWanted ? await preopen(socket) : undefined;
  } catch (error) {
    await removeDirectory();
    throw error;
  }
  const inherited = [...plan.inherited, ...(listener ? [listener.fd] : [])];
  const args = [
    ...(options.args ?? defaultQemuArgs),
    ...(options.extraArgs ?? []),
    ...plan.args,
    ...(listener
      ? (options.monitorFdArgs ?? systemMonitorFdArgs)(firstInheritedFd + plan.inherited.length)
      : (options.monitorArgs ?? systemMonitorArgs)(socket)),
  ];
  const grace = quitTimeout === Infinity ? "2147483647" : (quitTimeout / 1000).toFixed(3);
  let qemu: ReturnType<typeof watch>;
  try {
    qemu = watch(binary, args, directory, grace, inherited);
  } catch (error) {
    // Deno's spawn throws here for a descriptor it cannot pass.
    await listener?.release();
    await removeDirectory();
    throw error;
  }
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
  /** The error of a QEMU that exited before it served its monitor. */
  const exitedError = async () => {
    await qemu.stderrEnded;
    await removeDirectory();
    return new Error(
      `${binary} exited (${await qemu.exited}) before it listened on its QMP socket: ${
        qemu.stderr().trim() || "(no output)"
      }`,
    );
  };
  const exitedEarly = qemu.exited.then(() => undefined);
  /**
   * The error to report for a failed start: QEMU's exit when it exits (a
   * bad option, a missing binary: its socket and directory go with it),
   * else `error`, QEMU ended.
   */
  const failure = async (error: unknown) => {
    const exited = await Promise.race([exitedEarly.then(() => true), delay(1_000)]);
    if (exited) return await exitedError();
    await abandon();
    return error;
  };

  let stream: Socket;
  if (listener) {
    // QEMU has its copy of the listening socket: this process lets go of its
    // own, so that only QEMU accepts, and connects at once; the connection
    // waits in the socket's backlog until QEMU accepts it and greets.
    try {
      await listener.release();
      stream = await connectUnix(socket);
    } catch (error) {
      throw await failure(error);
    }
  } else {
    // QEMU creates the socket file with bind() and accepts connections only
    // after listen(): until then connecting fails with ENOENT, then ECONNREFUSED.
    const deadline = Date.now() + startTimeout;
    for (;;) {
      if (hasExited) throw await exitedError();
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
  }

  let client: QmpClient<schema, policy>;
  try {
    if (!listener) await chmod(socket, 0o600);
    // Strict mode is enabled on the launched client below, which keeps the schema.
    const greetingTimeout = (listener ? startTimeout : 0) + (options.greetingTimeout ?? 10_000);
    const deadline = Date.now() + greetingTimeout;
    // With a pre-opened socket the connection is made while QEMU starts, and
    // QEMU 10.0 now and then greets such an early connection but never
    // answers on it (about one launch in 300 here). A handshake that has not
    // finished in `patience` is retried on a fresh connection (QEMU serves
    // the next once the first closes), with growing patience, until the
    // deadline. Without a pre-opened socket QEMU is up before the client
    // connects, and one attempt is made.
    for (let patience = 2_000;; patience *= 2) {
      const connecting = connect<schema, policy>(fromDuplex(stream), {
        ...options,
        strict: false,
        greetingTimeout,
      });
      connecting.catch(() => {});
      // A QEMU that exits before it greets (a bad option) closes the socket
      // too; its exit is the error to report, whichever is seen first.
      const waits: Promise<QmpClient<schema, policy> | undefined | "retry">[] = [
        connecting,
        exitedEarly,
      ];
      let timer: ReturnType<typeof setTimeout> | undefined;
      if (listener && Date.now() + patience < deadline) {
        waits.push(new Promise((resolve) => timer = setTimeout(() => resolve("retry"), patience)));
      }
      let first: Awaited<typeof waits[number]>;
      try {
        first = await Promise.race(waits);
      } catch (error) {
        // QEMU closes a connection it accepts while it still serves the one
        // given up on just before: connect again, until the deadline.
        if (
          !listener || hasExited || Date.now() >= deadline ||
          (error as Error).name !== "ConnectionClosedError"
        ) throw error;
        first = "retry";
      } finally {
        clearTimeout(timer);
      }
      if (first === "retry") {
        stream.destroy();
        await delay(20);
        stream = await connectUnix(socket);
        continue;
      }
      if (first === undefined) throw new Error("exited");
      client = first;
      break;
    }
    pid = await qemu.pid;
  } catch (error) {
    stream.destroy();
    throw await failure(error);
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
    fds: plan.fds,
    preopened: listener !== undefined,
    close: () =>
      closing ??= keepAlive.hold((async () => {
        // QEMU's time to quit runs from the request: one that hangs never
        // answers `quit`, and waiting for the answer first would add to it.
        const cancel = startTimer(quitTimeout, kill);
        if (!hasExited && !connection.isClosed) {
          await connection.call("quit", undefined, { timeout: quitTimeout }).catch(() => {});
        }
        await qemu.exited;
        cancel();
        connection.close();
        qemu.watchdog.stdin?.destroy();
        await removeDirectory();
      })()),
  });
  if (options.strict) {
    try {
      // Part of starting: bounded as the greeting is (a QEMU that stops answering fails the launch).
      await launched.enableStrict(options.policy, options.validateReplies, {
        timeout: options.greetingTimeout ?? 10_000,
      });
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

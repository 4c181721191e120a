/**
 * Passing descriptors to a running QEMU over its monitor connection, as
 * libvirt does: the descriptor travels as `SCM_RIGHTS` ancillary data on the
 * unix socket (`sendmsg(2)`), and `add-fd` (an fd set, for `/dev/fdset/N`
 * file names) or `getfd` (a name, for options such as `netdev_add`'s `fd`)
 * takes it.
 *
 * Neither `node:net` nor Deno's sockets send ancillary data, so this calls
 * `sendmsg` in the C library through Deno's FFI. It needs Deno with
 * `--allow-ffi` (and `--allow-read` to find the connection's descriptor in
 * `/proc/self/fd`), on 64-bit Linux; anywhere else every function here
 * rejects with an `FdPassingError` that says so, and `launch({ fds })` is the
 * way to give QEMU descriptors (it works on Deno and Node, without FFI).
 *
 * How: the descriptor is sent with a single space, which QEMU's JSON reader
 * skips between messages; QEMU keeps the last descriptors it received on the
 * connection until a command takes them, and the command (`add-fd`,
 * `getfd`) is then sent as any other. One descriptor is passed at a time per
 * client. Other calls may run meanwhile, but none that takes a descriptor.
 *
 * @example
 * ```ts ignore
 * import { openSync } from "node:fs";
 * import { launch } from "./launch.ts";
 * import { addFd } from "./fd_passing.ts";
 * await using qmp = await launch();
 * const { "fdset-id": set } = await addFd(qmp, openSync("disk.qcow2", "r+"));
 * await qmp.execute("blockdev-add", {
 *   driver: "qcow2",
 *   "node-name": "disk0",
 *   file: { driver: "file", filename: `/dev/fdset/${set}` },
 * });
 * ```
 *
 * @module
 */

import type { Connection } from "../protocol/connection.ts";

/**
 * Descriptors cannot be passed over a live connection here: the run time has
 * no FFI (Node), FFI is not permitted (Deno without `--allow-ffi`), the
 * system is not 64-bit Linux, or the connection's socket was not found.
 *
 * @example
 * ```ts
 * import { FdPassingError } from "./fd_passing.ts";
 * const error = new FdPassingError("needs --allow-ffi");
 * console.log(error.name, error.message);
 * ```
 */
export class FdPassingError extends Error {
  /** `"FdPassingError"`. */
  override name = "FdPassingError";
}

/**
 * The client a descriptor is passed to: anything with the QMP connection
 * (every `QmpClient`), and the private directory of a launched one, whose
 * socket is `DIRECTORY/qmp.sock`.
 *
 * @example
 * ```ts ignore
 * import type { FdPassingClient } from "./fd_passing.ts";
 * import { launch } from "./launch.ts";
 * const client: FdPassingClient = await launch();
 * ```
 */
export interface FdPassingClient {
  /** The QMP connection. */
  readonly connection: Connection;
  /** A launched client's private directory (holds `qmp.sock`). */
  readonly directory?: string;
}

/**
 * Where the connection's socket is, when the client does not say: the
 * socket path it connected to (its peer's name), or the descriptor itself.
 *
 * @example
 * ```ts
 * import type { SocketOptions } from "./fd_passing.ts";
 * const options: SocketOptions = { path: "/run/qemu/vm1.qmp" };
 * ```
 */
export interface SocketOptions {
  /**
   * The unix socket path the client connected to (a launched client's is
   * known). The connection is the one socket of this process whose peer
   * has that name.
   */
  readonly path?: string;
  /** The connection's socket descriptor in this process, when the caller knows it. */
  readonly socketFd?: number;
}

/** The FFI part of Deno's API used here, typed structurally (Node has none). */
interface DenoFfi {
  readonly build: { readonly os: string; readonly arch: string };
  readonly permissions: {
    querySync(descriptor: { name: "ffi" | "read"; path?: string }): { state: string };
  };
  /** Opening a library that lacks one of `symbols` throws. */
  dlopen<name extends string>(
    path: string,
    symbols: Record<name, { parameters: string[]; result: string }>,
  ): { symbols: Record<name, (...args: unknown[]) => unknown>; close(): void };
  readonly UnsafePointer: {
    of(value: ArrayBufferView): unknown;
    value(pointer: unknown): number | bigint;
  };
  readonly UnsafePointerView: new (pointer: unknown) => { getInt32(offset?: number): number };
  readDirSync(path: string): Iterable<{ name: string }>;
  readLinkSync(path: string): string;
}

const deno = (globalThis as { Deno?: DenoFfi }).Deno;

/** The C library's functions, opened once. */
interface Libc {
  sendmsg(fd: number, message: Uint8Array, flags: number): number;
  getpeername(fd: number, address: Uint8Array, length: Uint8Array): number;
  errno(): number;
}

let libc: Libc | undefined;

const libraryNames = ["libc.so.6", "libc.musl-x86_64.so.1", "libc.musl-aarch64.so.1", "libc.so"];

/** Opens the C library through FFI, or throws `FdPassingError` saying why it cannot. */
function openLibc(): Libc {
  if (libc) return libc;
  if (!deno || typeof deno.dlopen !== "function") {
    throw new FdPassingError(
      "passing a descriptor over a live QMP connection needs Deno's FFI (sendmsg(2) with " +
        "SCM_RIGHTS), which this run time lacks; give QEMU descriptors at start instead: " +
        "launch({ fds })",
    );
  }
  if (deno.build.os !== "linux" || !["x86_64", "aarch64"].includes(deno.build.arch)) {
    throw new FdPassingError(
      `passing a descriptor over a live QMP connection is done on 64-bit Linux only, not on ` +
        `${deno.build.os} ${deno.build.arch}; use launch({ fds })`,
    );
  }
  if (deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
    throw new FdPassingError(
      "passing a descriptor over a live QMP connection calls sendmsg(2) through Deno's FFI: " +
        "run with --allow-ffi (or give QEMU descriptors at start with launch({ fds }))",
    );
  }
  const symbols = {
    sendmsg: { parameters: ["i32", "buffer", "i32"], result: "isize" },
    getpeername: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
    __errno_location: { parameters: [], result: "pointer" },
  };
  let opened:
    | { symbols: Record<keyof typeof symbols, (...args: unknown[]) => unknown> }
    | undefined;
  const problems: string[] = [];
  for (const name of libraryNames) {
    try {
      opened = deno.dlopen(name, symbols);
      break;
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message}`);
    }
  }
  if (!opened) {
    throw new FdPassingError(`no C library could be opened: ${problems.join("; ")}`);
  }
  const call = opened.symbols;
  libc = {
    sendmsg: (fd, message, flags) => Number(call["sendmsg"](fd, message, flags)),
    getpeername: (fd, address, length) => Number(call["getpeername"](fd, address, length)),
    errno: () => new deno.UnsafePointerView(call["__errno_location"]()).getInt32(0),
  };
  return libc;
}

const AF_UNIX = 1;
const SOL_SOCKET = 1;
const SCM_RIGHTS = 1;
const MSG_DONTWAIT = 0x40;
const MSG_NOSIGNAL = 0x4000;
const EINTR = 4;
const EAGAIN = 11;

const address = (view: ArrayBufferView) =>
  BigInt(deno!.UnsafePointer.value(deno!.UnsafePointer.of(view)));

/** The path a unix socket's peer is bound to, or undefined (not a unix socket, unnamed peer). */
function peerPath(c: Libc, fd: number): string | undefined {
  const sockaddr = new Uint8Array(128);
  const length = new Uint8Array(8);
  new DataView(length.buffer).setUint32(0, 110, true);
  if (c.getpeername(fd, sockaddr, length) !== 0) return undefined;
  const view = new DataView(sockaddr.buffer);
  if (view.getUint16(0, true) !== AF_UNIX) return undefined;
  const size = Math.min(new DataView(length.buffer).getUint32(0, true), 110);
  let end = 2;
  while (end < size && sockaddr[end] !== 0) end++;
  return end > 2 ? new TextDecoder().decode(sockaddr.subarray(2, end)) : undefined;
}

/** The descriptor of the client's connection in this process. */
function findSocket(c: Libc, client: FdPassingClient, options: SocketOptions): number {
  if (options.socketFd !== undefined) {
    if (!Number.isInteger(options.socketFd) || options.socketFd < 0) {
      throw new TypeError(`socketFd must be a descriptor, not ${options.socketFd}`);
    }
    return options.socketFd;
  }
  const path = options.path ?? (client.directory ? `${client.directory}/qmp.sock` : undefined);
  if (path === undefined) {
    throw new FdPassingError(
      "the connection's socket is unknown: give the socket path it connected to ({ path }) " +
        "or its descriptor ({ socketFd })",
    );
  }
  if (deno!.permissions.querySync({ name: "read", path: "/proc/self/fd" }).state !== "granted") {
    throw new FdPassingError(
      "finding the connection's socket reads /proc/self/fd: run with --allow-read " +
        "(or give its descriptor: { socketFd })",
    );
  }
  const found: number[] = [];
  for (const entry of deno!.readDirSync("/proc/self/fd")) {
    const fd = Number(entry.name);
    let target: string;
    try {
      target = deno!.readLinkSync(`/proc/self/fd/${entry.name}`);
    } catch {
      continue; // Closed meanwhile (the listing's own descriptor).
    }
    if (target.startsWith("socket:") && peerPath(c, fd) === path) found.push(fd);
  }
  if (found.length !== 1) {
    throw new FdPassingError(
      found.length
        ? `${found.length} sockets of this process are connected to ${path} (descriptors ` +
          `${found.join(", ")}): say which is the client's ({ socketFd })`
        : `no socket of this process is connected to ${path}`,
    );
  }
  return found[0]!; // The only one, as checked above.
}

/**
 * Sends `fds` with one space over the socket `socket` (`sendmsg` with
 * `SCM_RIGHTS`), retrying while the socket's buffer is full.
 */
async function sendRights(c: Libc, socket: number, fds: readonly number[]): Promise<void> {
  const data = new Uint8Array(64);
  data[0] = 0x20;
  const iovec = new Uint8Array(64);
  const iov = new DataView(iovec.buffer);
  iov.setBigUint64(0, address(data), true);
  iov.setBigUint64(8, 1n, true);
  // struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; int fds[]; }, 8-aligned.
  const controlLength = 16 + Math.ceil((4 * fds.length) / 8) * 8;
  const control = new Uint8Array(Math.max(64, controlLength));
  const cmsg = new DataView(control.buffer);
  cmsg.setBigUint64(0, BigInt(16 + 4 * fds.length), true);
  cmsg.setInt32(8, SOL_SOCKET, true);
  cmsg.setInt32(12, SCM_RIGHTS, true);
  fds.forEach((fd, i) => cmsg.setInt32(16 + 4 * i, fd, true));
  // struct msghdr { name, namelen, iov, iovlen, control, controllen, flags } (64-bit layout).
  const message = new Uint8Array(64);
  const header = new DataView(message.buffer);
  header.setBigUint64(16, address(iovec), true);
  header.setBigUint64(24, 1n, true);
  header.setBigUint64(32, address(control), true);
  header.setBigUint64(40, BigInt(controlLength), true);
  for (let attempt = 0;; attempt++) {
    const sent = c.sendmsg(socket, message, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent === 1) return;
    const errno = c.errno();
    if (sent < 0 && (errno === EAGAIN || errno === EINTR) && attempt < 200) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      continue;
    }
    throw new FdPassingError(
      sent < 0
        ? `sendmsg(2) on descriptor ${socket} failed (errno ${errno})`
        : `sendmsg(2) on descriptor ${socket} sent ${sent} bytes, not 1`,
    );
  }
}

/** Per client: the end of the last passing, so that one runs at a time. */
const queues = new WeakMap<object, Promise<unknown>>();

/** Runs `task` after the client's previous passing has ended. */
function serialised<value>(client: FdPassingClient, task: () => Promise<value>): Promise<value> {
  const previous = queues.get(client.connection) ?? Promise.resolve();
  const next = previous.then(task, task);
  queues.set(client.connection, next.catch(() => {}));
  return next;
}

/** Checks the descriptors to pass. */
function checkFds(fds: readonly number[]): void {
  if (!fds.length) throw new TypeError("no descriptor to pass");
  if (fds.length > 253) throw new TypeError(`at most 253 descriptors at once, not ${fds.length}`);
  for (const fd of fds) {
    if (!Number.isInteger(fd) || fd < 0) {
      throw new TypeError(`a descriptor is an integer, 0 or more, not ${fd}`);
    }
  }
}

/**
 * Sends descriptors over the client's monitor connection, where QEMU keeps
 * them until a command takes them (`add-fd`, `getfd`): prefer `addFd` and
 * `getFd`, which send and take in one step. Rejects with `FdPassingError`
 * when the run time cannot (see the module's documentation).
 *
 * @example
 * ```ts ignore
 * import { openSync } from "node:fs";
 * import { launch } from "./launch.ts";
 * import { sendFds } from "./fd_passing.ts";
 * await using qmp = await launch();
 * await sendFds(qmp, [openSync("/dev/null", "r")]);
 * await qmp.execute("getfd", { fdname: "null0" });
 * ```
 */
export function sendFds(
  client: FdPassingClient,
  fds: readonly number[],
  options: SocketOptions = {},
): Promise<void> {
  try {
    checkFds(fds);
    const c = openLibc();
    return serialised(client, () => send(c, client, fds, options));
  } catch (error) {
    return Promise.reject(error);
  }
}

async function send(
  c: Libc,
  client: FdPassingClient,
  fds: readonly number[],
  options: SocketOptions,
): Promise<void> {
  if (client.connection.isClosed) throw new FdPassingError("the connection is closed");
  await sendRights(c, findSocket(c, client, options), fds);
}

/**
 * What `add-fd` answers: the fd set the descriptor went into and its number
 * in QEMU.
 *
 * @example
 * ```ts
 * import type { AddedFd } from "./fd_passing.ts";
 * const added: AddedFd = { "fdset-id": 1, fd: 25 };
 * ```
 */
export interface AddedFd {
  /** The fd set: `/dev/fdset/ID` names it. */
  readonly "fdset-id": number;
  /** QEMU's descriptor. */
  readonly fd: number;
}

/**
 * Passes a descriptor to QEMU and adds it to an fd set (`add-fd`): a given
 * set, or a new one QEMU numbers. `/dev/fdset/ID` then names it where QEMU
 * takes a file name. Rejects with `FdPassingError` when the run time cannot
 * pass descriptors (Node, Deno without `--allow-ffi`), and with QEMU's error
 * (`QmpError`) when QEMU refuses.
 *
 * @example
 * ```ts ignore
 * import { openSync } from "node:fs";
 * import { launch } from "./launch.ts";
 * import { addFd } from "./fd_passing.ts";
 * await using qmp = await launch();
 * const added = await addFd(qmp, openSync("disk.img", "r+"), { opaque: "disk0" });
 * console.log(added["fdset-id"], added.fd);
 * ```
 */
export function addFd(
  client: FdPassingClient,
  fd: number,
  options: SocketOptions & { readonly fdsetId?: number; readonly opaque?: string } = {},
): Promise<AddedFd> {
  try {
    checkFds([fd]);
    const c = openLibc();
    return serialised(client, async () => {
      await send(c, client, [fd], options);
      const args = {
        ...(options.fdsetId === undefined ? {} : { "fdset-id": options.fdsetId }),
        ...(options.opaque === undefined ? {} : { opaque: options.opaque }),
      };
      return await client.connection.call("add-fd", args) as AddedFd;
    });
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Passes a descriptor to QEMU under a name (`getfd`), for commands that take
 * a descriptor's name (`netdev_add` with `fd`, `add_client`, migration to
 * `fd:NAME`). Rejects as `addFd` does.
 *
 * @example
 * ```ts ignore
 * import { openSync } from "node:fs";
 * import { launch } from "./launch.ts";
 * import { getFd } from "./fd_passing.ts";
 * await using qmp = await launch();
 * await getFd(qmp, openSync("/dev/null", "r"), "null0");
 * await qmp.execute("closefd", { fdname: "null0" });
 * ```
 */
export function getFd(
  client: FdPassingClient,
  fd: number,
  name: string,
  options: SocketOptions = {},
): Promise<void> {
  try {
    checkFds([fd]);
    const c = openLibc();
    return serialised(client, async () => {
      await send(c, client, [fd], options);
      await client.connection.call("getfd", { fdname: name });
    });
  } catch (error) {
    return Promise.reject(error);
  }
}

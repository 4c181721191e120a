/**
 * The byte channel under a protocol connection, and its implementations:
 * over `Deno.connect` when running on Deno (unix socket or TCP), over
 * `node:net` sockets elsewhere, and over any open Node duplex stream. The
 * protocol above is the same whichever carries it.
 *
 * @module
 */

import { connect as netConnect, type Socket } from "node:net";
import { connectTls, type TlsOptions } from "./tls.ts";

/**
 * A connected byte channel.
 *
 * @example
 * ```ts ignore
 * import { connectSocket } from "./transport.ts";
 * const transport = await connectSocket("/run/qemu/qmp.sock");
 * transport.onData((chunk) => console.log(chunk.length));
 * ```
 */
export interface Transport {
  /**
   * Sends text or bytes, in order. Returns false when the channel's buffer is
   * full (the peer reads slower than we write): the caller then waits for
   * `onDrain` before writing more. A transport without `onDrain` is never
   * waited for.
   */
  write(data: string | Uint8Array): boolean | void;
  /** Closes the channel; `onClose` handlers run once. */
  close(): void;
  /**
   * Called with each chunk of bytes as it arrives. The chunk is only valid
   * during the call: a transport may read the next bytes into the same
   * memory, so a handler copies what it keeps.
   */
  onData(handler: (chunk: Uint8Array) => void): void;
  /** Called once when the channel closes, from either side, with the reason. */
  onClose(handler: (reason: string) => void): void;
  /** Called whenever a full buffer has emptied (after `write` returned false). */
  onDrain?(handler: () => void): void;
}

/**
 * Where to connect: a unix socket path, a TCP address (with `tls` for a
 * monitor served over TLS), or an already open duplex stream (a Node
 * `Duplex`/`Socket`).
 *
 * @example
 * ```ts
 * import type { Target } from "./transport.ts";
 * const targets: Target[] = ["/tmp/qmp.sock", { host: "127.0.0.1", port: 4444 }];
 * ```
 */
export type Target =
  | string
  | { readonly host: string; readonly port: number; readonly tls?: TlsOptions }
  | DuplexLike;

/**
 * The part of a Node duplex stream a transport uses.
 *
 * @example
 * ```ts ignore
 * import type { DuplexLike } from "./transport.ts";
 * import { Socket } from "node:net";
 * const stream: DuplexLike = new Socket();
 * ```
 */
export interface DuplexLike {
  /** Writes text or bytes; `false` when the stream's buffer is full (then `drain` follows). */
  write(data: string | Uint8Array): unknown;
  /** Closes the stream. */
  destroy(): unknown;
  /** Bytes arrived. */
  on(event: "data", handler: (chunk: Uint8Array) => void): unknown;
  /** The stream closed. */
  on(event: "close", handler: () => void): unknown;
  /** The stream failed (a `close` follows). */
  on(event: "error", handler: (error: Error) => void): unknown;
  /** A full buffer has emptied. */
  on(event: "drain", handler: () => void): unknown;
}

/**
 * Wraps an open duplex stream as a transport.
 *
 * @example
 * ```ts ignore
 * import { fromDuplex } from "./transport.ts";
 * import { Socket } from "node:net";
 * const transport = fromDuplex(new Socket());
 * ```
 */
export function fromDuplex(stream: DuplexLike): Transport {
  const closeHandlers: ((reason: string) => void)[] = [];
  let closed = false;
  let closedFor: string | undefined;
  let lastError = "peer closed the connection";
  const finish = (reason: string) => {
    if (closed) return;
    closed = true;
    closedFor = reason;
    for (const handler of closeHandlers) handler(reason);
  };
  stream.on("error", (error) => (lastError = error.message));
  stream.on("close", () => finish(lastError));
  return {
    // Node streams return false once their buffer passes the high-water mark.
    write: (data) => closed || stream.write(data) !== false,
    close: () => {
      stream.destroy();
      finish("closed by the client");
    },
    // A Node stream flows only once it has a data handler: nothing is read before.
    onData: (handler) => stream.on("data", handler),
    onClose: (handler) => {
      closeHandlers.push(handler);
      // Closed before anyone listened (a connection waiting to be accepted): still told.
      const reason = closedFor;
      if (reason !== undefined) queueMicrotask(() => handler(reason));
    },
    onDrain: (handler) => stream.on("drain", handler),
  };
}

/**
 * The part of a Deno connection (`Deno.Conn`) a transport uses.
 *
 * @example
 * ```ts ignore
 * import type { DenoConnLike } from "./transport.ts";
 * const conn: DenoConnLike = await Deno.connect({ transport: "unix", path: "/tmp/qmp.sock" });
 * ```
 */
export interface DenoConnLike {
  /** Reads into `buffer`; the number of bytes read, or null at the end of the stream. */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Writes some of `bytes`; resolves with how many were written. */
  write(bytes: Uint8Array): Promise<number>;
  /** Closes the connection (pending reads and writes reject). */
  close(): void;
}

/** The most bytes a Deno transport holds unwritten before `write` returns false. */
const denoHighWaterMark = 64 << 10;
/** The read buffer of a Deno transport, reused for every read. */
const denoReadSize = 64 << 10;

/**
 * Wraps an open Deno connection as a transport. One buffer is read into
 * again and again (each chunk is only valid during its `onData` call, as
 * the `Transport` contract says); writes go out in order, each whole,
 * and `write` returns false while more than 64 KiB wait to be written,
 * calling `onDrain` handlers once all has been written.
 *
 * @example
 * ```ts
 * import { fromDenoConn } from "./transport.ts";
 * const path = `${Deno.makeTempDirSync()}/echo.sock`;
 * const listener = Deno.listen({ transport: "unix", path });
 * listener.accept().then(async (peer) => {
 *   await peer.readable.pipeTo(peer.writable); // echoes until the client closes
 * });
 * const transport = fromDenoConn(await Deno.connect({ transport: "unix", path }));
 * const echoed = new Promise<string>((resolve) =>
 *   transport.onData((chunk) => resolve(new TextDecoder().decode(chunk)))
 * );
 * transport.write("hello\n");
 * console.log(await echoed); // "hello\n"
 * transport.close();
 * listener.close();
 * ```
 */
export function fromDenoConn(conn: DenoConnLike): Transport {
  const dataHandlers: ((chunk: Uint8Array) => void)[] = [];
  const closeHandlers: ((reason: string) => void)[] = [];
  const drainHandlers: (() => void)[] = [];
  const encoder = new TextEncoder();
  /** Chunks not yet written, in order; the first may be partly written. */
  const queue: Uint8Array[] = [];
  let queued = 0;
  let writing = false;
  let needDrain = false;
  let closed = false;
  let closedFor: string | undefined;
  /**
   * What arrives before the first data handler is held (a greeting sent
   * while the connection waits to be accepted), up to one read buffer's
   * worth; past that, reading waits (the rest stays in the socket). The
   * first data handler gets it in a microtask, once its owner has set its
   * other handlers too; a close seen meanwhile is reported after it. It is
   * held in one buffer, not a copy per read: a peer sending a byte at a
   * time would make each byte an object of a few hundred bytes.
   */
  let held: Uint8Array | undefined = new Uint8Array(0);
  let heldBytes = 0;
  let resumeReading: (() => void) | undefined;
  let closeDeferred = false;

  const notifyClose = (reason: string) => {
    for (const handler of closeHandlers) handler(reason);
  };

  const finish = (reason: string) => {
    if (closed) return;
    closed = true;
    closedFor = reason;
    queue.length = 0;
    queued = 0;
    try {
      conn.close();
    } catch {
      // Already closed.
    }
    resumeReading?.();
    // A data handler waiting for held bytes hears of the close after them.
    if (held !== undefined && dataHandlers.length !== 0) closeDeferred = true;
    else notifyClose(reason);
  };

  const release = () => {
    const bytes = held?.subarray(0, heldBytes);
    held = undefined;
    heldBytes = 0;
    if (bytes?.length) { for (const handler of dataHandlers) handler(bytes); }
    resumeReading?.();
    if (closeDeferred) {
      closeDeferred = false;
      notifyClose(closedFor!);
    }
  };

  const pump = async () => {
    writing = true;
    try {
      for (let bytes = queue[0]; bytes !== undefined && !closed; bytes = queue[0]) {
        let written = await conn.write(bytes);
        while (written < bytes.length && !closed) {
          written += await conn.write(bytes.subarray(written));
        }
        queue.shift();
        queued -= bytes.length;
      }
    } catch (error) {
      finish(closed ? "closed by the client" : (error as Error)?.message ?? String(error));
    }
    writing = false;
    if (needDrain && !closed) {
      needDrain = false;
      for (const handler of drainHandlers) handler();
    }
  };

  (async () => {
    const buffer = new Uint8Array(denoReadSize);
    try {
      for (;;) {
        if (held !== undefined && heldBytes >= denoReadSize) {
          await new Promise<void>((resolve) => (resumeReading = resolve));
          resumeReading = undefined;
          if (closed) return;
        }
        const count = await conn.read(buffer);
        if (count === null) return finish("peer closed the connection");
        if (closed) return;
        const chunk = buffer.subarray(0, count);
        if (held !== undefined) {
          if (held.length < heldBytes + count) {
            // Doubling: linear copying, and at most four read buffers' worth.
            const grown: Uint8Array = new Uint8Array(
              Math.max(2 * held.length, heldBytes + count, 1024),
            );
            grown.set(held.subarray(0, heldBytes));
            held = grown;
          }
          held.set(chunk, heldBytes);
          heldBytes += count;
        } else for (const handler of dataHandlers) handler(chunk);
      }
    } catch (error) {
      finish(closed ? "closed by the client" : (error as Error)?.message ?? String(error));
    }
  })();

  return {
    write(data) {
      if (closed) return true;
      const bytes = typeof data === "string" ? encoder.encode(data) : data;
      if (bytes.length === 0) return !needDrain;
      queue.push(bytes);
      queued += bytes.length;
      if (!writing) pump();
      if (queued > denoHighWaterMark) needDrain = true;
      return !needDrain;
    },
    close: () => finish("closed by the client"),
    onData: (handler) => {
      dataHandlers.push(handler);
      if (dataHandlers.length === 1) queueMicrotask(release);
    },
    onClose: (handler) => {
      closeHandlers.push(handler);
      // Closed before this handler was added, and already reported: tell it too.
      const reason = closedFor;
      if (reason !== undefined && !closeDeferred) queueMicrotask(() => handler(reason));
    },
    onDrain: (handler) => void drainHandlers.push(handler),
  };
}

/** `Deno.connect` when running on Deno, else undefined. */
interface DenoNet {
  connect(
    options: { transport: "unix"; path: string } | { hostname: string; port: number },
  ): Promise<DenoConnLike & { setNoDelay?(noDelay?: boolean): void }>;
}
const denoNet = (globalThis as { Deno?: Partial<DenoNet> }).Deno;

/**
 * Connects to a unix socket path or TCP address (or wraps an open stream):
 * through `Deno.connect` on Deno, `node:net` elsewhere. Rejects when the
 * connection can't be made, with an error whose `code` is the system's
 * (`ENOENT`, `ECONNREFUSED`, …) and whose message names it, on either.
 *
 * @example
 * ```ts ignore
 * import { connectSocket } from "./transport.ts";
 * const transport = await connectSocket({ host: "127.0.0.1", port: 4444 });
 * ```
 */
export function connectSocket(target: Target): Promise<Transport> {
  if (typeof target === "object" && "write" in target) return Promise.resolve(fromDuplex(target));
  if (typeof target === "object" && target.tls) return connectTls({ ...target, tls: target.tls });
  if (typeof denoNet?.connect === "function") return connectDeno(denoNet as DenoNet, target);
  return new Promise((resolve, reject) => {
    const socket: Socket = typeof target === "string"
      ? netConnect({ path: target })
      : netConnect({ host: target.host, port: target.port });
    socket.setNoDelay?.(true);
    const onError = (error: Error) => reject(error);
    socket.once("error", onError);
    socket.once("connect", () => {
      socket.off("error", onError);
      resolve(fromDuplex(socket));
    });
  });
}

async function connectDeno(
  deno: DenoNet,
  target: string | { readonly host: string; readonly port: number },
): Promise<Transport> {
  try {
    if (typeof target === "string") {
      return fromDenoConn(await deno.connect({ transport: "unix", path: target }));
    }
    const conn = await deno.connect({ hostname: target.host, port: target.port });
    conn.setNoDelay?.(true);
    return fromDenoConn(conn);
  } catch (error) {
    // The shape node:net gives: "connect ECONNREFUSED /path", with `code`.
    const code = (error as { code?: unknown })?.code;
    const where = typeof target === "string" ? target : `${target.host}:${target.port}`;
    if (typeof code !== "string") throw error;
    throw Object.assign(new Error(`connect ${code} ${where}`, { cause: error }), { code });
  }
}

/**
 * The byte channel under a protocol connection, and its implementation over
 * `node:net` sockets (unix socket or TCP), which Deno and Node both provide.
 *
 * @module
 */

import { connect as netConnect, type Socket } from "node:net";

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
  /** Called with each chunk of bytes as it arrives. */
  onData(handler: (chunk: Uint8Array) => void): void;
  /** Called once when the channel closes, from either side, with the reason. */
  onClose(handler: (reason: string) => void): void;
  /** Called whenever a full buffer has emptied (after `write` returned false). */
  onDrain?(handler: () => void): void;
}

/**
 * Where to connect: a unix socket path, a TCP address, or an already open
 * duplex stream (a Node `Duplex`/`Socket`).
 *
 * @example
 * ```ts
 * import type { Target } from "./transport.ts";
 * const targets: Target[] = ["/tmp/qmp.sock", { host: "127.0.0.1", port: 4444 }];
 * ```
 */
export type Target = string | { readonly host: string; readonly port: number } | DuplexLike;

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
  let lastError = "peer closed the connection";
  const finish = (reason: string) => {
    if (closed) return;
    closed = true;
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
    onData: (handler) => stream.on("data", handler),
    onClose: (handler) => closeHandlers.push(handler),
    onDrain: (handler) => stream.on("drain", handler),
  };
}

/**
 * Connects to a unix socket path or TCP address (or wraps an open stream).
 * Rejects when the connection can't be made.
 *
 * @example
 * ```ts ignore
 * import { connectSocket } from "./transport.ts";
 * const transport = await connectSocket({ host: "127.0.0.1", port: 4444 });
 * ```
 */
export function connectSocket(target: Target): Promise<Transport> {
  if (typeof target === "object" && "write" in target) return Promise.resolve(fromDuplex(target));
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

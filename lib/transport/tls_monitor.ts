/**
 * What a QEMU monitor served over TLS needs from the connection under it,
 * beyond TLS itself:
 *
 * - _A record that ends each burst of writes._ QEMU 7.2 reads a monitor one
 *   byte at a time and waits for the socket to become readable again, but
 *   GnuTLS has taken the whole TLS record off the socket: the rest of the
 *   record stays in GnuTLS until more bytes arrive, so a command would be
 *   read only when the next one is sent (QEMU 10.0 looks into GnuTLS's
 *   buffer; QEMU 7.2 does not). A newline sent in a record of its own after
 *   the last write of a burst is that next arrival: QEMU then reads the
 *   command whole, and is left holding only the newline, which JSON skips.
 * - _Nothing lost before the caller listens._ QEMU greets, or closes, as
 *   soon as the handshake is over, which may be before the caller (a few
 *   awaits later) has set its handlers.
 * - _A reason when the server closes before its greeting._ With TLS 1.3 the
 *   client's handshake ends before QEMU has checked the client's
 *   certificate; a QEMU with `verify-peer=on` that refuses it just closes
 *   the connection, which would otherwise read as a bare "peer closed".
 *
 * @module
 */

import type { DuplexLike, Transport } from "./transport.ts";

/** What ends a burst of writes: whitespace, which QMP's JSON reader skips. */
const nudge = "\n";

/** The part of a Node TLS socket `endBurstsOfSocket` uses. */
export interface SocketLike extends DuplexLike {
  /** Writes; `done` is called once the chunk has left the stream's buffer. */
  write(data: string | Uint8Array, done?: (error?: Error | null) => void): boolean;
  /** False once the socket can no longer be written. */
  readonly writable: boolean;
}

/**
 * Sends a newline in a TLS record of its own after each burst of writes.
 * A `node:tls` socket joins writes that wait in its buffer into one
 * record, so the newline is written once every write so far has left the
 * buffer, and cannot join them.
 *
 * @example
 * ```ts
 * import { endBurstsOfSocket } from "./tls_monitor.ts";
 * import { fromDuplex } from "./transport.ts";
 * import type { TLSSocket } from "node:tls";
 * declare const socket: TLSSocket;
 * const transport = fromDuplex(endBurstsOfSocket(socket));
 * ```
 */
export function endBurstsOfSocket(socket: SocketLike): DuplexLike {
  let unfinished = 0;
  const written = () => {
    if (--unfinished === 0 && socket.writable) socket.write(nudge);
  };
  return {
    write(data) {
      unfinished++;
      return socket.write(data, written);
    },
    destroy: () => socket.destroy(),
    // Every event is passed on as it is; one signature stands for the overloads.
    on:
      ((event: "data", handler: (chunk: Uint8Array) => void) =>
        socket.on(event, handler)) as DuplexLike["on"],
  };
}

/**
 * Reports a close before any byte arrived as the server turning the
 * client away, probably over its certificate (the reason `connect()`
 * gives). A close the client asked for keeps its own reason.
 *
 * @example
 * ```ts
 * import { explainEarlyClose } from "./tls_monitor.ts";
 * import type { Transport } from "./transport.ts";
 * declare const tls: Transport;
 * const transport = explainEarlyClose(tls, "127.0.0.1:4444", false);
 * transport.onClose((reason) => console.log(reason)); // "the server at 127.0.0.1:4444 closed…"
 * ```
 */
export function explainEarlyClose(
  transport: Transport,
  where: string,
  withCert: boolean,
): Transport {
  let received = false;
  let closing = false;
  transport.onData(() => (received = true));
  const why = withCert
    ? "it probably did not accept the client certificate (tls.cert)"
    : "it probably requires a client certificate (tls.cert and tls.key), and none was given";
  return {
    write: (data) => transport.write(data),
    close: () => {
      closing = true;
      transport.close();
    },
    onData: (handler) => transport.onData(handler),
    onClose: (handler) =>
      transport.onClose((reason) =>
        handler(
          received || closing
            ? reason
            : `the server at ${where} closed the TLS connection before sending anything: ${why} ` +
              `(${reason})`,
        )
      ),
    onDrain: (handler) => transport.onDrain?.(handler),
  };
}

/**
 * Holds what arrives before the first `onData` handler (and a close
 * before it): a TLS connection is handed over after its handshake, and
 * QEMU sends its greeting (or closes) at once, possibly before the caller
 * has set its handlers a few awaits later. Held chunks and a held close are
 * delivered, in order, in a microtask after the first `onData`, when the
 * caller that registers it has finished registering the rest. A close
 * handler added after the close is called too.
 *
 * @example
 * ```ts
 * import { holdUntilHandled } from "./tls_monitor.ts";
 * import type { Transport } from "./transport.ts";
 * declare const tls: Transport;
 * const transport = holdUntilHandled(tls);
 * transport.onData((chunk) => console.log(chunk.length)); // gets what came before, too
 * ```
 */
export function holdUntilHandled(transport: Transport): Transport {
  const dataHandlers: ((chunk: Uint8Array) => void)[] = [];
  const closeHandlers: ((reason: string) => void)[] = [];
  /** Chunks (copies: a chunk is valid only during its call) until released. */
  let held: Uint8Array[] | undefined = [];
  let closedFor: string | undefined;
  transport.onData((chunk) => {
    if (held) held.push(chunk.slice());
    else for (const handler of dataHandlers) handler(chunk);
  });
  transport.onClose((reason) => {
    closedFor = reason;
    if (!held) { for (const handler of closeHandlers) handler(reason); }
  });
  const release = () => {
    const chunks = held ?? [];
    held = undefined;
    for (const chunk of chunks) for (const handler of dataHandlers) handler(chunk);
    const reason = closedFor;
    if (reason !== undefined) { for (const handler of closeHandlers) handler(reason); }
  };
  return {
    write: (data) => transport.write(data),
    close: () => transport.close(),
    onData(handler) {
      dataHandlers.push(handler);
      if (dataHandlers.length === 1) queueMicrotask(release);
    },
    onClose(handler) {
      closeHandlers.push(handler);
      const reason = closedFor;
      if (reason !== undefined && !held) queueMicrotask(() => handler(reason));
    },
    onDrain: (handler) => transport.onDrain?.(handler),
  };
}

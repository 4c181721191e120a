/**
 * The errors a call or a connection can end with.
 *
 * @module
 */

/**
 * QEMU answered a command with an error. `errorClass` is QEMU's `class`
 * (an open string: `GenericError`, `CommandNotFound`, `DeviceNotFound`, …).
 *
 * @example
 * ```ts
 * import { QmpError } from "./errors.ts";
 * const error = new QmpError("block_resize", "GenericError", "Cannot find device='x'");
 * console.log(error.message); // "block_resize: GenericError: Cannot find device='x'"
 * ```
 */
export class QmpError extends Error {
  override name = "QmpError";
  constructor(
    /** The command that failed. */
    readonly command: string,
    /** QEMU's error class. */
    readonly errorClass: string,
    /** QEMU's description. */
    readonly desc: string,
  ) {
    super(`${command}: ${errorClass}: ${desc}`);
  }
}

/**
 * The connection closed (the peer went away, or `close()` was called) before
 * the call was answered. Every pending call rejects with it.
 *
 * @example
 * ```ts
 * import { ConnectionClosedError } from "./errors.ts";
 * const error = new ConnectionClosedError("query-status", "peer closed the connection");
 * console.log(error.message);
 * ```
 */
export class ConnectionClosedError extends Error {
  override name = "ConnectionClosedError";
  constructor(readonly command: string | undefined, reason: string) {
    super(command ? `${command}: connection closed: ${reason}` : `connection closed: ${reason}`);
  }
}

/**
 * A call's `timeout` elapsed before the reply came. A late reply is discarded.
 *
 * @example
 * ```ts
 * import { TimeoutError } from "./errors.ts";
 * console.log(new TimeoutError("query-status", 100).message);
 * ```
 */
export class TimeoutError extends Error {
  override name = "TimeoutError";
  constructor(readonly command: string, readonly milliseconds: number) {
    super(`${command}: no reply within ${milliseconds} ms`);
  }
}

/**
 * The peer broke the protocol: a line that is not JSON, a message of unknown
 * shape, a message over the size limit, no greeting in time.
 *
 * @example
 * ```ts
 * import { ProtocolError } from "./errors.ts";
 * console.log(new ProtocolError("line is not JSON", "{oops").message);
 * ```
 */
export class ProtocolError extends Error {
  override name = "ProtocolError";
  constructor(message: string, readonly excerpt?: string) {
    super(excerpt === undefined ? message : `${message}: ${excerpt.slice(0, 200)}`);
  }
}

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
  /** `"QmpError"`. */
  override name = "QmpError";
  /** QEMU's error reply to `command`. */
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
  /** `"ConnectionClosedError"`. */
  override name = "ConnectionClosedError";
  /** The connection closed, for `reason`, before `command` (if any) was answered. */
  constructor(
    /** The call left unanswered; `undefined` when no call was waiting (a wait for an event). */
    readonly command: string | undefined,
    reason: string,
  ) {
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
  /** `"TimeoutError"`. */
  override name = "TimeoutError";
  /** No reply to `command` within `milliseconds`. */
  constructor(
    /** The call that timed out (or what was waited for). */
    readonly command: string,
    /** The timeout, in milliseconds. */
    readonly milliseconds: number,
  ) {
    super(`${command}: no reply within ${milliseconds} ms`);
  }
}

/**
 * The peer broke the protocol: a line that is not JSON, a message of unknown
 * shape, a message over the size limit, no greeting in time; or, for a call,
 * its answer came unreadable (the message names the command and quotes the
 * start of the line).
 *
 * @example
 * ```ts
 * import { ProtocolError } from "./errors.ts";
 * console.log(new ProtocolError("line is not JSON", "{oops").message);
 * ```
 */
export class ProtocolError extends Error {
  /** `"ProtocolError"`. */
  override name = "ProtocolError";
  /** What was wrong, with the start of the offending text. */
  constructor(
    message: string,
    /** The start of the offending line or message, when there is one. */
    readonly excerpt?: string,
  ) {
    super(excerpt === undefined ? message : `${message}: ${excerpt.slice(0, 200)}`);
  }
}

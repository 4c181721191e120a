/**
 * Per-call options of `execute`.
 *
 * @module
 */

/**
 * Options every call accepts.
 *
 * @example
 * ```ts
 * import type { CallOptions } from "./options.ts";
 * const options: CallOptions = { timeout: 5_000, signal: AbortSignal.timeout(10_000) };
 * ```
 */
export interface CallOptions {
  /** Abort the call: it rejects with the signal's reason; a late reply is discarded. */
  readonly signal?: AbortSignal;
  /** Milliseconds to wait for the reply before rejecting with a `TimeoutError`. */
  readonly timeout?: number;
}

/**
 * Options of a command whose schema says `allow-oob`: it may be sent with
 * `exec-oob` when the connection negotiated the `oob` capability.
 *
 * @example
 * ```ts
 * import type { OobCallOptions } from "./options.ts";
 * const options: OobCallOptions = { oob: true, timeout: 1_000 };
 * ```
 */
export interface OobCallOptions extends CallOptions {
  /** Send as `exec-oob`, overtaking queued in-band commands. */
  readonly oob?: boolean;
}

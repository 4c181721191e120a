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
  /**
   * Milliseconds to wait for the reply before rejecting with a `TimeoutError`:
   * 0 or more, any length (`Infinity`: no limit); anything else is a `RangeError`.
   */
  readonly timeout?: number | undefined;
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

/** The longest delay `setTimeout` honours (a longer one fires after 1 ms). */
const maxTimerDelay = 2 ** 31 - 1;

/**
 * Checks a timeout option: milliseconds, 0 or more, or `Infinity` for none.
 * Returns a `RangeError` naming the option for anything else (negative, NaN,
 * not a number), or undefined when the value is fine.
 *
 * @example
 * ```ts
 * import { timeoutProblem } from "./options.ts";
 * console.log(timeoutProblem("timeout", 2 ** 31)); // undefined: fine
 * console.log(timeoutProblem("timeout", -1)?.message);
 * ```
 */
export function timeoutProblem(name: string, value: unknown): RangeError | undefined {
  if (typeof value === "number" && value >= 0) return undefined; // NaN fails too
  return new RangeError(
    `${name} must be a number of milliseconds, 0 or more (Infinity: no limit), not ${
      String(value)
    }`,
  );
}

/**
 * Calls `fire` once after `milliseconds`, however long (past 2^31 − 1 ms,
 * where `setTimeout` would fire at once, timers are chained; `Infinity`
 * never fires); returns the function that cancels it. The value must have
 * passed `timeoutProblem`.
 *
 * @example
 * ```ts
 * import { startTimer } from "./options.ts";
 * const cancel = startTimer(2 ** 40, () => console.log("in 35 years"));
 * cancel();
 * ```
 */
export function startTimer(milliseconds: number, fire: () => void): () => void {
  if (milliseconds === Infinity) return () => {};
  let remaining = milliseconds;
  let handle: ReturnType<typeof setTimeout>;
  const arm = () => {
    const step = Math.min(remaining, maxTimerDelay);
    remaining -= step;
    handle = setTimeout(() => (remaining > 0 ? arm() : fire()), step);
  };
  arm();
  return () => clearTimeout(handle);
}

/**
 * Reconnection: when a client's connection is lost (QEMU's monitor
 * restarted, the network dropped it), connect again with growing delays,
 * keep the client's event listeners, and hold or refuse the calls made
 * meanwhile. The client's state can be watched.
 *
 * @module
 */

import type { Connection } from "../protocol/connection.ts";
import { ConnectionClosedError, TimeoutError } from "../protocol/errors.ts";
import { type OobCallOptions, startTimer, timeoutProblem } from "../protocol/options.ts";

/**
 * A client's state: `"connected"`; `"reconnecting"` after its connection was
 * lost, while it tries again; `"closed"` for good (closed by the caller,
 * after `quit`, or when reconnecting gave up).
 *
 * @example
 * ```ts
 * import type { ConnectionState } from "./reconnect.ts";
 * const state: ConnectionState = "reconnecting";
 * ```
 */
export type ConnectionState = "connected" | "reconnecting" | "closed";

/**
 * A change of state, as `onStateChange` reports it.
 *
 * @example
 * ```ts
 * import type { StateChange } from "./reconnect.ts";
 * const change: StateChange = { state: "reconnecting", reason: "peer closed the connection", attempt: 2 };
 * ```
 */
export interface StateChange {
  /** The new state (a failed attempt is reported as `"reconnecting"` again). */
  readonly state: ConnectionState;
  /** Why: what closed the connection, or why the last attempt failed. */
  readonly reason?: string;
  /** The attempt that just succeeded or failed (from 1), while reconnecting. */
  readonly attempt?: number;
}

/**
 * How a client reconnects (`reconnect` in its options; `true` means the
 * defaults).
 *
 * @example
 * ```ts
 * import type { ReconnectOptions } from "./reconnect.ts";
 * const options: ReconnectOptions = { delay: 50, maxDelay: 2_000, attempts: 20, whileReconnecting: "queue" };
 * ```
 */
export interface ReconnectOptions {
  /** Milliseconds before the first attempt; each failed attempt doubles it. Default 100. */
  readonly delay?: number;
  /** The longest wait between attempts, in milliseconds. Default 5 000. */
  readonly maxDelay?: number;
  /** Attempts before giving up (the client then closes). Default `Infinity`. */
  readonly attempts?: number;
  /**
   * Calls made while reconnecting: `"reject"` (default) rejects them at once
   * with `ConnectionClosedError`; `"queue"` holds them, in order, and sends
   * them once connected again (each still bound by its `timeout` and
   * `signal`, counted from the call). Calls already sent when the
   * connection was lost reject with `ConnectionClosedError` either way: QEMU
   * may or may not have run them.
   */
  readonly whileReconnecting?: "reject" | "queue";
  /** The most calls held while reconnecting; more reject. Default 1 000. */
  readonly maxQueued?: number;
}

/** A call held while reconnecting. */
interface HeldCall {
  readonly command: string;
  readonly args: object | undefined;
  readonly options: OobCallOptions | undefined;
  readonly started: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  release(): void;
}

/** What a reconnecting client provides. */
export interface ReconnectHooks {
  /**
   * Opens, negotiates and adopts a new connection (the client's events
   * going to its shared hub); rejects when this attempt fails, with an
   * error whose `final` is true when no later attempt can succeed.
   */
  reopen(signal: AbortSignal): Promise<Connection>;
  /** Sends a call on the current connection, as the client does. */
  send(
    command: string,
    args: object | undefined,
    options: OobCallOptions | undefined,
  ): Promise<unknown>;
  /** The client has ended for good: close what it owns. */
  end(reason: string): void;
}

/**
 * The reconnection logic of a client: watches its connection, reconnects
 * when it is lost, holds or refuses calls meanwhile, and reports changes
 * of state. The client (`QmpClient`) supplies the hooks.
 *
 * @example
 * ```ts ignore
 * import { Reconnector } from "./reconnect.ts";
 * const reconnector = new Reconnector({ attempts: 5 }, hooks);
 * reconnector.watch(connection);
 * reconnector.onStateChange(({ state }) => console.log(state));
 * ```
 */
export class Reconnector {
  readonly #delay: number;
  readonly #maxDelay: number;
  readonly #attempts: number;
  readonly #queue: boolean;
  readonly #maxQueued: number;
  readonly #hooks: ReconnectHooks;
  readonly #handlers = new Set<(change: StateChange) => void>();
  readonly #held: HeldCall[] = [];
  #state: ConnectionState = "connected";
  #lostReason = "";
  #current?: Connection;
  #ending = false;
  #abort?: AbortController;
  #resolveClosed!: (reason: string) => void;
  /** Resolves once the client has closed for good, with the reason. */
  readonly closed: Promise<string> = new Promise((resolve) => (this.#resolveClosed = resolve));

  /** Throws the `RangeError` of `reconnectOptionsProblem` for bad options. */
  constructor(options: ReconnectOptions, hooks: ReconnectHooks) {
    const problem = reconnectOptionsProblem(options);
    if (problem) throw problem;
    this.#delay = options.delay ?? 100;
    this.#maxDelay = options.maxDelay ?? 5_000;
    this.#attempts = options.attempts ?? Infinity;
    this.#maxQueued = options.maxQueued ?? 1_000;
    this.#queue = options.whileReconnecting === "queue";
    this.#hooks = hooks;
  }

  /** The current state. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** Calls `handler` on each change of state; returns the function that stops it. */
  onStateChange(handler: (change: StateChange) => void): () => void {
    this.#handlers.add(handler);
    return () => void this.#handlers.delete(handler);
  }

  /** Watches `connection`, the client's current one, for its loss. */
  watch(connection: Connection): void {
    this.#current = connection;
    connection.closed.then((reason) => {
      if (this.#current !== connection || this.#state === "closed") return;
      if (this.#ending) return this.#end(reason);
      this.#reconnect(reason);
    });
  }

  /**
   * The client sent `quit` (`true`): the connection's end is the end, not a
   * loss; `false` when QEMU refused it.
   */
  expectEnd(ending: boolean): void {
    this.#ending = ending;
  }

  /** A call made while not connected: held or refused. */
  callWhileDown(
    command: string,
    args: object | undefined,
    options: OobCallOptions | undefined,
  ): Promise<unknown> {
    const reason = this.#state === "closed"
      ? this.#lostReason
      : `reconnecting (${this.#lostReason})`;
    if (!this.#queue || this.#state === "closed") {
      return Promise.reject(new ConnectionClosedError(command, reason));
    }
    if (this.#held.length >= this.#maxQueued) {
      return Promise.reject(
        new ConnectionClosedError(command, `${reason}; ${this.#maxQueued} calls already held`),
      );
    }
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const timeout = options?.timeout;
    if (timeout !== undefined) {
      const problem = timeoutProblem("timeout", timeout);
      if (problem) return Promise.reject(problem);
    }
    return new Promise((resolve, reject) => {
      let cancelTimer: (() => void) | undefined;
      const drop = (error: unknown) => {
        const index = this.#held.indexOf(held);
        if (index >= 0) this.#held.splice(index, 1);
        held.release();
        reject(error);
      };
      const onAbort = () => drop(signal!.reason);
      const held: HeldCall = {
        command,
        args,
        options,
        started: Date.now(),
        resolve,
        reject,
        release: () => {
          cancelTimer?.();
          signal?.removeEventListener("abort", onAbort);
        },
      };
      if (timeout !== undefined) {
        cancelTimer = startTimer(timeout, () => drop(new TimeoutError(command, timeout)));
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#held.push(held);
    });
  }

  /** The client is closed by its caller: stop for good. */
  stop(reason: string): void {
    this.#end(reason);
  }

  #emit(change: StateChange): void {
    for (const handler of [...this.#handlers]) {
      try {
        handler(change);
      } catch (error) {
        // A failing watcher must not stop reconnection, nor the other watchers.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  async #reconnect(reason: string): Promise<void> {
    this.#state = "reconnecting";
    this.#lostReason = reason;
    this.#emit({ state: "reconnecting", reason });
    const abort = this.#abort = new AbortController();
    let delay = this.#delay;
    let lastReason = reason;
    for (let attempt = 1;; attempt++) {
      if (attempt > this.#attempts) {
        return this.#end(`gave up reconnecting after ${attempt - 1} attempts: ${lastReason}`);
      }
      await sleep(delay, abort.signal);
      if (abort.signal.aborted) return;
      try {
        const connection = await this.#hooks.reopen(abort.signal);
        if (abort.signal.aborted) {
          connection.close();
          return;
        }
        this.#state = "connected";
        this.watch(connection);
        this.#emit({ state: "connected", attempt });
        this.#flush();
        return;
      } catch (error) {
        if (abort.signal.aborted) return;
        lastReason = (error as Error)?.message ?? String(error);
        if ((error as { final?: unknown })?.final === true) return this.#end(lastReason);
        this.#lostReason = lastReason;
        this.#emit({ state: "reconnecting", reason: lastReason, attempt });
      }
      delay = Math.min(delay * 2, this.#maxDelay);
    }
  }

  /** Sends the held calls, in order, with what is left of their timeouts. */
  #flush(): void {
    for (const held of this.#held.splice(0)) {
      held.release();
      let options = held.options;
      if (options?.timeout !== undefined) {
        const left = Math.max(0, options.timeout - (Date.now() - held.started));
        options = { ...options, timeout: left };
      }
      this.#hooks.send(held.command, held.args, options).then(held.resolve, held.reject);
    }
  }

  #end(reason: string): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#lostReason = reason;
    this.#abort?.abort();
    for (const held of this.#held.splice(0)) {
      held.release();
      held.reject(new ConnectionClosedError(held.command, reason));
    }
    this.#hooks.end(reason);
    this.#emit({ state: "closed", reason });
    this.#resolveClosed(reason);
  }
}

/**
 * What is wrong with reconnect options, as a `RangeError` naming the
 * option, or undefined when they are fine.
 *
 * @example
 * ```ts
 * import { reconnectOptionsProblem } from "./reconnect.ts";
 * console.log(reconnectOptionsProblem({ delay: -1 })?.message);
 * ```
 */
export function reconnectOptionsProblem(options: ReconnectOptions): RangeError | undefined {
  for (const name of ["delay", "maxDelay", "attempts", "maxQueued"] as const) {
    const value: unknown = options[name];
    if (value !== undefined && !(typeof value === "number" && value >= 0)) {
      return new RangeError(`reconnect.${name} must be a number, 0 or more, not ${String(value)}`);
    }
  }
  const mode: unknown = options.whileReconnecting;
  if (mode !== undefined && mode !== "reject" && mode !== "queue") {
    return new RangeError(
      `reconnect.whileReconnecting must be "reject" or "queue", not ${String(mode)}`,
    );
  }
  return undefined;
}

/** Waits `milliseconds`, or less when `signal` aborts. */
function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const cancel = startTimer(milliseconds, done);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      cancel();
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

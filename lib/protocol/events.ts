/**
 * Event delivery: handlers, waiters, async iterators, and a bounded buffer
 * for events that arrive before anyone listens.
 *
 * @module
 */

import { ConnectionClosedError, TimeoutError } from "./errors.ts";

/**
 * An event message as QEMU sends it (`data` filled in as `{}` when absent).
 *
 * @example
 * ```ts
 * import type { RawEvent } from "./events.ts";
 * const e: RawEvent = { event: "STOP", data: {}, timestamp: { seconds: 1, microseconds: 2 } };
 * ```
 */
export interface RawEvent {
  readonly event: string;
  readonly data: unknown;
  readonly timestamp: { readonly seconds: number; readonly microseconds: number };
}

/**
 * Options of `waitFor`.
 *
 * @example
 * ```ts
 * import type { WaitOptions } from "./events.ts";
 * const options: WaitOptions<{ event: string }> = { timeout: 1000, where: (e) => e.event !== "" };
 * ```
 */
export interface WaitOptions<event> {
  /** Only an event for which this returns true. */
  readonly where?: (event: event) => boolean;
  /** Milliseconds to wait before rejecting with `TimeoutError`. */
  readonly timeout?: number;
  readonly signal?: AbortSignal;
}

interface Waiter {
  readonly name: string;
  readonly where?: (event: RawEvent) => boolean;
  readonly resolve: (event: RawEvent) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Routes events to listeners. Handlers (`on`) see every event as it comes.
 * Pulling consumers (`waitFor`, iterators) consume: an event that no iterator
 * or waiter takes is kept in a buffer of `bufferSize` events (default 1000),
 * past which the oldest is dropped and counted in `dropped`. An iterator or
 * `waitFor` started later receives the buffered events first, so waiting for
 * an event after the command that causes it never misses it.
 *
 * @example
 * ```ts
 * import { EventHub } from "./events.ts";
 * const hub = new EventHub();
 * hub.dispatch({ event: "STOP", data: {}, timestamp: { seconds: 0, microseconds: 0 } });
 * const stop = await hub.waitFor("STOP"); // found in the buffer
 * console.log(stop.event);
 * ```
 */
export class EventHub {
  readonly #buffer: RawEvent[] = [];
  /** Handlers by event name; "" holds the handlers of every event. */
  readonly #handlers = new Map<string, Set<(event: RawEvent) => void>>();
  readonly #waiters = new Set<Waiter>();
  readonly #iterators = new Set<{ push: (event: RawEvent) => void; end: () => void }>();
  #closed?: Error;
  /** Events dropped because the buffer was full. */
  dropped = 0;

  constructor(readonly bufferSize = 1000) {}

  /** Delivers one event. */
  dispatch(event: RawEvent): void {
    const handlers = [
      ...(this.#handlers.get(event.event) ?? []),
      ...(this.#handlers.get("") ?? []),
    ];
    // Handlers (push) don't consume: a waitFor() started right after the
    // command that caused the event must still find it in the buffer.
    let delivered = this.#iterators.size > 0;
    for (const handler of handlers) {
      try {
        handler(event);
      } catch (error) {
        // A throwing handler must not stop delivery to the others.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    for (const iterator of this.#iterators) iterator.push(event);
    for (const waiter of this.#waiters) {
      if (waiter.name === event.event && (!waiter.where || waiter.where(event))) {
        this.#waiters.delete(waiter);
        waiter.resolve(event);
        delivered = true;
        break;
      }
    }
    if (!delivered) {
      this.#buffer.push(event);
      if (this.#buffer.length > this.bufferSize) {
        this.#buffer.shift();
        this.dropped++;
      }
    }
  }

  /**
   * Calls `handler` for every later event named `name` (every event when
   * `name` is ""); returns the function that stops it.
   */
  on(name: string, handler: (event: RawEvent) => void): () => void {
    let set = this.#handlers.get(name);
    if (!set) this.#handlers.set(name, set = new Set());
    set.add(handler);
    return () => void set.delete(handler);
  }

  /** The next event named `name` (buffered ones first) matching `where`. */
  waitFor(name: string, options: WaitOptions<RawEvent> = {}): Promise<RawEvent> {
    const index = this.#buffer.findIndex((e) =>
      e.event === name && (!options.where || options.where(e))
    );
    if (index >= 0) return Promise.resolve(this.#buffer.splice(index, 1)[0]);
    if (this.#closed) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = () => {
        this.#waiters.delete(waiter);
        if (timer !== undefined) clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
      };
      const waiter: Waiter = {
        name,
        where: options.where,
        resolve: (event) => {
          finish();
          resolve(event);
        },
        reject: (error) => {
          finish();
          reject(error);
        },
      };
      const onAbort = () => waiter.reject(options.signal!.reason);
      if (options.signal?.aborted) return reject(options.signal.reason);
      options.signal?.addEventListener("abort", onAbort, { once: true });
      if (options.timeout !== undefined) {
        timer = setTimeout(
          () => waiter.reject(new TimeoutError(`waitFor(${name})`, options.timeout!)),
          options.timeout,
        );
      }
      this.#waiters.add(waiter);
    });
  }

  /** Every event from now on (buffered ones first), until the connection closes. */
  async *iterate(signal?: AbortSignal): AsyncGenerator<RawEvent> {
    const queue: RawEvent[] = this.#buffer.splice(0);
    let wake: (() => void) | undefined;
    let ended = false;
    const iterator = {
      push: (event: RawEvent) => {
        queue.push(event);
        wake?.();
      },
      end: () => {
        ended = true;
        wake?.();
      },
    };
    const onAbort = () => iterator.end();
    signal?.addEventListener("abort", onAbort, { once: true });
    this.#iterators.add(iterator);
    try {
      for (;;) {
        while (queue.length) yield queue.shift()!;
        if (ended || this.#closed || signal?.aborted) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      this.#iterators.delete(iterator);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Ends iterators and rejects waiters: the connection is gone. */
  close(reason: string): void {
    this.#closed = new ConnectionClosedError(undefined, reason);
    for (const waiter of [...this.#waiters]) waiter.reject(this.#closed);
    for (const iterator of this.#iterators) iterator.end();
  }
}

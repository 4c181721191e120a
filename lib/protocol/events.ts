/**
 * Event delivery. Every consumer sees every event it matches, each through
 * its own bounded queue: handlers (`on`, called as each event arrives),
 * listeners (`listen`, a queue read with `wait()` or `for await`) and waiters
 * (`waitFor`, one event). A listener or a waiter created before the command
 * that causes an event receives it, whatever else listens. A short history of
 * recent events lets a `waitFor` made just after the command still find an
 * event that arrived before its reply.
 *
 * @module
 */

import { ConnectionClosedError, TimeoutError } from "./errors.ts";
import { startTimer, timeoutProblem } from "./options.ts";

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
  /** The event's name (`STOP`, `JOB_STATUS_CHANGE`, …). */
  readonly event: string;
  /** Its data (an empty object when the event has none). */
  readonly data: unknown;
  /** When QEMU emitted it. */
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
  /**
   * Only an event for which this returns true. If it throws, the wait
   * rejects with what it threw; nothing else is affected.
   */
  readonly where?: (event: event) => boolean;
  /**
   * Milliseconds to wait before rejecting with `TimeoutError`: 0 or more, any
   * length (`Infinity`: no limit); anything else rejects with `RangeError`.
   */
  readonly timeout?: number;
  /** Rejects the wait with the signal's reason when it aborts. */
  readonly signal?: AbortSignal;
  /**
   * Also accept an event that arrived before this call, from the history of
   * recent events, if no other `waitFor` has received it yet. Default true,
   * so that `await execute(…)` then `waitFor(…)` finds an event sent before
   * the command's reply. Set it to false for a wait that must only see
   * events from now on (a promise created before the command).
   */
  readonly history?: boolean;
}

/**
 * Options of `listen`.
 *
 * @example
 * ```ts
 * import type { ListenOptions } from "./events.ts";
 * const options: ListenOptions<{ event: string }> = { queueSize: 64, where: (e) => e.event !== "" };
 * ```
 */
export interface ListenOptions<event> {
  /**
   * Only events for which this returns true are queued. If it throws, the
   * listener fails: events already queued are still read, then reading
   * rejects with what it threw. Other consumers are not affected.
   */
  readonly where?: (event: event) => boolean;
  /**
   * The most events the listener holds unread; when one more arrives, the
   * oldest is dropped and counted in `dropped`. Default: the connection's
   * `eventBufferSize` (1000).
   */
  readonly queueSize?: number;
  /** Closes the listener when it aborts (pending `wait()` calls reject with its reason). */
  readonly signal?: AbortSignal;
}

/**
 * Options of `EventListener.wait`.
 *
 * @example
 * ```ts
 * import type { ListenerWaitOptions } from "./events.ts";
 * const options: ListenerWaitOptions = { timeout: 5_000 };
 * ```
 */
export interface ListenerWaitOptions {
  /**
   * Milliseconds to wait before rejecting with `TimeoutError`: 0 or more, any
   * length (`Infinity`: no limit); anything else rejects with `RangeError`.
   */
  readonly timeout?: number;
  /** Rejects the wait with the signal's reason when it aborts (the listener stays open). */
  readonly signal?: AbortSignal;
}

/**
 * Options of an `EventHub`.
 *
 * @example
 * ```ts
 * import type { EventHubOptions } from "./events.ts";
 * const options: EventHubOptions = { queueSize: 100, historySize: 10 };
 * ```
 */
export interface EventHubOptions {
  /** The default bound of each listener's queue, in events. Default 1000. */
  readonly queueSize?: number | undefined;
  /** How many recent events `waitFor` can look back on. Default 100; 0 keeps none. */
  readonly historySize?: number | undefined;
}

/**
 * A listener's `wait()` after the listener was closed by its owner
 * (`close()`, `using`, leaving a `for await` loop).
 *
 * @example
 * ```ts
 * import { ListenerClosedError } from "./events.ts";
 * console.log(new ListenerClosedError().message);
 * ```
 */
export class ListenerClosedError extends Error {
  /** `"ListenerClosedError"`. */
  override name = "ListenerClosedError";
  /** The listener was closed while this wait was pending. */
  constructor() {
    super("the event listener is closed");
  }
}

/** What the hub hands events to. */
interface Consumer {
  /** The last event sequence number before it was registered. */
  since: number;
  /** Offers a matching-by-name event; true when the consumer dropped one. */
  offer(event: RawEvent, record: HistoryRecord | undefined): boolean;
  /** The connection closed. */
  end(error: ConnectionClosedError): void;
}

interface HistoryRecord {
  readonly event: RawEvent;
  /** A `waitFor` received it: later ones must not receive it again. */
  taken: boolean;
}

/** A first-in first-out queue with constant-time removal at the front. */
class Fifo<item> {
  #items: (item | undefined)[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: item): void {
    this.#items.push(item);
  }

  shift(): item | undefined {
    if (this.#head === this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head >= 64 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Removes and returns every item. */
  clear(): item[] {
    const items = this.#items.slice(this.#head) as item[];
    this.#items = [];
    this.#head = 0;
    return items;
  }

  *[Symbol.iterator](): Generator<item> {
    for (let i = this.#head; i < this.#items.length; i++) yield this.#items[i] as item;
  }
}

/** A bound: a whole number of at least `minimum`. */
function checkSize(name: string, value: number, minimum: number): number {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new RangeError(`${name} must be a whole number of at least ${minimum}, not ${value}`);
  }
  return value;
}

/** Set by `EventHub`'s static block: registers a consumer with a hub. */
let register: (
  hub: EventHub,
  consumer: Consumer,
  names: ReadonlySet<string> | undefined,
) => () => void;
/** Set by `EventHub`'s static block: the hub's default queue bound. */
let defaultQueueSize: (hub: EventHub) => number;

/** A pending read: a `wait()` or an iterator's `next()`. */
interface Reader<event> {
  deliver(event: event): void;
  /** The listener ended; the reader looks at how. */
  settle(): void;
}

/** How a listener ended. */
interface Ending {
  /** "connection": the connection closed; "owner": closed by its owner; "failed": `where` threw. */
  readonly kind: "connection" | "owner" | "failed";
  readonly error: unknown;
  /** For "failed": the iterator has thrown it once. */
  thrown?: boolean;
}

/**
 * One consumer of events: its own queue (bounded by `queueSize`; past it the
 * oldest unread event is dropped and counted in `dropped`), fed with every
 * event it matches from the moment it is created, whatever else listens.
 * Read it with `wait()` or `for await`; close it with `close()`, `using`, or
 * by leaving a `for await` loop. When the connection closes, the events still
 * queued can be read; then `wait()` rejects with `ConnectionClosedError` and
 * iteration ends.
 *
 * @example Listening before the command that causes the event
 * ```ts
 * import { EventHub } from "./events.ts";
 * const hub = new EventHub();
 * using stops = hub.listen("STOP");
 * hub.dispatch({ event: "STOP", data: {}, timestamp: { seconds: 1, microseconds: 0 } });
 * const stop = await stops.wait({ timeout: 1000 });
 * console.log(stop.timestamp.seconds, stops.dropped);
 * ```
 */
export class EventListener<event = RawEvent> implements AsyncIterableIterator<event>, Disposable {
  /** The event names listened to; undefined: every event. */
  readonly names: readonly string[] | undefined;
  /** The most events held unread. */
  readonly queueSize: number;
  // Typed on unknown so that a listener of some events is a listener of events.
  readonly #where: ((event: unknown) => boolean) | undefined;
  readonly #queue = new Fifo<event>();
  readonly #readers = new Set<Reader<event>>();
  #detach?: () => void;
  readonly #signal?: AbortSignal;
  readonly #onAbort?: () => void;
  #dropped = 0;
  #ending?: Ending;

  /**
   * Listens on `hub` (as `hub.listen(names, options)` does) for the events
   * named `names` (a name or several; none: every event).
   */
  constructor(
    hub: EventHub,
    names?: string | Iterable<string>,
    options: ListenOptions<event> = {},
  ) {
    const set = names === undefined
      ? undefined
      : new Set(typeof names === "string" ? [names] : names);
    this.names = set?.size ? [...set] : undefined;
    this.queueSize = checkSize(
      "queueSize",
      options.queueSize ?? defaultQueueSize(hub),
      1,
    );
    this.#where = options.where as ((event: unknown) => boolean) | undefined;
    const consumer: Consumer = {
      since: 0,
      offer: (event) => this.#offer(event as event),
      end: (error) => this.#end({ kind: "connection", error }),
    };
    this.#detach = register(hub, consumer, set?.size ? set : undefined);
    const signal = options.signal;
    if (signal && !this.#ending) {
      if (signal.aborted) this.#end({ kind: "owner", error: signal.reason });
      else {
        this.#signal = signal;
        this.#onAbort = () => this.#end({ kind: "owner", error: signal.reason });
        signal.addEventListener("abort", this.#onAbort, { once: true });
      }
    }
  }

  /** Events dropped from this listener's queue because it was full. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Events queued, not read yet. */
  get size(): number {
    return this.#queue.length;
  }

  /** True once closed (by its owner, by the connection, or because `where` threw). */
  get closed(): boolean {
    return this.#ending !== undefined;
  }

  #offer(event: event): boolean {
    if (this.#ending) return false;
    if (this.#where) {
      try {
        if (!this.#where(event)) return false;
      } catch (error) {
        this.#end({ kind: "failed", error });
        return false;
      }
    }
    for (const reader of this.#readers) {
      // Someone is waiting: hand it over without queueing.
      this.#readers.delete(reader);
      reader.deliver(event);
      return false;
    }
    this.#queue.push(event);
    if (this.#queue.length <= this.queueSize) return false;
    this.#queue.shift();
    this.#dropped++;
    return true;
  }

  #end(ending: Ending): void {
    if (this.#ending) return;
    this.#ending = ending;
    // Undefined when the hub was closed before this listener was created.
    this.#detach?.();
    if (this.#onAbort) this.#signal!.removeEventListener("abort", this.#onAbort);
    // Closed by its owner: what is queued is not wanted any more.
    if (ending.kind === "owner") this.#queue.clear();
    const readers = [...this.#readers];
    this.#readers.clear();
    for (const reader of readers) reader.settle();
  }

  /**
   * The next event: the oldest queued, or the next to arrive. Rejects with
   * `TimeoutError` after `timeout`, with the signal's reason when `signal`
   * aborts, with `ConnectionClosedError` once the connection has closed and
   * the queue is empty, with `ListenerClosedError` (or the listener's
   * signal's reason) once closed, or with what `where` threw.
   */
  wait(options: ListenerWaitOptions = {}): Promise<event> {
    if (this.#queue.length) return Promise.resolve(this.#queue.shift()!);
    if (this.#ending) return Promise.reject(this.#ending.error);
    const { signal, timeout } = options;
    const problem = timeout === undefined ? undefined : timeoutProblem("timeout", timeout);
    if (problem) return Promise.reject(problem);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      let cancelTimer: (() => void) | undefined;
      const onAbort = () => fail(signal!.reason);
      const cleanup = () => {
        this.#readers.delete(reader);
        cancelTimer?.();
        signal?.removeEventListener("abort", onAbort);
      };
      const fail = (error: unknown) => {
        cleanup();
        reject(error);
      };
      const reader: Reader<event> = {
        deliver: (event) => {
          cleanup();
          resolve(event);
        },
        settle: () => fail(this.#ending!.error),
      };
      this.#readers.add(reader);
      signal?.addEventListener("abort", onAbort, { once: true });
      if (timeout !== undefined) {
        cancelTimer = startTimer(
          timeout,
          () =>
            fail(new TimeoutError(`wait for ${this.names?.join(", ") ?? "any event"}`, timeout)),
        );
      }
    });
  }

  /** Removes and returns every queued event. */
  clear(): event[] {
    return this.#queue.clear();
  }

  /**
   * Stops listening: queued events are discarded, pending `wait()` calls
   * reject with `ListenerClosedError`, iteration ends.
   */
  close(): void {
    this.#end({ kind: "owner", error: new ListenerClosedError() });
  }

  /** The iterator protocol: the next event, or done once the listener has closed. */
  next(): Promise<IteratorResult<event, undefined>> {
    if (this.#queue.length) return Promise.resolve({ value: this.#queue.shift()!, done: false });
    if (this.#ending) return this.#finished();
    return new Promise((resolve, reject) => {
      const reader: Reader<event> = {
        deliver: (value) => resolve({ value, done: false }),
        settle: () => this.#finished().then(resolve, reject),
      };
      this.#readers.add(reader);
    });
  }

  /** Done, or (once) what `where` threw. */
  #finished(): Promise<IteratorResult<event, undefined>> {
    const ending = this.#ending!;
    if (ending.kind === "failed" && !ending.thrown) {
      ending.thrown = true;
      return Promise.reject(ending.error);
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Leaving a `for await` loop early closes the listener. */
  return(): Promise<IteratorResult<event, undefined>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** The listener is its own iterator: `for await (const event of listener)`. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /** `using listener = hub.listen(…)` closes it at the end of the scope. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Stops a handler; `using` stops it at the end of the scope.
 *
 * @example
 * ```ts
 * import { EventHub, type Unsubscribe } from "./events.ts";
 * const off: Unsubscribe = new EventHub().on("STOP", (event) => console.log(event.event));
 * off();
 * ```
 */
export type Unsubscribe = (() => void) & Disposable;

/**
 * Routes events to their consumers. Each consumer sees every event it
 * matches from the moment it was created:
 *
 * - handlers (`on`) are called as each event arrives (no queue; a handler
 *   that throws is reported as an uncaught error, the others still run);
 * - listeners (`listen`) queue events, each in its own queue of at most
 *   `queueSize` events (default 1000); past it the oldest is dropped and
 *   counted, per listener and in the hub's `dropped`;
 * - waiters (`waitFor`) take the first matching event, all of them: two
 *   waiters for the same event both receive it.
 *
 * The hub also remembers the last `historySize` events (default 100): a
 * `waitFor` looks there first for an event no other `waitFor` has received,
 * so one made right after the command that caused the event still finds it.
 * The history feeds nothing else, and events older than it are forgotten
 * without being counted as dropped.
 *
 * @example
 * ```ts
 * import { EventHub } from "./events.ts";
 * const hub = new EventHub();
 * using everything = hub.listen();
 * hub.dispatch({ event: "STOP", data: {}, timestamp: { seconds: 0, microseconds: 0 } });
 * const stop = await hub.waitFor("STOP"); // from the history
 * console.log(stop.event, (await everything.wait()).event);
 * ```
 */
export class EventHub {
  /** The default bound of each listener's queue, in events. */
  readonly queueSize: number;
  /** How many recent events `waitFor` can look back on. */
  readonly historySize: number;
  readonly #history = new Fifo<HistoryRecord>();
  /** Consumers by event name. */
  readonly #named = new Map<string, Set<Consumer>>();
  /** Consumers of every event. */
  readonly #all = new Set<Consumer>();
  /** The sequence number of the last event dispatched. */
  #sequence = 0;
  #dropped = 0;
  #closed?: ConnectionClosedError;

  static {
    register = (hub, consumer, names) => hub.#register(consumer, names);
    defaultQueueSize = (hub) => hub.queueSize;
  }

  /** A hub with the given bounds (queue size 1000, history 100 by default). */
  constructor(options: EventHubOptions = {}) {
    this.queueSize = checkSize("queueSize", options.queueSize ?? 1000, 1);
    this.historySize = checkSize("historySize", options.historySize ?? 100, 0);
  }

  /** Events dropped by any listener because its queue was full. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Adds a consumer that sees the events after now; returns the function that removes it. */
  #register(consumer: Consumer, names: ReadonlySet<string> | undefined): () => void {
    if (this.#closed) {
      consumer.end(this.#closed);
      return () => {};
    }
    consumer.since = this.#sequence;
    if (names === undefined) {
      this.#all.add(consumer);
      return () => void this.#all.delete(consumer);
    }
    for (const name of names) {
      let set = this.#named.get(name);
      if (!set) this.#named.set(name, set = new Set());
      set.add(consumer);
    }
    return () => {
      for (const name of names) {
        const set = this.#named.get(name);
        if (set?.delete(consumer) && set.size === 0) this.#named.delete(name);
      }
    };
  }

  /** Delivers one event to every consumer that matches it. */
  dispatch(event: RawEvent): void {
    if (this.#closed) return;
    const sequence = ++this.#sequence;
    let record: HistoryRecord | undefined;
    if (this.historySize > 0) {
      record = { event, taken: false };
      this.#history.push(record);
      if (this.#history.length > this.historySize) this.#history.shift();
    }
    // A consumer added while this event is delivered (by a handler) starts with the next one.
    const named = this.#named.get(event.event);
    if (named) {
      for (const consumer of named) {
        if (consumer.since < sequence && consumer.offer(event, record)) this.#dropped++;
      }
    }
    for (const consumer of this.#all) {
      if (consumer.since < sequence && consumer.offer(event, record)) this.#dropped++;
    }
  }

  /**
   * Calls `handler` for every later event named `name` (every event when
   * `name` is ""); returns the function that stops it.
   */
  on(name: string, handler: (event: RawEvent) => void): Unsubscribe {
    const consumer: Consumer = {
      since: 0,
      offer: (event) => {
        try {
          handler(event);
        } catch (error) {
          // A throwing handler must not stop delivery to the others.
          queueMicrotask(() => {
            throw error;
          });
        }
        return false;
      },
      end: () => {},
    };
    const off = this.#register(consumer, name === "" ? undefined : new Set([name]));
    return Object.assign(() => off(), { [Symbol.dispose]: off });
  }

  /**
   * A listener of the events named `names` (a name or several; none: every
   * event), from now on, in its own queue.
   */
  listen(names?: string | Iterable<string>, options?: ListenOptions<RawEvent>): EventListener {
    return new EventListener(this, names, options);
  }

  /**
   * The next event named `name` that matches `where`: from the history
   * first (unless `history` is false), else the next to arrive.
   */
  waitFor(name: string, options: WaitOptions<RawEvent> = {}): Promise<RawEvent> {
    const { where, signal, timeout } = options;
    const problem = timeout === undefined ? undefined : timeoutProblem("timeout", timeout);
    if (problem) return Promise.reject(problem);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (options.history !== false) {
      for (const record of this.#history) {
        if (record.taken || record.event.event !== name) continue;
        try {
          if (where && !where(record.event)) continue;
        } catch (error) {
          return Promise.reject(error);
        }
        record.taken = true;
        return Promise.resolve(record.event);
      }
    }
    if (this.#closed) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => {
      let cancelTimer: (() => void) | undefined;
      const onAbort = () => fail(signal!.reason);
      const cleanup = () => {
        off();
        cancelTimer?.();
        signal?.removeEventListener("abort", onAbort);
      };
      const fail = (error: unknown) => {
        cleanup();
        reject(error);
      };
      const consumer: Consumer = {
        since: 0,
        offer: (event, record) => {
          try {
            if (where && !where(event)) return false;
          } catch (error) {
            fail(error);
            return false;
          }
          if (record) record.taken = true;
          cleanup();
          resolve(event);
          return false;
        },
        end: fail,
      };
      const off = this.#register(consumer, new Set([name]));
      signal?.addEventListener("abort", onAbort, { once: true });
      if (timeout !== undefined) {
        cancelTimer = startTimer(
          timeout,
          () => fail(new TimeoutError(`waitFor(${name})`, timeout)),
        );
      }
    });
  }

  /**
   * Forgets the history: its events came from a connection that is gone
   * (a reconnecting client's previous one, perhaps to another QEMU), so no
   * later `waitFor` may take them for new ones. Listeners and waits go on.
   */
  clearHistory(): void {
    this.#history.clear();
  }

  /** The connection is gone: waiters reject, listeners end once their queues are read. */
  close(reason: string): void {
    if (this.#closed) return;
    const closed = this.#closed = new ConnectionClosedError(undefined, reason);
    const consumers = new Set(this.#all);
    for (const set of this.#named.values()) for (const consumer of set) consumers.add(consumer);
    this.#all.clear();
    this.#named.clear();
    for (const consumer of consumers) consumer.end(closed);
  }
}

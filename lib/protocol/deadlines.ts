/**
 * Call timeouts on one timer: a connection keeps its calls' deadlines in a
 * binary heap and arms a single `setTimeout` for the earliest, instead of a
 * timer per call (creating and clearing a timer costs more than a call's
 * own work, on Deno especially).
 *
 * @module
 */

/** The longest delay `setTimeout` honours (a longer one fires after 1 ms). */
const maxTimerDelay = 2 ** 31 - 1;

/**
 * An entry of a `Deadlines` queue. `slot` is the queue's own bookkeeping:
 * -1 while the entry is not queued.
 *
 * @example
 * ```ts
 * import type { Deadline } from "./deadlines.ts";
 * const entry: Deadline = { deadline: 0, slot: -1 };
 * ```
 */
export interface Deadline {
  /** When it expires, in `performance.now()` milliseconds. */
  deadline: number;
  /** Its index in the heap; -1 when not queued. */
  slot: number;
}

/**
 * Deadlines of any length on one timer. `add` queues an entry to expire
 * after some milliseconds (any number of them: past 2^31 − 1 the timer is
 * re-armed as often as needed; `Infinity` is never queued); `remove` takes
 * one out in logarithmic time. When entries expire, `expire` is called with
 * each, earliest first. The timer keeps a process alive only while entries
 * are queued: when the last is removed it stays armed but unreferenced
 * (Node's `unref`, Deno's `unrefTimer`), so that the next entry usually
 * finds it armed early enough and no timer is created per entry.
 *
 * @example
 * ```ts
 * import { type Deadline, Deadlines } from "./deadlines.ts";
 * const fired: string[] = [];
 * const queue = new Deadlines<Deadline & { name: string }>((entry) => fired.push(entry.name));
 * const soon = { name: "soon", deadline: 0, slot: -1 };
 * const never = { name: "never", deadline: 0, slot: -1 };
 * queue.add(soon, 5);
 * queue.add(never, 2 ** 40);
 * queue.remove(never);
 * await new Promise((resolve) => setTimeout(resolve, 20));
 * console.log(fired, queue.size); // ["soon"] 0
 * ```
 */
export class Deadlines<entry extends Deadline> {
  readonly #heap: entry[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the armed timer fires (Infinity: none armed). */
  #armedFor = Infinity;
  /** Whether the armed timer keeps the process alive. */
  #referenced = false;

  /** `expire` is called with each entry whose deadline has passed, taken out of the queue. */
  constructor(readonly expire: (entry: entry) => void) {}

  /** How many entries are queued. */
  get size(): number {
    return this.#heap.length;
  }

  /**
   * Queues `entry` to expire in `milliseconds` (0 or more; `Infinity`: the
   * entry is not queued). An entry already queued is moved.
   */
  add(entry: entry, milliseconds: number): void {
    if (entry.slot >= 0) this.remove(entry);
    if (milliseconds === Infinity) return;
    entry.deadline = performance.now() + milliseconds;
    entry.slot = this.#heap.length;
    this.#heap.push(entry);
    this.#up(entry.slot);
    if (entry.deadline < this.#armedFor) this.#arm();
    else if (!this.#referenced) this.#reference(true);
  }

  /** Takes `entry` out; nothing happens if it is not queued. */
  remove(entry: entry): void {
    const slot = entry.slot;
    if (slot < 0) return;
    entry.slot = -1;
    const last = this.#heap.pop()!;
    if (last !== entry) {
      this.#heap[slot] = last;
      last.slot = slot;
      this.#down(slot);
      this.#up(last.slot);
    }
    // The timer stays armed for an earlier time (it re-arms when it fires);
    // with nothing left to wait for, it no longer holds the process.
    if (this.#heap.length === 0) this.#reference(false);
  }

  /** Takes every entry out, without expiring them. */
  clear(): void {
    for (const entry of this.#heap) entry.slot = -1;
    this.#heap.length = 0;
    this.#disarm();
  }

  #arm(): void {
    this.#disarm();
    const first = this.#heap[0];
    if (first === undefined) return;
    // Never early: a timer rounds to whole milliseconds.
    const delay = Math.max(0, Math.ceil(first.deadline - performance.now()));
    const step = Math.min(delay, maxTimerDelay);
    this.#armedFor = performance.now() + step;
    this.#timer = setTimeout(() => this.#fire(), step);
    this.#referenced = true;
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = Infinity;
    this.#referenced = false;
  }

  /** Makes the armed timer hold the process alive, or not. */
  #reference(referenced: boolean): void {
    const timer = this.#timer;
    if (timer === undefined || this.#referenced === referenced) return;
    this.#referenced = referenced;
    if (typeof timer === "object" && timer !== null) {
      // Node's Timeout.
      const node = timer as { ref?: () => void; unref?: () => void };
      if (referenced) node.ref?.();
      else node.unref?.();
    } else {
      const deno = (globalThis as {
        Deno?: { refTimer?: (id: number) => void; unrefTimer?: (id: number) => void };
      }).Deno;
      if (referenced) deno?.refTimer?.(timer as number);
      else deno?.unrefTimer?.(timer as number);
    }
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedFor = Infinity;
    this.#referenced = false;
    const now = performance.now();
    const heap = this.#heap;
    try {
      while (heap.length !== 0 && heap[0].deadline <= now) {
        const entry = heap[0];
        this.remove(entry);
        this.expire(entry);
      }
    } finally {
      // Re-armed whatever `expire` did, so that no entry is left waiting.
      if (this.#timer === undefined) this.#arm();
    }
  }

  #up(slot: number): void {
    const heap = this.#heap;
    const entry = heap[slot];
    while (slot > 0) {
      const parentSlot = (slot - 1) >> 1;
      const parent = heap[parentSlot];
      if (parent.deadline <= entry.deadline) break;
      heap[slot] = parent;
      parent.slot = slot;
      slot = parentSlot;
    }
    heap[slot] = entry;
    entry.slot = slot;
  }

  #down(slot: number): void {
    const heap = this.#heap;
    const length = heap.length;
    const entry = heap[slot];
    for (;;) {
      let child = 2 * slot + 1;
      if (child >= length) break;
      if (child + 1 < length && heap[child + 1].deadline < heap[child].deadline) child++;
      if (heap[child].deadline >= entry.deadline) break;
      heap[slot] = heap[child];
      heap[slot].slot = slot;
      slot = child;
    }
    heap[slot] = entry;
    entry.slot = slot;
  }
}

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
 * one out. When entries expire, `expire` is called with each, earliest
 * first. The timer keeps a process alive only while entries are queued:
 * when the last is removed it stays armed but unreferenced (Node's `unref`,
 * Deno's `unrefTimer`), so that the next entry usually finds it armed early
 * enough and no timer is created per entry.
 *
 * A binary heap whose removals are lazy: a removed entry is only marked
 * (constant time), and the heap is rebuilt without the marked ones once they
 * outnumber the others, so that removing calls answered in the order they
 * were made — the usual case — costs no reordering, and marked entries never
 * hold more than about as much memory as queued ones.
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
  /**
   * The heap, as deadlines and entries side by side. An entry is queued at
   * index `i` when its `slot` is `i`; any other copy of it in the heap is a
   * removed one, kept with the deadline it had until the next rebuild.
   * Reads below use `!` at indices the heap holds by construction (below its
   * length): a check there would be dead code on the hottest path.
   */
  #keys: number[] = [];
  #entries: entry[] = [];
  /** Removed entries still in the heap. */
  #removed = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the armed timer fires (Infinity: none armed). */
  #armedFor = Infinity;
  /** Whether the armed timer keeps the process alive. */
  #referenced = false;

  /** `expire` is called with each entry whose deadline has passed, taken out of the queue. */
  constructor(readonly expire: (entry: entry) => void) {}

  /** How many entries are queued. */
  get size(): number {
    return this.#entries.length - this.#removed;
  }

  /**
   * Queues `entry` to expire in `milliseconds` (0 or more; `Infinity`: the
   * entry is not queued). An entry already queued is moved.
   */
  add(entry: entry, milliseconds: number): void {
    if (entry.slot >= 0) this.remove(entry);
    if (milliseconds === Infinity) return;
    const deadline = performance.now() + milliseconds;
    entry.deadline = deadline;
    const index = this.#entries.length;
    this.#keys.push(deadline);
    this.#entries.push(entry);
    entry.slot = index;
    this.#up(index);
    if (deadline < this.#armedFor) this.#arm();
    else if (!this.#referenced) this.#reference(true);
  }

  /** Takes `entry` out; nothing happens if it is not queued. */
  remove(entry: entry): void {
    const slot = entry.slot;
    if (slot < 0) return;
    entry.slot = -1;
    const last = this.#entries.length - 1;
    if (slot === last) {
      this.#keys.pop();
      this.#entries.pop();
    } else {
      this.#removed++;
      if (this.#removed > 32 && this.#removed * 2 > this.#entries.length) this.#rebuild();
    }
    // The timer stays armed for an earlier time (it re-arms when it fires);
    // with nothing left to wait for, it no longer holds the process.
    if (this.size === 0) {
      this.#clearHeap();
      this.#reference(false);
    }
  }

  /** Takes every entry out, without expiring them. */
  clear(): void {
    this.#clearHeap();
    this.#disarm();
  }

  #clearHeap(): void {
    const entries = this.#entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.slot === i) entry.slot = -1;
    }
    this.#keys = [];
    this.#entries = [];
    this.#removed = 0;
  }

  /** The heap again from the queued entries only (linear time). */
  #rebuild(): void {
    const keys: number[] = [];
    const entries: entry[] = [];
    for (let i = 0; i < this.#entries.length; i++) {
      const entry = this.#entries[i]!;
      if (entry.slot !== i) continue;
      entry.slot = entries.length;
      keys.push(this.#keys[i]!);
      entries.push(entry);
    }
    this.#keys = keys;
    this.#entries = entries;
    this.#removed = 0;
    for (let i = (entries.length >> 1) - 1; i >= 0; i--) this.#down(i);
  }

  /** Takes the root out of the heap; returns it if it was queued. */
  #pop(): entry | undefined {
    const entries = this.#entries;
    const root = entries[0]!; // Called on a heap that is not empty.
    const queued = root.slot === 0;
    if (queued) root.slot = -1;
    else this.#removed--;
    const lastIndex = entries.length - 1;
    const last = entries.pop()!;
    const lastKey = this.#keys.pop()!;
    if (lastIndex > 0) {
      const lastQueued = last.slot === lastIndex;
      this.#keys[0] = lastKey;
      entries[0] = last;
      if (lastQueued) last.slot = 0;
      this.#down(0);
    }
    return queued ? root : undefined;
  }

  #arm(): void {
    this.#disarm();
    // Removed entries at the root only make the timer fire early; it then re-arms.
    if (this.#entries.length === 0) return;
    // Never early: a timer rounds to whole milliseconds.
    const delay = Math.max(0, Math.ceil(this.#keys[0]! - performance.now()));
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
    try {
      while (this.#entries.length !== 0 && this.#keys[0]! <= now) {
        const entry = this.#pop();
        if (entry !== undefined) this.expire(entry);
      }
      // Removed entries at the root are dropped before the timer is armed again.
      while (this.#entries.length !== 0 && this.#entries[0]!.slot !== 0) this.#pop();
    } finally {
      // Re-armed whatever `expire` did, so that no entry is left waiting.
      if (this.#timer === undefined) this.#arm();
    }
  }

  /** Moves the element at `index` up to its place. */
  #up(index: number): void {
    const keys = this.#keys;
    const entries = this.#entries;
    const key = keys[index]!;
    const entry = entries[index]!;
    const queued = entry.slot === index;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (keys[parent]! <= key) break;
      this.#move(parent, index);
      index = parent;
    }
    keys[index] = key;
    entries[index] = entry;
    if (queued) entry.slot = index;
  }

  /** Moves the element at `index` down to its place. */
  #down(index: number): void {
    const keys = this.#keys;
    const entries = this.#entries;
    const length = entries.length;
    const key = keys[index]!;
    const entry = entries[index]!;
    const queued = entry.slot === index;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= length) break;
      if (child + 1 < length && keys[child + 1]! < keys[child]!) child++;
      if (keys[child]! >= key) break;
      this.#move(child, index);
      index = child;
    }
    keys[index] = key;
    entries[index] = entry;
    if (queued) entry.slot = index;
  }

  /** Copies the element at `from` to `to`, its slot following it if it is queued. */
  #move(from: number, to: number): void {
    const entry = this.#entries[from]!;
    this.#keys[to] = this.#keys[from]!;
    this.#entries[to] = entry;
    if (entry.slot === from) entry.slot = to;
  }
}

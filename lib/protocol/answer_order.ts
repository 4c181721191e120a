/**
 * Which request an unreadable line answers, for a peer that answers in order
 * (QEMU's QMP monitor): the requests written and not yet answered, in two
 * queues, since QEMU answers in-band requests in the order it reads them
 * and out-of-band ones in theirs, the two interleaved.
 *
 * @module
 */

/** An unreadable line that may be an answer, kept until it is known whose. */
interface Unclaimed {
  /** What was wrong with it. */
  readonly what: string;
  /** Its start (the whole line is not kept). */
  readonly excerpt: string;
}

/** The longest excerpt of an unreadable line kept for the call it settles. */
const excerptLength = 200;

/**
 * Past this many entries a queue drops those of calls that no longer wait
 * (timed out or aborted, whose answers were never seen): a peer that never
 * answers must not grow it with every call that times out. Their late
 * answers may then be taken for a later call's.
 */
const pruneAbove = 1 << 16;

/**
 * Ids in ascending order, taken from the front or removed anywhere (a reply
 * is routed by its id, whatever its order). An id removed behind the front
 * is marked in a set and skipped when the front reaches it.
 */
class IdQueue {
  #ids: number[] = [];
  #head = 0;
  /** Ids behind the front already removed. */
  #removed = new Set<number>();
  #prunedAt = pruneAbove;

  get size(): number {
    return this.#ids.length - this.#head - this.#removed.size;
  }

  /** Ids kept in memory: those in the queue, and those removed but not yet dropped. */
  get held(): number {
    return this.#ids.length - this.#head;
  }

  push(id: number, waiting: (id: number) => boolean): void {
    this.#ids.push(id);
    if (this.size > this.#prunedAt) {
      const removed = this.#removed;
      this.#ids = this.#ids.slice(this.#head).filter((id) => !removed.has(id) && waiting(id));
      this.#head = 0;
      this.#removed = new Set();
      // Pruned again only once it has doubled: linear in the pushes.
      this.#prunedAt = Math.max(pruneAbove, 2 * this.#ids.length);
    }
  }

  shift(): number | undefined {
    if (this.size === 0) return undefined;
    const id = this.#ids[this.#head++];
    this.#advance();
    return id;
  }

  /** Removes `id`; false when it is not there. */
  remove(id: number): boolean {
    const ids = this.#ids;
    if (this.#head < ids.length && ids[this.#head] === id) {
      this.#head++; // The usual case: answered in order.
      this.#advance();
      return true;
    }
    let low = this.#head + 1;
    let high = ids.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const found = ids[middle]!; // low <= middle <= high < ids.length
      if (found < id) low = middle + 1;
      else if (found > id) high = middle - 1;
      else {
        const removed = this.#removed;
        if (removed.has(id)) return false;
        removed.add(id);
        // An entry that stays at the front while later ones are answered
        // must not keep them all: dropped once they are half the array.
        if (removed.size >= 1024 && removed.size * 2 >= ids.length - this.#head) {
          this.#ids = ids.slice(this.#head).filter((id) => !removed.has(id));
          this.#head = 0;
          this.#removed = new Set();
        }
        return true;
      }
    }
    return false;
  }

  /** Moves the front past removed ids, and drops what is in front of it now and then. */
  #advance(): void {
    const ids = this.#ids;
    let head = this.#head;
    const removed = this.#removed;
    while (removed.size > 0 && head < ids.length && removed.delete(ids[head]!)) head++;
    if (head === ids.length) {
      this.#ids = [];
      this.#head = 0;
    } else if (head >= 1024 && head * 2 >= ids.length) {
      this.#ids = ids.slice(head);
      this.#head = 0;
    } else this.#head = head;
  }
}

/**
 * The answers a peer owes, for a peer that answers in-band requests in the
 * order it reads them and out-of-band ones in theirs (QEMU's QMP monitor).
 * Every written request is an entry until its answer is seen, readable or
 * not:
 *
 * - A reply with an id removes that request's entry, whatever its place
 *   (replies are routed by id, never by order). QEMU's error without `id`,
 *   its answer to a request it could not parse, removes the oldest in-band
 *   entry: QEMU queues a request in-band before it knows what it is.
 * - A line that may be an answer but is unreadable (not JSON, not an
 *   object, a reply without a usable id, a message of unknown shape)
 *   answers the oldest entry when only one queue has entries. With entries
 *   in both it is kept until it is known whose it is: until one queue
 *   empties, or there are as many unreadable lines as entries (every
 *   request has then been answered). With no entries, it answers nothing.
 *
 * So once the peer has answered every request, readably or not, no entry
 * is left: no call waits forever. Entries of calls that timed out or were
 * aborted stay until their answers come, so a late answer, readable or not,
 * never settles another call. What this cannot tell: an unreadable line
 * that was no answer (an event cut short) is taken for one, and a call
 * fails that would have succeeded (its reply, when it comes, settles
 * nothing); two answers run into one line (a newline lost) count as one,
 * and the call of the second waits for its timeout or the connection's end.
 *
 * @example
 * ```ts
 * import { AnswerOrder } from "./answer_order.ts";
 * const order = new AnswerOrder(
 *   (id, why) => console.log(`call ${id}: ${why}`),
 *   () => true,
 * );
 * order.written(1, false);
 * order.written(2, false);
 * order.answered(2); // routed by id: call 1 still waits
 * order.unreadable("line is not JSON", "{oops"); // "call 1: unreadable reply, line is not JSON"
 * ```
 */
export class AnswerOrder {
  readonly #inBand = new IdQueue();
  readonly #oob = new IdQueue();
  /** Unreadable lines not yet known to answer a request (only while both queues have entries). */
  #unclaimed: Unclaimed[] = [];

  constructor(
    /**
     * Called for a request found answered unreadably: its call (if it still
     * waits) settles with `why`, quoting `excerpt` when there is one.
     */
    readonly onUnreadable: (id: number, why: string, excerpt: string | undefined) => void,
    /** Whether the call of `id` still waits (those that don't may be pruned). */
    readonly waiting: (id: number) => boolean,
  ) {}

  /** Requests whose answers are still owed. */
  get size(): number {
    return this.#inBand.size + this.#oob.size;
  }

  /** Ids kept in memory (owed, or answered and not yet dropped): a bound's measure. */
  get held(): number {
    return this.#inBand.held + this.#oob.held;
  }

  /** A request went to the peer: its answer is now owed. */
  written(id: number, oob: boolean): void {
    (oob ? this.#oob : this.#inBand).push(id, this.waiting);
  }

  /**
   * A readable reply to request `id`, routed by its id whatever its order
   * (the call may have timed out or been aborted: its answer was owed all
   * the same). Unreadable lines kept may now be known to answer the other
   * queue.
   */
  answered(id: number): void {
    if (this.#inBand.remove(id) || this.#oob.remove(id)) this.#claim();
  }

  /**
   * QEMU's error without `id`, its answer to a request it could not parse:
   * in-band, since QEMU queues a request before it knows what it is. Returns
   * the id of the request it answers, or undefined when none is owed.
   */
  answeredWithoutId(): number | undefined {
    const id = this.#inBand.shift();
    this.#claim();
    return id;
  }

  /** A line that may be an answer, but unreadable. */
  unreadable(what: string, line: string): void {
    this.#unclaimed.push({ what, excerpt: line.slice(0, excerptLength) });
    this.#claim();
  }

  /** Gives unclaimed lines to the requests they must answer, as far as that is known. */
  #claim(): void {
    const unclaimed = this.#unclaimed;
    while (unclaimed.length > 0) {
      const inBand = this.#inBand.size;
      const oob = this.#oob.size;
      if (inBand === 0 && oob === 0) {
        // Nothing owed: lines that answer nothing (or requests pruned).
        this.#unclaimed = [];
        return;
      }
      if (inBand > 0 && oob > 0) {
        if (unclaimed.length < inBand + oob) return; // Whose they are is not known yet.
        // As many unreadable lines as answers owed: every request has been answered.
        const count = unclaimed.length;
        this.#unclaimed = [];
        for (const queue of [this.#inBand, this.#oob]) {
          for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
            this.onUnreadable(
              id,
              `unreadable reply (one of ${count} unreadable lines, in-band and out-of-band replies owed)`,
              undefined,
            );
          }
        }
        return;
      }
      const id = (inBand > 0 ? this.#inBand : this.#oob).shift()!;
      const line = unclaimed.shift()!;
      this.onUnreadable(id, `unreadable reply, ${line.what}`, line.excerpt);
    }
  }
}

/**
 * Tracing a connection: every message in and out, with its direction and
 * time, handed to a hook as it passes (`trace` in the connection options).
 * `TraceRecorder` keeps them, as JSON Lines, for logs and for recordings a
 * test replays (`replayTransport` in `replay.ts`).
 *
 * @module
 */

/**
 * One message that passed on a connection.
 *
 * @example
 * ```ts
 * import type { TraceEntry } from "./trace.ts";
 * const entry: TraceEntry = {
 *   direction: "out",
 *   time: Date.now(),
 *   message: '{"execute":"query-status","id":1}',
 * };
 * ```
 */
export interface TraceEntry {
  /** `"out"`: sent to the peer; `"in"`: received from it. */
  readonly direction: "in" | "out";
  /**
   * When it was handed to the transport or received from it: milliseconds
   * since the Unix epoch, with a fraction (a monotonic clock, so entries of
   * one connection are in order).
   */
  readonly time: number;
  /**
   * The message as it went over the wire: one line of JSON without its
   * newline (an incoming line that is not JSON too). Raw bytes sent (the
   * guest agent's 0xFF sync byte) are one character per byte.
   */
  readonly message: string;
}

/**
 * Called with each message in and out. It runs inside the connection's
 * reading and writing: keep it quick. A hook that throws is reported as an
 * uncaught error, and the connection goes on.
 *
 * @example
 * ```ts
 * import type { TraceHook } from "./trace.ts";
 * const log: TraceHook = ({ direction, time, message }) =>
 *   console.log(new Date(time).toISOString(), direction === "out" ? ">" : "<", message);
 * ```
 */
export type TraceHook = (entry: TraceEntry) => void;

/** Milliseconds since the epoch on a monotonic clock (wall clock where there is none). */
export const traceTime: () => number = typeof performance !== "undefined" &&
    typeof performance.now === "function" && typeof performance.timeOrigin === "number"
  ? () => performance.timeOrigin + performance.now()
  : () => Date.now();

/**
 * Calls a trace hook; a hook that throws does not disturb the connection
 * (its error is rethrown on its own, as an uncaught error).
 */
export function callTraceHook(hook: TraceHook, direction: "in" | "out", message: string): void {
  try {
    hook({ direction, time: traceTime(), message });
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

/**
 * Options of a `TraceRecorder`.
 *
 * @example
 * ```ts
 * import type { TraceRecorderOptions } from "./trace.ts";
 * const options: TraceRecorderOptions = { maxEntries: 10_000 };
 * ```
 */
export interface TraceRecorderOptions {
  /**
   * The most entries kept; later ones are counted in `dropped`, not kept (a
   * recording keeps its beginning, which is what a replay needs). Default
   * 100 000.
   */
  readonly maxEntries?: number;
}

/**
 * Keeps the messages of a connection: pass its `hook` as the `trace` option,
 * then read `entries`, or save `toJsonLines()` and replay it later.
 *
 * @example
 * ```ts ignore
 * import { TraceRecorder } from "./trace.ts";
 * import { connect } from "../client/qmp.ts";
 * const recorder = new TraceRecorder();
 * await using qmp = await connect("/tmp/qmp.sock", { trace: recorder.hook });
 * await qmp.execute("query-status");
 * await Deno.writeTextFile("session.jsonl", recorder.toJsonLines());
 * ```
 */
export class TraceRecorder {
  readonly #entries: TraceEntry[] = [];
  readonly #maxEntries: number;
  #dropped = 0;

  /** A recorder that keeps up to `maxEntries` entries. */
  constructor(options: TraceRecorderOptions = {}) {
    const maxEntries = options.maxEntries ?? 100_000;
    if (!(Number.isSafeInteger(maxEntries) && maxEntries >= 0)) {
      throw new RangeError(`maxEntries must be a whole number, 0 or more, not ${maxEntries}`);
    }
    this.#maxEntries = maxEntries;
  }

  /** The hook to pass as `trace`. */
  readonly hook: TraceHook = (entry) => {
    if (this.#entries.length < this.#maxEntries) this.#entries.push(entry);
    else this.#dropped++;
  };

  /** The entries kept, in order. */
  get entries(): readonly TraceEntry[] {
    return this.#entries;
  }

  /** Entries not kept because `maxEntries` was reached. */
  get dropped(): number {
    return this.#dropped;
  }

  /** The entries as JSON Lines: one `{"direction","time","message"}` object per line. */
  toJsonLines(): string {
    return this.#entries.map(traceLine).join("");
  }
}

/**
 * One entry as a line of JSON Lines (newline included), as `parseTrace` reads it.
 *
 * @example
 * ```ts
 * import { traceLine } from "./trace.ts";
 * console.log(traceLine({ direction: "out", time: 0, message: "{}" })); // {"direction":"out","time":0,"message":"{}"}
 * ```
 */
export function traceLine(entry: TraceEntry): string {
  return `${
    JSON.stringify({ direction: entry.direction, time: entry.time, message: entry.message })
  }\n`;
}

/**
 * Reads a recording written by `TraceRecorder.toJsonLines()`. Throws a
 * `SyntaxError` naming the line (`recording:LINE: …`) when it is not one.
 *
 * @example
 * ```ts
 * import { parseTrace } from "./trace.ts";
 * const entries = parseTrace('{"direction":"in","time":0,"message":"{\\"QMP\\":{}}"}\n');
 * console.log(entries[0].direction); // "in"
 * ```
 */
export function parseTrace(text: string, name = "recording"): TraceEntry[] {
  const entries: TraceEntry[] = [];
  const lines = text.split("\n");
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === "") continue;
    const where = `${name}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new SyntaxError(`${where}: not JSON: ${(error as Error).message}`);
    }
    const entry = value as Partial<Record<keyof TraceEntry, unknown>> | null;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw new SyntaxError(`${where}: not a trace entry object`);
    }
    if (entry.direction !== "in" && entry.direction !== "out") {
      throw new SyntaxError(`${where}: direction must be "in" or "out"`);
    }
    if (typeof entry.time !== "number" || !Number.isFinite(entry.time)) {
      throw new SyntaxError(`${where}: time must be a number`);
    }
    if (typeof entry.message !== "string") {
      throw new SyntaxError(`${where}: message must be a string`);
    }
    entries.push({ direction: entry.direction, time: entry.time, message: entry.message });
  }
  return entries;
}

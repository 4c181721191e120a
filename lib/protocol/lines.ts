/**
 * Line framing: QMP and QGA send one JSON message per line.
 *
 * @module
 */

import { ProtocolError } from "./errors.ts";

const newline = 10;
const empty = new Uint8Array(0);
/** The largest buffer of an unfinished line kept for the next one, in bytes. */
const keptBytes = 64 << 10;

/**
 * Splits a byte stream into lines in time linear in the bytes received: an
 * unfinished line is kept as bytes, newlines are searched in new bytes only,
 * and each line is decoded once. A line may hold at most `maxLineBytes` bytes
 * (UTF-8, the newline not counted); the limit is enforced as bytes arrive, so
 * a peer that never sends a newline can't grow memory past it.
 *
 * @example
 * ```ts
 * import { LineSplitter } from "./lines.ts";
 * const lines: string[] = [];
 * const splitter = new LineSplitter(1024, (line) => lines.push(line));
 * splitter.push(new TextEncoder().encode('{"a":1}\n{"b"'));
 * splitter.push(new TextEncoder().encode(':2}\n'));
 * console.log(lines); // ['{"a":1}', '{"b":2}']
 * ```
 */
export class LineSplitter {
  // A byte-order mark is content here, never stripped: each line decodes alone.
  readonly #decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  /**
   * The unfinished line, copied into one buffer that grows by doubling (up
   * to the limit). Not a list of the chunks it came in: a peer that sends a
   * byte at a time would make each byte an object of a few hundred bytes,
   * and the limit in bytes a bound of a hundred times more in memory.
   */
  #part = empty;
  #partBytes = 0;

  /** Lines of at most `maxLineBytes` bytes go to `onLine`, decoded, without their newline. */
  constructor(
    /** The largest line accepted, in bytes, the newline not counted. */
    readonly maxLineBytes: number,
    /** Called with each complete, non-blank line. */
    readonly onLine: (line: string) => void,
  ) {}

  /** Bytes held for the unfinished line. */
  get pendingBytes(): number {
    return this.#partBytes;
  }

  /**
   * Feeds a chunk; calls `onLine` for each complete line. Throws
   * `ProtocolError` as soon as a line exceeds the limit (its bytes are dropped).
   */
  push(chunk: Uint8Array): void {
    const first = chunk.indexOf(newline);
    if (first < 0) return this.#hold(chunk);
    let start = 0;
    if (this.#partBytes > 0) {
      // The unfinished line ends in this chunk.
      this.#hold(chunk.subarray(0, first));
      const line = this.#decoder.decode(this.#part.subarray(0, this.#partBytes));
      this.#partBytes = 0;
      // A large buffer is not kept for the lines to come; a small one is reused.
      if (this.#part.length > keptBytes) this.#part = empty;
      this.#emit(line);
      start = first + 1;
    }
    const last = chunk.lastIndexOf(newline);
    if (last >= start) {
      // Whole lines: each is checked only when the span could hold one too long.
      if (last - start > this.maxLineBytes) {
        for (let from = start, end = chunk.indexOf(newline, from); from <= last;) {
          if (end - from > this.maxLineBytes) this.#tooLarge();
          from = end + 1;
          end = chunk.indexOf(newline, from);
        }
      }
      // One decode for all of them: a newline byte never belongs to a multi-byte
      // sequence, so splitting the text is splitting the bytes. A chunk of
      // whole lines (the usual case) is decoded as it is, without a view of it.
      const whole = start === 0 && last === chunk.length - 1;
      const text = this.#decoder.decode(whole ? chunk : chunk.subarray(start, last));
      const end = whole ? text.length - 1 : text.length;
      let from = 0;
      for (let at = text.indexOf("\n"); at >= 0 && at < end; at = text.indexOf("\n", from)) {
        this.#emit(text.slice(from, at));
        from = at + 1;
      }
      this.#emit(from === 0 && end === text.length ? text : text.slice(from, end));
    }
    if (last + 1 < chunk.length) this.#hold(chunk.subarray(last + 1));
  }

  #emit(line: string): void {
    // Blank lines carry nothing; test cheaply rather than trim() every line.
    if (line.length !== 0 && (line.length > 2 || line.trim() !== "")) this.onLine(line);
  }

  #hold(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const size = this.#partBytes + bytes.length;
    if (size > this.maxLineBytes) this.#tooLarge();
    // A copy: the transport may reuse its buffer, and a small tail must not
    // keep a large chunk alive. Doubling keeps the copying linear.
    if (size > this.#part.length) {
      const grown = new Uint8Array(
        Math.min(Math.max(size, 2 * this.#part.length, 256), this.maxLineBytes),
      );
      grown.set(this.#part.subarray(0, this.#partBytes));
      this.#part = grown;
    }
    this.#part.set(bytes, this.#partBytes);
    this.#partBytes = size;
  }

  #tooLarge(): never {
    this.#part = empty;
    this.#partBytes = 0;
    throw new ProtocolError(`message larger than ${this.maxLineBytes} bytes`);
  }
}

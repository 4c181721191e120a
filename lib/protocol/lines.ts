/**
 * Line framing: QMP and QGA send one JSON message per line.
 *
 * @module
 */

import { ProtocolError } from "./errors.ts";

/**
 * Splits a byte stream into lines, never holding more than `maxLineBytes` of
 * an unfinished line (a peer that never sends a newline can't grow memory
 * without bound).
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
  #decoder = new TextDecoder();
  #partial = "";

  constructor(
    readonly maxLineBytes: number,
    readonly onLine: (line: string) => void,
  ) {}

  /** Feeds a chunk; calls `onLine` for each complete line. Throws `ProtocolError` past the limit. */
  push(chunk: Uint8Array): void {
    let text = this.#partial + this.#decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", start)) {
      const line = text.slice(start, end);
      start = end + 1;
      if (line.length > this.maxLineBytes) {
        throw new ProtocolError(`message larger than ${this.maxLineBytes} bytes`);
      }
      // Blank lines carry nothing; test cheaply rather than trim() every line.
      if (line.length !== 0 && (line.length > 2 || line.trim() !== "")) this.onLine(line);
    }
    text = text.slice(start);
    if (text.length > this.maxLineBytes) {
      this.#partial = "";
      throw new ProtocolError(`message larger than ${this.maxLineBytes} bytes`);
    }
    this.#partial = text;
  }
}

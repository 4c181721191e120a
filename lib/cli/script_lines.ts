/**
 * The lines of a shell script as they arrive: the shell runs each line of
 * a pipe as soon as it is complete, so that a program that writes a command,
 * reads its reply and only then writes the next one is answered, and an
 * endless input (`yes … | qapi-ts shell`) is run at the pace of the replies
 * instead of being gathered first.
 *
 * @module
 */

import { Buffer } from "node:buffer";

/** The longest line a script may have, in bytes (a larger one is refused). */
export const maxScriptLineBytes = 64 * 1024 * 1024;

/**
 * A line of a script that can't be run: not UTF-8 (a byte replaced by
 * U+FFFD would be sent to QEMU as another text than the one written), or
 * longer than {@link maxScriptLineBytes}.
 *
 * @example
 * ```ts
 * import { ScriptLineError } from "./script_lines.ts";
 * const error = new ScriptLineError(3, "not UTF-8");
 * console.log(error.message); // "line 3: not UTF-8"
 * ```
 */
export class ScriptLineError extends Error {
  override name = "ScriptLineError";
  /** The line's number, from 1. */
  readonly line: number;
  /** What is wrong with it. */
  readonly problem: string;

  /** A fault of line `line`. */
  constructor(line: number, problem: string) {
    super(`line ${line}: ${problem}`);
    this.line = line;
    this.problem = problem;
  }
}

const newline = 0x0a;

/**
 * Yields each line of `chunks` (without its `\n`) as soon as it is complete,
 * and the last one even without a final `\n`. Lines are split on bytes
 * before decoding (a `\n` byte is never part of a longer UTF-8 sequence), so
 * a fault names its own line. Throws {@link ScriptLineError} at a line that
 * is not UTF-8 or too long, after yielding the lines before it. Reading
 * pauses while the consumer runs a line, so only the line being gathered
 * and one chunk are held.
 *
 * @example
 * ```ts
 * import { scriptLines } from "./script_lines.ts";
 * async function* chunks() {
 *   yield new TextEncoder().encode("query-status\nqu");
 *   yield new TextEncoder().encode("ery-name");
 * }
 * for await (const line of scriptLines(chunks())) console.log(line);
 * // "query-status", then "query-name"
 * ```
 */
export async function* scriptLines(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  maxLineBytes: number = maxScriptLineBytes,
): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  let number = 0;
  const lineOf = (parts: Uint8Array[]): string => {
    number++;
    const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, heldBytes);
    try {
      return decoder.decode(bytes);
    } catch {
      throw new ScriptLineError(number, "not UTF-8");
    }
  };
  for await (const chunk of chunks) {
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(newline, start);
      const piece = chunk.subarray(start, end === -1 ? chunk.length : end);
      if (heldBytes + piece.length > maxLineBytes) {
        throw new ScriptLineError(number + 1, `longer than ${maxLineBytes} bytes`);
      }
      if (end === -1) {
        // Copied: the stream may reuse the chunk's memory.
        if (piece.length) held.push(piece.slice());
        heldBytes += piece.length;
        break;
      }
      held.push(piece);
      heldBytes += piece.length;
      const line = lineOf(held);
      held = [];
      heldBytes = 0;
      yield line;
      start = end + 1;
    }
  }
  if (heldBytes > 0) yield lineOf(held);
}

/**
 * What QEMU's JSON parser refuses in a request, checked before it is sent.
 *
 * QEMU answers a request it cannot parse with an error that has no `id`
 * (it could not read one), so the call it belonged to would never be
 * answered. Measured on QEMU 7.2 and 10.0 (QMP; the guest agent uses the
 * same parser), it refuses:
 *
 * - nesting deeper than 1024 objects and arrays, the request's own object
 *   and its `arguments` included; it then also parses the rest of the
 *   request as new input, a thousand more errors without `id`;
 * - strings holding a lone surrogate (`JSON.stringify` writes it as a
 *   `\udXXX` escape) or a Unicode noncharacter (U+FDD0 to U+FDEF, and the
 *   last two code points of every plane, U+FFFE, U+FFFF, U+1FFFE…).
 *
 * It accepts U+0000 and every other code point.
 *
 * @module
 */

/**
 * QEMU's nesting limit: objects and arrays open at once, the request's own
 * object and its `arguments` included.
 *
 * @example
 * ```ts
 * import { maxRequestNesting } from "./request_limits.ts";
 * // What an argument's value may nest, inside the request and its arguments.
 * console.log(maxRequestNesting - 2); // 1022
 * ```
 */
export const maxRequestNesting = 1024;

// A raw noncharacter of the Basic Multilingual Plane, or one of another
// plane (a high surrogate whose low six bits are set, then U+DFFE or U+DFFF),
// or a `\u` escape of a surrogate (JSON.stringify escapes lone ones only),
// which counts only after an odd number of backslashes (checked apart).
const suspect =
  /[\uFDD0-\uFDEF\uFFFE\uFFFF]|[\uD83F\uD87F\uD8BF\uD8FF\uD93F\uD97F\uD9BF\uD9FF\uDA3F\uDA7F\uDABF\uDAFF\uDB3F\uDB7F\uDBBF\uDBFF][\uDFFE\uDFFF]|\\+u[dD][89a-fA-F][0-9a-fA-F]{2}/g;
const suspectAnywhere = new RegExp(suspect.source);

/**
 * Why QEMU would refuse a request, given as the JSON text the client is
 * about to send, or `undefined` when it would parse it. Linear in the text;
 * requests too short to reach the nesting limit skip that count.
 *
 * @example
 * ```ts
 * import { requestProblem } from "./request_limits.ts";
 * console.log(requestProblem('{"execute":"qom-set","arguments":{"value":"\\uffff"}}'));
 * console.log(requestProblem('{"execute":"query-status"}')); // undefined
 * ```
 */
export function requestProblem(text: string): string | undefined {
  // One test first: nearly every request has none of these.
  const refused = suspectAnywhere.test(text) ? characterProblem(text) : undefined;
  if (refused !== undefined) return refused;
  // Each level takes two characters at least.
  if (text.length <= 2 * maxRequestNesting) return undefined;
  const depth = nesting(text);
  return depth > maxRequestNesting
    ? `it nests ${depth} objects and arrays deep (the request's own included)`
    : undefined;
}

/** The first refused character of a text that may hold one. */
function characterProblem(text: string): string | undefined {
  for (const match of text.matchAll(suspect)) {
    const found = match[0];
    if (found.charCodeAt(0) !== 0x5c) {
      const codePoint = found.codePointAt(0)!;
      return `a string holds U+${codePoint.toString(16).toUpperCase()}, a Unicode noncharacter`;
    }
    // `\\ud800` is a backslash, then text: only an odd run of backslashes escapes.
    const backslashes = found.lastIndexOf("\\") + 1;
    if (backslashes % 2 === 1) {
      return `a string holds a lone surrogate (${found.slice(backslashes - 1)})`;
    }
  }
  return undefined;
}

/** The deepest nesting of objects and arrays in JSON text, strings skipped. */
function nesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: to its closing quote, escapes included.
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest) deepest = depth;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return deepest;
}

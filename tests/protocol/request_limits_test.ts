/**
 * What QEMU's JSON parser refuses, found in a request's text before it is
 * sent (the behaviour itself is checked against real QEMU in
 * `tests/client/unparsed_request_test.ts`).
 */
import assert from "node:assert/strict";
import { maxRequestNesting, requestProblem } from "../../lib/protocol/request_limits.ts";
import { stringifyJson } from "../../lib/protocol/json.ts";

/** A request as the connection writes it. */
const request = (args: unknown) =>
  `{"execute":"qom-set","arguments":${stringifyJson(args)},"id":1}\n`;

/** `levels` arrays around a number. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

Deno.test("nesting: up to QEMU's limit, the request's object and arguments included", () => {
  // The request and `arguments` are two levels: 1022 more reach 1024.
  assert.equal(requestProblem(request({ value: nested(maxRequestNesting - 2) })), undefined);
  assert.match(
    requestProblem(request({ value: nested(maxRequestNesting - 1) }))!,
    /nests 1025 objects and arrays deep/,
  );
  // Objects count as arrays do.
  let object: unknown = 1;
  for (let i = 0; i < 1100; i++) object = { a: object };
  assert.match(requestProblem(request({ value: object }))!, /nests 1102/);
});

Deno.test("nesting: brackets inside strings do not count", () => {
  const text = "[{".repeat(3000);
  assert.equal(requestProblem(request({ value: text, other: `"\\[${text}` })), undefined);
});

Deno.test("noncharacters and lone surrogates are refused, other code points are not", () => {
  for (const refused of ["\uFFFE", "\uFFFF", "\uFDD0", "\uFDEF", "\u{1FFFE}", "\u{10FFFF}"]) {
    assert.match(requestProblem(request({ value: `a${refused}b` }))!, /noncharacter/, refused);
    assert.match(requestProblem(request({ [`k${refused}`]: 1 }))!, /noncharacter/, "in a key");
  }
  for (const lone of ["\uD800", "\uDBFF", "\uDC00", "\uDFFF"]) {
    assert.match(requestProblem(request({ value: `a${lone}b` }))!, /lone surrogate/);
  }
  for (const fine of ["\u0000", "\u0001", "\uFDCF", "\uFDF0", "\uFFFD", "\u{1F600}", "\u{1FFFD}"]) {
    assert.equal(requestProblem(request({ value: `a${fine}b` })), undefined, fine);
  }
});

Deno.test("a backslash then 'ud800' as text is not a surrogate", () => {
  // JSON text `\\ud800`: an escaped backslash, then the letters.
  assert.equal(requestProblem(request({ value: "\\ud800" })), undefined);
  assert.equal(requestProblem(request({ value: "\\\\ud800" })), undefined);
  // An escaped backslash, then a lone surrogate's escape.
  assert.match(requestProblem(request({ value: "\\\uD800" }))!, /lone surrogate/);
});

Deno.test("an ordinary request is not scanned for nesting", () => {
  assert.equal(requestProblem('{"execute":"query-status","id":1}\n'), undefined);
  assert.equal(requestProblem(request({ "node-name": "disk0", size: 2n ** 63n - 1n })), undefined);
});

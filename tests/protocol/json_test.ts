/**
 * Lossless JSON: integers beyond 2^53 as bigint, and no value that changes
 * type because of what it holds (a guest controls many strings).
 */
import assert from "node:assert/strict";
import { parseJson, stringifyJson } from "../../lib/protocol/json.ts";

/** A text that takes the exact path (it holds a run of 16 digits). */
const exact = (inner: string) => `["0000000000000000",${inner}]`;

Deno.test("a string is a string whatever it holds, next to big integers", () => {
  assert.deepEqual(parseJson('["\\u0000bigint:7", 12345678901234567890]'), [
    "\u0000bigint:7",
    12345678901234567890n,
  ]);
  // Once a marker that failed to parse, and dropped the whole reply.
  assert.deepEqual(parseJson('{"s": "\\u0000bigint:x", "n": 12345678901234567890}'), {
    s: "\u0000bigint:x",
    n: 12345678901234567890n,
  });
  assert.deepEqual(parseJson('{"s": "\\u0000bigint:x"}'), { s: "\u0000bigint:x" });
});

Deno.test("stringifyJson writes strings as strings and bigints as exact integers", () => {
  assert.equal(
    stringifyJson({ s: "\u0000bigint:7", n: 1n }),
    '{"s":"\\u0000bigint:7","n":1}',
  );
  assert.equal(
    stringifyJson([2n ** 64n - 1n, -(2n ** 63n), "\\u0000bigint:1", { toJSON: () => 5n }]),
    '[18446744073709551615,-9223372036854775808,"\\\\u0000bigint:1",5]',
  );
  assert.throws(() => {
    const cyclic: Record<string, unknown> = { n: 1n };
    cyclic.self = cyclic;
    stringifyJson(cyclic);
  }, TypeError);
});

Deno.test("integers past the safe range become bigint; everything else is JSON.parse's", () => {
  assert.deepEqual(
    parseJson(
      "[9007199254740991, -9007199254740991, 9007199254740992, -9007199254740993, " +
        '18446744073709551615, 1e20, 12345678901234567890.5, 0.0000000000000001, "12345678901234567890"]',
    ),
    [
      9007199254740991,
      -9007199254740991,
      9007199254740992n,
      -9007199254740993n,
      18446744073709551615n,
      1e20,
      12345678901234567890.5,
      0.0000000000000001,
      "12345678901234567890",
    ],
  );
  const [, zero] = parseJson(exact("-0")) as unknown[];
  assert.ok(Object.is(zero, -0));
  // A "__proto__" member is a member, as JSON.parse makes it.
  const value = parseJson(exact('{"__proto__": {"polluted": true}}')) as unknown[];
  const record = value[1] as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(record), Object.prototype);
  assert.deepEqual(Object.keys(record), ["__proto__"]);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  // Nesting costs heap, not stack.
  const depth = 200_000;
  assert.ok(Array.isArray(parseJson(exact("[".repeat(depth) + "]".repeat(depth)))));
});

Deno.test("what JSON.parse refuses, the exact parser refuses", () => {
  const refused = [
    "[1}",
    '{"a":1]',
    "[1,]",
    '{"a":1,}',
    "[01]",
    "[1.]",
    "[.5]",
    "[1e]",
    "[+1]",
    "[-]",
    "[NaN]",
    "[Infinity]",
    '["\u0001"]', // a raw control character in a string
    '["\\x"]',
    '["\\u12"]',
    "[tru]",
    "[1] x",
    '{"a" 1}',
    "{a:1}",
    '["abc',
    "[",
    "",
  ];
  for (const inner of refused) {
    const text = exact(inner);
    assert.throws(() => JSON.parse(text), SyntaxError, text);
    assert.throws(() => parseJson(text), SyntaxError, text);
  }
});

/** A small fixed-seed generator (mulberry32): the same cases on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pieces = [
  "0",
  "-0",
  "12",
  "-3.5e-7",
  "1E+400",
  "9007199254740993",
  "-18446744073709551616",
  '"plain"',
  '"esc\\"aped\\\\ \\n \\u00e9 \\ud83d\\ude00"',
  '"\\u0000bigint:9"',
  '"1234567890123456789"',
  '"é ü 𝄞"',
  "true",
  "false",
  "null",
  "[]",
  "{}",
];

function generate(next: () => number, depth: number): string {
  const roll = next();
  if (depth > 4 || roll < 0.5) return pieces[Math.floor(next() * pieces.length)];
  const count = Math.floor(next() * 4);
  const items = Array.from({ length: count }, () => generate(next, depth + 1));
  const space = () => [" ", "", "\n", "\t", "\r"][Math.floor(next() * 5)];
  if (roll < 0.75) return `[${space()}${items.join(`${space()},${space()}`)}${space()}]`;
  return `{${items.map((item, i) => `"k${i % 3}"${space()}:${space()}${item}`).join(",")}}`;
}

const alphabet = ' ,:[]{}"\\-+.eE0123456789tfnul\u0000\u001f\u00e9x';

/** A value with every bigint as the number JSON.parse gives for it. */
const rounded = (value: unknown): unknown =>
  typeof value === "bigint"
    ? Number(value)
    : Array.isArray(value)
    ? value.map(rounded)
    : typeof value === "object" && value !== null
    ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]))
    : value;

Deno.test("the exact parser agrees with JSON.parse on 4000 generated and mutated texts", () => {
  const next = random(20240917);
  for (let i = 0; i < 4000; i++) {
    let text = generate(next, 0);
    if (i % 2 === 1) {
      // A mutation: insert, delete or replace one character.
      const at = Math.floor(next() * (text.length + 1));
      const char = alphabet[Math.floor(next() * alphabet.length)];
      const kind = Math.floor(next() * 3);
      text = text.slice(0, at) + (kind === 1 ? "" : char) + text.slice(kind === 0 ? at : at + 1);
    }
    const full = exact(text);
    let expected: unknown;
    let expectedError = false;
    try {
      expected = JSON.parse(full);
    } catch {
      expectedError = true;
    }
    if (expectedError) {
      assert.throws(() => parseJson(full), SyntaxError, `accepted: ${full}`);
      continue;
    }
    const actual = parseJson(full);
    assert.deepEqual(rounded(actual), expected, full);
    // Exactly the unsafe integer literals are bigints, with their exact value.
    const bigints: string[] = [];
    const collect = (value: unknown): void => {
      if (typeof value === "bigint") bigints.push(value.toString());
      else if (typeof value === "object" && value !== null) Object.values(value).forEach(collect);
    };
    collect(actual);
    for (const literal of bigints) assert.ok(full.includes(literal), `${literal} in ${full}`);
    // And back: stringifyJson writes what JSON.stringify writes, bigints exact.
    const rawJSON = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;
    assert.equal(
      stringifyJson(actual),
      JSON.stringify(actual, (_, v) => typeof v === "bigint" ? rawJSON(v.toString()) : v),
    );
  }
});

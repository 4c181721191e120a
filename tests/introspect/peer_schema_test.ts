/**
 * The live schema comes from the peer: whatever `query-qmp-schema` holds
 * (names that are keys of Object.prototype, alternates that contain
 * themselves, arrays of each other in a circle, entries of the wrong shape),
 * indexing it, validating against it and querying it end in an answer, never
 * in a TypeError, a stack overflow or a loop.
 */
import assert from "node:assert/strict";
import { indexSchemaInfo, type SchemaInfo } from "../../lib/introspect/schema_info.ts";
import { supports } from "../../lib/introspect/supports.ts";
import { literalFromSchemaInfo } from "../../lib/introspect/to_literal.ts";
import type { SchemaLiteral } from "../../lib/types/literal.ts";
import {
  validateArguments,
  validateValue,
  ValidationError,
} from "../../lib/introspect/validate.ts";

const builtins: SchemaInfo[] = [
  { name: "str", "meta-type": "builtin", "json-type": "string" },
  { name: "int", "meta-type": "builtin", "json-type": "int" },
  { name: "bool", "meta-type": "builtin", "json-type": "boolean" },
];

/** The refusal of a call, or undefined when it is accepted. */
const refusal = (entries: unknown[], command: string, args: object) => {
  try {
    validateArguments(indexSchemaInfo(entries as SchemaInfo[]), command, args, {
      serverVersion: "9.9.0",
    });
  } catch (error) {
    if (error instanceof ValidationError) return error.message;
    throw error;
  }
  return undefined;
};

Deno.test("members named constructor, toString, valueOf: absent means absent", () => {
  const names = ["constructor", "toString", "valueOf", "hasOwnProperty", "__proto__"];
  const entries: SchemaInfo[] = [
    ...builtins,
    { name: "cmd", "meta-type": "command", "arg-type": "0", "ret-type": "0" },
    { name: "need", "meta-type": "command", "arg-type": "1", "ret-type": "0" },
    {
      name: "0",
      "meta-type": "object",
      members: names.map((name) => ({ name, type: "int", default: null })),
    },
    { name: "1", "meta-type": "object", members: [{ name: "constructor", type: "str" }] },
  ];
  assert.equal(refusal(entries, "cmd", {}), undefined);
  assert.equal(refusal(entries, "cmd", { constructor: 1, toString: 2 }), undefined);
  assert.equal(
    refusal(entries, "need", {}),
    "need: constructor: expected a string, got nothing (required) (QEMU 9.9.0's schema)",
  );
  assert.equal(refusal(entries, "need", { constructor: "x" }), undefined);
  const index = indexSchemaInfo(entries);
  assert.equal(validateValue(index, "0", {}), undefined);
  assert.equal(
    validateValue(index, "1", {}),
    "constructor: expected a string, got nothing (required)",
  );
  // A union whose discriminator is called toString picks its branch by the own member only.
  const union: SchemaInfo[] = [
    ...builtins,
    {
      name: "u",
      "meta-type": "command",
      "arg-type": "U",
      "ret-type": "0",
    },
    { name: "0", "meta-type": "object", members: [] },
    { name: "E", "meta-type": "enum", values: ["a"] },
    {
      name: "U",
      "meta-type": "object",
      members: [{ name: "toString", type: "E" }],
      tag: "toString",
      variants: [{ case: "a", type: "A" }],
    },
    { name: "A", "meta-type": "object", members: [{ name: "x", type: "int" }] },
  ];
  assert.equal(refusal(union, "u", { toString: "a", x: 1 }), undefined);
  assert.match(refusal(union, "u", {})!, /^u: toString: expected one of "a", got nothing/);
});

Deno.test("alternates that contain themselves or each other: refused in linear time", () => {
  // Twelve alternates, each listing all twelve: checking every path would take 12! steps.
  const count = 12;
  const alternates: SchemaInfo[] = Array.from({ length: count }, (_, i) => ({
    name: `A${i}`,
    "meta-type": "alternate",
    members: [
      ...Array.from({ length: count }, (_, k) => ({ type: `A${k}` })),
      ...(i === count - 1 ? [{ type: "int" }] : []),
    ],
  }));
  const entries: SchemaInfo[] = [
    ...builtins,
    ...alternates,
    { name: "self", "meta-type": "alternate", members: [{ type: "self" }] },
    { name: "cmd", "meta-type": "command", "arg-type": "0", "ret-type": "0" },
    {
      name: "0",
      "meta-type": "object",
      members: [{ name: "a", type: "A0" }, { name: "s", type: "self", default: null }],
    },
  ];
  const started = performance.now();
  assert.equal(refusal(entries, "cmd", { a: 3 }), undefined, "the int branch, found once");
  assert.equal(
    refusal(entries, "cmd", { a: "x" }),
    'cmd: a: expected an integer, got "x" (QEMU 9.9.0\'s schema)',
  );
  assert.match(refusal(entries, "cmd", { a: 1, s: 1 })!, /^cmd: s: expected a value no branch/);
  const index = indexSchemaInfo(entries);
  assert.match(validateValue(index, "self", null)!, /^value: expected a value no branch/);
  assert.ok(performance.now() - started < 2000, `${performance.now() - started} ms`);
});

Deno.test("a reply's alternate is as open as its branch: newer members are accepted", () => {
  const index = indexSchemaInfo([
    ...builtins,
    { name: "Alt", "meta-type": "alternate", members: [{ type: "O" }, { type: "str" }] },
    { name: "O", "meta-type": "object", members: [{ name: "a", type: "int" }] },
  ]);
  assert.equal(validateValue(index, "Alt", { a: 1, added: true }), undefined);
  assert.equal(validateValue(index, "Alt", "x"), undefined);
  assert.match(validateValue(index, "Alt", 1)!, /^value: expected an object or a string, got 1$/);
});

Deno.test("arrays of each other in a circle: a capability query answers false", () => {
  const index = indexSchemaInfo([
    ...builtins,
    { name: "cmd", "meta-type": "command", "arg-type": "0", "ret-type": "L1" },
    { name: "0", "meta-type": "object", members: [] },
    { name: "L1", "meta-type": "array", "element-type": "L2" },
    { name: "L2", "meta-type": "array", "element-type": "L1" },
  ]);
  assert.equal(supports(index, "cmd/ret-type/member"), false);
  assert.equal(supports(index, "cmd/ret-type/^value"), false);
  assert.match(validateValue(index, "L1", [[1]])!, /^\[0\]\[0\]: expected an array, got 1$/);
});

Deno.test("entries of the wrong shape are left out; nothing that reads the index throws", () => {
  const malformed: unknown[] = [
    null,
    7,
    "cmd",
    [],
    { name: 3, "meta-type": "builtin", "json-type": "int" },
    { name: "E", "meta-type": "enum" },
    { name: "E2", "meta-type": "enum", values: "a" },
    { name: "O", "meta-type": "object", members: [{ name: "a" }] },
    { name: "O2", "meta-type": "object", members: {} },
    { name: "O3", "meta-type": "object", members: [], tag: "k", variants: [{ case: 1 }] },
    { name: "Alt", "meta-type": "alternate", members: [null] },
    { name: "L", "meta-type": "array" },
    { name: "cmd", "meta-type": "command", "arg-type": "O" },
    { name: "cmd2", "meta-type": "command", "arg-type": "O", "ret-type": "E", features: "x" },
    { name: "EV", "meta-type": "event" },
    { name: "x", "meta-type": "other" },
  ];
  const index = indexSchemaInfo([...builtins, ...malformed] as SchemaInfo[]);
  assert.deepEqual([...index.byName.keys()], ["str", "int", "bool"]);
  assert.equal(indexSchemaInfo({} as never).byName.size, 0, "a reply that is not a list");
  assert.equal(indexSchemaInfo(null as never).byName.size, 0);
  assert.match(refusal(malformed, "cmd", {})!, /^cmd: expected a command this server knows/);
  for (const query of ["cmd", "cmd/arg-type/a", "E/^a", "O/a", "Alt/a", "L/a"]) {
    assert.equal(supports(index, query), false, query);
  }
  // A well-formed entry that names types the reply does not define.
  const dangling = indexSchemaInfo([
    ...builtins,
    { name: "Alt", "meta-type": "alternate", members: [{ type: "missing" }] },
    { name: "O", "meta-type": "object", members: [{ name: "a", type: "missing" }] },
  ]);
  assert.equal(
    validateValue(dangling, "Alt", 1),
    "value: expected a value of a type the schema does not define, got 1",
  );
  assert.equal(
    validateValue(dangling, "O", {}),
    "a: expected a value of a type the schema does not define, got nothing (required)",
  );
});

Deno.test("a live schema as a literal: odd names kept, circles and bad entries refused by name", () => {
  const literal = (entries: unknown[], reference?: SchemaLiteral) =>
    literalFromSchemaInfo(entries as SchemaInfo[], { version: "9.9", qemu: "9.9.0", reference });
  const odd: SchemaInfo[] = [
    ...builtins,
    { name: "constructor", "meta-type": "command", "arg-type": "U", "ret-type": "0" },
    { name: "0", "meta-type": "object", members: [] },
    { name: "E", "meta-type": "enum", values: ["__proto__", "toString"] },
    {
      name: "U",
      "meta-type": "object",
      members: [{ name: "kind", type: "E" }],
      tag: "kind",
      variants: [{ case: "__proto__", type: "B" }, { case: "toString", type: "B" }],
    },
    { name: "B", "meta-type": "object", members: [{ name: "constructor", type: "int" }] },
  ];
  // The reference has neither the command nor the members: nothing is found in Object.prototype.
  const reference = {
    protocol: "qmp",
    version: "9.9",
    qemu: "9.9.0",
    types: { Other: { kind: "struct", data: { a: "int" } } },
    commands: {},
    events: {},
  } as unknown as SchemaLiteral;
  for (const ir of [literal(odd), literal(odd, reference)]) {
    const command = ir.commands["constructor"] as { data?: unknown };
    const union = ir.types[command.data as string] as { data: object };
    assert.deepEqual(Object.keys(union.data), ["__proto__", "toString"]);
    assert.equal(Object.getPrototypeOf(union.data), Object.prototype);
  }
  const circle = [
    ...builtins,
    { name: "cmd", "meta-type": "command", "arg-type": "0", "ret-type": "L1" },
    { name: "0", "meta-type": "object", members: [] },
    { name: "L1", "meta-type": "array", "element-type": "L2" },
    { name: "L2", "meta-type": "array", "element-type": "L1" },
  ];
  assert.throws(
    () => literal(circle),
    /^Error: the live schema's array type L1 is an array of itself$/,
  );
  // An entry of the wrong shape is as good as none.
  const bad = [...circle.slice(0, 5), { name: "L1", "meta-type": "array", "element-type": 3 }];
  assert.throws(
    () => literal(bad),
    /^Error: the live schema names the type L1 but does not define it$/,
  );
  // A chain nested deeper than the stack: a message, not a RangeError.
  const deep: unknown[] = [...builtins, {
    name: "cmd",
    "meta-type": "command",
    "arg-type": "0",
    "ret-type": "T0",
  }];
  deep.push({ name: "0", "meta-type": "object", members: [] });
  for (let i = 0; i < 100_000; i++) {
    deep.push({
      name: `T${i}`,
      "meta-type": "object",
      members: [{ name: "m", type: `T${i + 1}` }],
    });
  }
  deep.push({ name: "T100000", "meta-type": "object", members: [{ name: "m", type: "int" }] });
  assert.throws(
    () => literal(deep),
    /^Error: the live schema nests its types too deeply to be read$/,
  );
});

/**
 * The type-level schema fuzzer (tests/types/fuzz/), a fixed-seed slice:
 * generated valid schemas, read and emitted as users vendor them, and a
 * program per schema whose valid calls must compile, whose wrong calls must
 * not, whose results and event data are exactly the model's types, with no
 * `any`. Then the minimal schemas of what it found, as regression cases.
 * `deno task fuzz:types` runs it long.
 */
import assert from "node:assert/strict";
import { checkModel, checkSeed, fuzzDir } from "./fuzz/check.ts";
import type { SchemaModel } from "./fuzz/model.ts";

/** Seeds of the slice: a few, so the test stays under a minute. */
const seeds = [1, 7, 8, 22, 52, 54, 101, 4242];

Deno.test("generated valid schemas: derived types are exact, wrong calls do not compile", async () => {
  for (const seed of seeds) {
    const outcome = await checkSeed(seed);
    assert.ok(outcome.cases > 0, `seed ${seed}: no cases written`);
    assert.deepEqual(outcome.failures, [], `seed ${seed} (${outcome.dir})`);
  }
});

const e = (name: string, values: string[]) =>
  ({ kind: "enum", name, values: values.map((v) => ({ name: v })) }) as const;

/** Minimal schemas of the fuzzer's findings, each a regression case. */
const regressions: Record<string, SchemaModel> = {
  // A result of an enum, or an array or alternate of one, was flattened for
  // hovers into an object of `String`'s methods.
  "a command returning an enum": {
    types: [
      e("Mode", ["a", "b"]),
      {
        kind: "alternate",
        name: "Either",
        branches: [{ name: "m", type: "Mode" }, { name: "n", type: "null" }],
      },
    ],
    commands: [
      { name: "get-mode", returns: "Mode" },
      { name: "get-modes", returns: ["Mode"] },
      { name: "get-either", returns: "Either" },
    ],
    events: [],
  },
  // `gen: false` took unlisted members only with inline `data`.
  "a gen false command whose data is a named struct": {
    types: [{
      kind: "struct",
      name: "Props",
      members: [{ name: "driver", type: "str", optional: false }],
    }],
    commands: [{ name: "add", data: "Props", gen: false }],
    events: [],
  },
  // Inline `data: {}` was the empty object type `{}`, which took any value,
  // any member; with `gen: false`, any member must still be taken.
  "a command whose inline data has no member": {
    types: [],
    commands: [{ name: "poke", data: [] }, { name: "poke-any", data: [], gen: false }],
    events: [],
  },
  // A compat policy refused deprecated members but not deprecated enum
  // values, which QEMU's `-compat deprecated-input=reject` refuses too.
  "an enum value a compat policy rejects": {
    types: [{
      kind: "enum",
      name: "Mode",
      values: [{ name: "new" }, { name: "old", features: ["deprecated"] }],
    }],
    commands: [{ name: "set-mode", data: [{ name: "mode", type: "Mode", optional: false }] }],
    events: [],
  },
  // A struct without members (QMP's `Abort`, a `transaction` action's data)
  // was `{}` as input, which took any value but null (a string, any member),
  // and as a result or event data any object.
  "a struct without members": {
    types: [
      { kind: "struct", name: "Nothing", members: [] },
      { kind: "struct", name: "AlsoNothing", base: "Nothing", members: [] },
      {
        kind: "struct",
        name: "Wrapper",
        members: [{ name: "data", type: "Nothing", optional: false }],
      },
      {
        kind: "alternate",
        name: "NothingOrInt",
        branches: [{ name: "n", type: "Nothing" }, { name: "i", type: "int" }],
      },
    ],
    commands: [
      { name: "wrapped", data: [{ name: "w", type: "Wrapper", optional: false }] },
      { name: "boxed-nothing", data: "AlsoNothing", boxed: true, returns: "Nothing" },
      { name: "either", data: [{ name: "e", type: "NothingOrInt", optional: false }] },
    ],
    events: [{ name: "NOTHING", data: "Nothing", boxed: true }, {
      name: "INLINE_NOTHING",
      data: [],
    }],
  },
};

for (const [name, model] of Object.entries(regressions)) {
  Deno.test(`regression: ${name}`, async () => {
    const dir = `${fuzzDir}regression-${name.replaceAll(" ", "-")}`;
    const outcome = await checkModel(model, 1, dir);
    assert.deepEqual(outcome.failures, [], dir);
  });
}

/**
 * QEMU's own valid QAPI test schema (`qapi-schema-test.json` of
 * `../shared/qapi-tests`, the one QEMU's generator tests exercise every
 * feature of the language with: empty structs and their bases, boxed
 * commands and events, flat unions with and without a branch per value,
 * alternates, `__org.qemu_x-` names, conditions, features), read and
 * emitted as a user vendors a schema, then used through the types `execute`
 * and the public aliases are made of:
 * calls that must compile, calls that must not, results and event data
 * with their exact shape, and no `any`.
 */
import assert from "node:assert/strict";
import { emitModule } from "../../lib/emit/emit.ts";
import { readSchema } from "../../lib/qapi/read.ts";
import { casesDir } from "../qapi/qapi_cases.ts";
import { checkProgram } from "./fuzz/check.ts";

/** The program: each line that must not compile carries `@ts-expect-error` and says why. */
const program = `import type {
  CommandArgs,
  CommandReturn,
  EventData,
  Execute,
} from "../../lib/types/mod.ts";
import type { Qmp9_9 } from "./qmp/9.9.js";
declare const execute: Execute<Qmp9_9>;

// A struct with an empty base and no members: {} or nothing, and nothing else.
await execute("user-def-cmd0");
await execute("user-def-cmd0", {});
// @ts-expect-error Empty2 has no members
await execute("user-def-cmd0", { x: 1 });
// @ts-expect-error Empty2 is an object
await execute("user-def-cmd0", "x");
export const empty: CommandReturn<Qmp9_9, "user-def-cmd0"> = {};
// @ts-expect-error a result without members has none
export const notEmpty: CommandReturn<Qmp9_9, "user-def-cmd0"> = { x: 1 };

// Inline data without members.
await execute("user-def-cmd");
// @ts-expect-error no arguments
await execute("user-def-cmd", { a: 1 });

// A struct with a base, an optional enum.
await execute("user-def-cmd1", { ud1a: { integer: 1, string: "s" } });
await execute("user-def-cmd1", { ud1a: { integer: 1, string: "s", enum1: "value4" } });
// @ts-expect-error no such enum value
await execute("user-def-cmd1", { ud1a: { integer: 1, string: "s", enum1: "value5" } });
// @ts-expect-error integer (from the base) is required
await execute("user-def-cmd1", { ud1a: { string: "s" } });

// Nested results.
const two = await execute("user-def-cmd2", { ud1a: { integer: 1, string: "s" } });
export const string0: string = two.string0;
export const nested: string = two.dict1.string1;
// @ts-expect-error no such result member
two.string1;

// Builtin and any results.
export const time: number | bigint = await execute("guest-get-time", { a: 1 });
// @ts-expect-error an int may be a bigint
export const timeNumber: number = await execute("guest-get-time", { a: 1 });
export const synced = await execute("guest-sync", { arg: { x: [1, null, "y"] } });
// @ts-expect-error any is a JSON value, not a function
await execute("guest-sync", { arg: () => 1 });

// Boxed commands.
await execute("boxed-struct", { integer: 1 });
// @ts-expect-error integer is required
await execute("boxed-struct", {});
await execute("boxed-union", { integer: 1, string: "s", enum1: "value1", boolean: true });
await execute("boxed-union", { integer: 1, string: "s", enum1: "value2", intb: 2 });
await execute("boxed-union", { integer: 1, string: "s", enum1: "value4" });
// @ts-expect-error value4 has no branch: boolean is value1's
await execute("boxed-union", { integer: 1, string: "s", enum1: "value4", boolean: true });
// @ts-expect-error intb is value2's, not value1's
await execute("boxed-union", { integer: 1, string: "s", enum1: "value1", boolean: true, intb: 2 });
await execute("boxed-empty");
// @ts-expect-error Empty1 has no members
await execute("boxed-empty", { x: 1 });

// Out of band only where allowed.
await execute("test-flags-command", undefined, { oob: true });
// @ts-expect-error user-def-cmd does not allow oob
await execute("user-def-cmd", undefined, { oob: true });

// Downstream names everywhere.
await execute("__org.qemu_x-command", {
  a: ["__org.qemu_x-value"],
  b: [{ "__org.qemu_x-member1": "__org.qemu_x-value", "__org.qemu_x-member2": "x" }],
  c: { "__org.qemu_x-member1": "__org.qemu_x-value", array: [] },
  d: { "__org.qemu_x-member1": "__org.qemu_x-value" },
});
export const downstream: CommandArgs<Qmp9_9, "__org.qemu_x-command"> = {
  a: [],
  b: [],
  c: { "__org.qemu_x-member1": "__org.qemu_x-value", array: [] },
  // @ts-expect-error the alternate's only branch is an object
  d: 1,
};

// Conditional unions and alternates: the members under a condition are taken.
await execute("test-if-union-cmd", { "union-cmd-arg": { type: "foo", integer: 1, boolean: true, string: "s" } });
await execute("test-if-alternate-cmd", { "alt-cmd-arg": 3 });
await execute("test-if-alternate-cmd", { "alt-cmd-arg": { integer: 1, boolean: true, string: "s" } });
// @ts-expect-error neither an int nor a TestStruct
await execute("test-if-alternate-cmd", { "alt-cmd-arg": "three" });
export const three: string = (await execute("test-if-cmd", { foo: 1, bar: 2 })).string0;

// Features: deprecated and unstable commands and members compile without a policy.
await execute("test-features0", {});
await execute("test-command-features1");
declare const strict: Execute<Qmp9_9, { deprecated: "reject"; unstable: "reject" }>;
// @ts-expect-error a deprecated command under the reject policy
await strict("test-command-features1");
// @ts-expect-error an unstable command under the reject policy
await strict("test-command-features3");
await strict("user-def-cmd");

// Events: without data, with inline data, boxed, boxed and empty.
export const a: EventData<Qmp9_9, "EVENT_A"> = {};
// @ts-expect-error no data
export const a2: EventData<Qmp9_9, "EVENT_A"> = { x: 1 };
// @ts-expect-error inline data without members
export const b: EventData<Qmp9_9, "EVENT_B"> = { x: 1 };
export const c: EventData<Qmp9_9, "EVENT_C"> = { c: "x", b: { integer: 1, string: "s" } };
// @ts-expect-error c is required
export const c2: EventData<Qmp9_9, "EVENT_C"> = { a: 1 };
export const e: EventData<Qmp9_9, "EVENT_E"> = { integer: 1 };
export const f: EventData<Qmp9_9, "EVENT_F"> = { integer: 1, string: "s", enum1: "value3", intb: 1 };
// @ts-expect-error boxed and empty: no member
export const g: EventData<Qmp9_9, "EVENT_G"> = { x: 1 };
export const x: EventData<Qmp9_9, "__ORG.QEMU_X-EVENT"> = {
  "__org.qemu_x-member1": "__org.qemu_x-value",
  "__org.qemu_x-member2": "m",
};

export type Aliases = [
  CommandArgs<Qmp9_9, "boxed-union">,
  CommandArgs<Qmp9_9, "__org.qemu_x-command">,
  CommandReturn<Qmp9_9, "user-def-cmd2">,
  CommandReturn<Qmp9_9, "guest-sync">,
  EventData<Qmp9_9, "EVENT_F">,
  EventData<Qmp9_9, "EVENT_D">,
];
`;

Deno.test("QEMU's QAPI test schema, vendored: exact types through the public API", async () => {
  // The shared material is required: without it this test has nothing to check.
  const source = `${casesDir}qapi-schema-test.json`;
  const schema = await readSchema(source, { version: "9.9", strictDocs: false });
  assert.ok(Object.keys(schema.commands).length > 20, "the test schema's commands");
  const dir = new URL("../../.cache/qemu-test-schema/", import.meta.url).pathname;
  await Deno.mkdir(`${dir}qmp`, { recursive: true });
  const { declaration, value } = emitModule(schema);
  await Deno.writeTextFile(`${dir}qmp/9.9.d.ts`, declaration);
  await Deno.writeTextFile(`${dir}qmp/9.9.js`, value);
  await Deno.writeTextFile(`${dir}program.ts`, program);
  const { failures } = checkProgram(`${dir}program.ts`, ["Aliases"]);
  assert.deepEqual(failures, []);
});

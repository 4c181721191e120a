/**
 * Odd but valid schemas through the emitter: names that are keys of
 * Object.prototype (QAPI allows `constructor` anywhere a lower-case name
 * goes, and `toString` … under `member-name-exceptions`; a live schema may
 * hold any name, `__proto__` included), names that need quoting, conditions
 * of every shape, recursive types. The emitted value keeps every name as an
 * own key, and it satisfies its declaration.
 */
import assert from "node:assert/strict";
import { emitModule, moduleNames } from "../../lib/emit/emit.ts";
import type { SchemaIR } from "../../lib/qapi/ir.ts";
import { readSchema } from "../../lib/qapi/read.ts";

const source = `{ 'pragma': { 'member-name-exceptions': [ 'Ss' ],
  'command-returns-exceptions': [ 'ret-int' ] } }
##
# @Ss:
#
# A struct whose members are documented but one.
#
# @a-b: documented
##
{ 'struct': 'Ss', 'data': { '*constructor': 'Ee', '*toString': 'int', '*valueOf': 'Ss',
  'a-b': { 'type': ['Ss'], 'if': { 'all': [ 'X', { 'not': { 'any': [ 'Y', 'Z' ] } } ] } },
  '__org.qemu_d': 'str' } }
{ 'struct': 'Ff', 'data': { '*x-e': { 'type': 'bool', 'features': [ 'deprecated',
  { 'name': 'unstable', 'if': 'U' } ] } } }
{ 'enum': 'Ee', 'data': [ 'constructor', 'a', '0x', { 'name': 'x-c', 'if': 'C' } ],
  'if': { 'any': [ 'A', { 'not': 'B' } ] } }
{ 'union': 'Uu', 'base': { 'kind': 'Ee' }, 'discriminator': 'kind', 'data': {} }
{ 'alternate': 'Alt', 'data': { 'a': [ 'int' ], 'b': 'str', 'c': 'Ss', 'd': 'null' } }
{ 'command': 'constructor', 'data': { '*constructor': 'Alt' }, 'returns': 'Ss',
  'allow-oob': true,
  'features': [ 'constructor', 'deprecated', { 'name': 'f-if', 'if': 'CONFIG_F' } ] }
{ 'command': 'boxed', 'data': 'Uu', 'boxed': true, 'gen': false, 'success-response': false }
{ 'command': 'ret-int', 'returns': 'int', 'allow-preconfig': true, 'coroutine': true }
{ 'event': 'EV', 'data': { 'constructor': 'Ee' }, 'if': 'CONFIG_EV' }
`;

/** Writes a module into a new folder; returns the folder. */
async function written(ir: SchemaIR, docs: boolean): Promise<string> {
  const folder = await Deno.makeTempDir({ prefix: "qapi-emit-" });
  const { declaration, value } = emitModule(ir, { docs });
  await Deno.writeTextFile(`${folder}/${ir.version}.js`, value);
  await Deno.writeTextFile(`${folder}/${ir.version}.d.ts`, declaration);
  return folder;
}

/** Type-checks that the value, read as an `as const` literal, satisfies the declaration. */
async function assertValueTyped(folder: string, ir: SchemaIR): Promise<void> {
  const { type, value } = moduleNames(ir.protocol, ir.version);
  const script = await Deno.readTextFile(`${folder}/${ir.version}.js`);
  const start = `export const ${value} = `;
  const literal = script.slice(script.indexOf(start) + start.length).trimEnd().replace(/;$/, "");
  await Deno.writeTextFile(
    `${folder}/check.ts`,
    `import { ${value}, type ${type} } from "./${ir.version}.js";\n` +
      `const literal = ${literal} as const;\n` +
      `export const typed: ${type} = literal;\nexport const imported: ${type} = ${value};\n`,
  );
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--no-config", "--quiet", `${folder}/check.ts`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(new TextDecoder().decode(output.stderr), "");
  assert.equal(output.code, 0);
}

Deno.test("a documented definition with an undocumented member called constructor emits", async () => {
  const dir = await Deno.makeTempDir({ prefix: "qapi-emit-" });
  try {
    await Deno.writeTextFile(`${dir}/odd.json`, source);
    const ir = await readSchema(`${dir}/odd.json`, {
      version: "9.9",
      strictDocs: false,
      docs: true,
    });
    const folder = await written(ir, true);
    try {
      const declaration = await Deno.readTextFile(`${folder}/9.9.d.ts`);
      assert.match(declaration, /\/\*\*\n( +)\* documented\n\1\*\n\1\* Only if \(X and not/);
      assert.match(declaration, /\n +constructor\?: \{ type: "Ee"; optional: true \};/);
      const module = await import(`file://${folder}/9.9.js`);
      const struct = module.qmp9_9.types.Ss.data;
      assert.deepEqual(Object.keys(struct).slice(0, 3), ["constructor", "toString", "valueOf"]);
      await assertValueTyped(folder, ir);
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a live schema's __proto__ names stay own keys of the emitted value", async () => {
  const info = { file: "query-qmp-schema", line: 0 };
  const ir: SchemaIR = {
    protocol: "qmp",
    version: "9.8",
    qemu: "9.8.0",
    pragma: {},
    types: {
      q_E: { kind: "enum", data: ["__proto__", "a"], info },
      q_S: { kind: "struct", data: { __proto__: { type: "q_E", optional: true } }, info },
      q_U: {
        kind: "union",
        base: { k: "q_E" },
        discriminator: "k",
        data: { __proto__: "q_S" },
        info,
      },
    },
    commands: {
      __proto__: { data: { __proto__: "str" }, returns: "q_S", info },
    },
    events: {},
  } as unknown as SchemaIR;
  // The IR is built with own `__proto__` keys, as the live reader makes them.
  const own = (value: Record<string, unknown>, key: string, item: unknown) =>
    Object.defineProperty(value, key, { value: item, enumerable: true });
  own(ir.types.q_S as never, "data", own({}, "__proto__", { type: "q_E", optional: true }));
  own(ir.types.q_U as never, "data", own({}, "__proto__", "q_S"));
  own(ir as never, "commands", own({}, "__proto__", { data: own({}, "__proto__", "str"), info }));
  const folder = await written(ir, false);
  try {
    const module = await import(`file://${folder}/9.8.js`);
    const schema = module.qmp9_8;
    for (const map of [schema.types.q_S.data, schema.types.q_U.data, schema.commands]) {
      assert.equal(Object.getPrototypeOf(map), Object.prototype);
      assert.deepEqual(Object.keys(map), ["__proto__"]);
    }
    assert.deepEqual(Object.keys(schema.commands.__proto__.data), ["__proto__"]);
    await assertValueTyped(folder, ir);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { emitModule, factsComment, moduleNames, renderCondition } from "../../lib/emit/emit.ts";
import { emitIndex } from "../../lib/emit/vendor.ts";
import type { SchemaIR } from "../../lib/qapi/ir.ts";

Deno.test("conditions render readably", () => {
  assert.equal(renderCondition("CONFIG_VNC"), "CONFIG_VNC");
  assert.equal(renderCondition({ all: ["A", { not: "B" }] }), "(A and not B)");
  assert.equal(renderCondition({ any: ["A", "B"] }), "(A or B)");
});

Deno.test("facts become JSDoc, @deprecated last, nothing when there are none", () => {
  assert.equal(factsComment({}), "");
  assert.equal(
    factsComment({ since: "6.2", features: ["unstable", "deprecated"], if: "CONFIG_X" }),
    "/** Since 6.2. Only if CONFIG_X. Unstable. @deprecated */",
  );
  assert.equal(factsComment({}, "ends */ here"), "/** ends *\\/ here */");
});

const tiny: SchemaIR = {
  protocol: "qga",
  version: "9.9",
  qemu: "9.9.1",
  pragma: {},
  types: {
    Mode: {
      kind: "enum",
      data: ["a", "b-c"],
      values: { "b-c": { since: "9.1" } },
      info: { file: "x.json", line: 1 },
    },
  },
  commands: {
    "guest-x": {
      data: { mode: { type: "Mode", optional: true, features: ["deprecated"] }, "odd'name": "str" },
      returns: ["Mode"],
      info: { file: "x.json", line: 3 },
      doc: { text: "Does x.", members: { mode: "the mode" } },
    },
  },
  events: {},
};

Deno.test("a module's value equals the IR's facts, and its declaration types it", async () => {
  const { declaration, value: script } = emitModule(tiny);
  assert.deepEqual(emitModule(tiny), { declaration, value: script }, "deterministic");
  assert.ok(!declaration.includes("Does x."), "no documentation unless asked");
  // The schema's own members are documented in the declaration (for deno doc and editors).
  assert.match(declaration, /\/\*\* Every command by name[^\n]*\*\/\n {2}commands: \{/);
  assert.ok(!script.includes("Every command by name"), "the value does not repeat them");
  assert.ok(!script.includes("Does x."), "no documentation unless asked");
  // An optional member is optional in the declared type.
  assert.match(
    declaration,
    /mode\?: \{ type: "Mode"; optional: true; features: readonly \["deprecated"\] \}/,
  );
  const folder = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${folder}/9.9.js`, script);
    await Deno.writeTextFile(`${folder}/9.9.d.ts`, declaration);
    const module = await import(`file://${folder}/9.9.js`);
    const value = module[moduleNames("qga", "9.9").value];
    assert.deepEqual(value.commands["guest-x"], {
      data: { mode: { type: "Mode", optional: true, features: ["deprecated"] }, "odd'name": "str" },
      returns: ["Mode"],
    });
    assert.deepEqual(value.types.Mode.values, { "b-c": { since: "9.1" } });
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("with docs, documentation is copied as JSDoc into the declaration", () => {
  const { declaration, value } = emitModule(tiny, { docs: true });
  assert.match(declaration, /\/\*\* Does x\. \*\//);
  // A member's documentation is indented as the member, its facts a paragraph of their own.
  assert.match(
    declaration,
    /\n( +)\/\*\*\n\1 \* the mode\n\1 \*\n\1 \* @deprecated\n\1 \*\/\n\1mode\?: /,
  );
  assert.ok(!value.includes("Does x."), "the value carries no comments");
});

Deno.test("with docs, a since the text states is not repeated, and facts never end an example", () => {
  assert.equal(
    factsComment({ since: "2.9" }, "true if numeric.  Defaults to false.\n(Since 2.9)"),
    "/**\n * true if numeric.  Defaults to false.\n * (Since 2.9)\n */",
  );
  assert.equal(
    factsComment({ since: "10.1", if: "HAVE_X" }, "idle time.  (Since 10.1)"),
    "/**\n * idle time.  (Since 10.1)\n *\n * Only if HAVE_X.\n */",
  );
  assert.equal(
    factsComment({ since: "0.14" }, 'Query.\n\n.. qmp-example::\n\n    <- { "return": {} }'),
    '/**\n * Query.\n *\n * .. qmp-example::\n *\n *     <- { "return": {} }\n *\n * Since 0.14.\n */',
  );
  // Another release's since is not this one.
  assert.match(factsComment({ since: "2.1" }, "(Since 2.10)"), /\* Since 2\.1\./);
});

Deno.test("index modules list every version", () => {
  const index = emitIndex("qmp", ["7.2", "10.2"]);
  assert.match(
    index,
    /\/\*\* QEMU 7\.2's QMP schema\. \*\/\n {2}"7\.2": Qmp7_2;\n {2}\/\*\* QEMU 10\.2's QMP schema\. \*\/\n {2}"10\.2": Qmp10_2;/,
  );
  assert.match(index, /export type QmpVersion = keyof Qmp;/);
});

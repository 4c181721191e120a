import assert from "node:assert/strict";
import { readSchema } from "../../lib/qapi/read.ts";
import { moduleNames } from "../../lib/emit/emit.ts";
import { schemaEntryPoints, vendoredVersions } from "../../lib/emit/sources.ts";

const shared = new URL("../../../shared/qapi/", import.meta.url).pathname;

/** The IR definition without provenance: exactly what the literal must hold. */
function facts(definition: Record<string, unknown>): Record<string, unknown> {
  const { info: _info, doc: _doc, ...rest } = definition;
  return rest;
}

for (const version of vendoredVersions) {
  for (const [protocol, entry] of Object.entries(schemaEntryPoints)) {
    Deno.test(`${protocol} ${version}: every definition of the source is in the literal, exactly`, async () => {
      const source = await readSchema(`${shared}${version}/${entry}`, {
        protocol: protocol as "qmp",
        strictDocs: false,
      });
      const names = moduleNames(protocol as "qmp", version);
      const module = await import(`../../schemas/${protocol}/${version}.js`);
      const literal = module[names.value];
      assert.equal(literal.protocol, protocol);
      assert.equal(literal.version, version);
      for (const map of ["types", "commands", "events"] as const) {
        const expected = source[map] as unknown as Record<string, Record<string, unknown>>;
        assert.deepEqual(Object.keys(literal[map]), Object.keys(expected), `${map}: names`);
        for (const [name, definition] of Object.entries(expected)) {
          assert.deepEqual(literal[map][name], facts(definition), `${map}.${name}`);
        }
      }
    });
  }
}

Deno.test("the literal keeps kinds, optionality, features and conditions (QMP 10.2 samples)", async () => {
  const { qmp10_2 } = await import("../../schemas/qmp/10.2.js");
  assert.equal(qmp10_2.types.BlockdevOptions.kind, "union");
  assert.equal(qmp10_2.types.BlockdevRef.kind, "alternate");
  assert.deepEqual(qmp10_2.commands["block-commit"].data.top, {
    type: "str",
    optional: true,
    features: ["deprecated"],
  });
  assert.equal(qmp10_2.commands["blockdev-add"].boxed, true);
  assert.equal(qmp10_2.commands["query-status"]["allow-preconfig"], true);
  const aio = qmp10_2.types.BlockdevAioOptions;
  assert.equal(aio.kind, "enum");
  assert.deepEqual(aio.values?.io_uring?.if, "CONFIG_LINUX_IO_URING");
});

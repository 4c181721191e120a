import assert from "node:assert/strict";
import { readSchema } from "../../lib/qapi/read.ts";
import { QapiError } from "../../lib/qapi/errors.ts";
import { schemaEntryPoints, vendoredVersions } from "../../lib/emit/sources.ts";

const shared = new URL("../../../shared/qapi/", import.meta.url).pathname;

for (const version of vendoredVersions) {
  Deno.test(`QEMU ${version}: every protocol's schema reads cleanly`, async () => {
    for (const [protocol, entry] of Object.entries(schemaEntryPoints)) {
      const schema = await readSchema(`${shared}${version}/${entry}`, {
        protocol: protocol as "qmp",
        strictDocs: false,
      });
      const counts = [schema.commands, schema.events, schema.types].map((m) =>
        Object.keys(m).length
      );
      console.log(
        `${version} ${protocol}: ${counts[0]} commands, ${counts[1]} events, ${counts[2]} types`,
      );
      assert.equal(schema.version, version);
      assert.ok(counts[0] > 30, `${protocol} ${version} has only ${counts[0]} commands`);
    }
  });
}

Deno.test("QEMU 10.2's QMP schema passes the current, strict rules", async () => {
  const schema = await readSchema(`${shared}10.2/qapi/qapi-schema.json`);
  assert.ok("blockdev-add" in schema.commands);
});

Deno.test("QEMU 5.2 needs the lenient rules, and they translate its legacy forms", async () => {
  await assert.rejects(readSchema(`${shared}5.2/qapi/qapi-schema.json`), QapiError);
  const schema = await readSchema(`${shared}5.2/qapi/qapi-schema.json`, { strictDocs: false });
  // A simple union becomes a flat union over an implicit enum with wrapper branches.
  const legacy = schema.types.SocketAddressLegacy;
  assert.equal(legacy.kind, "union");
  assert.deepEqual(legacy.kind === "union" && legacy.base, { type: "SocketAddressLegacyKind" });
  assert.deepEqual(schema.types["q_obj_InetSocketAddress-wrapper"], {
    kind: "struct",
    data: { data: "InetSocketAddress" },
    info: legacy.info,
  });
  // C preprocessor conditions become QAPI conditions.
  assert.equal(schema.types.VncInfo.if, "CONFIG_VNC");
});

Deno.test("since versions come from doc comments, for definitions and members", async () => {
  const schema = await readSchema(`${shared}10.2/qapi/qapi-schema.json`);
  const resize = schema.commands.block_resize;
  assert.equal(resize.since, "0.14");
  const data = resize.data as Record<string, unknown>;
  assert.deepEqual(data["node-name"], { type: "str", optional: true, since: "2.0" });
  const file = schema.types.BlockdevOptionsFile;
  assert.equal(file.kind === "struct" && file.data["aio-max-batch"] !== undefined, true);
});

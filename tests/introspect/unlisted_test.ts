import assert from "node:assert/strict";
import { unlistedMembersAccepted } from "../../lib/introspect/validate.ts";
import { qmp } from "../../schemas/qmp/mod.ts";
import { qsd } from "../../schemas/qsd/mod.ts";

Deno.test("the commands taking unlisted members are exactly the gen: false commands with data", () => {
  const found = new Set<string>();
  for (const schema of [...Object.values(qmp), ...Object.values(qsd)]) {
    for (const [name, command] of Object.entries(schema.commands)) {
      const definition = command as { gen?: false; data?: unknown };
      if (definition.gen === false && definition.data !== undefined) found.add(name);
    }
  }
  assert.deepEqual([...found].sort(), [...unlistedMembersAccepted].sort());
});

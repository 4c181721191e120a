import assert from "node:assert/strict";
import { ModuleTextError, parseModuleValue } from "../../lib/cli/module_text.ts";
import { vendoredProtocols, vendoredVersions } from "../../lib/emit/sources.ts";
import { repository } from "./helpers.ts";

Deno.test("every vendored module's text reads as the value the module exports", async () => {
  for (const protocol of vendoredProtocols) {
    for (const version of vendoredVersions) {
      const path = `${repository}schemas/${protocol}/${version}.js`;
      const { name, value } = parseModuleValue(await Deno.readTextFile(path));
      const module = await import(`file://${path}`);
      assert.deepEqual(Object.keys(module), [name], path);
      assert.deepStrictEqual(value, module[name], path);
    }
  }
});

Deno.test("module text: comments, keys quoted or not, trailing commas; __proto__ is a key", () => {
  const { name, value } = parseModuleValue(
    `// header\n/* block\n */export const x = {\n  a: [1, -2.5e3, "s\\u001b", true, false, null,],\n` +
      `  /** doc */ "b-c": {},\n  "__proto__": { polluted: true },\n};\n`,
  );
  assert.equal(name, "x");
  const object = value as Record<string, unknown>;
  assert.deepEqual(object.a, [1, -2500, "s\x1b", true, false, null]);
  assert.deepEqual(object["b-c"], {});
  assert.deepEqual(Object.keys(object), ["a", "b-c", "__proto__"]);
  assert.equal(Object.getPrototypeOf(object), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("module text: anything the vendor does not write is refused, with where", () => {
  const cases: [string, RegExp][] = [
    ["", /^line 1, column 1: expected 'export', found the end$/],
    ['import "x";', /expected 'export', found 'i'/],
    ["export const x = f();", /line 1, column 18: expected a value, found 'f'/],
    ["export const x = { a: 1 } ; export const y = 2;", /expected the end \(one export\)/],
    ["export const x = { a 1 };", /expected ':'/],
    ["export const x = [1 2];", /expected ',' or '\]'/],
    ["export const x = 'single';", /expected a value, found '''/],
    ['export const x = "\\x1b";', /expected a string in JSON's syntax/],
    ['export const x = "open\n";', /expected a string that ends on its line/],
    ["export const x = 1; /* open", /expected the end of the comment/],
    [`export const x = ${"[".repeat(200)}${"]".repeat(200)};`, /nesting at most 128 deep/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseModuleValue(text), (error: unknown) => {
      assert.ok(error instanceof ModuleTextError, text);
      assert.match(error.message, message, text);
      return true;
    });
  }
});

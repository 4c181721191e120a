/**
 * What an editor shows, through TypeScript's language service: completions of
 * command names and of argument members, deprecated members struck through
 * (the `deprecated` kind modifier, from the literal's generated `@deprecated`
 * JSDoc carried by the homomorphic mapped types), and hover text.
 */
import assert from "node:assert/strict";
import ts from "typescript";
import { projectOptions } from "./project_options.ts";

const repository = new URL("../../", import.meta.url).pathname;
const file = `${repository}tests/types/.editor.ts`;
const source = `import type { Execute } from "../../lib/types/mod.ts";
import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
declare const execute: Execute<Qmp10_2>;
export async function f() {
  await execute("block-commit", { device: "d", /*members*/ });
  await execute("query-status");
  const nodes = await execute("query-named-block-nodes");
  return nodes;
}
`;

function service() {
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => projectOptions({ types: [], skipLibCheck: false }),
    getScriptFileNames: () => [file],
    getScriptVersion: () => "1",
    getScriptSnapshot: (name) => {
      const text = name === file ? source : ts.sys.readFile(name);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => repository,
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: (name) => name === file || ts.sys.fileExists(name),
    readFile: (name) => (name === file ? source : ts.sys.readFile(name)),
  };
  return ts.createLanguageService(host, ts.createDocumentRegistry());
}

Deno.test("completions: argument members, with deprecated ones marked deprecated", () => {
  const position = source.indexOf("/*members*/");
  const completions = service().getCompletionsAtPosition(file, position, {});
  assert.ok(completions, "completions at the argument object");
  // Names that need quoting come quoted ("top-node").
  const byName = new Map(
    completions.entries.map((entry) => [entry.name.replace(/^"(.*)"$/, "$1"), entry]),
  );
  assert.ok(
    byName.has("top-node") && byName.has("base-node"),
    `members offered: ${[...byName.keys()].slice(0, 8)}`,
  );
  assert.match(byName.get("top")?.kindModifiers ?? "", /deprecated/, "top is deprecated");
  assert.match(byName.get("base")?.kindModifiers ?? "", /deprecated/, "base is deprecated");
  assert.doesNotMatch(byName.get("top-node")?.kindModifiers ?? "", /deprecated/);
});

Deno.test("completions: command names", () => {
  const position = source.indexOf(`"query-status"`) + 1;
  const completions = service().getCompletionsAtPosition(file, position, {});
  const names = new Set(completions?.entries.map((entry) => entry.name));
  assert.ok(names.has("query-status") && names.has("blockdev-add") && names.has("block_resize"));
  assert.ok(names.size > 200, `${names.size} command names`);
});

Deno.test("hover: a member's since fact and a result's type", () => {
  const languageService = service();
  const at = source.indexOf("nodes;");
  const info = languageService.getQuickInfoAtPosition(file, at);
  const text = ts.displayPartsToString(info?.displayParts);
  assert.match(text, /node-name/);
  // Flattened at the surface: the object's members, not the mapped types computing them,
  // in a mutable array (the reply's own).
  assert.match(text, /^const nodes: \{\n\s+file: string;/);
  assert.match(text, /\n\}\[\]$/);
  const hover = languageService.getQuickInfoAtPosition(file, source.indexOf("device:"));
  assert.match(ts.displayPartsToString(hover?.displayParts), /device: string/);
});

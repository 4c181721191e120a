/**
 * The library under a user's strictest compiler options. A project that
 * imports qapi-ts from source (Deno with a local path, a TypeScript project
 * importing the `.ts` files) checks the library's files with its own
 * options; many use those of `@tsconfig/strictest` or stricter. Every entry
 * point of `deno.json`'s `exports` is checked with the project's options
 * plus those, the vendored schemas' declarations included (`skipLibCheck`
 * off), and every error in the package's own files is listed.
 */
import assert from "node:assert/strict";
import ts from "typescript";
import { projectOptions } from "./project_options.ts";
import { strictestOptions } from "./strictest_options.ts";

const root = new URL("../../", import.meta.url).pathname;

/**
 * The modules of `deno.json`'s `exports`, as paths; a schema module as its
 * declaration beside it, which is what an import of it is checked against.
 */
const entryPoints = Object.values(
  (JSON.parse(Deno.readTextFileSync(`${root}deno.json`)) as { exports: Record<string, string> })
    .exports,
).map((path) => new URL(path.replace(/\.js$/, ".d.ts"), `file://${root}`).pathname);

/** Diagnostics in the package's own files (not in TypeScript's or Node's declarations). */
function ownErrors(program: ts.Program): string[] {
  const host: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => root,
    getNewLine: () => "\n",
  };
  return ts.getPreEmitDiagnostics(program)
    .filter((diagnostic) => {
      const file = diagnostic.file?.fileName;
      return file === undefined || (file.startsWith(root) && !file.includes("/node_modules/"));
    })
    .map((diagnostic) => ts.formatDiagnostic(diagnostic, host).trimEnd());
}

Deno.test("every entry point compiles under the strictest compiler options (TypeScript 5.9)", () => {
  const options = projectOptions({ ...strictestOptions, skipLibCheck: false });
  const program = ts.createProgram(entryPoints, options);
  const checked = program.getSourceFiles().map((file) => file.fileName);
  for (const entry of entryPoints) assert.ok(checked.includes(entry), `${entry} is not checked`);
  const errors = ownErrors(program);
  assert.deepEqual(errors, [], `${errors.length} errors:\n${errors.join("\n")}`);
});

/**
 * The published form of a module graph, as a package's users get it:
 * declarations emitted by TypeScript 5.9 (`declaration`,
 * `emitDeclarationOnly`), declaration files the graph already holds (a schema
 * shipped as `.js` beside its `.d.ts`) copied as they are, and relative `.ts`
 * specifiers rewritten to `.js` as publishers do (JSR's npm compatibility
 * layer, dnt). The package gets a `package.json` whose `exports` map the
 * entry point and every subpath to their declarations.
 *
 * @module
 */

import ts from "typescript";

/** Compiler options shared by every check of the benchmark (the project's `tsconfig.json`). */
export const checkOptions = {
  target: "esnext",
  module: "esnext",
  moduleResolution: "bundler",
  lib: ["esnext", "dom"],
  strict: true,
  noEmit: true,
  allowImportingTsExtensions: true,
  skipLibCheck: true,
  types: ["node"],
} as const;

/** The first `count` diagnostics as text. */
export function formatDiagnostics(diagnostics: readonly ts.Diagnostic[], count = 10): string {
  return ts.formatDiagnostics(diagnostics.slice(0, count), {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => "/",
    getNewLine: () => "\n",
  });
}

/**
 * Emits the declarations of `entries` (their `key` in the package's
 * `exports`, and their file: an absolute path under `root`) into `folder`, a
 * package named `name`; returns the number of declaration files written.
 * Throws with the first diagnostics when the graph has errors.
 */
export async function publish(
  entries: readonly { key: string; file: string }[],
  root: string,
  folder: string,
  name: string,
  typeRoots: string[],
): Promise<number> {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ESNext,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.esnext.d.ts", "lib.dom.d.ts"],
    strict: true,
    declaration: true,
    emitDeclarationOnly: true,
    rewriteRelativeImportExtensions: true,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    types: ["node"],
    typeRoots,
    rootDir: root,
    outDir: folder,
  };
  const program = ts.createProgram(entries.map((e) => e.file), options);
  const errors = [
    ...program.getOptionsDiagnostics(),
    ...program.getSyntacticDiagnostics(),
    ...program.getSemanticDiagnostics(),
    ...program.getDeclarationDiagnostics(),
  ].filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) {
    throw new Error(`declaration emit of ${name} failed:\n${formatDiagnostics(errors)}`);
  }
  const written: string[] = [];
  program.emit(undefined, (file, text) => {
    Deno.mkdirSync(file.slice(0, file.lastIndexOf("/")), { recursive: true });
    Deno.writeTextFileSync(file, text);
    written.push(file);
  });
  for (const source of program.getSourceFiles()) {
    if (!source.isDeclarationFile || !source.fileName.startsWith(root)) continue;
    if (source.fileName.includes("/node_modules/")) continue;
    const target = folder + source.fileName.slice(root.length);
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(target, source.text);
    written.push(target);
  }
  for (const file of written) {
    const text = await Deno.readTextFile(file);
    await Deno.writeTextFile(
      file,
      text.replace(
        /((?:from|import)\s*\(?\s*["'])(\.{1,2}\/[^"']*?)\.ts(["'])/g,
        (whole, before, path, after) => path.endsWith(".d") ? whole : `${before}${path}.js${after}`,
      ),
    );
  }
  const types = (file: string) => `./${file.slice(root.length).replace(/(?<!\.d)\.ts$/, ".d.ts")}`;
  const exports: Record<string, { types: string }> = {};
  for (const entry of entries) exports[entry.key] = { types: types(entry.file) };
  exports["./*.js"] = { types: "./*.d.ts" };
  await Deno.writeTextFile(
    `${folder}package.json`,
    JSON.stringify(
      { name, version: "0.0.0", type: "module", types: exports["."]?.types, exports },
      null,
      2,
    ) + "\n",
  );
  return written.length;
}

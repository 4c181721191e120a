/**
 * Transpiles test fixtures that run on Node (and every module they import)
 * into `.cache/node-build/`: TypeScript's `transpileModule` (type-only
 * imports erased, `.ts` import specifiers rewritten to `.js`), no type check.
 * The npm package itself is built by `npm/build.ts` and tested as packed by
 * `tests/node/run.ts`.
 *
 * @module
 */

import ts from "typescript";

const repository = new URL("../../", import.meta.url).pathname;
const out = `${repository}.cache/node-build/`;

/** Every file reachable from the entry points through relative imports. */
async function graph(entries: string[]): Promise<string[]> {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await Deno.readTextFile(`${repository}${file}`);
    for (const match of text.matchAll(/(?:import|export)[^"']*?from\s+["'](\.[^"']+)["']/g)) {
      const folder = file.includes("/") ? file.slice(0, file.lastIndexOf("/") + 1) : "";
      const parts: string[] = [];
      for (const part of (folder + match[1]).split("/")) {
        if (part === "..") parts.pop();
        else if (part !== ".") parts.push(part);
      }
      queue.push(parts.join("/"));
    }
  }
  return [...seen];
}

/** Transpiles the graph of `entries` into the build folder; returns the number of files. */
export async function buildForNode(entries: string[]): Promise<number> {
  const files = await graph(entries);
  for (const file of files) {
    const source = await Deno.readTextFile(`${repository}${file}`);
    const { outputText } = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        rewriteRelativeImportExtensions: true,
        verbatimModuleSyntax: false,
      },
    });
    const target = `${out}${file.replace(/\.ts$/, ".js")}`;
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(target, outputText);
  }
  await Deno.writeTextFile(`${out}package.json`, JSON.stringify({ type: "module" }) + "\n");
  return files.length;
}

if (import.meta.main) {
  const count = await buildForNode(Deno.args);
  console.log(`built ${count} modules into ${out}`);
}

/**
 * The public entry points of a tree under test and where each public name
 * the benchmark uses comes from, as a user finds them: the `exports` of
 * `deno.json` (`mod.ts` alone when it has none), each entry's exports as the
 * checker sees them (so `export type *` counts).
 *
 * @module
 */

import ts from "typescript";
import { checkOptions } from "./publish.ts";

/** A public entry point. */
export interface Entry {
  /** Its key in `exports`: `"."`, `"./versions"`, `"./qmp/10.2"`. */
  readonly key: string;
  /** Its path under the root, as `exports` names it (`schemas/qmp/10.2.js`). */
  readonly path: string;
  /** The file the checker reads for it: the path, or the `.d.ts` beside a `.js`. */
  readonly typed: string;
  /** The names it exports. */
  readonly names: ReadonlySet<string>;
}

/** Whether `file` is an existing file. */
export function isFile(file: string): boolean {
  try {
    return Deno.statSync(file).isFile;
  } catch {
    return false;
  }
}

/** The entry points of the tree at `root` (ending in `/`). */
export async function entriesOf(root: string, typeRoots: string[]): Promise<Entry[]> {
  let exports: unknown = "./mod.ts";
  if (isFile(`${root}deno.json`)) {
    exports = JSON.parse(await Deno.readTextFile(`${root}deno.json`)).exports ?? exports;
  }
  const map: Record<string, string> = typeof exports === "string"
    ? { ".": exports }
    : exports as Record<string, string>;
  const listed = Object.entries(map)
    .filter(([, path]) => /\.(ts|js)$/.test(path))
    .map(([key, path]) => {
      const relative = path.replace(/^\.\//, "");
      const declaration = relative.replace(/\.js$/, ".d.ts");
      const typed = relative.endsWith(".js") && isFile(`${root}${declaration}`)
        ? declaration
        : relative;
      return { key, path: relative, typed };
    })
    .filter((e) => isFile(`${root}${e.typed}`));
  const program = ts.createProgram(listed.map((e) => `${root}${e.typed}`), {
    ...ts.convertCompilerOptionsFromJson(checkOptions, "/").options,
    typeRoots,
  });
  const checker = program.getTypeChecker();
  return listed.map((e) => {
    const source = program.getSourceFile(`${root}${e.typed}`);
    const symbol = source && checker.getSymbolAtLocation(source);
    const names = new Set(symbol ? checker.getExportsOfModule(symbol).map((s) => s.name) : []);
    return { ...e, names };
  });
}

/**
 * The entry point that exports `name`: the main one (`.`) if it does,
 * otherwise the first that does.
 */
export function entryFor(entries: readonly Entry[], name: string): Entry | undefined {
  return entries.find((e) => e.key === "." && e.names.has(name)) ??
    entries.find((e) => e.names.has(name));
}

/**
 * `deno task build:npm`: the npm package, built from the same sources as the
 * JSR one, into `.cache/npm/package/` (or the folder given with `--out`).
 *
 * How: TypeScript's own compiler (the version the tests pin) compiles every
 * module reachable from the package's entry points in one program, emitting
 * ESM `.js` and `.d.ts` side by side; `rewriteRelativeImportExtensions`
 * turns the sources' `./x.ts` imports into `./x.js` in both. The vendored
 * schemas (`schemas/<protocol>/X.Y.js` with their `X.Y.d.ts`) are copied as
 * they are. `package.json` gets an `exports` entry with `types` for every
 * subpath of `deno.json`'s `exports` that runs on Node.
 *
 * Why this tool: the emit is TypeScript's own (the same checker users run,
 * so the declarations are exactly what `tsc` makes of the sources), it is a
 * pinned npm package that installs offline from the cache like the tests'
 * other tools, and the build checks the whole program with Node's types
 * only, so a module that names Deno's API unguarded (Deno's types are not
 * in the build) or a JavaScript library newer than the package's `engines`
 * fails the build instead of a user's program.
 * dnt is not published on the npm registry (and adds shims this code does
 * not need: it uses `node:` modules, which Deno also provides); JSR's npm
 * compatibility layer builds a package only from the live JSR registry.
 *
 * Every subpath of `deno.json`'s `exports` is offered on Node too; one that
 * could not be would be listed in `denoOnly`, with the reason.
 *
 * @example Build and look at the package's exports
 * ```ts
 * import { buildNpm } from "./build.ts";
 * const { directory, manifest } = await buildNpm(".cache/npm/package");
 * console.log(directory, Object.keys(manifest.exports));
 * ```
 *
 * @module
 */

import ts from "typescript";

const repository = new URL("../", import.meta.url).pathname;

/**
 * Subpaths of `deno.json`'s `exports` that the npm package does not offer,
 * with the reason.
 *
 * @example
 * ```ts
 * import { denoOnly } from "./build.ts";
 * console.log(Object.keys(denoOnly)); // []
 * ```
 */
export const denoOnly: Readonly<Record<string, string>> = {};

/**
 * The Node releases the package runs on (`Symbol.asyncDispose` is there
 * from 20.4), as `package.json`'s `engines.node`.
 *
 * @example
 * ```ts
 * import { nodeEngines } from "./build.ts";
 * console.log(nodeEngines); // ">=20.4"
 * ```
 */
export const nodeEngines = ">=20.4";

/**
 * Compiler options of the build: ESM for Node, declarations, Node's types
 * and nothing newer than ES2023.
 *
 * @example
 * ```ts
 * import { compilerOptions } from "./build.ts";
 * console.log(compilerOptions.declaration); // true
 * ```
 */
export const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ES2022,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  rewriteRelativeImportExtensions: true,
  allowImportingTsExtensions: true,
  // Node 20's JavaScript: ES2023 and the disposal symbols it has.
  lib: ["lib.es2023.d.ts", "lib.esnext.disposable.d.ts"],
  types: ["node"],
  typeRoots: [`${repository}node_modules/@types`],
  strict: true,
  declaration: true,
  skipLibCheck: true,
  noEmitOnError: true,
  // Keep `@internal` declarations: public types refer to them.
  stripInternal: false,
  removeComments: false,
  newLine: ts.NewLineKind.LineFeed,
  rootDir: repository,
};

/**
 * One entry of `package.json`'s `exports`.
 *
 * @example
 * ```ts
 * import type { ExportEntry } from "./build.ts";
 * const entry: ExportEntry = { types: "./guest.d.ts", default: "./guest.js" };
 * ```
 */
export interface ExportEntry {
  /** The declaration file, relative to the package (`./mod.d.ts`). */
  types: string;
  /** The module, relative to the package (`./mod.js`). */
  default: string;
}

/**
 * The `package.json` the build writes.
 *
 * @example
 * ```ts
 * import type { Manifest } from "./build.ts";
 * declare const manifest: Manifest;
 * console.log(manifest.exports["./guest"]);
 * ```
 */
export interface Manifest {
  /** The package name, as on JSR. */
  name: string;
  /** The version, as in `deno.json`. */
  version: string;
  /** One line on what the package is. */
  description: string;
  /** The SPDX expression, as in `deno.json`. */
  license: string;
  /** Always `module`: the package is ESM. */
  type: "module";
  /** `./mod.js`, for tools that do not read `exports`. */
  main: string;
  /** `./mod.d.ts`, for tools that do not read `exports`. */
  types: string;
  /** Every subpath: its declarations and its module. */
  exports: Record<string, ExportEntry | string>;
  /** The Node releases the package runs on. */
  engines: { node: string };
  /** The `qapi-ts` command: the built `cli.ts`. */
  bin: Record<string, string>;
  /** Importing a module has no effect beyond its exports. */
  sideEffects: false;
  /** Words for the registry's search. */
  keywords: string[];
  /** Run-time dependencies (none today). */
  dependencies?: Record<string, string>;
}

/**
 * What a build produced.
 *
 * @example
 * ```ts
 * import type { NpmBuild } from "./build.ts";
 * declare const build: NpmBuild;
 * console.log(`${build.files} files in ${build.directory}`);
 * ```
 */
export interface NpmBuild {
  /** The package folder, ready for `npm pack`. */
  directory: string;
  /** Its `package.json`. */
  manifest: Manifest;
  /** Number of files written. */
  files: number;
  /** Their total size in bytes. */
  bytes: number;
}

interface DenoJson {
  name: string;
  version: string;
  license: string;
  exports: Record<string, string>;
}

/** The module of the `qapi-ts` command, in the package. */
const commandModule = "cli.js";

/** `./x.ts` -> `./x.js`; `./x.js` stays. */
function jsPath(source: string): string {
  return source.replace(/\.ts$/, ".js");
}

/** `./x.ts` or `./x.js` -> `./x.d.ts`. */
function declarationPath(source: string): string {
  return source.replace(/\.(ts|js)$/, ".d.ts");
}

async function copy(from: string, to: string): Promise<number> {
  await Deno.mkdir(to.slice(0, to.lastIndexOf("/")), { recursive: true });
  await Deno.copyFile(from, to);
  return (await Deno.stat(to)).size;
}

/** Every file under `folder` (relative to the repository) whose name matches `pattern`. */
async function filesUnder(folder: string, pattern: RegExp): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(`${repository}${folder}`)) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory) found.push(...await filesUnder(path, pattern));
    else if (pattern.test(entry.name)) found.push(path);
  }
  return found.sort();
}

/** `./x.ts` -> `./x.js` for a relative specifier; others stay. */
function rewriteSpecifier(specifier: string): string {
  return /^\.\.?\//.test(specifier) && /(?<!\.d)\.ts$/.test(specifier)
    ? specifier.replace(/\.ts$/, ".js")
    : specifier;
}

/**
 * Declaration emit keeps the sources' `./x.ts` specifiers (only the
 * JavaScript is rewritten); this rewrites them in `import`, `export` and
 * `import("…")` types of the emitted declarations.
 */
const declarationSpecifiers: ts.TransformerFactory<ts.SourceFile | ts.Bundle> = (context) => {
  const { factory } = context;
  const literal = (node: ts.Expression | undefined) =>
    node && ts.isStringLiteral(node) && rewriteSpecifier(node.text) !== node.text
      ? factory.createStringLiteral(rewriteSpecifier(node.text))
      : undefined;
  const visit = (node: ts.Node): ts.Node => {
    if (ts.isImportDeclaration(node)) {
      const specifier = literal(node.moduleSpecifier);
      if (specifier) {
        return factory.updateImportDeclaration(
          node,
          node.modifiers,
          node.importClause,
          specifier,
          node.attributes,
        );
      }
    } else if (ts.isExportDeclaration(node)) {
      const specifier = literal(node.moduleSpecifier);
      if (specifier) {
        return factory.updateExportDeclaration(
          node,
          node.modifiers,
          node.isTypeOnly,
          node.exportClause,
          specifier,
          node.attributes,
        );
      }
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const specifier = literal(node.argument.literal as ts.Expression);
      if (specifier) {
        return factory.updateImportTypeNode(
          node,
          factory.updateLiteralTypeNode(node.argument, specifier as ts.StringLiteral),
          node.attributes,
          node.qualifier,
          node.typeArguments?.map((t) => ts.visitNode(t, visit) as ts.TypeNode),
          node.isTypeOf,
        );
      }
    }
    return ts.visitEachChild(node, visit, context);
  };
  return (file) => ts.visitNode(file, visit) as ts.SourceFile | ts.Bundle;
};

/** Compiler diagnostics, one per line, with file and position. */
function format(diagnostics: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => repository,
    getNewLine: () => "\n",
  });
}

/**
 * Builds the npm package into `out` (emptied first). Throws with the
 * compiler's diagnostics when the sources do not compile for Node.
 *
 * @example
 * ```ts
 * import { buildNpm } from "./build.ts";
 * const build = await buildNpm("/tmp/qapi-ts-npm");
 * console.log(`${build.files} files, ${build.bytes} bytes`);
 * ```
 */
export async function buildNpm(out: string): Promise<NpmBuild> {
  const directory = out.endsWith("/") ? out : `${out}/`;
  const config = JSON.parse(await Deno.readTextFile(`${repository}deno.json`)) as DenoJson;
  const subpaths = Object.entries(config.exports).filter(([subpath]) => !(subpath in denoOnly));
  const roots = subpaths.map(([, source]) => source).filter((source) => source.endsWith(".ts"));

  await Deno.remove(directory, { recursive: true }).catch(() => {});
  await Deno.mkdir(directory, { recursive: true });

  const program = ts.createProgram({
    rootNames: roots.map((source) => `${repository}${source.slice(2)}`),
    options: { ...compilerOptions, outDir: directory },
  });
  const problems = ts.getPreEmitDiagnostics(program);
  if (problems.length) throw new Error(`the sources do not compile for Node:\n${format(problems)}`);
  let files = 0;
  let bytes = 0;
  const emitted = program.emit(
    undefined,
    (path, text) => {
      Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
      // The command's module runs as a program when npm's `bin` link is run.
      if (path === `${directory}${commandModule}`) text = `#!/usr/bin/env node\n${text}`;
      Deno.writeTextFileSync(path, text);
      files++;
      bytes += new TextEncoder().encode(text).length;
    },
    undefined,
    false,
    { afterDeclarations: [declarationSpecifiers] },
  );
  if (emitted.emitSkipped || emitted.diagnostics.length) {
    throw new Error(`emit failed:\n${format(emitted.diagnostics)}`);
  }

  // The vendored schemas as they are, with their licence; the package's documents.
  const copied = [
    ...await filesUnder("schemas", /^\d+\.\d+\.(js|d\.ts)$/),
    "schemas/README.md",
    "schemas/COPYING",
    "README.md",
    "LICENSE",
  ];
  for (const file of copied) {
    bytes += await copy(`${repository}${file}`, `${directory}${file}`);
    files++;
  }

  const exports: Record<string, ExportEntry | string> = {};
  for (const [subpath, source] of subpaths) {
    exports[subpath] = { types: declarationPath(source), default: jsPath(source) };
  }
  exports["./package.json"] = "./package.json";
  const manifest: Manifest = {
    name: config.name,
    version: config.version,
    description:
      "A QEMU QMP, guest agent and storage daemon client whose every command, event and type is typed from QEMU's own QAPI schema",
    license: config.license,
    type: "module",
    main: "./mod.js",
    types: "./mod.d.ts",
    exports,
    engines: { node: nodeEngines },
    bin: { "qapi-ts": `./${commandModule}` },
    sideEffects: false,
    keywords: ["qemu", "qmp", "qapi", "qemu-guest-agent", "virtualization", "typescript"],
  };
  const text = JSON.stringify(manifest, null, 2) + "\n";
  await Deno.writeTextFile(`${directory}package.json`, text);
  files++;
  bytes += text.length;

  // Every exported file is there, and the command.
  for (const entry of [...Object.values(exports), ...Object.values(manifest.bin)]) {
    for (const path of typeof entry === "string" ? [entry] : [entry.types, entry.default]) {
      await Deno.stat(`${directory}${path.slice(2)}`).catch(() => {
        throw new Error(`export ${path} was not built`);
      });
    }
  }
  return { directory, manifest, files, bytes };
}

if (import.meta.main) {
  const index = Deno.args.indexOf("--out");
  const out = index >= 0 ? Deno.args[index + 1] : `${repository}.cache/npm/package`;
  if (!out || Deno.args.some((a, i) => a !== "--out" && i !== index + 1)) {
    console.error("usage: deno task build:npm [--out FOLDER]");
    Deno.exit(2);
  }
  try {
    const { directory, files, bytes } = await buildNpm(out);
    console.log(`${files} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB in ${directory}`);
    console.log(`next: npm pack ${directory}`);
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(1);
  }
}

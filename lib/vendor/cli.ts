/**
 * `deno task vendor`: regenerates `schemas/` from `../shared/qapi/<X.Y>/`.
 *
 * - `deno task vendor` writes the files;
 * - `deno task vendor --check` exits 1 listing the files that differ;
 * - `deno task vendor --qemu-src PATH --out DIR [--docs]` vendors a user's own
 *   QEMU source tree (with `--docs`, its doc comments too).
 *
 * @module
 */

import { emitIndex, emitTopIndex, vendorTree } from "./vendor.ts";
import { vendoredProtocols, vendoredVersions } from "./sources.ts";

const repository = new URL("../../", import.meta.url).pathname;

/** Parses `--name value` and `--flag` arguments. */
function parseArguments(args: string[]): Map<string, string | true> {
  const options = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--")) throw new Error(`unexpected argument: ${arg}`);
    const next = args[i + 1];
    if (next !== undefined && !next.startsWith("--")) {
      options.set(arg.slice(2), next);
      i++;
    } else options.set(arg.slice(2), true);
  }
  return options;
}

/** Writes or compares `files` (relative paths) under `out`; returns the differing paths. */
async function apply(out: string, files: Map<string, string>, check: boolean): Promise<string[]> {
  const differing: string[] = [];
  for (const [path, text] of files) {
    const target = `${out}/${path}`;
    let current: string | undefined;
    try {
      current = await Deno.readTextFile(target);
    } catch {
      current = undefined;
    }
    if (current === text) continue;
    differing.push(target);
    if (!check) {
      await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
      await Deno.writeTextFile(target, text);
    }
  }
  return differing;
}

async function main(args: string[]): Promise<number> {
  const options = parseArguments(args);
  const check = options.has("check");
  const source = options.get("qemu-src");
  const files = new Map<string, string>();
  let out: string;
  if (typeof source === "string") {
    const target = options.get("out");
    if (typeof target !== "string") {
      console.error("--qemu-src needs --out DIR");
      return 2;
    }
    out = target;
    for (const [path, text] of await vendorTree({ root: source, docs: options.has("docs") })) {
      files.set(path, text);
    }
  } else {
    out = `${repository}schemas`;
    for (const version of vendoredVersions) {
      const root = `${repository}../shared/qapi/${version}`;
      for (const [path, text] of await vendorTree({ root })) files.set(path, text);
    }
    for (const protocol of vendoredProtocols) {
      files.set(`${protocol}/mod.ts`, emitIndex(protocol, vendoredVersions));
    }
    files.set("mod.ts", emitTopIndex());
  }
  const differing = await apply(out, files, check);
  if (check) {
    if (differing.length) {
      console.error(
        `${differing.length} vendored file(s) differ from what \`deno task vendor\` writes:`,
      );
      for (const path of differing) console.error(`  ${path}`);
      return 1;
    }
    console.log(`vendored schemas are up to date (${files.size} files)`);
    return 0;
  }
  console.log(`wrote ${differing.length} of ${files.size} files into ${out}`);
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    Deno.exit(1);
  }
}

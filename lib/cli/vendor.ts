/**
 * `qapi-ts vendor`: writes typed schema modules from QEMU's QAPI sources.
 *
 * - `qapi-ts vendor --qemu-src PATH --out DIR [--docs]` vendors a user's
 *   QEMU source tree into `DIR/<protocol>/<X.Y>.js` and `.d.ts`;
 * - `qapi-ts vendor` (in a clone of this repository) regenerates its own
 *   `schemas/` from the QEMU sources of each vendored release, read from
 *   `../shared/qapi/<X.Y>/` beside the clone;
 * - `--check` writes nothing and exits 1 listing the files that differ.
 *
 * @module
 */

import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import process from "node:process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { failureReason } from "../qapi/files.ts";
import { vendoredProtocols, vendoredVersions } from "../emit/sources.ts";
import { emitIndex, emitTopIndex, vendorTree } from "../emit/vendor.ts";
import { parseArgs, UsageError } from "./args.ts";
import { CliError, type Command, exitCodes } from "./command.ts";
import { qemuTree } from "./inputs.ts";

const usage = `qapi-ts vendor --qemu-src PATH --out DIR [--docs] [--check]
       qapi-ts vendor [--check]`;

const yourTree =
  "To vendor a QEMU source tree of your own: qapi-ts vendor --qemu-src PATH --out DIR";

/** The root of this copy of the project, as a URL (a file, or a registry's address). */
const projectRoot = new URL("../../", import.meta.url);

/**
 * The QEMU source trees the project's own `schemas/` are vendored from, and
 * the folder they are written to; throws `CliError` when this copy of the
 * project is not a clone with the QEMU sources beside it.
 */
async function projectSources(): Promise<{ out: string; roots: string[] }> {
  const needs = `Without --qemu-src, vendor regenerates qapi-ts's own schemas/, which needs a ` +
    `clone of the qapi-ts repository with the QEMU sources of ${
      vendoredVersions.join(", ")
    } beside it, in ../shared/qapi/<X.Y>/.`;
  if (projectRoot.protocol !== "file:") {
    throw new CliError(
      `this copy of qapi-ts is not a clone (it runs from ${projectRoot}).\n` +
        `${needs}\n${yourTree}`,
    );
  }
  const root = fileURLToPath(projectRoot);
  if (root.includes("/node_modules/")) {
    throw new CliError(
      `this copy of qapi-ts is an installed package (${root}), not a clone.\n` +
        `${needs}\n${yourTree}`,
    );
  }
  const roots = vendoredVersions.map((version) => resolve(root, "../shared/qapi", version));
  for (const tree of roots) {
    try {
      await stat(`${tree}/VERSION`);
    } catch (error) {
      throw new CliError(
        `no QEMU sources in ${tree}/ (${failureReason(error)}).\n${needs}\n${yourTree}`,
      );
    }
  }
  return { out: `${root}schemas`, roots };
}

/**
 * Writes (or with `check`, compares) `files` under `out`; returns the paths
 * that differ. Each file is written beside its target first, and the targets
 * are replaced only once all are written: a failure (a file where a folder
 * goes, a full disk) leaves the modules as they were, not a `.d.ts` of one
 * version beside the `.js` of another.
 */
async function apply(out: string, files: Map<string, string>, check: boolean): Promise<string[]> {
  const differing: string[] = [];
  for (const [path, text] of files) {
    const target = `${out}/${path}`;
    const current = await readFile(target, "utf8").catch(() => undefined);
    if (current === text) continue;
    // A folder in a module's place would fail its replacement, after others.
    if (!check && (await stat(target).catch(() => undefined))?.isDirectory()) {
      throw new CliError(`can't write '${target}': Is a directory`);
    }
    differing.push(target);
  }
  if (check) return differing;
  const written: string[] = [];
  const temporary = (target: string) => `${target}.${process.pid}.tmp`;
  try {
    for (const target of differing) {
      try {
        await mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
        written.push(target);
        await writeFile(temporary(target), files.get(target.slice(out.length + 1))!);
      } catch (error) {
        throw new CliError(`can't write '${target}': ${failureReason(error)}`);
      }
    }
    for (const target of differing) {
      try {
        await rename(temporary(target), target);
      } catch (error) {
        throw new CliError(`can't write '${target}': ${failureReason(error)}`);
      }
      written.shift();
    }
  } finally {
    for (const target of written) await rm(temporary(target), { force: true }).catch(() => {});
  }
  return differing;
}

/**
 * The `vendor` subcommand.
 *
 * @example
 * ```ts ignore
 * import { vendor } from "./vendor.ts";
 * import { terminal } from "./command.ts";
 * await vendor.run(["--qemu-src", "../qemu", "--out", "vendored"], terminal);
 * ```
 */
export const vendor: Command = {
  name: "vendor",
  summary: "write typed schema modules from a QEMU source tree",
  usage,
  help: `usage: ${usage}

Reads the QAPI schemas of a QEMU source tree (QMP, and the guest agent's and
the storage daemon's where the tree has them) and writes them as modules for
qapi-ts: DIR/qmp/X.Y.js with its type beside it in DIR/qmp/X.Y.d.ts, and the
same under qga/ and qsd/. Import them as QEMU's built-in versions are imported
(import type { Qmp10_2 } from "./DIR/qmp/10.2.js").

  --qemu-src PATH  the QEMU source tree (the folder that holds VERSION and qapi/)
  --out DIR        where to write the modules (created if missing)
  --docs           copy QEMU's documentation into the types, so editors show it
                   on hover (larger files)
  --check          write nothing; list the files that would change
  -h, --help       this help

Without --qemu-src, in a clone of the qapi-ts repository: regenerates its own
schemas/ from the QEMU sources of ${
    vendoredVersions.join(", ")
  } in ../shared/qapi/<X.Y>/ beside the clone.

Exit status: 0 written (or up to date); 1 the tree's schema is invalid, or with
--check files differ; 2 the tree can't be read, DIR can't be written, or a
wrong command line.`,

  async run(args, output) {
    const parsed = parseArgs(args, {
      "qemu-src": "value",
      out: "value",
      docs: "flag",
      check: "flag",
    });
    if (parsed.help) {
      output.out(this.help);
      return exitCodes.ok;
    }
    if (parsed.operands.length) throw new UsageError(`unexpected argument ${parsed.operands[0]}`);
    const option = (name: string) => parsed.options.get(name) as string | undefined;
    const source = option("qemu-src");
    const target = option("out");
    if (source !== undefined && target === undefined) {
      throw new UsageError("--qemu-src needs --out DIR: where to write the modules");
    }
    if (source === undefined) {
      for (const name of ["out", "docs"]) {
        if (parsed.options.has(name)) throw new UsageError(`--${name} goes with --qemu-src PATH`);
      }
    }
    const check = parsed.options.has("check");

    const files = new Map<string, string>();
    let out: string;
    if (source !== undefined && target !== undefined) {
      await qemuTree(source);
      // A folder that is missing is created; a file in its place is an error.
      const existing = await stat(target).catch(() => undefined);
      if (existing && !existing.isDirectory()) {
        throw new CliError(`--out '${target}' is a file; give a folder (created if missing)`);
      }
      const docs = parsed.options.has("docs");
      for (const [path, text] of await vendorTree({ root: source, docs })) files.set(path, text);
      if (!files.size) {
        throw new CliError(
          `'${source}' holds no QAPI schema to vendor (none of qapi/qapi-schema.json, ` +
            "qga/qapi-schema.json, storage-daemon/qapi/qapi-schema.json)",
        );
      }
      out = target.replace(/(.)\/+$/, "$1");
    } else {
      const project = await projectSources();
      for (const root of project.roots) {
        for (const [path, text] of await vendorTree({ root })) files.set(path, text);
      }
      for (const protocol of vendoredProtocols) {
        files.set(`${protocol}/mod.ts`, emitIndex(protocol, vendoredVersions));
      }
      files.set("mod.ts", emitTopIndex());
      out = project.out;
    }

    const differing = await apply(out, files, check);
    if (check) {
      if (differing.length) {
        output.err(`${differing.length} of ${files.size} file(s) differ from what vendor writes:`);
        for (const path of differing) output.err(`  ${path}`);
        return exitCodes.finding;
      }
      output.out(`${out}: up to date (${files.size} files)`);
      return exitCodes.ok;
    }
    output.out(`wrote ${differing.length} of ${files.size} files into ${out}`);
    return exitCodes.ok;
  },
};

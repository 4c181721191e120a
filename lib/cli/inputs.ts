/**
 * What the subcommands read: QEMU source trees (checked to be one, with an
 * error that says what to give instead), vendored versions, schema files
 * and vendored modules, each as a schema literal to compare.
 *
 * @module
 */

import { stat } from "node:fs/promises";
import { failureReason, readRegularFile } from "../qapi/files.ts";
import type { SchemaIR } from "../qapi/ir.ts";
import { readSchema } from "../qapi/read.ts";
import type { Protocol, SchemaLiteral } from "../types/literal.ts";
import { schemaEntryPoints, vendoredVersions } from "../emit/sources.ts";
import { treeVersion } from "../emit/vendor.ts";
import { CliError } from "./command.ts";
import { ModuleTextError, parseModuleValue } from "./module_text.ts";

/** The largest vendored module read (QEMU 10.2's QMP module is 0.25 MiB). */
const maxModuleBytes = 64 << 20;

const treeHint =
  "a QEMU source tree is the folder that holds VERSION and qapi/ (the root of a QEMU checkout or release)";

/**
 * Checks that `root` is a QEMU source tree and returns its version; throws
 * `CliError` saying what is wrong (no such folder, a file, no `VERSION`)
 * and what to give instead.
 *
 * @example
 * ```ts
 * import { qemuTree } from "./inputs.ts";
 * console.log(await qemuTree("../shared/qapi/10.2")); // { version: "10.2", qemu: "10.2.2" }
 * ```
 */
export async function qemuTree(root: string): Promise<{ version: string; qemu: string }> {
  let folder: boolean;
  try {
    folder = (await stat(root)).isDirectory();
  } catch (error) {
    throw new CliError(`can't read QEMU source tree '${root}': ${failureReason(error)}`);
  }
  if (!folder) throw new CliError(`'${root}' is a file, not a QEMU source tree: ${treeHint}`);
  try {
    return await treeVersion(root);
  } catch (error) {
    const reason = failureReason(error);
    if (reason === "No such file or directory") {
      throw new CliError(
        `'${root}' is not a QEMU source tree (it has no VERSION file): ${treeHint}`,
      );
    }
    throw new CliError(
      reason.startsWith(`${root}/VERSION: `) ? reason : `can't read '${root}/VERSION': ${reason}`,
    );
  }
}

/**
 * The run-time value a vendored module holds for a schema IR: the IR
 * without where each definition was read and its documentation.
 *
 * @example
 * ```ts
 * import { literalOf } from "./inputs.ts";
 * import { readSchema } from "../qapi/read.ts";
 * const ir = await readSchema("../shared/qapi/10.2/qga/qapi-schema.json", { protocol: "qga", strictDocs: false });
 * console.log(Object.keys(literalOf(ir).commands).length);
 * ```
 */
export function literalOf(ir: SchemaIR): SchemaLiteral {
  const plain = (map: Record<string, object>) =>
    Object.fromEntries(
      Object.entries(map).map(([name, definition]) => {
        const { info: _info, doc: _doc, ...rest } = definition as Record<string, unknown>;
        return [name, rest];
      }),
    );
  return {
    protocol: ir.protocol,
    version: ir.version,
    qemu: ir.qemu,
    types: plain(ir.types),
    commands: plain(ir.commands),
    events: plain(ir.events),
  } as unknown as SchemaLiteral;
}

/** Whether a module's export is a schema written by `vendor`. */
function isSchemaLiteral(value: unknown): value is SchemaLiteral {
  const record = value as Record<string, unknown> | null;
  return typeof record === "object" && record !== null &&
    ["qmp", "qga", "qsd"].includes(record["protocol"] as string) &&
    typeof record["version"] === "string" &&
    ["types", "commands", "events"].every((key) =>
      typeof record[key] === "object" && record[key] !== null
    );
}

/**
 * A schema to compare, with a name for messages (`qmp 10.2`, `./tree`).
 *
 * @example
 * ```ts
 * import type { LoadedSchema } from "./inputs.ts";
 * declare const loaded: LoadedSchema;
 * console.log(loaded.label, loaded.schema.version);
 * ```
 */
export interface LoadedSchema {
  /** What it is, for messages. */
  readonly label: string;
  /** The schema. */
  readonly schema: SchemaLiteral;
}

/**
 * Loads a schema named on the command line, as a literal:
 *
 * - `X.Y`: the vendored version of `protocol`;
 * - a folder: a QEMU source tree (`protocol`'s schema in it);
 * - a `.json` file: a schema's entry point (`qapi/qapi-schema.json`), with
 *   the files it includes;
 * - a `.js` or `.d.ts` file: a module written by `qapi-ts vendor --out`
 *   (its text is read, not run; its own protocol).
 *
 * Throws `CliError` (exit 2) for what can't be read and `QapiError` for a
 * schema source that is invalid.
 *
 * @example
 * ```ts
 * import { loadSchema } from "./inputs.ts";
 * const { schema } = await loadSchema("../shared/qapi/10.2", "qga");
 * console.log(schema.version); // "10.2"
 * ```
 */
export async function loadSchema(operand: string, protocol: Protocol): Promise<LoadedSchema> {
  if (/^\d+\.\d+$/.test(operand)) {
    const known: readonly string[] = vendoredVersions;
    if (!known.includes(operand)) {
      throw new CliError(
        `no vendored version ${operand} (vendored: ${known.join(", ")}); ` +
          `to compare a QEMU source tree, give its path (./${operand} for a folder of that name)`,
      );
    }
    const module = await import(`../../schemas/${protocol}/${operand}.js`) as Record<
      string,
      SchemaLiteral
    >;
    return {
      label: `${protocol} ${operand}`,
      // `!`: each vendored module exports its literal under this name.
      schema: module[`${protocol}${operand.replace(".", "_")}`]!,
    };
  }
  let folder: boolean;
  try {
    folder = (await stat(operand)).isDirectory();
  } catch (error) {
    throw new CliError(`can't read '${operand}': ${failureReason(error)}`);
  }
  if (folder) {
    const { version, qemu } = await qemuTree(operand);
    const entry = `${operand.replace(/\/+$/, "")}/${schemaEntryPoints[protocol]}`;
    try {
      await stat(entry);
    } catch (error) {
      throw new CliError(
        `QEMU source tree '${operand}' has no ${protocol} schema: can't read '${entry}': ${
          failureReason(error)
        }`,
      );
    }
    const ir = await readSchema(entry, { protocol, version, qemu, strictDocs: false });
    return { label: operand, schema: literalOf(ir) };
  }
  if (operand.endsWith(".json")) {
    const ir = await readSchema(operand, { protocol, strictDocs: false });
    return { label: operand, schema: literalOf(ir) };
  }
  if (operand.endsWith(".js") || operand.endsWith(".d.ts")) {
    const path = operand.replace(/\.d\.ts$/, ".js");
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(
        await readRegularFile(path, maxModuleBytes),
      );
    } catch (error) {
      const reason = error instanceof TypeError ? "not UTF-8" : failureReason(error);
      throw new CliError(`can't read '${path}': ${reason}`);
    }
    const written = "give a module written by qapi-ts vendor --out (such as OUT/qmp/10.2.js)";
    let value: unknown;
    try {
      value = parseModuleValue(text).value;
    } catch (error) {
      if (!(error instanceof ModuleTextError)) throw error;
      throw new CliError(
        `'${path}' is not a module as vendor writes it: ${error.message}; ${written}`,
      );
    }
    if (!isSchemaLiteral(value)) throw new CliError(`'${path}' exports no schema; ${written}`);
    return { label: operand, schema: value };
  }
  throw new CliError(
    `'${operand}' is none of what diff compares: a vendored version (${
      vendoredVersions.join(", ")
    }), a QEMU source tree, a schema's .json entry point, or a module written by ` +
      "qapi-ts vendor --out (.js or .d.ts)",
  );
}

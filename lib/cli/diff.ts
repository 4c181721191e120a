/**
 * `qapi-ts diff [options] OLD NEW`: what changed between two schemas, each
 * a vendored version, a QEMU source tree, a schema's `.json` entry point or
 * a module written by `qapi-ts vendor --out`.
 *
 * @module
 */

import type { Protocol } from "../types/literal.ts";
import { diffSchemas, formatChanges } from "../diff/diff.ts";
import { vendoredVersions } from "../emit/sources.ts";
import { parseArgs, UsageError } from "./args.ts";
import { CliError, type Command, exitCodes } from "./command.ts";
import { type LoadedSchema, loadSchema } from "./inputs.ts";

const protocols: readonly Protocol[] = ["qmp", "qga", "qsd"];

const usage = "qapi-ts diff [--protocol qmp|qga|qsd] [--json] [--exit-code] OLD NEW";

/**
 * The `diff` subcommand.
 *
 * @example
 * ```ts
 * import { diff } from "./diff.ts";
 * import { terminal } from "./command.ts";
 * await diff.run(["7.2", "10.2", "--protocol", "qga"], terminal); // added command (…): …
 * ```
 */
export const diff: Command = {
  name: "diff",
  summary: "list what changed between two schemas (vendored versions, QEMU trees, modules)",
  usage,
  help: `usage: ${usage}

Lists what changed from OLD to NEW: commands, events and types added or
removed, members and enum values added or removed, members that became
optional or required, features gained or lost, type changes. Each of OLD and
NEW is one of:

  X.Y            a vendored version (${vendoredVersions.join(", ")})
  PATH           a QEMU source tree (the folder that holds VERSION and qapi/)
  FILE.json      a schema's entry point, such as qga/qapi-schema.json, with the
                 files it includes
  FILE.js        a module written by qapi-ts vendor --out (such as
  FILE.d.ts      OUT/qmp/10.2.js or its .d.ts); its text is read, not run

A folder named like a version is given as ./X.Y.

  --protocol P   qmp (default), qga or qsd: which schema of a vendored version
                 or a QEMU source tree (a module's is its own)
  --json         the changes as JSON ({ change, kind, path, detail } each)
  --exit-code    exit 1 when there are changes
  -h, --help     this help

Exit status: 0 compared (with --exit-code: no changes); 1 with --exit-code,
changes, or a schema source that is invalid; 2 a schema that can't be read,
or a wrong command line.`,

  async run(args, output) {
    const parsed = parseArgs(args, { protocol: "value", json: "flag", "exit-code": "flag" });
    if (parsed.help) {
      output.out(this.help);
      return exitCodes.ok;
    }
    const given = parsed.options.get("protocol") as string | undefined;
    if (given !== undefined && !(protocols as readonly string[]).includes(given)) {
      throw new UsageError(`--protocol is one of ${protocols.join(", ")} (got ${given})`);
    }
    if (parsed.operands.length !== 2) {
      throw new UsageError(
        parsed.operands.length < 2
          ? `two schemas to compare, OLD and NEW (got ${parsed.operands.length})`
          : `unexpected argument ${parsed.operands[2]}`,
      );
    }
    // Modules first: each carries its protocol, which the other side follows
    // when --protocol is not given.
    const isModule = (operand: string) => /\.(js|d\.ts)$/.test(operand);
    let protocol = given as Protocol | undefined;
    const sides: (LoadedSchema | undefined)[] = [undefined, undefined];
    for (const [i, operand] of parsed.operands.entries()) {
      if (!isModule(operand)) continue;
      sides[i] = await loadSchema(operand, protocol ?? "qmp");
      protocol ??= sides[i]!.schema.protocol;
    }
    protocol ??= "qmp";
    for (const [i, operand] of parsed.operands.entries()) {
      sides[i] ??= await loadSchema(operand, protocol);
    }
    const [before, after] = sides as [LoadedSchema, LoadedSchema]; // Both loaded above.
    for (const side of [before, after]) {
      if (side.schema.protocol !== protocol) {
        throw new CliError(
          `${side.label} is a ${side.schema.protocol} schema, the other a ${protocol} one; ` +
            "compare schemas of one protocol (--protocol qmp, qga or qsd)",
        );
      }
    }
    const changes = diffSchemas(before.schema, after.schema);
    if (parsed.options.has("json")) output.out(JSON.stringify(changes, null, 2));
    else output.out(changes.length ? formatChanges(changes) : "no changes");
    return parsed.options.has("exit-code") && changes.length ? exitCodes.finding : exitCodes.ok;
  },
};

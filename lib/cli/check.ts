/**
 * `qapi-ts check [--lenient] FILE`: checks a QAPI schema as QEMU's
 * generator does.
 *
 * @module
 */

import { QapiError, SchemaReadError } from "../qapi/errors.ts";
import { defaultLimits } from "../qapi/limits.ts";
import { readSchema } from "../qapi/read.ts";
import { parseArgs, UsageError } from "./args.ts";
import { type Command, exitCodes } from "./command.ts";

const mib = (bytes: number) => `${bytes / 2 ** 20} MiB`;

const usage = "qapi-ts check [--lenient] FILE";

/**
 * The `check` subcommand.
 *
 * @example
 * ```ts
 * import { check } from "./check.ts";
 * import { terminal } from "./command.ts";
 * const code = await check.run(["../shared/qapi/10.2/qga/qapi-schema.json", "--lenient"], terminal);
 * console.log(code); // 0
 * ```
 */
export const check: Command = {
  name: "check",
  summary: "check a QAPI schema (and the files it includes) as QEMU's generator does",
  usage,
  help: `usage: ${usage}

Checks a QAPI schema (FILE and the files it includes) as QEMU's generator
does, and prints what it defines.

  --lenient   the rules of QEMU releases before 10.2 (older schemas need them)
  -h, --help  this help

Exit status: 0 valid; 1 invalid, with FILE:LINE: message on stderr; 2 FILE
can't be read, or a wrong command line.

Bounds: regular files only, ${mib(defaultLimits.maxFileBytes)} each and ${
    mib(defaultLimits.maxTotalBytes)
  } in all; nesting ${defaultLimits.maxNesting} deep;
includes ${defaultLimits.maxIncludeDepth} deep, ${defaultLimits.maxFiles} files.`,

  async run(args, output) {
    const parsed = parseArgs(args, { lenient: "flag" });
    if (parsed.help) {
      output.out(this.help);
      return exitCodes.ok;
    }
    const [file] = parsed.operands;
    if (file === undefined) throw new UsageError("no FILE to check");
    if (parsed.operands.length > 1) {
      throw new UsageError(`one FILE at a time (got ${parsed.operands.length})`);
    }
    try {
      const schema = await readSchema(file, { strictDocs: !parsed.options.has("lenient") });
      const count = (map: object) => Object.keys(map).length;
      output.out(
        `${file}: ok (${count(schema.commands)} commands, ${count(schema.events)} events, ` +
          `${count(schema.types)} types)`,
      );
      return exitCodes.ok;
    } catch (error) {
      if (error instanceof QapiError) {
        output.err(error.message);
        return exitCodes.finding;
      }
      if (error instanceof SchemaReadError) {
        output.err(error.message);
        return exitCodes.error;
      }
      throw error;
    }
  },
};

/**
 * `deno task qapi check FILE.json [--lenient]`: checks a QAPI schema.
 *
 * Exits 0 for a valid schema, 1 with the errors on stderr (`FILE:LINE:
 * message`, as QEMU's generator prints them) for an invalid one (a file it
 * includes that can't be read included), and 2 when the file named on the
 * command line can't be read or the command line is wrong. Characters of
 * the schema that could drive a terminal are escaped in messages.
 *
 * @module
 */

import { QapiError, SchemaReadError } from "./errors.ts";
import { defaultLimits } from "./limits.ts";
import { readSchema } from "./read.ts";

const usage = "usage: deno task qapi check FILE.json [--lenient]";
const help = `${usage}

Checks a QAPI schema (and the files it includes) as QEMU's generator does.

  --lenient   the rules of QEMU releases before 10.2 (older schemas need them)

Exit status: 0 valid; 1 invalid, with FILE:LINE: message on stderr; 2 the
file can't be read, or a wrong command line.

Bounds: regular files only, ${defaultLimits.maxFileBytes / 2 ** 20} MiB each and ${
  defaultLimits.maxTotalBytes / 2 ** 20
} MiB in all;
nesting ${defaultLimits.maxNesting} deep; includes ${defaultLimits.maxIncludeDepth} deep, ${defaultLimits.maxFiles} files.`;

/**
 * Runs the CLI; returns the exit code.
 *
 * @example
 * ```ts
 * import { main } from "./cli.ts";
 * Deno.exit(await main(["check", "qapi/qapi-schema.json"]));
 * ```
 */
export async function main(args: readonly string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(help);
    return 0;
  }
  const [command, ...rest] = args;
  const files = rest.filter((arg) => arg !== "--lenient");
  const lenient = files.length < rest.length;
  const file = files[0];
  if (command !== "check" || files.length !== 1 || file.startsWith("-")) {
    console.error(usage);
    return 2;
  }
  try {
    const schema = await readSchema(file, { strictDocs: !lenient });
    const count = (map: object) => Object.keys(map).length;
    console.log(
      `${file}: ok (${count(schema.commands)} commands, ${count(schema.events)} events, ` +
        `${count(schema.types)} types)`,
    );
    return 0;
  } catch (error) {
    if (error instanceof QapiError) {
      console.error(error.message);
      return 1;
    }
    if (error instanceof SchemaReadError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));

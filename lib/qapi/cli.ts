/**
 * `deno task qapi check FILE.json [--lenient]`: checks a QAPI schema.
 *
 * Exits 0 for a valid schema, 1 with the errors on stderr (`FILE:LINE:
 * message`, as QEMU's generator prints them) for an invalid one (a file it
 * includes that can't be read included), and 2 when the file named on the
 * command line can't be read or the command line is wrong.
 *
 * @module
 */

import { QapiError, SchemaReadError } from "./errors.ts";
import { readSchema } from "./read.ts";

const usage = "usage: deno task qapi check FILE.json [--lenient]";

/**
 * Runs the CLI; returns the exit code.
 *
 * @example
 * ```ts ignore
 * import { main } from "./cli.ts";
 * Deno.exit(await main(["check", "qapi/qapi-schema.json"]));
 * ```
 */
export async function main(args: readonly string[]): Promise<number> {
  const [command, file, ...rest] = args;
  const lenient = rest.includes("--lenient");
  if (command !== "check" || !file || rest.some((arg) => arg !== "--lenient")) {
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

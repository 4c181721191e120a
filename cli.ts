/**
 * The `qapi-ts` command: `check` a QAPI schema as QEMU's generator does,
 * `vendor` a QEMU source tree as typed modules, `diff` two schemas (vendored
 * versions, QEMU source trees or vendored modules), and `help`.
 *
 * ```sh
 * deno run -A jsr:@qapi-ts/qapi-ts/cli diff 7.2 10.2   # Deno
 * npx qapi-ts vendor --qemu-src ~/qemu --out vendored  # Node, with the npm package
 * ```
 *
 * Exit status: 0 done, 1 a finding (an invalid schema, vendored files that
 * differ, changes when `diff --exit-code` asks), 2 a wrong command line or a
 * file that can't be read or written. A wrong command line writes nothing.
 * Text that comes from input is printed with control characters escaped.
 *
 * @example Run a subcommand from a program
 * ```ts
 * import { main } from "./cli.ts";
 * const code = await main(["diff", "10.0", "10.2", "--protocol", "qga"]);
 * console.log(code); // 0
 * ```
 *
 * @module
 */

import { realpathSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { main } from "./lib/cli/main.ts";
import { printable } from "./lib/qapi/errors.ts";

export { main };
export { commands } from "./lib/cli/main.ts";
export type { Command, ExitCode, Output } from "./lib/cli/command.ts";
export { exitCodes } from "./lib/cli/command.ts";

/**
 * Whether this module is the program being run (`deno run cli.ts`, or
 * Node running the package's `qapi-ts` command), not an import.
 */
function isProgram(): boolean {
  const flag = (import.meta as { main?: boolean }).main;
  if (typeof flag === "boolean") return flag;
  // Node before 24.2 has no import.meta.main: compare with the script run
  // (npm's command is a link to this file).
  const script = process.argv[1];
  if (!script || !import.meta.url.startsWith("file:")) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isProgram()) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    // Not an error of the input (those are reported above): a fault of the program.
    const text = error instanceof Error ? error.stack ?? error.message : String(error);
    console.error(printable(`qapi-ts: internal error: ${text}`));
    process.exitCode = 2;
  }
}

/**
 * The `qapi-ts` command: finds the subcommand, runs it, and turns what it
 * throws into messages and exit statuses (2 with the usage for a wrong
 * command line, which is found before anything is read or written).
 *
 * @module
 */

import { QapiError, SchemaReadError } from "../qapi/errors.ts";
import { UsageError } from "./args.ts";
import { check } from "./check.ts";
import {
  CliError,
  type Command,
  type ExitCode,
  exitCodes,
  type Output,
  terminal,
} from "./command.ts";
import { diff } from "./diff.ts";
import { shell } from "./shell.ts";
import { vendor } from "./vendor.ts";

const usage = "qapi-ts <command> [options] [arguments]";

/** `qapi-ts help [COMMAND]`: the overview, or one subcommand's help. */
const help: Command = {
  name: "help",
  summary: "this overview, or a command's help (qapi-ts help diff)",
  usage: "qapi-ts help [COMMAND]",
  get help() {
    return overview();
  },
  run(args, output) {
    if (args.length === 0 || (args.length === 1 && (args[0] === "--help" || args[0] === "-h"))) {
      output.out(overview());
      return Promise.resolve(exitCodes.ok);
    }
    if (args.length > 1) throw new UsageError(`one COMMAND at a time (got ${args.length})`);
    const command = commands.find((c) => c.name === args[0]);
    if (!command) throw new UsageError(`no command '${args[0]}'`);
    output.out(command.help);
    return Promise.resolve(exitCodes.ok);
  },
};

/**
 * The subcommands, in the order the overview lists them.
 *
 * @example
 * ```ts
 * import { commands } from "./main.ts";
 * console.log(commands.map((c) => c.name)); // ["check", "vendor", "diff", "shell", "help"]
 * ```
 */
export const commands: readonly Command[] = [check, vendor, diff, shell, help];

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `usage: ${usage}

QEMU's QAPI schemas, for qapi-ts: check a schema as QEMU's generator does,
vendor a QEMU source tree as typed modules, list what changed between two.

${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Each command has --help (qapi-ts diff --help, or qapi-ts help diff).

Exit status: 0 done; 1 a finding (an invalid schema, files that differ, or
changes when diff --exit-code asks); 2 a wrong command line, or a file that
can't be read or written.`;
}

/** Prints a usage error: what is wrong, the usage, where the help is. */
function usageError(output: Output, command: Command | undefined, message: string): ExitCode {
  const name = command ? `qapi-ts ${command.name}` : "qapi-ts";
  const lines = (command?.usage ?? usage).split("\n");
  output.err(
    `${name}: ${message}\nusage: ${lines.join("\n")}\nRun '${name} --help' for more.`,
  );
  return exitCodes.error;
}

/**
 * Runs `qapi-ts` on the arguments after the program's name and resolves
 * with the exit status (0 done, 1 a finding, 2 a usage or file error);
 * prints on `output` (the terminal, escaped, by default).
 *
 * @example
 * ```ts
 * import { main } from "./main.ts";
 * console.log(await main(["check", "--help"])); // prints check's help; 0
 * ```
 */
export async function main(
  args: readonly string[],
  output: Output = terminal,
): Promise<ExitCode> {
  const [name, ...rest] = args;
  if (name === undefined) return usageError(output, undefined, "no command given");
  if (name === "--help" || name === "-h") return help.run([], output);
  const command = commands.find((c) => c.name === name);
  if (!command) {
    return usageError(
      output,
      undefined,
      name.startsWith("-") ? `unknown option ${name}` : `no command '${name}'`,
    );
  }
  try {
    return await command.run(rest, output);
  } catch (error) {
    if (error instanceof UsageError) return usageError(output, command, error.message);
    if (error instanceof CliError) {
      output.err(`qapi-ts ${command.name}: ${error.message}`);
      return error.code;
    }
    // A schema's errors as QEMU's generator prints them: FILE:LINE: message.
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
}

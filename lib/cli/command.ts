/**
 * What every `qapi-ts` subcommand is made of: its name, usage and help, a
 * function that runs it, and where it prints. Printing escapes control and
 * invisible characters, so text that comes from input (file names, schema
 * names, error messages) cannot drive the terminal.
 *
 * @module
 */

import { printable } from "../qapi/errors.ts";

/**
 * Where a subcommand prints: `out` for results, `err` for errors. Each call
 * prints one or more lines.
 *
 * @example
 * ```ts
 * import type { Output } from "./command.ts";
 * const lines: string[] = [];
 * const output: Output = { out: (text) => lines.push(text), err: (text) => lines.push(text) };
 * ```
 */
export interface Output {
  /** Prints a result (standard output). */
  out(text: string): void;
  /** Prints an error or a note (standard error). */
  err(text: string): void;
}

/**
 * Standard output and standard error, with control and invisible characters
 * escaped (`\x1b`, `\u202e`); line breaks stay.
 *
 * @example
 * ```ts
 * import { terminal } from "./command.ts";
 * terminal.out("name\x1b[2J"); // prints name\x1b[2J, escaped
 * ```
 */
export const terminal: Output = {
  out: (text) => console.log(printable(text)),
  err: (text) => console.error(printable(text)),
};

/**
 * The exit status: 0 done (no finding), 1 a finding (an invalid schema,
 * vendored files that differ, differences when `--exit-code` asks), 2 a
 * usage error or a file that can't be read or written.
 *
 * @example
 * ```ts
 * import { type ExitCode, exitCodes } from "./command.ts";
 * const code: ExitCode = exitCodes.finding;
 * ```
 */
export const exitCodes = { ok: 0, finding: 1, error: 2 } as const;

/**
 * One of `exitCodes`.
 *
 * @example
 * ```ts
 * import type { ExitCode } from "./command.ts";
 * const code: ExitCode = 2;
 * ```
 */
export type ExitCode = typeof exitCodes[keyof typeof exitCodes];

/**
 * An error a subcommand reports and ends with: what is wrong and what to
 * do, and the exit status (2 unless given).
 *
 * @example
 * ```ts
 * import { CliError } from "./command.ts";
 * const error = new CliError("no QEMU source tree at '/x': No such file or directory");
 * console.log(error.code); // 2
 * ```
 */
export class CliError extends Error {
  /** `CliError`. */
  override name = "CliError";

  /** The message (one or more lines) and the exit status. */
  constructor(message: string, readonly code: ExitCode = exitCodes.error) {
    super(message);
  }
}

/**
 * A subcommand of `qapi-ts`.
 *
 * @example
 * ```ts
 * import type { Command } from "./command.ts";
 * const hello: Command = {
 *   name: "hello",
 *   summary: "says hello",
 *   usage: "qapi-ts hello",
 *   help: "qapi-ts hello\n\nSays hello.",
 *   run: (_args, output) => {
 *     output.out("hello");
 *     return Promise.resolve(0);
 *   },
 * };
 * ```
 */
export interface Command {
  /** The name on the command line (`check`). */
  readonly name: string;
  /** One line on what it does, for `qapi-ts help`. */
  readonly summary: string;
  /** Its usage line(s), without the leading `usage: `. */
  readonly usage: string;
  /** Its `--help`: the usage, what it does, its options and exit status. */
  readonly help: string;
  /**
   * Runs it on the arguments after its name; resolves with the exit status.
   * Throws `UsageError` for a command line it can't follow (before reading
   * or writing anything) and `CliError` for an error it ends with.
   */
  run(args: readonly string[], output: Output): Promise<ExitCode>;
}

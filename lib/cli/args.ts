/**
 * Command lines of the `qapi-ts` subcommands: options (`--name`, `--name
 * VALUE`, `--name=VALUE`), operands, `--help`, and `--` before operands that
 * start with a dash. Anything else is a usage error, found before a
 * subcommand reads or writes anything.
 *
 * @module
 */

/**
 * A command line that can't be followed: an unknown option, a missing or
 * extra operand, an option without its value. The CLI prints the message
 * and the subcommand's usage, and exits 2.
 *
 * @example
 * ```ts
 * import { UsageError } from "./args.ts";
 * const error = new UsageError("unknown option --bogus");
 * console.log(error.message); // "unknown option --bogus"
 * ```
 */
export class UsageError extends Error {
  /** `UsageError`. */
  override name = "UsageError";
}

/**
 * The options a subcommand takes, without their dashes: `"flag"` for one
 * that stands alone (`--json`), `"value"` for one followed by a value
 * (`--out DIR` or `--out=DIR`).
 *
 * @example
 * ```ts
 * import type { OptionSpec } from "./args.ts";
 * const spec: OptionSpec = { json: "flag", protocol: "value" };
 * ```
 */
export type OptionSpec = Readonly<Record<string, "flag" | "value">>;

/**
 * A parsed command line.
 *
 * @example
 * ```ts
 * import type { ParsedArgs } from "./args.ts";
 * const parsed: ParsedArgs = { help: false, options: new Map([["json", true]]), operands: ["7.2"] };
 * ```
 */
export interface ParsedArgs {
  /** `--help` or `-h` was given (the rest of the line is then not checked). */
  readonly help: boolean;
  /** Options given, by name: `true` for a flag, the value for the others. */
  readonly options: ReadonlyMap<string, string | true>;
  /** The operands, in order. */
  readonly operands: readonly string[];
}

/**
 * Parses a subcommand's arguments against its options. Throws `UsageError`
 * for an unknown option, an option given twice, a flag given a value, or an
 * option missing its value (a value that starts with `-` must be written
 * `--name=VALUE`). `--help` or `-h` anywhere before `--` wins over all of
 * these.
 *
 * @example
 * ```ts
 * import { parseArgs } from "./args.ts";
 * const parsed = parseArgs(["--out=dir", "--docs", "--", "-file"], { out: "value", docs: "flag" });
 * console.log(parsed.options.get("out"), parsed.options.get("docs"), parsed.operands);
 * // dir true ["-file"]
 * ```
 */
export function parseArgs(args: readonly string[], spec: OptionSpec): ParsedArgs {
  const end = args.indexOf("--");
  const before = end < 0 ? args : args.slice(0, end);
  if (before.includes("--help") || before.includes("-h")) {
    return { help: true, options: new Map(), operands: [] };
  }
  const options = new Map<string, string | true>();
  const operands: string[] = [];
  for (let i = 0; i < before.length; i++) {
    const arg = before[i]!; // i < before.length
    if (arg === "-" || !arg.startsWith("-")) {
      operands.push(arg);
      continue;
    }
    const equals = arg.indexOf("=");
    const name = arg.startsWith("--") ? arg.slice(2, equals < 0 ? undefined : equals) : "";
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!kind) throw new UsageError(`unknown option ${equals < 0 ? arg : arg.slice(0, equals)}`);
    if (options.has(name)) throw new UsageError(`--${name} is given twice`);
    if (kind === "flag") {
      if (equals >= 0) throw new UsageError(`--${name} takes no value`);
      options.set(name, true);
    } else if (equals >= 0) {
      const value = arg.slice(equals + 1);
      if (!value) throw new UsageError(`--${name} needs a value`);
      options.set(name, value);
    } else {
      const value = before[i + 1];
      if (value === undefined || (value.startsWith("-") && value !== "-")) {
        throw new UsageError(`--${name} needs a value`);
      }
      options.set(name, value);
      i++;
    }
  }
  if (end >= 0) operands.push(...args.slice(end + 1));
  return { help: false, options, operands };
}

/**
 * `deno task fuzz:types [--seed N] [--count N] [--other-checkers N] [--max-chain N]
 * [--known-limitations]`:
 * the type-level schema fuzzer, run long. Checks `count` generated schemas
 * from `seed` on with TypeScript 5.9's API; the first `other-checkers` of
 * them (default 3) also with TypeScript 7 and `deno check`. `--max-chain`
 * bounds the chains of struct bases made on purpose (default 6). Prints each
 * schema's time and instantiations, every failure with the folder holding
 * its schema (`schema.json`), module and program, and the slowest schemas.
 * `--known-limitations` also generates and checks what the library is
 * known not to type exactly (see `generate.ts` and `program.ts`). Exits 1
 * if any schema failed.
 *
 * @module
 */

import { checkSeed, type Outcome } from "./check.ts";

const usage =
  "usage: deno task fuzz:types [--seed N] [--count N] [--other-checkers N] [--max-chain N] [--known-limitations]";

const flags = new Map<string, string>();
for (let i = 0; i < Deno.args.length; i++) {
  const match = /^--([a-z-]+)(?:=(.*))?$/.exec(Deno.args[i]);
  if (!match) {
    console.error(`unknown argument ${Deno.args[i]}\n${usage}`);
    Deno.exit(2);
  }
  if (match[1] === "known-limitations") flags.set(match[1], "true");
  else if (["seed", "count", "other-checkers", "max-chain"].includes(match[1])) {
    flags.set(match[1], match[2] ?? Deno.args[++i] ?? "");
  } else {
    console.error(`unknown argument ${Deno.args[i]}\n${usage}`);
    Deno.exit(2);
  }
}
const number = (name: string, fallback: number) => {
  const value = Number(flags.get(name) ?? fallback);
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`--${name} needs a non-negative integer\n${usage}`);
    Deno.exit(2);
  }
  return value;
};
const first = number("seed", 1);
const count = number("count", 200);
const otherCheckers = number("other-checkers", 3);
const maxChain = Math.max(2, number("max-chain", 6));
const knownLimitations = flags.has("known-limitations");

/** Runs a checker on a schema's program; returns its errors (empty when it passes). */
async function runChecker(command: string[], cwd: string): Promise<string> {
  const output = await new Deno.Command(command[0], {
    args: command.slice(1),
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return output.success ? "" : decoder.decode(output.stdout) + decoder.decode(output.stderr);
}

/** The project's options as a `tsconfig.json` for the schema's folder. */
async function writeTsconfig(dir: string): Promise<void> {
  const root = new URL("../../../", import.meta.url).pathname;
  const project = JSON.parse(await Deno.readTextFile(`${root}tsconfig.json`));
  const compilerOptions = { ...project.compilerOptions, types: [] };
  await Deno.writeTextFile(
    `${dir}/tsconfig.json`,
    JSON.stringify({ compilerOptions, files: ["program.ts"] }, null, 2),
  );
}

const outcomes: Outcome[] = [];
let failed = 0;
for (let seed = first; seed < first + count; seed++) {
  const outcome = await checkSeed(seed, { knownLimitations, maxChain });
  const failures = [...outcome.failures];
  if (seed < first + otherCheckers && !failures.length) {
    await writeTsconfig(outcome.dir);
    const tsc7 = await runChecker(
      [Deno.execPath(), "run", "-A", "npm:typescript@7.0.2/tsc", "-p", "tsconfig.json"],
      outcome.dir,
    );
    if (tsc7) failures.push(`TypeScript 7: ${tsc7}`);
    const deno = await runChecker([Deno.execPath(), "check", "--quiet", "program.ts"], outcome.dir);
    if (deno) failures.push(`deno check: ${deno}`);
  }
  outcomes.push(outcome);
  console.log(
    `seed ${seed}: ${outcome.cases} cases, ${Math.round(outcome.milliseconds)} ms, ${
      outcome.instantiations ?? "?"
    } instantiations${failures.length ? `, ${failures.length} FAILURES in ${outcome.dir}` : ""}`,
  );
  for (const failure of failures.slice(0, 20)) console.log(`  ${failure}`);
  if (failures.length) failed++;
}
const slowest = [...outcomes].sort((a, b) => b.milliseconds - a.milliseconds).slice(0, 5);
console.log(
  `\n${outcomes.length} schemas, ${failed} failed; slowest: ${
    slowest.map((o) => `seed ${o.seed} ${Math.round(o.milliseconds)} ms`).join(", ")
  }`,
);
if (failed) Deno.exit(1);

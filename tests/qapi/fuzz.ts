/**
 * `deno task fuzz [--seed N] [--count N] [--timeout MS] [--skip OP,…] [--log FILE] [--verbose]`:
 * the QAPI reader's mutation fuzzer, run long.
 *
 * Prints how the mutants ended (accepted, rejected with `FILE:LINE: message`,
 * or a failure: another exception, a malformed message, a time-out), the time
 * per input (percentiles and the slowest inputs), the peak resident memory,
 * and every failure with what reproduces it (seed, index, seed file,
 * mutations). `--log FILE` writes one JSON line per input with its time.
 * Exits 1 if any input failed.
 *
 * @module
 */

import { describe, makeCorpus, makeMutant, type Outcome, runMutant } from "./fuzz_lib.ts";

const usage =
  "usage: deno task fuzz [--seed N] [--count N] [--timeout MS] [--skip OP,…] [--log FILE] [--verbose]";

const flags: Record<string, string | boolean | undefined> = {};
for (let i = 0; i < Deno.args.length; i++) {
  const match = /^--([a-z]+)(?:=(.*))?$/.exec(Deno.args[i]);
  const name = match?.[1];
  if (name === "verbose" || name === "help") flags[name] = true;
  else if (name && ["seed", "count", "timeout", "skip", "log"].includes(name)) {
    const value = match![2] ?? Deno.args[++i];
    if (value === undefined) {
      console.error(`--${name} needs a value\n${usage}`);
      Deno.exit(2);
    }
    flags[name] = value;
  } else {
    console.error(`unknown argument ${Deno.args[i]}\n${usage}`);
    Deno.exit(2);
  }
}
const number = (text: string | boolean | undefined, fallback: number, name: string): number => {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`--${name} needs a non-negative integer\n${usage}`);
    Deno.exit(2);
  }
  return value;
};
const seed = number(flags.seed, 1, "seed");
const count = number(flags.count, 20000, "count");
const timeoutMs = number(flags.timeout, 10000, "timeout");
const skip = new Set(String(flags.skip ?? "").split(",").filter(Boolean));

const corpus = await makeCorpus();
const log = typeof flags.log === "string"
  ? await Deno.open(flags.log, { write: true, create: true, truncate: true })
  : undefined;
const encoder = new TextEncoder();
const outcomes: Outcome[] = [];
let peakRss = Deno.memoryUsage().rss;
const started = performance.now();
try {
  for (let index = 0; index < count; index++) {
    const mutant = makeMutant(corpus, seed, index, skip);
    const outcome = await runMutant(mutant, timeoutMs);
    // Keep what describes the input, not its bytes (memory is measured).
    outcomes.push({ ...outcome, mutant: { ...mutant, bytes: new Uint8Array() } });
    peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
    const line = `${outcome.result.padEnd(11)} ${outcome.ms.toFixed(1).padStart(8)} ms  ${
      describe(mutant)
    }`;
    if (flags.verbose || (outcome.result !== "accepted" && outcome.result !== "rejected")) {
      console.log(line + (outcome.detail ? `\n    ${outcome.detail.split("\n")[0]}` : ""));
    }
    await log?.write(encoder.encode(
      JSON.stringify({
        index,
        seed: mutant.seed.name,
        steps: mutant.steps,
        lenient: mutant.lenient,
        result: outcome.result,
        ms: Number(outcome.ms.toFixed(3)),
        detail: outcome.detail,
      }) + "\n",
    ));
    if ((index + 1) % 1000 === 0 && !flags.verbose) {
      console.error(`… ${index + 1}/${count}`);
    }
  }
} finally {
  log?.close();
  await Deno.remove(corpus.root, { recursive: true }).catch(() => {});
}
const elapsed = (performance.now() - started) / 1000;

const byResult = new Map<string, number>();
for (const o of outcomes) byResult.set(o.result, (byResult.get(o.result) ?? 0) + 1);
const times = outcomes.map((o) => o.ms).sort((a, b) => a - b);
const percentile = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
const failures = outcomes.filter((o) => o.result !== "accepted" && o.result !== "rejected");

console.log(`\nseed ${seed}, ${count} mutants in ${elapsed.toFixed(1)} s`);
for (const [result, n] of [...byResult].sort()) {
  console.log(
    `  ${result.padEnd(11)} ${String(n).padStart(6)}  (${(100 * n / count).toFixed(1)}%)`,
  );
}
if (times.length) {
  console.log(
    `time per input: p50 ${percentile(0.5).toFixed(2)} ms, p90 ${percentile(0.9).toFixed(2)} ms, ` +
      `p99 ${percentile(0.99).toFixed(2)} ms, max ${times[times.length - 1].toFixed(1)} ms`,
  );
}
console.log(`peak resident memory: ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
console.log("slowest inputs:");
for (const o of [...outcomes].sort((a, b) => b.ms - a.ms).slice(0, 10)) {
  console.log(`  ${o.ms.toFixed(1).padStart(8)} ms  ${o.result.padEnd(9)} ${describe(o.mutant)}`);
}
if (failures.length) {
  const kinds = new Map<string, number>();
  for (const f of failures) {
    const kind = `${f.result}: ${(f.detail ?? "").split("\n")[0].slice(0, 100)}`;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  console.log(`\n${failures.length} failures, by kind:`);
  for (const [kind, n] of [...kinds].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${String(n).padStart(6)}  ${kind}`);
  }
}
// A hung read (a FIFO before the fix) would keep the process alive: exit explicitly.
Deno.exit(failures.length ? 1 : 0);

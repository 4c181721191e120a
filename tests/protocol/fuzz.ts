/**
 * `deno task fuzz:protocol [--seed N] [--count N]`: the protocol fuzzer's
 * long run, both kinds of input (mutated traffic; every request answered
 * in order, readably or not); prints the inputs per second and the
 * outcome counts.
 *
 * @module
 */

import { fuzzAnswers, fuzzOne } from "./fuzz_lib.ts";

const option = (name: string, fallback: number) => {
  const at = Deno.args.indexOf(`--${name}`);
  const value = at >= 0 ? Number(Deno.args[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} needs a whole number`);
    Deno.exit(2);
  }
  return value;
};
const seed = option("seed", 1);
const count = option("count", 50_000);
let unhandled = 0;
globalThis.addEventListener("unhandledrejection", (event) => {
  unhandled++;
  event.preventDefault();
});
const start = performance.now();
let calls = 0;
let errors = 0;
let bytes = 0;
let unsettled = 0;
for (let i = 0; i < count; i++) {
  for (const fuzz of [fuzzOne, fuzzAnswers]) {
    try {
      const outcome = await fuzz(seed + i);
      calls += outcome.resolved + outcome.rejected;
      errors += outcome.protocolErrors;
      bytes += outcome.bytes;
    } catch (error) {
      unsettled++;
      console.error(String(error));
    }
  }
}
const seconds = (performance.now() - start) / 1000;
console.log(
  `${2 * count} inputs (seeds ${seed}..${seed + count - 1}, twice), ${bytes} bytes, ` +
    `${calls} calls settled, ${unsettled} inputs failed, ` +
    `${errors} protocol errors reported, ${unhandled} unhandled rejections, ${
      seconds.toFixed(1)
    } s`,
);
Deno.exit(unhandled === 0 && unsettled === 0 ? 0 : 1);

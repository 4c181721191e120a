import assert from "node:assert/strict";
import { fuzzAnswers, fuzzOne } from "./fuzz_lib.ts";

/**
 * Runs `fuzz` on seeds 1 to `seeds`, collecting the rejections nobody
 * handled (none may escape the library), and sums the outcomes.
 */
async function fuzzSeeds(
  seeds: number,
  fuzz: (seed: number) => Promise<{ resolved: number; rejected: number; protocolErrors?: number }>,
) {
  const unhandled: unknown[] = [];
  const onUnhandled = (event: PromiseRejectionEvent) => {
    unhandled.push(event.reason);
    event.preventDefault();
  };
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  const total = { resolved: 0, rejected: 0, protocolErrors: 0 };
  try {
    for (let seed = 1; seed <= seeds; seed++) {
      const outcome = await fuzz(seed);
      total.resolved += outcome.resolved;
      total.rejected += outcome.rejected;
      total.protocolErrors += outcome.protocolErrors ?? 0;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    globalThis.removeEventListener("unhandledrejection", onUnhandled);
  }
  assert.deepEqual(unhandled, []);
  return total;
}

Deno.test("protocol fuzz (fixed seed): every call settles, nothing escapes the library", async () => {
  const { resolved, rejected, protocolErrors } = await fuzzSeeds(2000, fuzzOne);
  // Every call settled (fuzzOne awaits them all); the inputs did exercise the error paths.
  assert.ok(resolved + rejected > 2000, `${resolved + rejected} calls settled`);
  assert.ok(protocolErrors > 1000, `${protocolErrors} protocol errors reported`);
});

Deno.test("protocol fuzz (fixed seed): once a peer answering in order has answered every request, readably or not, every call has settled", async () => {
  // fuzzAnswers throws when a call still waits, or when an answer went to another call.
  const { resolved, rejected } = await fuzzSeeds(1000, fuzzAnswers);
  // The inputs did exercise both outcomes.
  assert.ok(
    resolved > 500 && rejected > 1000,
    `${resolved + rejected} calls, ${rejected} rejected`,
  );
});

import assert from "node:assert/strict";
import { fuzzAnswers, fuzzOne } from "./fuzz_lib.ts";

Deno.test("protocol fuzz (fixed seed): every call settles, nothing escapes the library", async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (event: PromiseRejectionEvent) => {
    unhandled.push(event.reason);
    event.preventDefault();
  };
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  let calls = 0;
  let problems = 0;
  try {
    for (let seed = 1; seed <= 2000; seed++) {
      const outcome = await fuzzOne(seed);
      calls += outcome.resolved + outcome.rejected;
      problems += outcome.protocolErrors;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    globalThis.removeEventListener("unhandledrejection", onUnhandled);
  }
  assert.deepEqual(unhandled, []);
  // Every call settled (fuzzOne awaits them all); the inputs did exercise the error paths.
  assert.ok(calls > 2000, `${calls} calls settled`);
  assert.ok(problems > 1000, `${problems} protocol errors reported`);
});

Deno.test("protocol fuzz (fixed seed): once a peer answering in order has answered every request, readably or not, every call has settled", async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (event: PromiseRejectionEvent) => {
    unhandled.push(event.reason);
    event.preventDefault();
  };
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  let calls = 0;
  let rejected = 0;
  try {
    // fuzzAnswers throws when a call still waits, or when an answer went to another call.
    for (let seed = 1; seed <= 1000; seed++) {
      const outcome = await fuzzAnswers(seed);
      calls += outcome.resolved + outcome.rejected;
      rejected += outcome.rejected;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    globalThis.removeEventListener("unhandledrejection", onUnhandled);
  }
  assert.deepEqual(unhandled, []);
  // The inputs did exercise both outcomes.
  assert.ok(calls - rejected > 500 && rejected > 1000, `${calls} calls, ${rejected} rejected`);
});

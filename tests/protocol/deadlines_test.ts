/**
 * Call timeouts on one timer per connection: the deadline queue on its own,
 * and the connection's calls with timeouts over an in-memory transport.
 */
import assert from "node:assert/strict";
import { Connection } from "../../lib/protocol/connection.ts";
import { type Deadline, Deadlines } from "../../lib/protocol/deadlines.ts";
import { ConnectionClosedError, TimeoutError } from "../../lib/protocol/errors.ts";
import type { Transport } from "../../lib/transport/transport.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Named = Deadline & { name: string };
const entry = (name: string): Named => ({ name, deadline: 0, slot: -1 });

Deno.test("deadlines expire in their order, whatever the order they were added in; removed ones never", async () => {
  const fired: string[] = [];
  const queue = new Deadlines<Named>((expired) => fired.push(expired.name));
  const entries = ["a", "b", "c", "d", "e", "f"].map(entry);
  const delays = [60, 10, 40, 20, 50, 30];
  entries.forEach((e, i) => queue.add(e, delays[i]));
  queue.remove(entries[2]); // c (40)
  queue.remove(entries[2]); // twice: nothing happens
  queue.add(entries[0], 5); // a moves to the front
  assert.equal(queue.size, 5);
  await sleep(100);
  assert.deepEqual(fired, ["a", "b", "d", "f", "e"]);
  assert.equal(queue.size, 0);
  assert.ok(entries.every((e) => e.slot === -1));
});

Deno.test("a deadline never expires early; Infinity is never queued; clear() expires nothing", async () => {
  const fired: [string, number][] = [];
  const started = performance.now();
  const queue = new Deadlines<Named>((expired) =>
    fired.push([expired.name, performance.now() - started])
  );
  queue.add(entry("never"), Infinity);
  assert.equal(queue.size, 0);
  queue.add(entry("zero"), 0);
  queue.add(entry("twenty"), 20);
  await sleep(60);
  assert.deepEqual(fired.map(([name]) => name), ["zero", "twenty"]);
  assert.ok(fired[1][1] >= 20, `expired after ${fired[1][1]} ms`);
  queue.add(entry("cleared"), 10);
  queue.clear();
  await sleep(30);
  assert.equal(fired.length, 2);
});

Deno.test("thousands of random adds, moves and removals: every queued entry expires once, in order", async () => {
  let seed = 7;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const fired: Named[] = [];
  const queue = new Deadlines<Named>((expired) => fired.push(expired));
  const entries = Array.from({ length: 3000 }, (_, i) => entry(String(i)));
  const queued = new Set<Named>();
  for (let step = 0; step < 20_000; step++) {
    const e = entries[Math.floor(random() * entries.length)];
    const action = random();
    if (action < 0.5) {
      queue.add(e, 20 + Math.floor(random() * 40)); // adds, or moves a queued one
      queued.add(e);
    } else {
      queue.remove(e);
      queued.delete(e);
    }
    assert.equal(queue.size, queued.size);
  }
  // Removed in the order they were added, as answered calls are: the lazy path.
  const inOrder = Array.from({ length: 2000 }, (_, i) => entry(`ordered ${i}`));
  for (const e of inOrder) queue.add(e, 30);
  for (const e of inOrder.slice(0, 1500)) queue.remove(e);
  for (const e of inOrder.slice(1500)) queued.add(e);
  assert.equal(queue.size, queued.size);
  await sleep(120);
  assert.equal(fired.length, queued.size);
  assert.deepEqual(new Set(fired), queued);
  for (let i = 1; i < fired.length; i++) assert.ok(fired[i - 1].deadline <= fired[i].deadline);
  assert.equal(queue.size, 0);
  assert.ok(entries.every((e) => e.slot === -1));
});

/** A transport that answers every request at once (after a macrotask), unless told not to. */
function answering() {
  let onData: (chunk: Uint8Array) => void = () => {};
  const state = { answer: true };
  const transport: Transport = {
    write(data) {
      const text = typeof data === "string" ? data : new TextDecoder().decode(data);
      if (!state.answer) return true;
      const replies = [...text.matchAll(/"id":(\d+)/g)].map((m) => `{"return":{},"id":${m[1]}}\n`);
      setTimeout(() => onData(new TextEncoder().encode(replies.join(""))), 0);
      return true;
    },
    close: () => {},
    onData: (handler) => (onData = handler),
    onClose: () => {},
  };
  return { transport, state };
}

Deno.test("calls with a timeout share one timer: hundreds in a row and a thousand at once arm it once", async () => {
  const { transport } = answering();
  const connection = new Connection(transport);
  const realSetTimeout = globalThis.setTimeout;
  let timers = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    timers++;
    return realSetTimeout(...args);
  }) as typeof setTimeout;
  try {
    // The transport's own replies use setTimeout too: one per call.
    for (let i = 0; i < 300; i++) await connection.call("query-status", {}, { timeout: 30_000 });
    const pipelined = Array.from(
      { length: 1000 },
      (_, i) => connection.call("query-status", {}, { timeout: 30_000 + i }),
    );
    await Promise.all(pipelined);
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  const transportTimers = 300 + 1;
  assert.ok(
    timers - transportTimers <= 2,
    `${timers - transportTimers} timers armed for 1300 calls with timeouts`,
  );
  connection.close();
});

Deno.test("calls time out in the order of their deadlines; answered and aborted ones never do", async () => {
  const { transport, state } = answering();
  const connection = new Connection(transport);
  await connection.call("answered", {}, { timeout: 5 });
  state.answer = false;
  const order: string[] = [];
  const controller = new AbortController();
  const calls = [
    ["slow", 60],
    ["fast", 10],
    ["zero", 0],
    ["middle", 30],
    ["aborted", 20],
    ["endless", Infinity],
  ].map(([name, timeout]) =>
    connection.call(name as string, undefined, {
      timeout: timeout as number,
      signal: name === "aborted" ? controller.signal : undefined,
    }).catch((error) => {
      assert.ok(
        name === "aborted"
          ? error === "stop"
          : name === "endless"
          ? error instanceof ConnectionClosedError
          : error instanceof TimeoutError,
        `${name}: ${error}`,
      );
      order.push(name as string);
    })
  );
  controller.abort("stop");
  await Promise.all(calls.filter((_, i) => i !== 5));
  assert.deepEqual(order, ["aborted", "zero", "fast", "middle", "slow"]);
  connection.close();
  await calls[5];
  assert.deepEqual(order.at(-1), "endless"); // rejected by close(), never by a timer
});

/**
 * Events: every consumer (handler, listener, iterator, waiter) sees every
 * event it matches through its own bounded queue; listening before a command
 * is race-free; a throwing filter fails its own consumer only. Against a
 * scripted QMP peer (the same against real QEMU: events_real_qemu_test.ts).
 */
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { connect, type QmpClient } from "../../lib/client/qmp.ts";
import { ConnectionClosedError, TimeoutError } from "../../lib/protocol/errors.ts";
import { EventHub, ListenerClosedError, type RawEvent } from "../../lib/protocol/events.ts";
import type { QmpOptions } from "../../lib/client/qmp.ts";
import { peer as scriptedPeer } from "./scripted_peer.ts";

const greeting = JSON.stringify({
  QMP: { version: { qemu: { major: 10, minor: 2, micro: 0 }, package: "" }, capabilities: [] },
}) + "\n";

let clock = 0;
const event = (name: string, data?: unknown) =>
  JSON.stringify({
    event: name,
    ...(data === undefined ? {} : { data }),
    timestamp: { seconds: ++clock, microseconds: 0 },
  }) + "\n";

/**
 * A QMP peer that behaves as QEMU does for `stop` and `cont` (the event goes
 * out before the reply), and floods events on `x-flood`.
 */
function peer() {
  return scriptedPeer((socket, request) => {
    const args = (request.arguments ?? {}) as { count?: number; name?: string };
    let before = "";
    if (request.execute === "stop") before = event("STOP");
    if (request.execute === "cont") before = event("RESUME");
    if (request.execute === "x-flood") {
      const lines: string[] = [];
      for (let i = 0; i < (args.count ?? 0); i++) {
        lines.push(event(args.name ?? "BLOCK_IO_ERROR", { n: i, device: `d${i % 10}` }));
      }
      before = lines.join("");
    }
    socket.write(before + JSON.stringify({ return: {}, id: request.id }) + "\n");
    if (request.execute === "x-stream") stream(socket);
  }, (socket) => socket.write(greeting));
}

/** Events as fast as the socket takes them, until it closes. */
function stream(socket: Socket): void {
  let n = 0;
  const batch = () => {
    if (socket.destroyed) return;
    let text = "";
    for (let i = 0; i < 2000; i++) {
      text += event("BLOCK_IO_ERROR", { device: "d0", n: n++, reason: "x".repeat(100) });
    }
    if (socket.write(text)) setImmediate(batch);
    else socket.once("drain", batch);
  };
  batch();
}

/** A test with a connected client and its peer, both closed afterwards. */
function test(
  name: string,
  body: (qmp: QmpClient) => Promise<void>,
  options: QmpOptions = {},
): void {
  Deno.test(name, async () => {
    const server = await peer();
    const qmp = await connect(server.path, options);
    try {
      await body(qmp);
    } finally {
      await qmp.close();
      await server.done();
    }
  });
}

/** Asks the peer for `count` events (named `name`) before its reply. */
const flood = (qmp: QmpClient, count: number, name = "BLOCK_IO_ERROR") =>
  qmp.connection.call("x-flood", { count, name });

/** Settles within `ms` or not: "pending" if not. */
function within<value>(promise: Promise<value>, ms: number): Promise<value | "pending"> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise,
    new Promise<"pending">((resolve) => (timer = setTimeout(() => resolve("pending"), ms))),
  ]).finally(() => clearTimeout(timer));
}

test("an events() iterator running does not take the event from waitFor after execute", async (qmp) => {
  const seen: string[] = [];
  const iterating = (async () => {
    for await (const e of qmp.events()) seen.push(e.event);
  })();
  await qmp.execute("stop");
  const stop = await qmp.waitFor("STOP", { timeout: 1000 });
  assert.equal(stop.event, "STOP");
  await qmp.execute("cont");
  assert.equal((await qmp.waitFor("RESUME", { timeout: 1000 })).event, "RESUME");
  await qmp.close();
  await iterating; // ends with the connection
  assert.deepEqual(seen, ["STOP", "RESUME"]);
});

test("two concurrent waitFor of the same event both receive it", async (qmp) => {
  const first = qmp.waitFor("RESUME", { timeout: 1000 });
  const second = qmp.waitFor("RESUME", { timeout: 1000 });
  await qmp.execute("cont");
  const [a, b] = await Promise.all([first, second]);
  assert.equal(a.event, "RESUME");
  assert.equal(a, b);
});

test("listen before execute: the listener, an iterator and a waiter all receive the event", async (qmp) => {
  using stops = qmp.listen("STOP");
  const everything = qmp.events();
  const waiter = qmp.waitFor("STOP", { history: false, timeout: 1000 });
  await qmp.execute("stop");
  const fromListener = await stops.wait({ timeout: 1000 });
  const fromIterator = await everything.next();
  assert.equal(fromListener.event, "STOP");
  assert.equal(fromIterator.value, fromListener);
  assert.equal(await waiter, fromListener);
  // The waiter received it, so a later waitFor waits for a new one...
  assert.equal(await within(qmp.waitFor("STOP"), 50), "pending");
  // ...and the iterator still has nothing else.
  everything.close();
  assert.equal((await everything.next()).done, true);
});

test("a listener's iterator sees only the events from its creation on", async (qmp) => {
  await qmp.execute("stop");
  using resumes = qmp.listen(["RESUME", "STOP"]);
  await qmp.execute("cont");
  await qmp.execute("stop");
  const names: string[] = [];
  for await (const e of resumes) {
    names.push(e.event);
    if (names.length === 2) break;
  }
  assert.deepEqual(names, ["RESUME", "STOP"]);
  assert.equal(resumes.closed, true, "leaving the loop closes the listener");
});

test("history: waitFor finds a recent event once; history: false ignores it", async (qmp) => {
  await qmp.execute("stop");
  // A promise made now with history: false must not take the STOP already received.
  assert.equal(await within(qmp.waitFor("STOP", { history: false }), 50), "pending");
  const stop = await qmp.waitFor("STOP", { timeout: 1000 });
  assert.equal(stop.event, "STOP");
  // Received by a waitFor: not again.
  await assert.rejects(qmp.waitFor("STOP", { timeout: 30 }), TimeoutError);
});

test(
  "history: the last eventHistorySize events; older ones forgotten, not dropped",
  async (qmp) => {
    await flood(qmp, 15, "STOP");
    assert.equal(qmp.droppedEvents, 0);
    const seconds: number[] = [];
    for (let i = 0; i < 10; i++) seconds.push((await qmp.waitFor("STOP")).timestamp.seconds);
    assert.deepEqual(seconds.map((s) => s - seconds[0]), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await assert.rejects(qmp.waitFor("STOP", { timeout: 20 }), TimeoutError);
  },
  { eventHistorySize: 10 },
);

test("no history: waitFor after the event misses it (listen first)", async (qmp) => {
  await qmp.execute("stop");
  await assert.rejects(qmp.waitFor("STOP", { timeout: 30 }), TimeoutError);
}, { eventHistorySize: 0 });

test("a flood: each listener keeps its own bound and drop count", async (qmp) => {
  const count = 20_000;
  let handled = 0;
  using _handler = qmp.on("BLOCK_IO_ERROR", () => handled++);
  using slow = qmp.listen("BLOCK_IO_ERROR", { queueSize: 10 });
  using defaults = qmp.listen("BLOCK_IO_ERROR");
  const iterator = qmp.events();
  using device3 = qmp.listen("BLOCK_IO_ERROR", {
    where: (e) => e.data.device === "d3",
    queueSize: 5_000,
  });
  using fast = qmp.listen("BLOCK_IO_ERROR", { queueSize: 1 });
  let drained = 0;
  const draining = (async () => {
    // Reads as events come, so it never drops one it was given in time.
    for (;;) {
      await fast.wait();
      drained++;
    }
  })().catch(() => {});
  await flood(qmp, count);
  assert.equal(handled, count, "a handler sees every event");
  assert.equal(slow.size, 10);
  assert.equal(slow.dropped, count - 10);
  assert.equal(defaults.size, 1000);
  assert.equal(defaults.dropped, count - 1000);
  assert.equal(iterator.size, 1000);
  assert.equal(iterator.dropped, count - 1000);
  assert.equal(device3.size, count / 10);
  assert.equal(device3.dropped, 0);
  assert.equal(
    qmp.droppedEvents,
    slow.dropped + defaults.dropped + iterator.dropped + fast.dropped,
  );
  // The oldest are dropped: what is left is the newest, in order.
  const left = slow.clear().map((e) => (e.data as unknown as { n: number }).n);
  assert.deepEqual(left, Array.from({ length: 10 }, (_, i) => count - 10 + i));
  assert.equal(slow.size, 0);
  assert.equal((await iterator.next()).value?.event, "BLOCK_IO_ERROR");
  iterator.close();
  fast.close();
  await draining;
  assert.ok(drained >= 1);
});

test("a 2 s flood with a slow reader: its queue stays bounded, so does the heap", async (qmp) => {
  const iterator = qmp.events();
  const before = Deno.memoryUsage().heapUsed;
  let peak = 0;
  let largest = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, Deno.memoryUsage().heapUsed - before);
    largest = Math.max(largest, iterator.size);
  }, 20);
  try {
    await qmp.connection.call("x-stream");
    for (const end = Date.now() + 2000; Date.now() < end;) {
      await iterator.next(); // one event every 20 ms: far slower than they come
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    clearInterval(sampler);
  }
  assert.ok(largest <= 1000, `queue held ${largest} events`);
  assert.ok(iterator.dropped > 10_000, `dropped only ${iterator.dropped}`);
  assert.equal(qmp.droppedEvents, iterator.dropped);
  // Unbounded, this flood grows the heap by hundreds of MiB.
  assert.ok(peak < 64 << 20, `heap grew by ${(peak / 2 ** 20).toFixed(1)} MiB`);
});

test("events() with options: its own bound and filter", async (qmp) => {
  const controller = new AbortController();
  const iterator = qmp.events({
    queueSize: 5,
    where: (e) => e.event !== "BLOCK_IO_ERROR" || e.data.device === "d1",
    signal: controller.signal,
  });
  await flood(qmp, 100);
  await qmp.execute("stop");
  assert.equal(iterator.size, 5);
  assert.equal(iterator.dropped, 10 + 1 - 5);
  assert.equal(iterator.clear().at(-1)?.event, "STOP");
  controller.abort();
  assert.equal((await iterator.next()).done, true);
});

test("a closed listener neither queues nor counts", async (qmp) => {
  const listener = qmp.listen("BLOCK_IO_ERROR", { queueSize: 2 });
  {
    using scoped = qmp.listen("BLOCK_IO_ERROR", { queueSize: 2 });
    assert.equal(scoped.closed, false);
  }
  listener.close();
  await flood(qmp, 10);
  assert.equal(listener.size, 0);
  assert.equal(listener.dropped, 0);
  assert.equal(qmp.droppedEvents, 0);
  await assert.rejects(listener.wait(), ListenerClosedError);
});

test("a throwing where fails that waiter only; the connection stays up", async (qmp) => {
  const boom = new Error("filter broke");
  const broken = qmp.waitFor("STOP", {
    history: false,
    where: () => {
      throw boom;
    },
  });
  const fine = qmp.waitFor("STOP", { history: false, timeout: 1000 });
  using listener = qmp.listen("STOP");
  await qmp.execute("stop");
  await assert.rejects(broken, (error) => error === boom);
  assert.equal((await fine).event, "STOP");
  assert.equal((await listener.wait()).event, "STOP");
  assert.equal(qmp.connection.isClosed, false);
  assert.equal((await qmp.execute("query-status")) !== undefined, true);
  // Thrown while looking through the history: the same.
  await qmp.execute("stop");
  await assert.rejects(
    qmp.waitFor("STOP", {
      timeout: 1000,
      where: () => {
        throw boom;
      },
    }),
    (error) => error === boom,
  );
});

test("a throwing where fails that listener only, after what it queued", async (qmp) => {
  const boom = new Error("filter broke");
  let calls = 0;
  using broken = qmp.listen("STOP", {
    where: () => {
      if (++calls === 2) throw boom;
      return true;
    },
  });
  using healthy = qmp.listen("STOP");
  await qmp.execute("stop");
  await qmp.execute("stop");
  await qmp.execute("stop");
  assert.equal(broken.closed, true);
  assert.equal((await broken.wait()).event, "STOP", "queued before the failure");
  await assert.rejects(broken.wait(), (error) => error === boom);
  assert.equal(healthy.size, 3);
  // As an iterator: the error once, then done.
  let threw = 0;
  using iterated = qmp.listen("RESUME", {
    where: () => {
      throw boom;
    },
  });
  await qmp.execute("cont");
  try {
    for await (const _ of iterated) assert.fail("nothing was queued");
  } catch (error) {
    assert.equal(error, boom);
    threw++;
  }
  assert.equal(threw, 1);
  assert.equal((await iterated.next()).done, true);
});

test("a throwing handler is reported as uncaught; the other consumers still get the event", async (qmp) => {
  const boom = new Error("handler broke");
  const reported: unknown[] = [];
  const onError = (error: ErrorEvent) => {
    reported.push(error.error);
    error.preventDefault();
  };
  globalThis.addEventListener("error", onError);
  try {
    let after = 0;
    using _first = qmp.on("STOP", () => {
      throw boom;
    });
    using _second = qmp.on("STOP", () => after++);
    using listener = qmp.listen("STOP");
    await qmp.execute("stop");
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(after, 1);
    assert.equal((await listener.wait()).event, "STOP");
    assert.deepEqual(reported, [boom]);
    assert.equal(qmp.connection.isClosed, false);
  } finally {
    globalThis.removeEventListener("error", onError);
  }
});

test("closing the client: pending waits reject, iterators end after their queue", async (qmp) => {
  const waiter = qmp.waitFor("SHUTDOWN");
  const listener = qmp.listen("SHUTDOWN");
  const pendingWait = listener.wait();
  const stops = qmp.listen("STOP");
  const iterator = qmp.events();
  await qmp.execute("stop");
  const iterated: string[] = [];
  const iterating = (async () => {
    for await (const e of iterator) iterated.push(e.event);
  })();
  await qmp.close();
  await assert.rejects(waiter, ConnectionClosedError);
  await assert.rejects(pendingWait, ConnectionClosedError);
  await iterating;
  assert.deepEqual(iterated, ["STOP"]);
  // Queued before the close: still read; then ConnectionClosedError.
  assert.equal((await stops.wait()).event, "STOP");
  await assert.rejects(stops.wait(), ConnectionClosedError);
  // After the close: a waitFor still finds the history, a new listener is closed.
  assert.equal((await qmp.waitFor("STOP")).event, "STOP");
  await assert.rejects(qmp.waitFor("STOP"), ConnectionClosedError);
  const late = qmp.listen("STOP");
  assert.equal(late.closed, true);
  assert.equal((await late.next()).done, true);
});

test("signals: an aborted events() ends; an aborted wait rejects, the listener stays", async (qmp) => {
  const controller = new AbortController();
  const iterator = qmp.events(controller.signal);
  await qmp.execute("stop");
  controller.abort();
  assert.equal((await iterator.next()).done, true);
  using listener = qmp.listen("STOP");
  const reason = new Error("enough");
  const waiting = listener.wait({ signal: AbortSignal.abort(reason) });
  await assert.rejects(waiting, (error) => error === reason);
  const later = new AbortController();
  const pending = listener.wait({ signal: later.signal });
  later.abort(reason);
  await assert.rejects(pending, (error) => error === reason);
  assert.equal(listener.closed, false);
  await qmp.execute("stop");
  assert.equal((await listener.wait()).event, "STOP");
  await assert.rejects(
    qmp.waitFor("RESUME", { signal: AbortSignal.abort(reason) }),
    (error) => error === reason,
  );
});

test("timeouts of any length: 2 ** 31 and Infinity do not fire at once", async (qmp) => {
  const long = qmp.waitFor("RESUME", { timeout: 2 ** 31 });
  const never = qmp.waitFor("RESUME", { timeout: Infinity });
  using listener = qmp.listen("RESUME");
  const waiting = listener.wait({ timeout: 2 ** 33 });
  assert.equal(await within(long, 30), "pending");
  assert.equal(await within(never, 1), "pending");
  assert.equal(await within(waiting, 1), "pending");
  await qmp.execute("cont");
  assert.equal((await long).event, "RESUME");
  assert.equal((await never).event, "RESUME");
  assert.equal((await waiting).event, "RESUME");
  await assert.rejects(listener.wait({ timeout: 5 }), TimeoutError);
  await assert.rejects(listener.wait({ timeout: NaN }), RangeError);
  await assert.rejects(qmp.waitFor("RESUME", { timeout: -1, history: false }), RangeError);
});

test("concurrent waits on one listener take one event each, in order", async (qmp) => {
  using listener = qmp.listen(["STOP", "RESUME"]);
  const first = listener.wait();
  const second = listener.wait();
  await qmp.execute("stop");
  await qmp.execute("cont");
  assert.equal((await first).event, "STOP");
  assert.equal((await second).event, "RESUME");
});

Deno.test("the hub: a consumer added while an event is delivered starts with the next", () => {
  const hub = new EventHub({ historySize: 0 });
  const stop: RawEvent = { event: "STOP", data: {}, timestamp: { seconds: 0, microseconds: 0 } };
  const added: string[] = [];
  hub.on("STOP", () => {
    if (added.length === 0) hub.on("STOP", (e) => added.push(e.event));
  });
  hub.dispatch(stop);
  assert.deepEqual(added, []);
  hub.dispatch(stop);
  assert.deepEqual(added, ["STOP"]);
});

Deno.test("bounds are whole numbers", () => {
  assert.throws(() => new EventHub({ queueSize: 0 }), RangeError);
  assert.throws(() => new EventHub({ queueSize: Infinity }), RangeError);
  assert.throws(() => new EventHub({ historySize: -1 }), RangeError);
  assert.throws(() => new EventHub().listen("STOP", { queueSize: 1.5 }), RangeError);
});

// Type-level: listeners are typed by the schema's events (checked when this file is).
export function typed(qmp: QmpClient): void {
  using listener = qmp.listen(["SHUTDOWN", "STOP"], {
    where: (e) => e.event === "STOP" || e.data.guest,
  });
  listener.wait().then((e) => {
    if (e.event === "SHUTDOWN") {
      const reason: string = e.data.reason;
      console.log(reason);
    }
  });
  // @ts-expect-error: not an event of the schema
  qmp.listen("NOT_AN_EVENT");
  // @ts-expect-error: a listener of STOP gets no RESUME
  qmp.listen("STOP", { where: (e) => e.event === "RESUME" });
  using off = qmp.on("RESUME", (e) => console.log(e.timestamp.seconds));
  off();
}

/**
 * The connection over an in-memory transport: back-pressure, order,
 * requests that are dropped before they are written, and replies routed to
 * their calls whatever their order.
 */
import assert from "node:assert/strict";
import { Connection } from "../../lib/protocol/connection.ts";
import { TimeoutError } from "../../lib/protocol/errors.ts";
import type { Transport } from "../../lib/transport/transport.ts";

/** A transport whose buffer is "full" after every write until `drain()`. */
function fullAfterEveryWrite() {
  const writes: (string | Uint8Array)[] = [];
  let drain = () => {};
  const transport: Transport = {
    write: (data) => (writes.push(data), false),
    close: () => {},
    onData: () => {},
    onClose: () => {},
    onDrain: (handler) => (drain = handler),
  };
  return { transport, writes, drain: () => drain() };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const commands = (writes: (string | Uint8Array)[]) =>
  writes.map((w) =>
    typeof w === "string" ? [...w.matchAll(/"execute":"([^"]+)"/g)].map((m) => m[1]).join("+") : w
  );

Deno.test("nothing is written while the transport's buffer is full; timed-out and aborted requests never are", async () => {
  const { transport, writes, drain } = fullAfterEveryWrite();
  const connection = new Connection(transport, { onProtocolError: () => {} });
  const calls = [connection.call("first")];
  await tick(); // "first" is written: the buffer is now full
  const timedOut = connection.call("timed-out", undefined, { timeout: 5 });
  const controller = new AbortController();
  const aborted = connection.call("aborted", undefined, { signal: controller.signal });
  calls.push(connection.call("second"));
  connection.send(new Uint8Array([0xff])); // raw bytes keep their place in line
  calls.push(connection.call("third"));
  controller.abort(new Error("changed my mind"));
  await Promise.all([
    assert.rejects(timedOut, TimeoutError),
    assert.rejects(aborted, /changed my mind/),
  ]);
  assert.deepEqual(commands(writes), ["first"]);
  drain(); // one write, then full again
  assert.deepEqual(commands(writes), ["first", "second"]);
  drain();
  assert.deepEqual(commands(writes), ["first", "second", new Uint8Array([0xff])]);
  drain();
  assert.deepEqual(commands(writes), ["first", "second", new Uint8Array([0xff]), "third"]);
  connection.close();
  await Promise.allSettled(calls);
});

Deno.test("arguments JSON can't express reject the call; nothing is sent", async () => {
  const { transport, writes } = fullAfterEveryWrite();
  const connection = new Connection(transport);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  await assert.rejects(connection.call("x-cyclic", cyclic), TypeError);
  await tick();
  assert.deepEqual(writes, []);
  connection.close();
});

Deno.test("maxMessageBytes must be a whole number of bytes", () => {
  for (const maxMessageBytes of [0, -1, NaN, 1.5, Infinity]) {
    let closed = false;
    const { transport } = fullAfterEveryWrite();
    assert.throws(
      () => new Connection({ ...transport, close: () => (closed = true) }, { maxMessageBytes }),
      RangeError,
    );
    assert.ok(closed, "the transport is closed");
  }
});

Deno.test("firstId: requests count up from it; a reply with an id below it is no request's", async () => {
  for (const firstId of [0, -1, NaN, 1.5, 2 ** 31, Infinity]) {
    const { transport } = fullAfterEveryWrite();
    assert.throws(() => new Connection(transport, { firstId }), RangeError, String(firstId));
  }
  let deliver: (chunk: Uint8Array) => void = () => {};
  const written: string[] = [];
  const problems: string[] = [];
  const connection = new Connection({
    write: (data) => (written.push(String(data)), true),
    close: () => {},
    onData: (handler) => (deliver = handler),
    onClose: () => {},
  }, { firstId: 1000, repliesInOrder: true, onProtocolError: (e) => problems.push(e.message) });
  const first = connection.call("first");
  const second = connection.call("second").catch((e) => e);
  await tick();
  assert.deepEqual(written, ['{"execute":"first","id":1000}\n{"execute":"second","id":1001}\n']);
  const reply = (id: number) => new TextEncoder().encode(`{"return":${id},"id":${id}}\n`);
  deliver(reply(1000));
  assert.equal(await first, 1000);
  deliver(reply(1)); // No request had id 1: it is taken for the answer owed.
  assert.match(String(await second), /^ProtocolError: second: unreadable reply, reply with an id/);
  assert.deepEqual(problems, ['reply with an id no request had (1): {"return":1,"id":1}']);
  connection.close();
});

/** A transport that answers requests when told, by id, in any order. */
function answeringLater() {
  let onData: (chunk: Uint8Array) => void = () => {};
  const ids: number[] = [];
  const transport: Transport = {
    write(data) {
      const text = typeof data === "string" ? data : new TextDecoder().decode(data);
      for (const match of text.matchAll(/"id":(\d+)/g)) ids.push(Number(match[1]));
      return true;
    },
    close: () => {},
    onData: (handler) => (onData = handler),
    onClose: () => {},
  };
  const answer = (list: number[]) =>
    onData(new TextEncoder().encode(list.map((id) => `{"return":${id},"id":${id}}\n`).join("")));
  return { transport, ids, answer };
}

Deno.test("replies find their calls in any order, past ids skipped by calls that failed, and after a long wait", async () => {
  const { transport, ids, answer } = answeringLater();
  const connection = new Connection(transport);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  // An id taken by a call that never went out leaves a hole.
  await assert.rejects(connection.call("x-cyclic", cyclic), TypeError);
  const straggler = connection.call("straggler");
  await tick();
  // Many calls answered while the straggler waits: it outlives every one of them.
  for (let round = 0; round < 10; round++) {
    const calls = Array.from({ length: 1000 }, () => connection.call("query-status"));
    await tick();
    const batch = ids.splice(0).filter((id) => id !== 2); // the straggler aside
    answer([...batch].reverse()); // out of order
    assert.deepEqual(await Promise.all(calls), batch);
  }
  answer([2, 2, 99_999, -1]); // the straggler, then a duplicate and unknown ids: ignored
  assert.equal(await straggler, 2);
  const last = connection.call("last");
  await tick();
  answer(ids.splice(0));
  assert.equal(await last, 10_003);
  connection.close();
});

/**
 * The answers owed by a peer that answers in order: which request an
 * unreadable line answers, and that the bookkeeping stays bounded.
 */
import assert from "node:assert/strict";
import { AnswerOrder } from "../../lib/protocol/answer_order.ts";

/** An order whose settlements are listed, as "id: why". */
function order(waiting: (id: number) => boolean = () => true) {
  const settled: string[] = [];
  return { order: new AnswerOrder((id, why) => settled.push(`${id}: ${why}`), waiting), settled };
}

Deno.test("an unreadable line answers the oldest request owed, whatever was answered after it", () => {
  const { order: o, settled } = order();
  for (const id of [1, 2, 3, 4]) o.written(id, false);
  o.answered(3); // replies are routed by id, in any order
  o.unreadable("line is not JSON", "{");
  o.unreadable("message of unknown shape", "{}");
  assert.deepEqual(settled, [
    "1: unreadable reply, line is not JSON",
    "2: unreadable reply, message of unknown shape",
  ]);
  assert.equal(o.size, 1);
  assert.equal(o.answeredWithoutId(), 4);
  o.unreadable("line is not JSON", "{"); // nothing owed: answers nothing,
  o.written(5, false);
  o.written(6, true);
  o.answered(6); // nor is it kept for a later request
  o.answered(5);
  assert.equal(settled.length, 2);
});

Deno.test("with in-band and out-of-band requests owed, an unreadable line waits until it is known whose it is", () => {
  const { order: o, settled } = order();
  o.written(1, false);
  o.written(2, true);
  o.unreadable("line is not JSON", "{");
  assert.deepEqual(settled, []);
  o.answered(1); // in-band all answered: the line was the out-of-band one's
  assert.deepEqual(settled, ["2: unreadable reply, line is not JSON"]);
  settled.length = 0;
  for (const [id, oob] of [[3, false], [4, true], [5, false]] as const) o.written(id, oob);
  o.unreadable("a", "{");
  o.unreadable("b", "{");
  assert.deepEqual(settled, []);
  o.unreadable("c", "{"); // as many lines as answers owed: all answered
  assert.equal(settled.length, 3);
  assert.equal(o.size, 0);
});

Deno.test("a request whose call no longer waits is owed its answer all the same", () => {
  const { order: o, settled } = order((id) => id !== 1);
  o.written(1, false);
  o.written(2, false);
  o.unreadable("late", "{"); // request 1's late answer
  assert.deepEqual(settled, ["1: unreadable reply, late"]);
});

Deno.test("bounded: an entry stuck at the front does not keep those answered after it", () => {
  const { order: o, settled } = order();
  o.written(1, false);
  for (let id = 2; id < 200_000; id++) {
    o.written(id, false);
    o.answered(id);
  }
  assert.equal(o.size, 1);
  assert.ok(o.held < 4096, `${o.held} ids held`);
  o.unreadable("x", "{");
  assert.deepEqual(settled, ["1: unreadable reply, x"]);
});

Deno.test("bounded: past 65536 entries, those of calls that no longer wait are dropped", () => {
  const waiting = new Set([1]);
  const { order: o } = order((id) => waiting.has(id));
  for (let id = 1; id <= 200_000; id++) o.written(id, false);
  assert.ok(o.held <= 1 << 16, `${o.held} ids held`);
});

/**
 * Line framing: linear in the bytes received, and a limit counted in bytes
 * as they arrive.
 */
import assert from "node:assert/strict";
import { LineSplitter } from "../../lib/protocol/lines.ts";
import { ProtocolError } from "../../lib/protocol/errors.ts";

const encode = (text: string) => new TextEncoder().encode(text);

const chunkSize = 64 << 10;

/**
 * Milliseconds to frame one line of `size` bytes fed in 64 KiB chunks, and
 * of the least any framer does with them (copy the chunks into one buffer,
 * decode it once): best of `runs`, interleaved, so that a loaded machine
 * slows both alike.
 */
function frameTimes(size: number, runs: number): { framer: number; reference: number } {
  const bytes = new Uint8Array(size + 1).fill(0x61);
  bytes[size] = 10;
  let framer = Infinity;
  let reference = Infinity;
  for (let run = 0; run < runs; run++) {
    let received = 0;
    const splitter = new LineSplitter(1 << 30, (line) => (received += line.length));
    let start = performance.now();
    for (let i = 0; i <= size; i += chunkSize) {
      splitter.push(bytes.subarray(i, Math.min(i + chunkSize, size + 1)));
    }
    framer = Math.min(framer, performance.now() - start);
    assert.equal(received, size);
    start = performance.now();
    const whole = new Uint8Array(size);
    for (let i = 0; i < size; i += chunkSize) {
      whole.set(bytes.subarray(i, Math.min(i + chunkSize, size)).slice(), i);
    }
    received = new TextDecoder().decode(whole).length;
    reference = Math.min(reference, performance.now() - start);
    assert.equal(received, size);
  }
  return { framer, reference };
}

Deno.test("framing time is linear in the line's size: a 64 MiB line costs a few copies of it", () => {
  frameTimes(1 << 20, 2); // warm-up
  // Quadratic framing took 17 s for 64 MiB (one copy and decode: about 0.05 s).
  const { framer, reference } = frameTimes(64 << 20, 3);
  assert.ok(
    framer < Math.max(reference, 5) * 10,
    `64 MiB: framing ${framer.toFixed(1)} ms, one copy and decode ${reference.toFixed(1)} ms`,
  );
});

Deno.test("the limit counts bytes, not UTF-16 units", () => {
  const lines: string[] = [];
  const splitter = new LineSplitter(1000, (line) => lines.push(line));
  splitter.push(encode(`"${"é".repeat(499)}"\n`)); // 1000 bytes: accepted
  assert.equal(lines.length, 1);
  assert.throws(
    () => splitter.push(encode(`"${"é".repeat(500)}"\n`)), // 500 characters, 1002 bytes
    ProtocolError,
  );
  // The same in a line split across chunks, and within one chunk among others.
  assert.throws(() => {
    const split = new LineSplitter(1000, () => {});
    split.push(encode(`"${"é".repeat(300)}`));
    split.push(encode(`${"é".repeat(200)}"\n`));
  }, /message larger than 1000 bytes/);
  assert.throws(
    () => new LineSplitter(1000, () => {}).push(encode(`1\n"${"é".repeat(500)}"\n2\n`)),
    /message larger than 1000 bytes/,
  );
});

Deno.test("an unfinished line is cut as soon as its bytes pass the limit", () => {
  const splitter = new LineSplitter(1000, () => {});
  for (let i = 0; i < 10; i++) splitter.push(new Uint8Array(100).fill(0x61));
  assert.equal(splitter.pendingBytes, 1000);
  assert.throws(() => splitter.push(new Uint8Array(1).fill(0x61)), /larger than 1000 bytes/);
  assert.equal(splitter.pendingBytes, 0);
});

Deno.test("lines split anywhere, multi-byte characters included, come out whole", () => {
  const text = '{"a":"é𝄞"}\n\n  \n{"b":[1,2]}\r\n{"c":"\uFEFF"}\n';
  const bytes = encode(text);
  for (const size of [1, 2, 3, 5, 7, 64]) {
    const lines: string[] = [];
    const splitter = new LineSplitter(64, (line) => lines.push(line));
    for (let i = 0; i < bytes.length; i += size) splitter.push(bytes.subarray(i, i + size));
    assert.deepEqual(lines, ['{"a":"é𝄞"}', '{"b":[1,2]}\r', '{"c":"\uFEFF"}'], `chunks of ${size}`);
    assert.equal(splitter.pendingBytes, 0);
  }
  // A byte-order mark is content: each line decodes alone, nothing is stripped.
  const lines: string[] = [];
  new LineSplitter(64, (line) => lines.push(line)).push(encode("\uFEFF{}\n\uFEFF[]\n"));
  assert.deepEqual(lines, ["\uFEFF{}", "\uFEFF[]"]);
});

Deno.test("a line sent a byte at a time costs about its bytes in memory, not an object per byte", () => {
  const splitter = new LineSplitter(64 << 20, () => {});
  const byte = new Uint8Array([0x61]);
  const count = 4 << 20;
  const before = Deno.memoryUsage();
  for (let i = 0; i < count; i++) splitter.push(byte);
  const after = Deno.memoryUsage();
  assert.equal(splitter.pendingBytes, count);
  // Held as a copy per chunk, 4 MiB took over 400 MiB of heap. (The bound
  // leaves room for garbage of earlier tests collected meanwhile.)
  const grown = after.heapUsed + after.external - before.heapUsed - before.external;
  assert.ok(grown < 64 << 20, `4 MiB held in ${(grown / 2 ** 20).toFixed(0)} MiB`);
  const lines: string[] = [];
  const whole = new LineSplitter(64 << 20, (line) => lines.push(line));
  for (const byte of encode('{"a":"é𝄞"}\n')) whole.push(new Uint8Array([byte]));
  assert.deepEqual(lines, ['{"a":"é𝄞"}']);
});

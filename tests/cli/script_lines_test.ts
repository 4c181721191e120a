import assert from "node:assert/strict";
import { ScriptLineError, scriptLines } from "../../lib/cli/script_lines.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

async function collect(chunks: Uint8Array[], max?: number) {
  const lines: string[] = [];
  try {
    for await (const line of scriptLines(chunks, max)) lines.push(line);
  } catch (error) {
    return { lines, error };
  }
  return { lines, error: undefined };
}

Deno.test("script lines: split across chunks, a last line without newline, empty lines kept", async () => {
  const { lines, error } = await collect([bytes("a\nb"), bytes("c\n\nd"), bytes("ef")]);
  assert.equal(error, undefined);
  assert.deepEqual(lines, ["a", "bc", "", "def"]);
  assert.deepEqual((await collect([bytes("x\n")])).lines, ["x"]);
  assert.deepEqual((await collect([])).lines, []);
});

Deno.test("script lines: a character split between chunks is one character", async () => {
  const smile = bytes("é😀\n");
  const { lines } = await collect([...smile].map((byte) => new Uint8Array([byte])));
  assert.deepEqual(lines, ["é😀"]);
});

Deno.test("script lines: a line that is not UTF-8 is refused by its number, after the lines before it", async () => {
  const { lines, error } = await collect([bytes("one\ntw"), new Uint8Array([0xc3, 0x0a, 0x41])]);
  assert.deepEqual(lines, ["one"]);
  assert.ok(error instanceof ScriptLineError);
  assert.equal(error.message, "line 2: not UTF-8");
});

Deno.test("script lines: a line longer than the limit is refused before it is gathered whole", async () => {
  const { lines, error } = await collect([bytes("ok\n12345"), bytes("678"), bytes("9\n")], 8);
  assert.deepEqual(lines, ["ok"]);
  assert.ok(error instanceof ScriptLineError);
  assert.equal(error.message, "line 2: longer than 8 bytes");
  assert.deepEqual((await collect([bytes("12345678\n")], 8)).lines, ["12345678"]);
});

Deno.test("script lines: chunks are copied where they are held (a stream may reuse their memory)", async () => {
  const chunk = bytes("ab");
  async function* reused() {
    yield chunk;
    chunk.set(bytes("\n\n"));
    yield chunk;
  }
  const lines: string[] = [];
  for await (const line of scriptLines(reused())) lines.push(line);
  assert.deepEqual(lines, ["ab", ""]);
});

/**
 * The reader under hostile input: each finding of fuzzing has a test here.
 * Whatever the input, reading ends in acceptance or `FILE:LINE: message`
 * (exit 1 from the CLI), within bounded time and memory.
 */

import assert from "node:assert/strict";
import { QapiError } from "../../lib/qapi/errors.ts";
import { readSchema } from "../../lib/qapi/read.ts";

const cli = new URL("../../cli.ts", import.meta.url).pathname;
const decoder = new TextDecoder();

/** The temporary folders made, removed when the tests end. */
const made: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const dir of made) Deno.removeSync(dir, { recursive: true });
});

/** A temporary folder with these files. */
async function folder(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "qapi-robust-" });
  made.push(dir);
  for (const [name, content] of Object.entries(files)) {
    const path = `${dir}/${name}`;
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    if (typeof content === "string") await Deno.writeTextFile(path, content);
    else await Deno.writeFile(path, content);
  }
  return dir;
}

/** Settles within `ms`, or fails the test (instead of hanging it). */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads a schema that must be rejected; returns the first diagnostic's text. */
async function rejection(path: string, options: Parameters<typeof readSchema>[1] = {}) {
  try {
    await within(10_000, readSchema(path, { version: "0.0", ...options }));
  } catch (error) {
    if (error instanceof QapiError) return error.diagnostics[0].text;
    throw error;
  }
  assert.fail(`${path} was accepted`);
}

async function runCli(args: string[], options: { cwd?: string; deno?: string[] } = {}) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...(options.deno ?? ["-A"]), cli, ...args],
    cwd: options.cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

Deno.test("characters outside the BMP before expressions: the same schema, nothing misread", async () => {
  const plain = "# plain comment\n{ 'enum': 'Ee', 'data': [ 'a', 'b' ] }\n" +
    "# another\n{ 'struct': 'Ss', 'data': { 'x': 'Ee', '*y': [ 'str' ] } }\n" +
    "{ 'command': 'cmd', 'data': { 'n': 'int' }, 'returns': 'Ss' }\n";
  const astral = plain.replaceAll("comment", "\u{1F600}\u{1D11E}").replaceAll(
    "another",
    "\u{10FFFF}\u{20000}\u{1F4A9}",
  );
  const dir = await folder({ "plain.json": plain, "astral.json": astral });
  const expected = await readSchema(`${dir}/plain.json`, { version: "0.0" });
  const actual = await readSchema(`${dir}/astral.json`, { version: "0.0" });
  const withoutFiles = (ir: typeof expected) =>
    JSON.stringify([ir.types, ir.commands], (k, v) => (k === "file" ? undefined : v));
  assert.equal(withoutFiles(actual), withoutFiles(expected));
});

Deno.test("characters outside the BMP: lines and columns count characters", async () => {
  const dir = await folder({
    "a.json": "# \u{1F600}\u{1F600}\n{ 'command': 'cmd' } \u{1F600}x\n",
    "b.json": "{ 'command': 'cmd', 'data': { 'a\u{1D11E}': 'int' } }\n",
  });
  assert.equal(await rejection(`${dir}/a.json`), `${dir}/a.json:2:22: stray '\u{1F600}x'`);
  assert.equal(
    await rejection(`${dir}/b.json`),
    `${dir}/b.json:1:31: funny character in string`,
  );
});

Deno.test("nesting 10,000 and 30,000 deep: an error at the line, not a stack overflow", async () => {
  for (const depth of [10_000, 30_000]) {
    for (const [open, close] of [["[", "]"], ["{ 'a': ", "}"]]) {
      const dir = await folder({
        "deep.json": `\n{ 'struct': 'Deep', 'data': { 'a': ${open.repeat(depth)}'int'${
          close.repeat(depth)
        } } }\n`,
      });
      assert.match(
        await rejection(`${dir}/deep.json`),
        /deep\.json:2:\d+: nesting too deep \(more than 256 levels\)$/,
      );
    }
  }
  // At the bound: accepted, up to the checks.
  const condition = (depth: number) => "{ 'not': ".repeat(depth) + "'X'" + " }".repeat(depth);
  const dir = await folder({
    "ok.json": `{ 'command': 'cmd', 'if': ${condition(255)} }\n`,
    "deeper.json": `{ 'command': 'cmd', 'if': ${condition(256)} }\n`,
  });
  await readSchema(`${dir}/ok.json`, { version: "0.0" });
  assert.match(await rejection(`${dir}/deeper.json`), /deeper\.json:1:\d+: nesting too deep/);
});

Deno.test("an include of a folder, a missing file, a long name or a link loop: FILE:LINE at it", async () => {
  const dir = await folder({ "sub/empty.json": "" });
  await Deno.symlink("loop.json", `${dir}/loop.json`);
  const cases: [string, string][] = [
    ["sub", "Is a directory"],
    [".", "Is a directory"],
    ["missing.json", "No such file or directory"],
    [`${"n".repeat(300)}.json`, "File name too long"],
    [`${"x/".repeat(3000)}y.json`, "File name too long"],
    ["loop.json", "Too many levels of symbolic links"],
  ];
  for (const [include, reason] of cases) {
    await Deno.writeTextFile(`${dir}/main.json`, `# x\n{ 'include': '${include}' }\n`);
    const text = await rejection(`${dir}/main.json`);
    assert.equal(
      text,
      `${dir}/main.json:2: can't read include file '${dir}/${include}': ${reason}`,
      include.slice(0, 20),
    );
  }
});

Deno.test("an include of an unreadable file: FILE:LINE at it, exit 1", async () => {
  const dir = await folder({
    "schema/main.json": "{ 'include': '../secret/hidden.json' }\n",
    "secret/hidden.json": "{ 'command': 'cmd' }\n",
  });
  // Reading outside what the process may read.
  const denied = await runCli(["check", "main.json"], {
    cwd: `${dir}/schema`,
    deno: [`--allow-read=${dir}/schema`],
  });
  assert.equal(denied.code, 1, denied.stderr);
  assert.equal(
    denied.stderr.trim(),
    "main.json:1: can't read include file '../secret/hidden.json': Permission denied",
  );
  // And a file the user may not read (root may read anything).
  if (Deno.uid() !== 0) {
    await Deno.chmod(`${dir}/secret/hidden.json`, 0);
    const text = await rejection(`${dir}/schema/main.json`);
    assert.match(text, /main\.json:1: can't read include file .*: Permission denied$/);
  }
});

Deno.test("an include of a FIFO, /dev/zero or /dev/urandom: refused at once, nothing read", async () => {
  const dir = await folder({});
  const made = await new Deno.Command("mkfifo", { args: [`${dir}/fifo.json`] }).output();
  assert.equal(made.code, 0);
  for (const target of [`${dir}/fifo.json`, "/dev/zero", "/dev/urandom"]) {
    await Deno.writeTextFile(`${dir}/main.json`, `{ 'include': '${target}' }\n`);
    const started = performance.now();
    const text = await rejection(`${dir}/main.json`);
    assert.equal(
      text,
      `${dir}/main.json:1: can't read include file '${target}': not a regular file`,
    );
    assert.ok(performance.now() - started < 2000);
  }
});

Deno.test("a file over the size cap is refused before it is read", async () => {
  const dir = await folder({ "main.json": "{ 'include': 'big.json' }\n" });
  using big = await Deno.open(`${dir}/big.json`, { write: true, create: true });
  await big.truncate(32 * 1024 * 1024);
  const started = performance.now();
  assert.equal(
    await rejection(`${dir}/main.json`),
    `${dir}/main.json:1: can't read include file '${dir}/big.json': larger than 4 MiB`,
  );
  assert.ok(performance.now() - started < 2000);
  // Named on the command line: it can't be read (exit 2).
  const result = await runCli(["check", `${dir}/big.json`]);
  assert.equal(result.code, 2);
  assert.equal(
    result.stderr.trim(),
    `can't read schema file '${dir}/big.json': larger than 4 MiB`,
  );
});

Deno.test("more bytes in all than the bound: refused at the include that goes past it", async () => {
  const definitions = (prefix: string) =>
    Array.from({ length: 20 }, (_, i) => `{ 'command': '${prefix}-${i}' }\n`).join("");
  const dir = await folder({
    "main.json": "{ 'include': 'a.json' }\n{ 'include': 'b.json' }\n",
    "a.json": definitions("a"),
    "b.json": definitions("b"),
  });
  await readSchema(`${dir}/main.json`, { version: "0.0" });
  assert.equal(
    await rejection(`${dir}/main.json`, { limits: { maxTotalBytes: 600 } }),
    `${dir}/main.json:2: can't read include file '${dir}/b.json': ` +
      "the schema's files exceed 600 bytes in all",
  );
});

Deno.test("includes nested too deep, or too many files: refused at the include", async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`f${i}.json`] = `{ 'include': 'f${i + 1}.json' }\n`;
  files["f40.json"] = "{ 'command': 'cmd' }\n";
  const dir = await folder(files);
  assert.equal(
    await rejection(`${dir}/f0.json`),
    `In file included from ${dir}/f0.json:1:\n` +
      Array.from({ length: 31 }, (_, i) => `In file included from ${dir}/f${i + 1}.json:1:\n`)
        .join("") +
      `${dir}/f32.json:1: includes nested more than 32 deep (the reader's limit)`,
  );
  await readSchema(`${dir}/f0.json`, { version: "0.0", limits: { maxIncludeDepth: 40 } });
  assert.match(
    await rejection(`${dir}/f0.json`, { limits: { maxIncludeDepth: 40, maxFiles: 10 } }),
    /f9\.json:1: more than 10 schema files \(the reader's limit\)$/,
  );
});

Deno.test("pragma names that are keys of Object.prototype are unknown pragmas", async () => {
  for (const name of ["toString", "constructor", "__proto__", "hasOwnProperty", "valueOf"]) {
    for (const value of ["[]", "[ 'x' ]", "true"]) {
      const dir = await folder({ "p.json": `{ 'pragma': { '${name}': ${value} } }\n` });
      assert.equal(await rejection(`${dir}/p.json`), `${dir}/p.json:1: unknown pragma '${name}'`);
    }
  }
});

Deno.test("Object.prototype keys as names: ordinary names, no silent loss", async () => {
  const dir = await folder({
    "ok.json": "{ 'enum': 'Ee', 'data': [ 'constructor', 'a' ] }\n" +
      "{ 'struct': 'Ss', 'data': { 'constructor': 'Ee', 'a': 'int' } }\n",
    "branch.json": "{ 'enum': 'Ee', 'data': [ 'a' ] }\n{ 'struct': 'Bb', 'data': {} }\n" +
      "{ 'union': 'Uu', 'base': { 'kind': 'Ee' }, 'discriminator': 'kind',\n" +
      "  'data': { 'a': 'Bb', '__proto__': { 'type': 'Bb' } } }\n",
    "key.json": "{ 'toString': 'Xx' }\n",
    "proto.json": "{ 'struct': 'Ss', 'data': { '__proto__': 'int' } }\n",
  });
  const ir = await readSchema(`${dir}/ok.json`, { version: "0.0" });
  const struct = ir.types.Ss as { data: Record<string, unknown> };
  assert.deepEqual(Object.keys(struct.data), ["constructor", "a"]);
  assert.deepEqual((ir.types.Ee as unknown as { data: string[] }).data, ["constructor", "a"]);
  assert.match(
    await rejection(`${dir}/branch.json`),
    /branch\.json:3: branch '__proto__' is not a value of enum type 'Ee'$/,
  );
  assert.match(
    await rejection(`${dir}/key.json`),
    /key\.json:1: expression must have exactly one key/,
  );
  assert.match(
    await rejection(`${dir}/proto.json`),
    /proto\.json:1: 'data' member '__proto__' has an invalid name$/,
  );
});

Deno.test("a union without data in lenient mode: an error, not a TypeError", async () => {
  for (
    const text of [
      "{ 'union': 'Foo' }",
      "{ 'union': 'Foo', 'data': 'x' }",
      "{ 'union': 'Foo', 'data': { 'a': [ 'x' ] } }",
    ]
  ) {
    const dir = await folder({ "u.json": text + "\n" });
    assert.match(
      await rejection(`${dir}/u.json`, { strictDocs: false }),
      /u\.json:1: union misses keys '/,
    );
  }
});

Deno.test("checks built to be slow end at the step bound", async () => {
  // A chain of 10,000 bases: QEMU's checks are quadratic in it.
  let chain = "{ 'struct': 'Aa0', 'data': { 'm0': 'int' } }\n";
  for (let i = 1; i < 10_000; i++) {
    chain += `{ 'struct': 'Aa${i}', 'base': 'Aa${i - 1}', 'data': { 'm${i}': 'int' } }\n`;
  }
  // Unions nested in every branch of unions: exponential in the depth.
  let nested = "{ 'enum': 'Ee', 'data': [ 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h' ] }\n" +
    "{ 'struct': 'Leaf', 'data': { 'x': 'int' } }\n";
  let previous = "Leaf";
  for (let i = 0; i < 12; i++) {
    const branches = ["a", "b", "c", "d", "e", "f", "g", "h"].map((b) => `'${b}': '${previous}'`);
    nested += `{ 'union': 'Uu${i}', 'base': { 'kind${i}': 'Ee' }, 'discriminator': 'kind${i}', ` +
      `'data': { ${branches.join(", ")} } }\n`;
    previous = `Uu${i}`;
  }
  const dir = await folder({ "chain.json": chain, "nested.json": nested });
  for (const name of ["chain.json", "nested.json"]) {
    const started = performance.now();
    assert.match(
      await rejection(`${dir}/${name}`),
      /:\d+: checking this schema takes more than 5000000 steps \(the reader's limit\)$/,
    );
    assert.ok(performance.now() - started < 5000, `${name}: ${performance.now() - started} ms`);
  }
});

Deno.test("bytes that are not UTF-8: FILE:LINE at the first", async () => {
  const encoder = new TextEncoder();
  const dir = await folder({
    "bad.json": new Uint8Array([...encoder.encode("# ok\n{ 'command': 'a' }\n# "), 0xc3, 0x28]),
    "main.json": "{ 'include': 'bad.json' }\n",
  });
  assert.equal(await rejection(`${dir}/bad.json`), `${dir}/bad.json:3: invalid UTF-8 (byte 0xc3)`);
  assert.equal(
    await rejection(`${dir}/main.json`),
    `In file included from ${dir}/main.json:1:\n${dir}/bad.json:3: invalid UTF-8 (byte 0xc3)`,
  );
});

Deno.test("control characters from the schema are escaped in messages", async () => {
  const dir = await folder({
    "esc.json": "##\n# @\x1b[2J\x07:\n##\n{ 'command': 'cmd' }\n",
    "stray.json": "{ 'command': 'cmd' } \x07\x1bXY\n",
  });
  const doc = await rejection(`${dir}/esc.json`);
  assert.ok(![...doc].some((c) => c < " " && c !== "\n"), JSON.stringify(doc));
  assert.match(doc, /esc\.json:4: documentation comment is for '\\x1b\[2J\\x07'$/);
  const stray = await rejection(`${dir}/stray.json`);
  assert.equal(stray, `${dir}/stray.json:1:22: stray '\\x07\\x1bXY'`);
});

Deno.test("the file named on the command line: a folder, FIFO or device is exit 2, at once", async () => {
  const dir = await folder({});
  await new Deno.Command("mkfifo", { args: [`${dir}/fifo.json`] }).output();
  for (
    const [path, reason] of [
      [dir, "Is a directory"],
      [`${dir}/fifo.json`, "not a regular file"],
      ["/dev/zero", "not a regular file"],
    ]
  ) {
    const result = await within(20_000, runCli(["check", path]));
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim(), `can't read schema file '${path}': ${reason}`);
  }
});

Deno.test("schema files at the size caps: read in bounded time and memory", async () => {
  // Four files of 4 MiB, 16 MiB in all, of small definitions (the densest
  // kind), checked by the CLI with a 512 MiB heap.
  const dir = await folder({});
  let main = "{ 'include': 'p1.json' }\n{ 'include': 'p2.json' }\n{ 'include': 'p3.json' }\n";
  for (let part = 0; part < 4; part++) {
    const lines: string[] = [];
    let size = part === 0 ? main.length : 0;
    for (let i = 0;; i++) {
      const line = `{ 'struct': 'Ss${part}x${i}', 'data': { 'a': 'int', '*b': [ 'str' ] } }\n`;
      if (size + line.length > 4 * 1024 * 1024) break;
      lines.push(line);
      size += line.length;
    }
    if (part === 0) main += lines.join("");
    else await Deno.writeTextFile(`${dir}/p${part}.json`, lines.join(""));
  }
  await Deno.writeTextFile(`${dir}/main.json`, main);
  const started = performance.now();
  const result = await runCli(["check", `${dir}/main.json`], {
    deno: ["-A", "--v8-flags=--max-old-space-size=512"],
  });
  const seconds = (performance.now() - started) / 1000;
  assert.equal(result.code, 0, result.stderr.slice(0, 500));
  assert.match(result.stdout, /ok \(0 commands, 0 events, \d{6} types\)/);
  console.log(`16 MiB of definitions: ${seconds.toFixed(1)} s`);
  assert.ok(seconds < 60);
});

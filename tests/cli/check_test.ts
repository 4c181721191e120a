import assert from "node:assert/strict";
import { casesDir } from "../qapi/qapi_cases.ts";
import { assertPrintable, assertUsageError, qapiTs, temporaryFolder } from "./helpers.ts";

const run = (...args: string[]) => qapiTs(args, { cwd: casesDir });

Deno.test("check: 0 for a valid schema, with what it defines", async () => {
  const result = await run("check", "qapi-schema-test.json");
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /^qapi-schema-test\.json: ok \(\d+ commands, \d+ events, \d+ types\)\n$/,
  );
  assert.equal(result.stderr, "");
});

Deno.test("check: 1 with FILE:LINE: message for an invalid schema", async () => {
  const result = await run("check", "union-base-no-discriminator.json");
  assert.equal(result.code, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /^union-base-no-discriminator\.json: In union 'TestUnion':\n/);
  assert.match(
    result.stderr,
    /union-base-no-discriminator\.json:11: union misses key 'discriminator'/,
  );
});

Deno.test("check: 2 for a file that can't be read", async () => {
  const result = await run("check", "no-such-file.json");
  assert.equal(result.code, 2);
  assert.equal(
    result.stderr,
    "can't read schema file 'no-such-file.json': No such file or directory\n",
  );
});

Deno.test("check --help is the help, even beside a file named --help", async () => {
  const [dir, remove] = await temporaryFolder("qapi-ts-check-");
  try {
    await Deno.writeTextFile(`${dir}/--help`, "{ 'command': 'stop' }\n");
    for (const args of [["check", "--help"], ["check", "-h"], ["check", "x.json", "--help"]]) {
      const result = await qapiTs(args, { cwd: dir });
      assert.equal(result.code, 0, args.join(" "));
      assert.match(result.stdout, /^usage: qapi-ts check \[--lenient\] FILE\n/);
      assert.doesNotMatch(result.stdout, /: ok/);
      assert.equal(result.stderr, "");
    }
    // The file is named after `--`.
    const file = await qapiTs(["check", "--", "--help"], { cwd: dir });
    assert.equal(file.code, 0, file.stderr);
    assert.match(file.stdout, /^--help: ok \(1 commands/);
  } finally {
    await remove();
  }
});

Deno.test("check: an unknown flag, no FILE or two FILEs: exit 2 with the usage, nothing read", async () => {
  assertUsageError(
    await run("check", "--bogus", "qapi-schema-test.json"),
    /^qapi-ts check: unknown option --bogus\n/,
  );
  assertUsageError(await run("check", "-x", "qapi-schema-test.json"), /unknown option -x/);
  assertUsageError(await run("check", "--lenient=yes", "a.json"), /--lenient takes no value/);
  assertUsageError(await run("check"), /^qapi-ts check: no FILE to check\n/);
  assertUsageError(await run("check", "a.json", "b.json"), /one FILE at a time \(got 2\)/);
});

Deno.test("check: a binary file's control and escape bytes are printed escaped", async () => {
  const [dir, remove] = await temporaryFolder("qapi-ts-check-");
  try {
    // Bytes that would clear the screen, ring, retitle the window, reverse
    // text; some valid UTF-8, some not.
    const parts = [
      "\x1b[2J\x07{ 'command': 'x\x1b]0;title\x07' }\n",
      "# \u009b31m \u202e reversed\n{ 'command': 'a\x1b[31m' }\n",
    ];
    const files: [string, Uint8Array][] = [
      ["escape.json", new TextEncoder().encode(parts[0])],
      ["comment.json", new TextEncoder().encode(parts[1])],
      ["binary.json", Uint8Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)],
      ["latin1.json", new Uint8Array([0x7b, 0x1b, 0x5b, 0x32, 0x4a, 0xe9, 0x07, 0x7d])],
    ];
    for (const [name, bytes] of files) {
      await Deno.writeFile(`${dir}/${name}`, bytes);
      const result = await qapiTs(["check", name], { cwd: dir });
      assert.equal(result.code, 1, `${name}: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(`^${name.replace(".", "\\.")}:\\d+`), name);
      assertPrintable(result.stderr, name);
    }
  } finally {
    await remove();
  }
});

Deno.test("check: a file name with escape bytes is printed escaped, on success too", async () => {
  const [dir, remove] = await temporaryFolder("qapi-ts-check-");
  try {
    const name = "schema\x1b[2J\x07.json";
    await Deno.writeTextFile(`${dir}/${name}`, "{ 'command': 'stop' }\n");
    const ok = await qapiTs(["check", name], { cwd: dir });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, "schema\\x1b[2J\\x07.json: ok (1 commands, 0 events, 1 types)\n");
    const missing = await qapiTs(["check", `missing\x1b[31m.json`], { cwd: dir });
    assert.equal(missing.code, 2);
    assertPrintable(missing.stderr, "missing");
    assert.match(missing.stderr, /missing\\x1b\[31m\.json/);
  } finally {
    await remove();
  }
});

import assert from "node:assert/strict";
import { casesDir } from "./qapi_cases.ts";

const cli = new URL("../../lib/qapi/cli.ts", import.meta.url).pathname;

async function run(...args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", cli, ...args],
    cwd: casesDir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("qapi check: 0 for a valid schema", async () => {
  const result = await run("check", "qapi-schema-test.json");
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /qapi-schema-test\.json: ok \(\d+ commands/);
});

Deno.test("qapi check: 1 with FILE:LINE: message for an invalid schema", async () => {
  const result = await run("check", "union-base-no-discriminator.json");
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^union-base-no-discriminator\.json: In union 'TestUnion':\n/);
  assert.match(
    result.stderr,
    /union-base-no-discriminator\.json:11: union misses key 'discriminator'/,
  );
});

Deno.test("qapi check: 2 for a file that can't be read, or a bad command line", async () => {
  assert.equal((await run("check", "no-such-file.json")).code, 2);
  assert.equal((await run("frobnicate")).code, 2);
});

Deno.test("qapi check --help: 0 with the usage; an unknown flag: 2, nothing read", async () => {
  for (const args of [["--help"], ["check", "--help"], ["check", "x.json", "-h"]]) {
    const result = await run(...args);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^usage: deno task qapi check FILE\.json \[--lenient\]/);
  }
  for (
    const args of [["check", "--bogus", "qapi-schema-test.json"], ["check"], [
      "check",
      "a.json",
      "b.json",
    ]]
  ) {
    const result = await run(...args);
    assert.equal(result.code, 2, args.join(" "));
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /^usage:/);
  }
});

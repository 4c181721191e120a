import assert from "node:assert/strict";
import { assertUsageError, qapiTs } from "./helpers.ts";

const subcommands = ["check", "vendor", "diff", "help"];

Deno.test("--help of every subcommand: exit 0, its usage and options on stdout", async () => {
  for (const name of subcommands) {
    for (const flag of ["--help", "-h"]) {
      const result = await qapiTs([name, flag]);
      assert.equal(result.code, 0, `${name} ${flag}: ${result.stderr}`);
      assert.equal(result.stderr, "", name);
      assert.match(
        result.stdout,
        name === "help" ? /^usage: qapi-ts <command>/ : new RegExp(`^usage: qapi-ts ${name} `),
        name,
      );
      assert.match(result.stdout, /\nExit status: 0 /, name);
      if (name !== "help") {
        assert.match(result.stdout, /-h, --help/, name);
        // `help NAME` prints the same.
        assert.equal((await qapiTs(["help", name])).stdout, result.stdout, name);
      }
    }
  }
});

Deno.test("qapi-ts --help and help: every subcommand, one line each", async () => {
  for (const args of [["--help"], ["-h"], ["help"]]) {
    const result = await qapiTs(args);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, "");
    for (const name of subcommands) assert.match(result.stdout, new RegExp(`\n {2}${name} +\\S`));
  }
});

Deno.test("qapi-ts with no command, an unknown one or an unknown option: exit 2", async () => {
  assertUsageError(await qapiTs([]), /^qapi-ts: no command given\n/);
  assertUsageError(await qapiTs(["frobnicate"]), /^qapi-ts: no command 'frobnicate'\n/);
  assertUsageError(await qapiTs(["--bogus"]), /^qapi-ts: unknown option --bogus\n/);
  assertUsageError(await qapiTs(["help", "frobnicate"]), /^qapi-ts help: no command 'frobnicate'/);
  assertUsageError(await qapiTs(["help", "check", "diff"]), /one COMMAND at a time/);
});

Deno.test("the deno task aliases run the same command", async () => {
  const repository = new URL("../../", import.meta.url).pathname;
  for (
    const [task, args, usage] of [
      ["qapi", ["check", "--help"], /^usage: qapi-ts check /],
      ["vendor", ["--help"], /^usage: qapi-ts vendor /],
      ["diff", ["--help"], /^usage: qapi-ts diff /],
    ] as const
  ) {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--quiet", task, ...args],
      cwd: repository,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, task);
    assert.match(new TextDecoder().decode(output.stdout), usage, task);
  }
});

/**
 * File system errors read as the system words them, without Deno's or
 * Node's decoration.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { failureReason } from "../../lib/qapi/files.ts";

/** What `act` throws, as `failureReason` words it. */
function reasonOf(act: () => void): string {
  try {
    act();
  } catch (error) {
    return failureReason(error);
  }
  throw new Error("nothing was thrown");
}

Deno.test("node:fs errors read as the system words them, a folder made over a file included", () => {
  const dir = Deno.makeTempDirSync();
  writeFileSync(`${dir}/file`, "");
  assert.equal(reasonOf(() => mkdirSync(`${dir}/file`)), "File exists");
  assert.equal(reasonOf(() => mkdirSync(`${dir}/missing/deeper`)), "No such file or directory");
  assert.equal(reasonOf(() => mkdirSync(`${dir}/file/under`)), "Not a directory");
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("Deno's errors read the same", () => {
  const dir = Deno.makeTempDirSync();
  Deno.writeTextFileSync(`${dir}/file`, "");
  assert.equal(reasonOf(() => Deno.mkdirSync(`${dir}/file`)), "File exists");
  assert.equal(reasonOf(() => Deno.readTextFileSync(`${dir}/none`)), "No such file or directory");
  Deno.removeSync(dir, { recursive: true });
});

/**
 * Running the `qapi-ts` command as a user does (a process of its own), and
 * what the CLI tests compare: file hashes of a folder, printed text free of
 * terminal control characters.
 *
 * @module
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";

/** The repository's root folder, with a trailing slash. */
export const repository = new URL("../../", import.meta.url).pathname;

/** The QEMU source trees of the vendored releases (`../shared/qapi/<X.Y>`). */
export const qemuSources = `${repository}../shared/qapi`;

/** Whether the QEMU source trees are there (tests that read them are skipped without). */
export const haveQemuSources = (() => {
  try {
    return Deno.statSync(`${qemuSources}/10.2/VERSION`).isFile;
  } catch {
    return false;
  }
})();

/** What a run of the command printed and its exit status. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `qapi-ts ARGS` (the repository's `cli.ts`, or `cli` given) in a
 * process of its own.
 */
export function qapiTs(
  args: string[],
  options: { cwd?: string; cli?: string } = {},
): Promise<CliRun> {
  return runCommand(
    Deno.execPath(),
    ["run", "-A", options.cli ?? `${repository}cli.ts`, ...args],
    { cwd: options.cwd, env: { NO_COLOR: "1" } },
  );
}

/** Runs `command ARGS` with no input; resolves with its status and what it printed. */
export async function runCommand(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliRun> {
  const output = await new Deno.Command(command, {
    args,
    cwd: options.cwd,
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Every file under `folder` with the SHA-256 of its bytes, by relative path. */
export async function hashes(folder: string): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  const walk = async (path: string, relative: string) => {
    for await (const entry of Deno.readDir(path)) {
      const child = `${path}/${entry.name}`;
      const name = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory) await walk(child, name);
      else {
        result.set(
          name,
          createHash("sha256").update(await Deno.readFile(child)).digest("hex"),
        );
      }
    }
  };
  await walk(folder, "");
  return new Map([...result].sort(([a], [b]) => a.localeCompare(b)));
}

/** Asserts that `text` holds no character that drives a terminal (line breaks aside). */
export function assertPrintable(text: string, label = ""): void {
  const bad = [...text].find((ch) => /(?!\n)[\p{Cc}\p{Cf}]/u.test(ch));
  assert.equal(
    bad,
    undefined,
    `${label}: U+${bad?.codePointAt(0)?.toString(16).padStart(4, "0")} printed in ${
      JSON.stringify(text.slice(0, 300))
    }`,
  );
}

/** Asserts a usage error: exit 2, nothing on stdout, the message and the usage on stderr. */
export function assertUsageError(run: CliRun, message: RegExp, label = ""): void {
  assert.equal(run.code, 2, `${label}: ${run.stderr}`);
  assert.equal(run.stdout, "", label);
  assert.match(run.stderr, message, label);
  assert.match(run.stderr, /\nusage: qapi-ts /, label);
}

/** A temporary folder, removed by the returned function. */
export async function temporaryFolder(prefix: string): Promise<[string, () => Promise<void>]> {
  const path = await Deno.makeTempDir({ prefix });
  return [path, () => Deno.remove(path, { recursive: true })];
}

/**
 * QEMU's own QAPI front-end test cases (`../shared/qapi-tests/`): each
 * `NAME.json` with the error QEMU prints for it in `NAME.err` (empty: valid).
 *
 * @module
 */

import { QapiError } from "../../lib/qapi/errors.ts";
import { readSchema } from "../../lib/qapi/read.ts";

/** Where QEMU's test cases are: `../shared/qapi-tests` beside the repository. */
export const casesDir = new URL("../../../shared/qapi-tests/", import.meta.url).pathname;

/** One case's outcome. */
export interface CaseResult {
  name: string;
  /** QEMU's message (empty: accepted). */
  expectedText: string;
  expected: string | undefined;
  actual: string | undefined;
  message: string;
  pass: boolean;
}

/** The first `FILE:LINE` in a text, if any. */
export function firstLocation(text: string): string | undefined {
  for (const line of text.split("\n")) {
    // QEMU's messages name files as its test harness passed them; compare base names.
    const match = /^(?:In file included from )?(?:[^:\s]*\/)?([^:\s/]+\.json):(\d+)/.exec(line);
    if (match) return `${match[1]}:${match[2]}`;
  }
  return undefined;
}

/** Runs one case. */
export async function runCase(name: string): Promise<CaseResult> {
  const expectedText = (await Deno.readTextFile(`${casesDir}${name}.err`)).trim();
  let message = "";
  try {
    await readSchema(`${name}.json`, {
      readFile: (path) => Deno.readTextFile(`${casesDir}${path}`),
      version: "0.0",
    });
  } catch (error) {
    if (!(error instanceof QapiError)) throw error;
    message = error.message;
  }
  const expected = expectedText ? firstLocation(expectedText) ?? "(error)" : undefined;
  const actual = message ? firstLocation(message) ?? "(error)" : undefined;
  return { name, expectedText, expected, actual, message, pass: expected === actual };
}

/** The names of every case. */
export async function caseNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(casesDir)) {
    if (entry.name.endsWith(".err")) names.push(entry.name.slice(0, -4));
  }
  return names.sort();
}

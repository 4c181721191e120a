/**
 * The reader's fuzz test: a few thousand mutants of QEMU's test cases and of
 * the QEMU 10.2 schema, with a fixed seed. Every one must be accepted or
 * rejected with `FILE:LINE: message`, promptly; a sample also goes through
 * the CLI, which must exit 0 or 1 and print that form. (`deno task fuzz`
 * runs many more, with any seed.)
 */

import assert from "node:assert/strict";
import { describe, makeCorpus, makeMutant, type Outcome, runMutant } from "./fuzz_lib.ts";

const seed = 1;
const count = 4000;
const cli = new URL("../../cli.ts", import.meta.url).pathname;

Deno.test(`${count} mutants (seed ${seed}): accepted, or FILE:LINE: message`, async () => {
  const corpus = await makeCorpus();
  const outcomes: Outcome[] = [];
  const started = performance.now();
  try {
    for (let index = 0; index < count; index++) {
      outcomes.push(await runMutant(makeMutant(corpus, seed, index), 5000));
    }
  } finally {
    await Deno.remove(corpus.root, { recursive: true });
  }
  const seconds = (performance.now() - started) / 1000;
  const accepted = outcomes.filter((o) => o.result === "accepted").length;
  const slowest = outcomes.reduce((a, b) => (a.ms > b.ms ? a : b));
  console.log(
    `${count} mutants in ${seconds.toFixed(1)} s: ${accepted} accepted, ` +
      `${outcomes.filter((o) => o.result === "rejected").length} rejected; ` +
      `slowest ${slowest.ms.toFixed(0)} ms (${describe(slowest.mutant)})`,
  );
  const failures = outcomes.filter((o) => o.result !== "accepted" && o.result !== "rejected");
  assert.deepEqual(
    failures.map((f) => `${f.result}: ${describe(f.mutant)}: ${f.detail ?? ""}`),
    [],
  );
  // The mutations reach the checks too, not only the parser.
  assert.ok(accepted > count / 50, `only ${accepted} accepted`);
});

Deno.test("mutants through the CLI: exit 0, or exit 1 with FILE:LINE: message", async () => {
  const corpus = await makeCorpus();
  try {
    for (let index = 0; index < 16; index++) {
      const mutant = makeMutant(corpus, seed + 1, index);
      const path = `${mutant.seed.dir}/fuzz-mutant.json`;
      await Deno.writeFile(path, mutant.bytes);
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", cli, "check", path, ...(mutant.lenient ? ["--lenient"] : [])],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(output.stderr);
      const label = `${describe(mutant)}: ${stderr.slice(0, 300)}`;
      if (output.code === 0) {
        assert.equal(stderr, "", label);
        continue;
      }
      assert.equal(output.code, 1, label);
      assert.match(stderr, /^[^\n:]+\.json:\d+(:\d+)?: \S/m, label);
      assert.doesNotMatch(stderr, /^\s+at /m, label); // no stack trace
    }
  } finally {
    await Deno.remove(corpus.root, { recursive: true });
  }
});

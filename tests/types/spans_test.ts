/**
 * Spans against the schema history: the generator of `spans/generate.ts` on
 * a small made-up history (known cases), its own checks on every vendored
 * span (each object does what its case says, checked against each version's
 * literal; every change `diffSchemas` reports has its case), and a fixed
 * sample of the generated cases checked by `deno check`, TypeScript 5.9 and
 * TypeScript 7: an object some version of the span refuses must not compile,
 * its matching object of common members must.
 *
 * The whole set: `deno task test:spans`. The sample's size per span and
 * seed: `SPANS_SAMPLE=8 SPANS_SEED=12`.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  type Case,
  checkAgainstDiff,
  coverageTable,
  failures,
  generate,
  issueCases,
  render,
  renderValue,
  runSpans,
  spansOf,
  table,
  vendored,
  verify,
} from "./spans/generate.ts";
import { denoDiagnostics, readVerdicts, tscDiagnostics } from "./spans/check.ts";
import { newer, older } from "./spans/history.ts";

const history = { "1.0": older, "2.0": newer };

Deno.test("span cases: every difference of a small history, with valid objects", () => {
  const generated = generate(history, ["1.0", "2.0"]);
  assert.deepEqual(generated.commands, ["cmd", "strict"]);
  const summary = generated.cases.map((item) =>
    `${item.kind} ${
      item.id.slice(item.id.indexOf(item.kind) + item.kind.length + 1)
    } [${item.acceptedBy}]`
  );
  assert.deepEqual(summary, [
    "optionality mode [1.0]",
    "member opts › old [1.0]",
    "member opts › new [2.0]",
    'value mode "slow" [1.0]',
    'value mode "turbo" [2.0]',
    "member u › driver=a › extra [2.0]",
    "member u › driver=a › y [2.0]",
    "member u › driver=b › extra [2.0]",
    "branch u › driver=c [2.0]",
    "type ref null [2.0]",
    "type name null [2.0]",
    'value modes › [] "slow" [1.0]',
    'value modes › [] "turbo" [2.0]',
  ]);
  const byWhere = (kind: string, where: string) =>
    generated.cases.find((item) => item.kind === kind && item.where === where)!;
  // Required where any version requires it: `mode`, with the first common value.
  assert.equal(
    renderValue(byWhere("optionality", "mode").good),
    '{ opts: { name: "x" }, mode: "fast", name: "x" }',
  );
  assert.equal(
    renderValue(byWhere("optionality", "mode").bad),
    '{ opts: { name: "x" }, name: "x" }',
  );
  // A variant only the newer version has, with its own required member; the
  // matching object takes a variant both have.
  assert.equal(
    renderValue(byWhere("branch", "u › driver=c").bad),
    '{ opts: { name: "x" }, mode: "fast", name: "x", u: { driver: "c", z: "x" } }',
  );
  assert.equal(
    renderValue(byWhere("branch", "u › driver=c").good),
    '{ opts: { name: "x" }, mode: "fast", name: "x", u: { driver: "a" } }',
  );
  assert.deepEqual(byWhere("branch", "u › driver=c").diffPaths, [
    "type Driver value c",
    "type U branch c",
  ]);
  // A member required in one version and unknown in the other: no object suits both.
  assert.deepEqual(
    generated.skipped.map((item) => `${item.id}: ${item.reason}`),
    ["1.0|2.0 strict member more: more: required in 2.0, unknown in 1.0"],
  );
  assert.deepEqual(verify(history, generated.cases), []);
  const coverage = checkAgainstDiff(history, generated);
  assert.deepEqual(coverage.uncovered, []);
  assert.deepEqual(coverage.unwalked, []);
  assert.equal(coverage.located, 11);
  assert.equal(coverage.covered, 11);
});

Deno.test("span cases: the generator's checks catch a wrong object and a missed change", () => {
  const generated = generate(history, ["1.0", "2.0"]);
  const [first, second] = generated.cases;
  // A good object one version refuses, a bad one every version accepts.
  const broken: Case[] = [{ ...first, good: first.bad }, { ...second, bad: second.good }];
  const problems = verify(history, broken);
  assert.ok(
    problems.some((text) => text.includes("the good object is refused by 2.0")),
    problems.join("\n"),
  );
  assert.ok(
    problems.some((text) => text.includes("the bad object is accepted by [1.0,2.0]")),
    problems.join("\n"),
  );
  // A change the diff reports that no case stands for.
  const missing = {
    ...generated,
    cases: generated.cases.filter((item) => !item.diffPaths.includes("type Opts member old")),
  };
  assert.deepEqual(
    checkAgainstDiff(history, missing).uncovered.map(({ change }) => change.path),
    ["type Opts member old"],
  );
});

Deno.test("span cases: diagnostics are read back onto their cases", () => {
  const generated = generate(history, ["1.0", "2.0"]);
  // `mode "turbo"`, then `u › driver=a › extra` and `u › driver=a › y`,
  // which share their matching object.
  const cases = generated.cases.slice(4, 7);
  const rendered = render(cases, "../../../");
  const lines = rendered.text.split("\n");
  const expectLines = [...rendered.lines].filter(([, role]) => role.role === "expect");
  const goodLines = [...rendered.lines].filter(([, role]) => role.role === "good");
  assert.equal(expectLines.length, 3);
  assert.deepEqual(goodLines.map(([, role]) => role.cases), [[0], [1, 2]]);
  for (const [line] of expectLines) {
    assert.match(lines[line - 1], /^\/\/ @ts-expect-error/);
    assert.match(
      lines[line],
      /^const bad\d+: CommandArgs<Span<"1\.0" \| "2\.0">, "cmd"> = \{.*\};$/,
    );
  }
  const path = "/x/span.ts";
  const file = { path, rendered, offset: 10 };
  const at = (line: number, code: number) => ({ file: path, line, code, message: "m" });
  const read = readVerdicts(13, [file], [
    at(expectLines[0][0], 2578),
    at(goodLines[1][0], 2353),
    at(1, 2307),
  ]);
  assert.deepEqual(read.verdicts.slice(10), ["bad compiles", "good refused", "good refused"]);
  assert.deepEqual(read.verdicts.slice(0, 10), Array(10).fill("ok"));
  assert.equal(read.reasons[11], "TS2353: m");
  assert.deepEqual(read.stray.map((diagnostic) => diagnostic.line), [1]);

  const tsc = tscDiagnostics(
    "/x/span.ts(7,1): error TS2578: Unused '@ts-expect-error' directive.\n" +
      ".cache/s.ts(9,7): error TS2322: Type 'x' is not assignable to type 'y'.\n" +
      "  Types of property 'a' are incompatible.\n",
  );
  assert.deepEqual(tsc.map(({ line, code }) => [line, code]), [[7, 2578], [9, 2322]]);
  assert.ok(tsc[1].file.endsWith("/.cache/s.ts"));
  assert.match(tsc[1].message, /Types of property 'a'/);
  const deno = denoDiagnostics(
    "Check file:///x/span.ts\nTS2578 [ERROR]: Unused '@ts-expect-error' directive.\n" +
      "// @ts-expect-error [0] refused by 1.0\n~~~~\n    at file:///x/span.ts:7:1\n\n" +
      "TS2353 [ERROR]: Object literal may only specify known properties.\n" +
      "    at file:///x/sp%20an.ts:9:44\n\nFound 2 errors.\n",
  );
  assert.deepEqual(deno.map(({ file, line, code }) => [file, line, code]), [
    ["/x/span.ts", 7, 2578],
    ["/x/sp an.ts", 9, 2353],
  ]);
});

Deno.test("span cases: on every vendored span, each object does what its case says and each diff change has a case", () => {
  const spans = spansOf(Object.keys(vendored));
  assert.equal(spans.length, 7);
  assert.deepEqual(verify(vendored, issueCases()), []);
  for (const span of spans) {
    const generated = generate(vendored, span);
    assert.ok(generated.cases.length > 0, `${span}: no cases`);
    assert.deepEqual(verify(vendored, generated.cases), [], `${span}`);
    const coverage = checkAgainstDiff(vendored, generated);
    assert.deepEqual(coverage.uncovered, [], `${span}`);
    assert.deepEqual(coverage.unwalked, [], `${span}`);
    assert.ok(coverage.located > 0, `${span}: no diff change located`);
  }
});

const sampleSize = Number(Deno.env.get("SPANS_SAMPLE") ?? 8);
const seed = Number(Deno.env.get("SPANS_SEED") ?? 12);

Deno.test(`span cases: a fixed sample (${sampleSize} a span, seed ${seed}) on deno check, TypeScript 5.9 and 7`, async () => {
  // A folder of this run's own (another run in the same checkout clears its
  // folder first), inside the project so the files import it relatively;
  // kept when a case fails.
  const root = new URL("../../", import.meta.url).pathname;
  await Deno.mkdir(`${root}.cache/spans`, { recursive: true });
  const folder = await Deno.makeTempDir({ dir: `${root}.cache/spans`, prefix: "sample-" });
  // Each compiler takes seconds over the sample; the limit only stops one that hangs.
  const report = await runSpans({ sample: sampleSize, seed, seconds: 120, folder });
  console.log(`\n${table(report)}\n\n${coverageTable(report)}\n`);
  for (const run of report.runs) console.log(`${run.compiler}: ${run.seconds.toFixed(1)} s`);
  const found = failures(report);
  assert.ok(report.cases.length >= issueCases().length + sampleSize);
  assert.equal(
    found.length,
    0,
    `${found.length} failures (files in ${folder.slice(root.length)}; ` +
      `the whole set: deno task test:spans):\n${found.join("\n")}`,
  );
  await Deno.remove(folder, { recursive: true });
});

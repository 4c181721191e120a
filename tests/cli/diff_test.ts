import assert from "node:assert/strict";
import { diffSchemas, formatChanges } from "../../lib/diff/diff.ts";
import { qga10_2 } from "../../schemas/qga/10.2.js";
import { qmp7_2 } from "../../schemas/qmp/7.2.js";
import { qmp10_2 } from "../../schemas/qmp/10.2.js";
import {
  assertPrintable,
  assertUsageError,
  haveQemuSources,
  qapiTs,
  qemuSources,
  temporaryFolder,
} from "./helpers.ts";

const ignore = !haveQemuSources;

Deno.test("diff of a version with itself: 'no changes', exit 0 (and with --exit-code)", async () => {
  for (const args of [["diff", "10.2", "10.2"], ["diff", "--exit-code", "7.2", "7.2"]]) {
    const result = await qapiTs(args);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "no changes\n");
    assert.equal(result.stderr, "");
  }
  const json = await qapiTs(["diff", "--json", "10.0", "10.0", "--protocol", "qsd"]);
  assert.equal(json.code, 0);
  assert.deepEqual(JSON.parse(json.stdout), []);
});

Deno.test("diff of two vendored versions: the library's report; --exit-code makes changes exit 1", async () => {
  const text = await qapiTs(["diff", "7.2", "10.2"]);
  assert.equal(text.code, 0, text.stderr);
  assert.equal(text.stdout, formatChanges(diffSchemas(qmp7_2, qmp10_2)) + "\n");
  const asked = await qapiTs(["diff", "7.2", "10.2", "--exit-code"]);
  assert.equal(asked.code, 1);
  assert.equal(asked.stdout, text.stdout);
  const json = await qapiTs(["diff", "--json", "7.2", "10.2"]);
  assert.deepEqual(JSON.parse(json.stdout), diffSchemas(qmp7_2, qmp10_2));
});

Deno.test({
  name: "diff of a QEMU source tree (folder or qapi-schema.json) against a vendored version",
  ignore,
  async fn() {
    const same = await qapiTs(["diff", `${qemuSources}/10.2`, "10.2", "--exit-code"]);
    assert.equal(same.code, 0, same.stderr);
    assert.equal(same.stdout, "no changes\n");
    const entry = await qapiTs([
      "diff",
      "--protocol=qga",
      "10.2",
      `${qemuSources}/10.2/qga/qapi-schema.json`,
    ]);
    assert.equal(entry.stdout, "no changes\n", entry.stderr);
    // A tree of another release: what the vendored versions give.
    const tree = await qapiTs(["diff", `${qemuSources}/7.2/`, "10.2"]);
    assert.equal(tree.code, 0, tree.stderr);
    assert.equal(tree.stdout, formatChanges(diffSchemas(qmp7_2, qmp10_2)) + "\n");
  },
});

Deno.test({
  name: "diff of a tree of one's own: its changes, exit 1 with --exit-code",
  ignore,
  async fn() {
    const [dir, remove] = await temporaryFolder("qapi-ts-diff-");
    try {
      const copy = await new Deno.Command("cp", {
        args: ["-R", `${qemuSources}/10.2`, `${dir}/qemu`],
      }).output();
      assert.ok(copy.success);
      await Deno.writeTextFile(
        `${dir}/qemu/qga/qapi-schema.json`,
        "\n##\n# @guest-hello:\n#\n# Says hello.\n#\n# Since: 11.0\n##\n{ 'command': 'guest-hello' }\n",
        { append: true },
      );
      const result = await qapiTs([
        "diff",
        "--protocol",
        "qga",
        "10.2",
        `${dir}/qemu`,
        "--exit-code",
      ]);
      assert.equal(result.code, 1, result.stderr);
      assert.equal(result.stdout, "added command (1):\n  guest-hello\n");
    } finally {
      await remove();
    }
  },
});

Deno.test({
  name: "diff of a module written by vendor --out (.js or .d.ts) against a vendored version",
  ignore,
  async fn() {
    const [dir, remove] = await temporaryFolder("qapi-ts-diff-");
    try {
      const vendored = await qapiTs(["vendor", "--qemu-src", `${qemuSources}/7.2`, "--out", dir]);
      assert.equal(vendored.code, 0, vendored.stderr);
      const module = await qapiTs(["diff", `${dir}/qmp/7.2.js`, "10.2"]);
      assert.equal(module.code, 0, module.stderr);
      assert.equal(module.stdout, formatChanges(diffSchemas(qmp7_2, qmp10_2)) + "\n");
      // A .d.ts names its module; the other side takes the module's protocol.
      const declaration = await qapiTs(["diff", `${dir}/qga/7.2.d.ts`, "7.2", "--exit-code"]);
      assert.equal(declaration.code, 0, declaration.stderr);
      assert.equal(declaration.stdout, "no changes\n");
      const qga = await qapiTs(["diff", "10.2", `${dir}/qga/7.2.js`]);
      assert.equal(
        qga.stdout,
        formatChanges(diffSchemas(qga10_2, (await import(`file://${dir}/qga/7.2.js`)).qga7_2)) +
          "\n",
      );
      // Schemas of two protocols are not compared.
      const mixed = await qapiTs(["diff", "--protocol", "qmp", `${dir}/qga/7.2.js`, "7.2"]);
      assert.equal(mixed.code, 2);
      assert.equal(mixed.stdout, "");
      assert.match(
        mixed.stderr,
        /is a qga schema, the other a qmp one; compare schemas of one protocol/,
      );
    } finally {
      await remove();
    }
  },
});

Deno.test("diff: operands that can't be compared are exit 2 with what to give", async () => {
  const [dir, remove] = await temporaryFolder("qapi-ts-diff-");
  try {
    await Deno.writeTextFile(`${dir}/notes.txt`, "");
    await Deno.writeTextFile(`${dir}/other.js`, "export const answer = 42;\n");
    // A module that would leave a file if it ran: it is read, never run.
    await Deno.writeTextFile(
      `${dir}/program.js`,
      'import { writeFileSync } from "node:fs";\nwriteFileSync("ran", "");\n' +
        'export const qmp1_0 = { protocol: "qmp", version: "1.0", types: {}, commands: {}, events: {} };\n',
    );
    await Deno.mkdir(`${dir}/empty`);
    const cases: [string, RegExp][] = [
      ["9.9", /^qapi-ts diff: no vendored version 9\.9 \(vendored: 5\.2, 7\.2, 10\.0, 10\.2\)/],
      ["/nonexistent", /^qapi-ts diff: can't read '\/nonexistent': No such file or directory\n$/],
      ["missing.js", /^qapi-ts diff: can't read 'missing\.js': No such file or directory\n$/],
      ["notes.txt", /^qapi-ts diff: 'notes\.txt' is none of what diff compares/],
      ["other.js", /^qapi-ts diff: 'other\.js' exports no schema; give a module written by/],
      [
        "program.js",
        /^qapi-ts diff: 'program\.js' is not a module as vendor writes it: line 1, column 1: expected 'export', found 'i'; give a module written by/,
      ],
      ["empty", /^qapi-ts diff: 'empty' is not a QEMU source tree \(it has no VERSION file\)/],
    ];
    for (const [operand, message] of cases) {
      const result = await qapiTs(["diff", operand, "10.2"], { cwd: dir });
      assert.equal(result.code, 2, `${operand}: ${result.stderr}`);
      assert.equal(result.stdout, "", operand);
      assert.match(result.stderr, message, operand);
    }
    await Deno.stat(`${dir}/ran`).then(() => assert.fail("the module ran"), () => {});
  } finally {
    await remove();
  }
});

Deno.test("diff: wrong command lines are exit 2 with the usage", async () => {
  assertUsageError(
    await qapiTs(["diff"]),
    /^qapi-ts diff: two schemas to compare, OLD and NEW \(got 0\)/,
  );
  assertUsageError(await qapiTs(["diff", "7.2"]), /\(got 1\)/);
  assertUsageError(await qapiTs(["diff", "7.2", "10.0", "10.2"]), /unexpected argument 10\.2/);
  assertUsageError(await qapiTs(["diff", "--bogus", "7.2", "10.2"]), /unknown option --bogus/);
  assertUsageError(await qapiTs(["diff", "7.2", "10.2", "--protocol"]), /--protocol needs a value/);
  assertUsageError(
    await qapiTs(["diff", "7.2", "10.2", "--protocol", "qxx"]),
    /--protocol is one of qmp, qga, qsd \(got qxx\)/,
  );
});

Deno.test("diff: control bytes of binary inputs are printed escaped", async () => {
  const [dir, remove] = await temporaryFolder("qapi-ts-diff-");
  try {
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 131 + 27) % 256);
    await Deno.writeFile(`${dir}/binary.json`, bytes);
    await Deno.writeFile(`${dir}/binary.js`, bytes);
    await Deno.writeTextFile(`${dir}/escape.js`, 'throw new Error("\\x1b[2J\\x07\\u009b1m");\n');
    // A module as vendor writes it (strings as JSON writes them) whose names hold escapes.
    await Deno.writeTextFile(
      `${dir}/names.js`,
      `export const qmp1_0 = { protocol: "qmp", version: "1.0", qemu: "1.0.0", types: {}, events: {},
  commands: { ${JSON.stringify("stop\x1b]0;title\x07")}: {}, ${
        JSON.stringify("cont\u202e")
      }: {} } };\n`,
    );
    for (const name of ["binary.json", "binary.js", "escape.js", "names.js", "bad\x1b[31m.js"]) {
      const result = await qapiTs(["diff", name, "10.2"], { cwd: dir });
      assertPrintable(result.stdout + result.stderr, name);
      assert.ok((result.stdout + result.stderr).length > 0, name);
    }
    const names = await qapiTs(["diff", "10.2", "names.js"], { cwd: dir });
    assert.match(names.stdout, /^ {2}stop\\x1b\]0;title\\x07$/m);
    assert.match(names.stdout, /^ {2}cont\\u202e$/m);
  } finally {
    await remove();
  }
});

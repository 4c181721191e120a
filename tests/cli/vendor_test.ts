import assert from "node:assert/strict";
import {
  assertPrintable,
  assertUsageError,
  hashes,
  haveQemuSources,
  qapiTs,
  qemuSources,
  repository,
  temporaryFolder,
} from "./helpers.ts";

const ignore = !haveQemuSources;

/**
 * A copy of the project's code and schemas in a temporary folder, as a
 * checkout elsewhere would be: `project/` with `cli.ts`, `lib/` and
 * `schemas/`, and `shared/qapi` beside it when `withSources`.
 */
async function projectCopy(withSources: boolean) {
  const [root, remove] = await temporaryFolder("qapi-ts-project-");
  const project = `${root}/project`;
  await Deno.mkdir(project);
  const copy = await new Deno.Command("cp", {
    args: ["-R", `${repository}cli.ts`, `${repository}lib`, `${repository}schemas`, project],
  }).output();
  assert.ok(copy.success);
  if (withSources) {
    await Deno.mkdir(`${root}/shared`);
    await Deno.symlink(qemuSources, `${root}/shared/qapi`);
  }
  return { root, project, cli: `${project}/cli.ts`, remove };
}

/** A QEMU source tree of its own: `VERSION` and the given files. */
async function tree(root: string, files: Record<string, string | Uint8Array>): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    const target = `${root}/${path}`;
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    if (typeof content === "string") await Deno.writeTextFile(target, content);
    else await Deno.writeFile(target, content);
  }
  return root;
}

Deno.test({
  name: "vendor --help, --bogus and other wrong command lines write nothing in schemas/",
  ignore,
  async fn() {
    const copy = await projectCopy(true);
    try {
      // A vendored file out of date: regenerating would rewrite it.
      const stale = `${copy.project}/schemas/qga/10.2.d.ts`;
      await Deno.writeTextFile(stale, "// edited\n", { append: true });
      const before = await hashes(`${copy.project}/schemas`);
      const repositoryBefore = await hashes(`${repository}schemas`);
      const run = (...args: string[]) => qapiTs(args, { cli: copy.cli, cwd: copy.root });

      for (
        const args of [["vendor", "--help"], ["vendor", "-h"], ["vendor", "--check", "--help"]]
      ) {
        const help = await run(...args);
        assert.equal(help.code, 0, args.join(" "));
        assert.match(help.stdout, /^usage: qapi-ts vendor --qemu-src PATH --out DIR/);
        assert.match(help.stdout, /--docs /);
        assert.equal(help.stderr, "");
      }
      assertUsageError(await run("vendor", "--bogus"), /^qapi-ts vendor: unknown option --bogus\n/);
      assertUsageError(await run("vendor", "--check", "--bogus"), /unknown option --bogus/);
      assertUsageError(await run("vendor", "schemas"), /unexpected argument schemas/);
      assertUsageError(await run("vendor", "--out", "x"), /--out goes with --qemu-src PATH/);
      assertUsageError(await run("vendor", "--docs"), /--docs goes with --qemu-src PATH/);
      assertUsageError(
        await run("vendor", "--qemu-src", `${qemuSources}/10.2`),
        /--qemu-src needs --out DIR/,
      );
      assertUsageError(await run("vendor", "--qemu-src"), /--qemu-src needs a value/);
      assertUsageError(
        await run("vendor", "--qemu-src", "a", "--qemu-src", "b", "--out", "o"),
        /--qemu-src is given twice/,
      );
      assert.deepEqual(await hashes(`${copy.project}/schemas`), before);
      assert.deepEqual(await hashes(`${repository}schemas`), repositoryBefore);
      await Deno.stat(`${copy.root}/x`).then(
        () => assert.fail("--out x was created"),
        () => {},
      );

      // --check lists the stale file and leaves it; vendor rewrites it.
      const check = await run("vendor", "--check");
      assert.equal(check.code, 1, check.stderr);
      assert.match(
        check.stderr,
        /^1 of 28 file\(s\) differ from what vendor writes:\n {2}\S*qga\/10\.2\.d\.ts\n$/,
      );
      assert.deepEqual(await hashes(`${copy.project}/schemas`), before);
      const write = await run("vendor");
      assert.equal(write.code, 0, write.stderr);
      assert.match(write.stdout, /^wrote 1 of 28 files into /);
      assert.deepEqual(
        await hashes(`${copy.project}/schemas`),
        await hashes(`${repository}schemas`),
      );
    } finally {
      await copy.remove();
    }
  },
});

Deno.test("vendor outside a clone with the QEMU sources: what is missing and what to do", async () => {
  const copy = await projectCopy(false);
  try {
    const before = await hashes(`${copy.project}/schemas`);
    const result = await qapiTs(["vendor"], { cli: copy.cli, cwd: copy.root });
    assert.equal(result.code, 2);
    assert.equal(result.stdout, "");
    assert.match(
      result.stderr,
      new RegExp(
        `^qapi-ts vendor: no QEMU sources in ${copy.root}/shared/qapi/5\\.2/ \\(No such file or directory\\)\\.\n`,
      ),
    );
    assert.match(result.stderr, /needs a clone of the qapi-ts repository with the QEMU sources/);
    assert.match(result.stderr, /qapi-ts vendor --qemu-src PATH --out DIR\n$/);
    assert.doesNotMatch(result.stderr, /os error|ENOENT|\n\s+at /);
    assert.deepEqual(await hashes(`${copy.project}/schemas`), before);
  } finally {
    await copy.remove();
  }
});

Deno.test("vendor --qemu-src that is no QEMU source tree: exit 2, why, nothing written", async () => {
  const [dir, remove] = await temporaryFolder("qapi-ts-vendor-");
  try {
    await Deno.writeTextFile(`${dir}/file`, "");
    await Deno.mkdir(`${dir}/empty`);
    const cases: [string, RegExp][] = [
      [
        "/nonexistent",
        /^qapi-ts vendor: can't read QEMU source tree '\/nonexistent': No such file or directory\n$/,
      ],
      ["file", /^qapi-ts vendor: 'file' is a file, not a QEMU source tree: .*VERSION and qapi\//],
      ["empty", /^qapi-ts vendor: 'empty' is not a QEMU source tree \(it has no VERSION file\)/],
    ];
    for (const [source, message] of cases) {
      const result = await qapiTs(["vendor", "--qemu-src", source, "--out", "out"], { cwd: dir });
      assert.equal(result.code, 2, source);
      assert.equal(result.stdout, "", source);
      assert.match(result.stderr, message, source);
      assert.doesNotMatch(result.stderr, /os error|ENOENT/, source);
    }
    const noSchema = await tree(`${dir}/noschema`, { VERSION: "9.1.0\n" });
    const none = await qapiTs(["vendor", "--qemu-src", noSchema, "--out", "out"], { cwd: dir });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /holds no QAPI schema to vendor/);
    assert.deepEqual([...await hashes(dir)].map(([path]) => path), ["file", "noschema/VERSION"]);
  } finally {
    await remove();
  }
});

Deno.test("vendor --qemu-src: a tree of one's own is written, checked, and its errors are findings", async () => {
  const [dir, remove] = await temporaryFolder("qapi-ts-vendor-");
  try {
    const source = await tree(`${dir}/qemu`, {
      VERSION: "9.1.50\n",
      "qga/qapi-schema.json": "##\n# @guest-hello:\n#\n# Says hello.\n#\n# Since: 9.1\n##\n" +
        "{ 'command': 'guest-hello' }\n",
    });
    const write = await qapiTs(["vendor", "--qemu-src", source, "--out", `${dir}/out/`]);
    assert.equal(write.code, 0, write.stderr);
    assert.equal(write.stdout, `wrote 2 of 2 files into ${dir}/out\n`);
    const module = await import(`file://${dir}/out/qga/9.1.js`);
    assert.deepEqual(Object.keys(module.qga9_1.commands), ["guest-hello"]);

    const check = await qapiTs(["vendor", "--qemu-src", source, "--out", `${dir}/out`, "--check"]);
    assert.equal(check.code, 0, check.stderr);
    await Deno.writeTextFile(`${dir}/out/qga/9.1.js`, "// edited\n", { append: true });
    const stale = await qapiTs(["vendor", "--qemu-src", source, "--out", `${dir}/out`, "--check"]);
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /^1 of 2 file\(s\) differ/);

    // An invalid schema: exit 1, FILE:LINE: message, nothing written.
    await Deno.writeTextFile(`${source}/qga/qapi-schema.json`, "{ 'command': 'guest-hello',\n");
    const invalid = await qapiTs(["vendor", "--qemu-src", source, "--out", `${dir}/other`]);
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /qga\/qapi-schema\.json:\d+(:\d+)?: /);
    await Deno.stat(`${dir}/other`).then(() => assert.fail("written"), () => {});

    // --out naming a file.
    await Deno.writeTextFile(`${dir}/plain`, "");
    const notFolder = await qapiTs(["vendor", "--qemu-src", source, "--out", `${dir}/plain`]);
    assert.equal(notFolder.code, 2);
    assert.match(notFolder.stderr, /--out '.*plain' is a file; give a folder/);
  } finally {
    await remove();
  }
});

Deno.test("vendor --qemu-src: a module that can't be written leaves every module as it was", async () => {
  const [dir, remove] = await temporaryFolder("qapi-ts-vendor-");
  try {
    const hello = (name: string) =>
      `##\n# @${name}:\n#\n# Says hello.\n#\n# Since: 9.1\n##\n{ 'command': '${name}' }\n`;
    const source = await tree(`${dir}/qemu`, {
      VERSION: "9.1.50\n",
      "qapi/qapi-schema.json": hello("hello"),
      "qga/qapi-schema.json": hello("guest-hello"),
    });
    const out = `${dir}/out`;
    assert.equal((await qapiTs(["vendor", "--qemu-src", source, "--out", out])).code, 0);
    const before = await hashes(out);
    await Deno.writeTextFile(`${source}/qapi/qapi-schema.json`, hello("hello-again"));
    await Deno.writeTextFile(`${source}/qga/qapi-schema.json`, hello("guest-hello-again"));
    // qga's module can't be written (a folder in its place; a full disk is alike):
    // qmp's, written before it, must not be left one version ahead.
    await Deno.remove(`${out}/qga/9.1.js`);
    await Deno.mkdir(`${out}/qga/9.1.js`);
    before.delete("qga/9.1.js");
    const failed = await qapiTs(["vendor", "--qemu-src", source, "--out", out]);
    assert.equal(failed.code, 2, failed.stderr);
    assert.match(
      failed.stderr,
      /^qapi-ts vendor: can't write '.*qga\/9\.1\.js': Is a directory\n$/,
    );
    assert.deepEqual(await hashes(out), before);
    // A file where a folder goes: the same, and no temporary file is left behind.
    await Deno.remove(`${out}/qga`, { recursive: true });
    await Deno.writeTextFile(`${out}/qga`, "");
    const blocked = await qapiTs(["vendor", "--qemu-src", source, "--out", out]);
    assert.equal(blocked.code, 2, blocked.stderr);
    assert.match(blocked.stderr, /^qapi-ts vendor: can't write '.*qga\/9\.1\.d\.ts': /);
    const after = await hashes(out);
    assert.deepEqual(
      [...after.keys()],
      ["qga", "qmp/9.1.d.ts", "qmp/9.1.js"],
    );
    assert.equal(after.get("qmp/9.1.js"), before.get("qmp/9.1.js"));
  } finally {
    await remove();
  }
});

Deno.test("vendor --qemu-src: control bytes from the tree are printed escaped", async () => {
  const [dir, remove] = await temporaryFolder("qapi-ts-vendor-");
  try {
    const version = await tree(`${dir}/version`, {
      VERSION: new Uint8Array([0x1b, 0x5b, 0x32, 0x4a, 0x07, 0x9b, 0xff, 0x0a]),
    });
    const schema = await tree(`${dir}/schema`, {
      VERSION: "9.1.0\n",
      "qapi/qapi-schema.json": Uint8Array.from({ length: 2048 }, (_, i) => (i * 57 + 27) % 256),
    });
    const named = await tree(`${dir}/tree\x1b]0;title\x07`, {});
    for (const source of [version, schema, named]) {
      const result = await qapiTs(["vendor", "--qemu-src", source, "--out", `${dir}/out`]);
      assert.notEqual(result.code, 0, source);
      assert.ok(result.stderr.length > 0);
      assertPrintable(result.stderr, JSON.stringify(source));
    }
  } finally {
    await remove();
  }
});

Deno.test({
  name: "vendor --docs: QEMU's documentation in the types, indented as the code, since said once",
  ignore,
  async fn() {
    const [dir, remove] = await temporaryFolder("qapi-ts-vendor-");
    try {
      const result = await qapiTs([
        "vendor",
        "--qemu-src",
        `${qemuSources}/10.2`,
        "--out",
        dir,
        "--docs",
      ]);
      assert.equal(result.code, 0, result.stderr);
      for (const protocol of ["qmp", "qga", "qsd"]) {
        const text = await Deno.readTextFile(`${dir}/${protocol}/10.2.d.ts`);
        const lines = text.split("\n");
        let comments = 0;
        for (let i = 0; i < lines.length; i++) {
          const open = /^( *)\/\*\*/.exec(lines[i]);
          if (!open || lines[i].includes("*/")) continue;
          const indent = open[1];
          comments++;
          let j = i + 1;
          for (; !lines[j].trimStart().startsWith("*/"); j++) {
            assert.ok(lines[j].startsWith(`${indent} *`), `${protocol} line ${j + 1}: ${lines[j]}`);
          }
          assert.equal(lines[j], `${indent} */`, `${protocol} line ${j + 1}`);
          // The code it documents (the module's comment is followed by a blank line).
          const next = lines[j + 1] === "" && indent === "" ? lines[j + 2] : lines[j + 1];
          assert.match(next, new RegExp(`^${indent}\\S`), `${protocol} line ${j + 2}`);
          // Facts open a paragraph of their own, never the end of a line of text.
          for (const line of lines.slice(i + 1, j)) {
            const body = line.replace(/^ *\* ?/, "");
            if (/Since \d+\.\d+[.\d]*\.|Only if \S/.test(body)) {
              assert.match(body, /^(Since|Only if) /, `${protocol}: ${line}`);
            }
          }
        }
        assert.ok(comments > 40, `${protocol}: ${comments} comments`);
        assert.doesNotMatch(text, /\(Since (\d+\.\d+)\)\s+(\* )?Since \1\./, protocol);
      }
    } finally {
      await remove();
    }
  },
});

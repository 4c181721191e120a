/**
 * The `qapi-ts` command of the npm package, as a Node user runs it: the
 * package built, packed and installed into a project of its own, the command
 * run through npm's link in `node_modules/.bin/`.
 */
import assert from "node:assert/strict";
import { buildNpm } from "../../npm/build.ts";
import {
  assertPrintable,
  haveQemuSources,
  qemuSources,
  runCommand,
  temporaryFolder,
} from "./helpers.ts";

const haveNpm = (() => {
  try {
    return new Deno.Command("npm", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();
// CI must run this test: a missing npm there is a failure, not a skip.
if (!haveNpm && Deno.env.get("CI")) throw new Error("npm is needed by the package tests in CI");

/** Runs `command ARGS` in `cwd`. */
const run = (command: string, args: string[], cwd: string) => runCommand(command, args, { cwd });

Deno.test({
  name: "npm package: the qapi-ts command runs on Node from node_modules/.bin",
  ignore: !haveNpm,
  async fn() {
    const [dir, remove] = await temporaryFolder("qapi-ts-npm-bin-");
    try {
      const build = await buildNpm(`${dir}/package`);
      assert.deepEqual(build.manifest.bin, { "qapi-ts": "./cli.js" });
      const pack = await run(
        "npm",
        ["pack", "--json", "--pack-destination", dir, build.directory],
        dir,
      );
      assert.equal(pack.code, 0, pack.stderr);
      const [{ filename }] = JSON.parse(pack.stdout) as { filename: string }[];
      const project = `${dir}/project`;
      await Deno.mkdir(project);
      await Deno.writeTextFile(
        `${project}/package.json`,
        JSON.stringify({ name: "user", private: true, type: "module" }),
      );
      const install = await run(
        "npm",
        ["install", "--offline", "--no-audit", "--no-fund", `${dir}/${filename}`],
        project,
      );
      assert.equal(install.code, 0, install.stderr);
      const qapiTs = (...args: string[]) =>
        run(`${project}/node_modules/.bin/qapi-ts`, args, project);

      const help = await qapiTs("--help");
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout, /^usage: qapi-ts <command>/);
      for (const name of ["check", "vendor", "diff"]) {
        const sub = await qapiTs(name, "--help");
        assert.equal(sub.code, 0, name);
        assert.match(sub.stdout, new RegExp(`^usage: qapi-ts ${name} `));
      }
      const same = await qapiTs("diff", "10.2", "10.2");
      assert.equal(same.stdout, "no changes\n", same.stderr);
      const changes = await qapiTs("diff", "--exit-code", "7.2", "10.2");
      assert.equal(changes.code, 1);
      assert.match(changes.stdout, /^added command \(\d+\):\n/m);

      const bogus = await qapiTs("vendor", "--bogus");
      assert.equal(bogus.code, 2);
      assert.equal(bogus.stdout, "");
      // The installed package is not a clone: vendoring its own schemas says so.
      const own = await qapiTs("vendor");
      assert.equal(own.code, 2);
      assert.match(own.stderr, /is an installed package .*, not a clone\./);
      assert.match(own.stderr, /qapi-ts vendor --qemu-src PATH --out DIR\n$/);

      await Deno.writeFile(
        `${project}/binary.json`,
        Uint8Array.from({ length: 1024 }, (_, i) => (i * 131 + 27) % 256),
      );
      const binary = await qapiTs("check", "binary.json");
      assert.equal(binary.code, 1);
      assertPrintable(binary.stderr, "binary.json");

      if (haveQemuSources) {
        const vendored = await qapiTs("vendor", "--qemu-src", `${qemuSources}/10.0`, "--out", "v");
        assert.equal(vendored.code, 0, vendored.stderr);
        const module = await qapiTs("diff", "v/qga/10.0.js", "10.0", "--exit-code");
        assert.equal(module.stdout, "no changes\n", module.stderr);
        const tree = await qapiTs("diff", `${qemuSources}/10.2`, "10.2", "--exit-code");
        assert.equal(tree.stdout, "no changes\n", tree.stderr);
      }

      // Imported, the module runs nothing.
      const imported = await run(
        "node",
        [
          "--input-type=module",
          "-e",
          'const m = await import("@qapi-ts/qapi-ts/cli"); console.log(typeof m.main);',
        ],
        project,
      );
      assert.equal(imported.stdout, "function\n", imported.stderr);
    } finally {
      await remove();
    }
  },
});

/**
 * The JSR package: `deno publish --dry-run` succeeds with no slow types,
 * publishes the library and its licences and nothing of the repository's
 * own (tests, benchmarks, examples, the type tests' `package.json` and
 * `tsconfig.json`, caches), and its metadata is true.
 */
import assert from "node:assert/strict";

const repository = new URL("../../", import.meta.url).pathname;
const config = JSON.parse(await Deno.readTextFile(`${repository}deno.json`)) as {
  name: string;
  license: string;
  exports: Record<string, string>;
};

/** `deno publish --dry-run`: its exit status and the files it would publish. */
async function dryRun(): Promise<{ success: boolean; text: string; files: string[] }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["publish", "--dry-run", "--allow-dirty"],
    cwd: repository,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  const files = [...text.matchAll(/^\s+file:\/\/(\S+) \(/gm)].map((m) =>
    m[1].slice(repository.length)
  );
  return { success: output.success, text, files };
}

const published = await dryRun();

Deno.test("deno publish --dry-run succeeds, with no slow types", () => {
  assert(published.success, published.text);
  // Slow types and other problems are reported as `error[rule]` or `warning[rule]`.
  assert(!/(error|warning)\[/.test(published.text), published.text);
  assert(/Dry run complete/.test(published.text), published.text);
});

Deno.test("every export, the licences and the README are published", () => {
  for (const target of Object.values(config.exports)) {
    assert(published.files.includes(target.slice(2)), `${target} is not published`);
    if (target.endsWith(".js")) {
      const declaration = target.slice(2).replace(/\.js$/, ".d.ts");
      assert(published.files.includes(declaration), `${declaration} is not published`);
    }
  }
  for (const file of ["LICENSE", "README.md", "deno.json", "schemas/COPYING"]) {
    assert(published.files.includes(file), `${file} is not published`);
  }
});

Deno.test("nothing of the repository's own is published", () => {
  const unwanted = published.files.filter((file) =>
    /^(tests|bench|examples|npm|\.ci|\.cache|node_modules)\//.test(file) ||
    ["package.json", "tsconfig.json", "deno.lock", ".gitignore"].includes(file)
  );
  assert.deepEqual(unwanted, []);
});

Deno.test("licence: MIT for the code, GPL-2.0-or-later for the schemas used at run time", async () => {
  assert.deepEqual(config.license, "MIT AND GPL-2.0-or-later");
  const licence = await Deno.readTextFile(`${repository}LICENSE`);
  assert(licence.startsWith("MIT License"));
  const gpl = await Deno.readTextFile(`${repository}schemas/COPYING`);
  assert(gpl.includes("GNU GENERAL PUBLIC LICENSE") && gpl.includes("Version 2, June 1991"));
  for (
    const file of published.files.filter((f) => /^schemas\/q..\/\d+\.\d+\.(js|d\.ts)$/.test(f))
  ) {
    const head = (await Deno.readTextFile(`${repository}${file}`)).slice(0, 200);
    assert(head.includes("SPDX-License-Identifier: GPL-2.0-or-later"), `${file} has no SPDX line`);
  }
});

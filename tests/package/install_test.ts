/**
 * What a user's machine sees of the package without the repository's own
 * configuration: every entry point resolves from a project of its own (no
 * bare specifier that only this repository's import map knows), and running
 * the demo on a fresh checkout installs no npm package (those are the
 * tests' alone, installed by `deno install`).
 */
import assert from "node:assert/strict";

const repository = new URL("../../", import.meta.url).pathname;
const config = JSON.parse(await Deno.readTextFile(`${repository}deno.json`)) as {
  exports: Record<string, string>;
};

async function deno(args: string[], cwd: string, env: Record<string, string> = {}) {
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    success: output.success,
    text: decoder.decode(output.stdout) + decoder.decode(output.stderr),
  };
}

Deno.test("every entry point type-checks from a project outside the repository", async () => {
  const project = await Deno.makeTempDir({ prefix: "qapi-ts-outside-" });
  try {
    // A project with a configuration of its own, so the repository's is not used.
    await Deno.writeTextFile(`${project}/deno.json`, "{}\n");
    const imports = Object.entries(config.exports).map(([subpath, target], i) =>
      `import * as entry${i} from ${JSON.stringify(`${repository}${target.slice(2)}`)};` +
      ` // ${subpath}`
    );
    const uses = Object.keys(config.exports).map((_, i) => `entry${i}`);
    await Deno.writeTextFile(
      `${project}/main.ts`,
      `${imports.join("\n")}\nconsole.log(${uses.join(", ")});\n`,
    );
    const check = await deno(["check", "main.ts"], project);
    assert.ok(check.success, check.text);
  } finally {
    await Deno.remove(project, { recursive: true });
  }
});

Deno.test("deno task demo on a fresh checkout installs no npm package", async () => {
  const checkout = await Deno.makeTempDir({ prefix: "qapi-ts-checkout-" });
  try {
    // The configuration a fresh clone has, with an empty cache; the demo's
    // script is left out, so the task stops right after its set-up.
    for (const file of ["deno.json", "deno.lock", "package.json"]) {
      await Deno.copyFile(`${repository}${file}`, `${checkout}/${file}`);
    }
    const cache = `${checkout}/.deno-dir`;
    const task = await deno(["task", "demo"], checkout, { DENO_DIR: cache });
    assert.ok(!task.success, "the task cannot run without its script");
    assert.match(task.text, /examples\/demo\.ts/, task.text);
    assert.doesNotMatch(task.text, /Download|Initialize/, task.text);
    const entries = async (path: string) => {
      try {
        return (await Array.fromAsync(Deno.readDir(path))).map((e) => e.name);
      } catch {
        return [];
      }
    };
    assert.deepEqual(await entries(`${checkout}/node_modules`), []);
    assert.deepEqual(await entries(`${cache}/npm`), []);
  } finally {
    await Deno.remove(checkout, { recursive: true });
  }
});

/**
 * The README's Deno install instructions: its first script, with the
 * package name pointing at this checkout, runs with exactly the permissions
 * its `deno run` line grants and prints what a user would see.
 */
import assert from "node:assert/strict";

const repository = new URL("../../", import.meta.url).pathname;
const readme = await Deno.readTextFile(`${repository}README.md`);

Deno.test("the README's Deno script runs with the permissions the README gives", async () => {
  const script = /```ts ignore\n\/\/ main\.ts\n([^]*?)```/.exec(readme)?.[1];
  assert.ok(script, "the README has a main.ts block");
  const line = /^deno run ((?:--allow-[a-z]+(?:=\S+)? )+)main\.ts$/m.exec(readme);
  assert.ok(line, "the README has a deno run line for main.ts");
  const flags = line[1].trim().split(" ");
  assert.ok(!flags.includes("-A") && !flags.includes("--allow-all"));

  const directory = await Deno.makeTempDir({ prefix: "qapi-ts-readme-" });
  try {
    const source = script.replaceAll('"@qapi-ts/qapi-ts"', JSON.stringify(`${repository}mod.ts`));
    assert.notEqual(source, script, "the script imports the package");
    await Deno.writeTextFile(`${directory}/main.ts`, source);
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", ...flags, "main.ts"],
      cwd: directory,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(output.stdout);
    assert.ok(output.success, new TextDecoder().decode(output.stderr));
    assert.match(text, /^QEMU \d+\.\d+: running\n$/);
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});

import assert from "node:assert/strict";

const repository = new URL("../../", import.meta.url).pathname;

Deno.test("vendor --qemu-src --out --docs: a user's own tree, with its documentation", async () => {
  const out = await Deno.makeTempDir();
  try {
    const run = await new Deno.Command(Deno.execPath(), {
      args: [
        "task",
        "vendor",
        "--qemu-src",
        `${repository}../shared/qapi/10.2`,
        "--out",
        out,
        "--docs",
      ],
      cwd: repository,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
    const qga = await Deno.readTextFile(`${out}/qga/10.2.d.ts`);
    assert.match(qga, /with its documentation/);
    // Doc text reaches the declaration as JSDoc only with --docs.
    const committed = await Deno.readTextFile(`${repository}schemas/qga/10.2.d.ts`);
    assert.ok(qga.length > committed.length * 2, "documentation added");
    assert.doesNotMatch(committed, /with its documentation/);
    const module = await import(`file://${out}/qga/10.2.js`);
    assert.ok("guest-exec" in module.qga10_2.commands);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

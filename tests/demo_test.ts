import assert from "node:assert/strict";

Deno.test("deno task demo runs against a real QEMU and shows every part", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "demo"],
    cwd: new URL("../", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  for (
    const expected of [
      /QEMU 10\.0\.\d+ \(pid \d+\)/,
      /query-status → running: true/,
      /event: STOP/,
      /source: null-co, 268435456 bytes/,
      /backup0: \d+% \(running\)/,
      /BLOCK_JOB_COMPLETED: 268435456\/268435456 bytes/,
      /QmpError from block_resize: class GenericError/,
      /event: SHUTDOWN \(reason: host-qmp-quit\); QEMU exited with 0/,
    ]
  ) assert.match(text, expected);
});

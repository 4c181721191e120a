import assert from "node:assert/strict";
import { caseNames, runCase } from "./qapi_cases.ts";

Deno.test("every QEMU QAPI test case: accepted or rejected at QEMU's FILE:LINE", async () => {
  const names = await caseNames();
  assert.ok(names.length > 100, `only ${names.length} cases found`);
  const failures: string[] = [];
  for (const name of names) {
    const result = await runCase(name);
    if (!result.pass) {
      failures.push(
        `${name}: expected ${result.expected ?? "accepted"}, got ${result.actual ?? "accepted"}` +
          (result.message ? `\n    ${result.message.split("\n").join("\n    ")}` : ""),
      );
    }
  }
  const passed = names.length - failures.length;
  console.log(`QEMU QAPI cases: ${passed}/${names.length} pass`);
  assert.deepEqual(failures, []);
});

/**
 * Builds the ESM copy and runs the Node tests on it with `node --test`,
 * against the real QEMU 10.0 (provisioned) binaries.
 *
 * @module
 */

import { buildForNode } from "./build.ts";
import { provision } from "../provision/qemu.ts";

const repository = new URL("../../", import.meta.url).pathname;
await buildForNode(["mod.ts", "guest.ts", "tests/node/client_test.ts"]);
const { "10.0": qemu } = await provision();
const { code } = await new Deno.Command("node", {
  args: ["--test", `${repository}.cache/node-build/tests/node/client_test.js`],
  env: {
    QAPI_TS_QEMU: qemu.system,
    QAPI_TS_QEMU_DATA: qemu.dataArgs[1],
    QAPI_TS_QEMU_GA: qemu.guestAgent,
  },
}).spawn().status;
Deno.exit(code);

/**
 * The client on Node, as a user's script against the installed npm package
 * (compiled by TypeScript, run by `node --test`): every subpath loads, a real
 * QEMU is launched, typed calls, events, an exact 64-bit integer, an error,
 * the guest agent, the storage daemon, and shutdown.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, QmpError } from "@qapi-ts/qapi-ts";
import { connectGuestAgent } from "@qapi-ts/qapi-ts/guest";
import { launchStorageDaemon } from "@qapi-ts/qapi-ts/storage";
import type { Qmp7_2 } from "@qapi-ts/qapi-ts/qmp/7.2";

const binary = process.env.QAPI_TS_QEMU ?? "qemu-system-x86_64";
const dataArgs = process.env.QAPI_TS_QEMU_DATA ? ["-L", process.env.QAPI_TS_QEMU_DATA] : [];

test("every subpath of the package loads on Node", async () => {
  const manifest = JSON.parse(
    readFileSync(createRequire(import.meta.url).resolve("@qapi-ts/qapi-ts/package.json"), "utf8"),
  ) as { exports: Record<string, unknown> };
  const subpaths = Object.keys(manifest.exports).filter((s) => s !== "./package.json");
  assert.ok(subpaths.length >= 17, `${subpaths.length} subpaths`);
  for (const subpath of subpaths) {
    const module = await import(`@qapi-ts/qapi-ts${subpath.slice(1)}`);
    assert.ok(Object.keys(module).length > 0, `${subpath} exports values`);
  }
});

test("launch, typed calls, events, an error and quit on Node", async () => {
  const qmp = await launch<Qmp7_2>({ binary, extraArgs: dataArgs });
  try {
    assert.ok(qmp.version.major >= 7);
    assert.equal((await qmp.execute("query-status")).running, true);
    await qmp.execute("stop");
    assert.equal((await qmp.waitFor("STOP", { timeout: 5000 })).event, "STOP");
    await qmp.execute("blockdev-add", {
      driver: "null-co",
      "node-name": "n0",
      size: 2n ** 60n + 1024n,
    });
    const [node] = await qmp.execute("query-named-block-nodes");
    assert.equal(node.image["virtual-size"] as unknown, 2n ** 60n + 1024n);
    await assert.rejects(
      qmp.execute("block_resize", { "node-name": "missing", size: 1 }),
      (error) => error instanceof QmpError && error.errorClass === "GenericError",
    );
    const shutdown = qmp.waitFor("SHUTDOWN", { timeout: 5000 });
    await qmp.execute("quit");
    assert.equal((await shutdown).data.guest, false);
  } finally {
    await qmp.close();
  }
});

test("the guest agent on Node", async () => {
  const agentBinary = process.env.QAPI_TS_QEMU_GA ?? "qemu-ga";
  const directory = mkdtempSync(join(tmpdir(), "qapi-ts-node-"));
  mkdirSync(join(directory, "state"));
  const socket = join(directory, "qga.sock");
  const child = spawn(agentBinary, [
    "-m",
    "unix-listen",
    "-p",
    socket,
    "-t",
    join(directory, "state"),
  ]);
  try {
    for (let i = 0; i < 500 && !existsSync(socket); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const agent = await connectGuestAgent(socket);
    const info = await agent.execute("guest-info");
    assert.match(info.version, /^\d+\.\d+\./);
    await agent.close();
  } finally {
    child.kill("SIGKILL");
    rmSync(directory, { recursive: true, force: true });
  }
});

test("the storage daemon on Node", async () => {
  const qsd = await launchStorageDaemon({
    binary: process.env.QAPI_TS_QSD ?? "qemu-storage-daemon",
  });
  try {
    await qsd.execute("blockdev-add", { driver: "null-co", "node-name": "n0", size: 1 << 20 });
    const nodes = await qsd.execute("query-named-block-nodes");
    assert.deepEqual(nodes.map((n) => n["node-name"]), ["n0"]);
  } finally {
    await qsd.close();
  }
});

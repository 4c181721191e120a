/**
 * The QMP client against the real QEMU 7.2 and 10.0 binaries.
 */
import assert from "node:assert/strict";
import { launch, type LaunchedQmpClient } from "../../lib/launch/launch.ts";
import { ConnectionClosedError, QmpError } from "../../lib/protocol/errors.ts";
import type { Qmp7_2 } from "../../schemas/qmp/7.2.js";
import { provision, realQemuSkipped } from "../provision/qemu.ts";

const skipped = realQemuSkipped();
const binaries = skipped ? undefined : await provision();

for (const version of ["7.2", "10.0"] as const) {
  const start = (options: { oob?: boolean } = {}): Promise<LaunchedQmpClient<Qmp7_2>> =>
    launch<Qmp7_2>({
      binary: binaries![version].system,
      extraArgs: binaries![version].dataArgs,
      ...options,
    });
  const test = (name: string, body: () => Promise<void>) =>
    Deno.test({ name: `QEMU ${version}: ${name}`, ignore: skipped, fn: body });

  test("greeting, query-status, stop and cont with their events", async () => {
    await using qmp = await start();
    assert.equal(`${qmp.version.major}.${qmp.version.minor}`, version);
    assert.ok(qmp.capabilities.includes("oob"));
    const status = await qmp.execute("query-status");
    assert.equal(status.running, true);
    assert.equal(status.status, "running");
    await qmp.execute("stop");
    const stop = await qmp.waitFor("STOP", { timeout: 5_000 });
    assert.equal(stop.event, "STOP");
    assert.ok(stop.timestamp.seconds > 0);
    assert.equal((await qmp.execute("query-status")).status, "paused");
    await qmp.execute("cont");
    await qmp.waitFor("RESUME", { timeout: 5_000 });
    assert.equal((await qmp.execute("query-status")).running, true);
  });

  test("blockdev-add (null-co; qcow2 over file), block_resize, query-named-block-nodes", async () => {
    await using qmp = await start();
    await qmp.execute("blockdev-add", { driver: "null-co", "node-name": "null0", size: 1 << 20 });
    const directory = await Deno.makeTempDir();
    try {
      const image = `${directory}/disk.qcow2`;
      const created = await new Deno.Command(binaries![version].img, {
        args: ["create", "-q", "-f", "qcow2", image, "16M"],
      }).output();
      assert.ok(created.success, new TextDecoder().decode(created.stderr));
      await qmp.execute("blockdev-add", {
        driver: "qcow2",
        "node-name": "disk0",
        file: { driver: "file", filename: image },
      });
      await qmp.execute("block_resize", { "node-name": "disk0", size: 32 << 20 });
      const nodes = await qmp.execute("query-named-block-nodes");
      const disk = nodes.find((node) => node["node-name"] === "disk0");
      assert.ok(disk, "disk0 listed");
      assert.equal(disk.drv, "qcow2");
      assert.equal(disk.image["virtual-size"], 32 << 20);
      assert.ok(nodes.some((node) => node["node-name"] === "null0" && node.drv === "null-co"));
      await qmp.execute("blockdev-del", { "node-name": "disk0" });
    } finally {
      await Deno.remove(directory, { recursive: true });
    }
  });

  test("a block job followed to completion through its events", async () => {
    await using qmp = await start();
    for (const name of ["source", "target"]) {
      await qmp.execute("blockdev-add", { driver: "null-co", "node-name": name, size: 64 << 20 });
    }
    const statuses: string[] = [];
    const off = qmp.on("JOB_STATUS_CHANGE", (event) => {
      if (event.data.id === "backup0") statuses.push(event.data.status);
    });
    await qmp.execute("blockdev-backup", {
      "job-id": "backup0",
      device: "source",
      target: "target",
      sync: "full",
    });
    const completed = await qmp.waitFor("BLOCK_JOB_COMPLETED", {
      where: (event) => event.data.device === "backup0",
      timeout: 30_000,
    });
    off();
    assert.equal(completed.data.len, 64 << 20);
    assert.equal(completed.data.offset, 64 << 20);
    assert.equal(completed.data.error, undefined);
    for (const status of ["created", "running", "concluded"]) {
      assert.ok(statuses.includes(status), `saw ${status} in ${statuses.join(",")}`);
    }
  });

  test("object-add and object-del", async () => {
    await using qmp = await start();
    await qmp.execute("object-add", { "qom-type": "iothread", id: "io0" });
    const threads = await qmp.execute("query-iothreads");
    assert.ok(threads.some((thread) => thread.id === "io0"));
    await qmp.execute("object-del", { id: "io0" });
    assert.ok(!(await qmp.execute("query-iothreads")).some((thread) => thread.id === "io0"));
  });

  test("a QMP error carries QEMU's class and desc and the command", async () => {
    await using qmp = await start();
    const error = await qmp.execute("block_resize", { "node-name": "missing", size: 1 }).then(
      () => undefined,
      (error) => error,
    );
    assert.ok(error instanceof QmpError);
    assert.equal(error.command, "block_resize");
    assert.equal(error.errorClass, "GenericError");
    assert.match(error.desc, /missing/);
    // The connection stays usable.
    assert.equal((await qmp.execute("query-status")).running, true);
  });

  test("concurrent calls are matched by id", async () => {
    await using qmp = await start();
    const results = await Promise.all([
      ...Array.from({ length: 40 }, () => qmp.execute("query-status")),
      qmp.execute("query-version"),
    ]);
    assert.equal(results.length, 41);
    const versionInfo = results[40] as Awaited<ReturnType<typeof qmp.execute<"query-version">>>;
    assert.equal(`${versionInfo.qemu.major}.${versionInfo.qemu.minor}`, version);
  });

  test("64-bit integers round-trip exactly (bigint beyond 2^53)", async () => {
    await using qmp = await start();
    const size = 2n ** 62n + 512n;
    await qmp.execute("blockdev-add", { driver: "null-co", "node-name": "huge", size });
    const nodes = await qmp.execute("query-named-block-nodes");
    const huge = nodes.find((node) => node["node-name"] === "huge")!;
    assert.equal(huge.image["virtual-size"] as unknown, size);
    // As a JavaScript number the same value would have been rounded.
    assert.notEqual(BigInt(Number(size)), size);
  });

  test("out-of-band execution when negotiated", async () => {
    await using qmp = await start({ oob: true });
    assert.deepEqual(qmp.enabled, ["oob"]);
    const error = await qmp.execute("migrate-pause", undefined, { oob: true }).catch((e) => e);
    assert.ok(error instanceof QmpError, String(error));
    assert.equal(error.command, "migrate-pause");
  });

  test("quit: the SHUTDOWN event, then the connection closes", async () => {
    const qmp = await start();
    const shutdown = qmp.waitFor("SHUTDOWN", { timeout: 5_000 });
    await qmp.execute("quit");
    const event = await shutdown;
    assert.equal(event.data.guest, false);
    assert.equal(await qmp.exited, 0);
    await qmp.close();
  });

  test("QEMU killed mid-command: pending calls reject, nothing hangs", async () => {
    const qmp = await start();
    // Freeze QEMU so the call stays in flight, then kill it.
    Deno.kill(qmp.pid, "SIGSTOP");
    const pending = qmp.execute("query-status");
    const timeout = qmp.execute("query-version", undefined, { timeout: 50 }).catch((e) => e);
    assert.equal((await timeout).name, "TimeoutError");
    Deno.kill(qmp.pid, "SIGKILL");
    await assert.rejects(pending, ConnectionClosedError);
    await assert.rejects(qmp.execute("query-status"), ConnectionClosedError);
    assert.equal(await qmp.exited, "SIGKILL");
    await qmp.close();
  });

  test("an aborted call rejects with the signal's reason", async () => {
    await using qmp = await start();
    Deno.kill(qmp.pid, "SIGSTOP");
    try {
      const controller = new AbortController();
      const call = qmp.execute("query-status", undefined, { signal: controller.signal });
      controller.abort(new Error("no longer needed"));
      await assert.rejects(call, /no longer needed/);
    } finally {
      Deno.kill(qmp.pid, "SIGCONT");
    }
    assert.equal((await qmp.execute("query-status")).running, true);
  });
}

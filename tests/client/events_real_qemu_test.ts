/**
 * Events against the real QEMU 7.2 and 10.0 binaries: every consumer gets
 * every event it matches, each through its own bounded queue.
 */
import assert from "node:assert/strict";
import { launch, type LaunchedQmpClient } from "../../lib/launch/launch.ts";
import { ConnectionClosedError } from "../../lib/protocol/errors.ts";
import type { Qmp7_2 } from "../../schemas/qmp/7.2.js";
import { provision, realQemuSkipped } from "../provision/qemu.ts";

const skipped = realQemuSkipped();
const binaries = skipped ? undefined : await provision();

for (const version of ["7.2", "10.0"] as const) {
  const start = async (): Promise<LaunchedQmpClient<Qmp7_2>> => {
    for (let attempt = 1;; attempt++) {
      try {
        return await launch<Qmp7_2>({
          binary: binaries![version].system,
          extraArgs: binaries![version].dataArgs,
        });
      } catch (error) {
        // launch() can connect between QEMU's bind() and listen() (ECONNREFUSED): not
        // what these tests are about, so try again.
        if (attempt === 3 || !/ECONNREFUSED/.test(String(error))) throw error;
      }
    }
  };
  const test = (name: string, body: () => Promise<void>) =>
    Deno.test({ name: `QEMU ${version}: ${name}`, ignore: skipped, fn: body });

  test("with events() running, execute then waitFor still finds the event", async () => {
    const seen: string[] = [];
    let iterating: Promise<void>;
    {
      await using qmp = await start();
      iterating = (async () => {
        for await (const event of qmp.events()) seen.push(event.event);
      })();
      await qmp.execute("stop");
      assert.equal((await qmp.waitFor("STOP", { timeout: 5_000 })).event, "STOP");
      await qmp.execute("cont");
      assert.equal((await qmp.waitFor("RESUME", { timeout: 5_000 })).event, "RESUME");
    }
    await iterating; // the iterator ends with the connection
    assert.deepEqual(seen.slice(0, 2), ["STOP", "RESUME"]);
    assert.ok(seen.slice(2).every((name) => name === "SHUTDOWN"), seen.join(", "));
  });

  test("two concurrent waitFor of RESUME both resolve", async () => {
    await using qmp = await start();
    await qmp.execute("stop");
    const first = qmp.waitFor("RESUME", { history: false, timeout: 5_000 });
    const second = qmp.waitFor("RESUME", { history: false, timeout: 5_000 });
    await qmp.execute("cont");
    const [a, b] = await Promise.all([first, second]);
    assert.equal(a.event, "RESUME");
    assert.equal(a, b);
  });

  test("listen before execute: a listener, an iterator and a waiter get the same event", async () => {
    await using qmp = await start();
    using stops = qmp.listen("STOP");
    using everything = qmp.events();
    const waiter = qmp.waitFor("STOP", { history: false, timeout: 5_000 });
    await qmp.execute("stop");
    const stop = await stops.wait({ timeout: 5_000 });
    assert.equal(stop.event, "STOP");
    assert.ok(stop.timestamp.seconds > 0);
    assert.equal((await everything.next()).value, stop);
    assert.equal(await waiter, stop);
  });

  test("many events: each listener keeps its own bound and drop count", async () => {
    await using qmp = await start();
    const pairs = 200;
    let handled = 0;
    using _handler = qmp.on("STOP", () => handled++);
    using slow = qmp.listen(["STOP", "RESUME"], { queueSize: 10 });
    using resumes = qmp.listen(["STOP", "RESUME"], {
      where: (event) => event.event === "RESUME",
      queueSize: pairs,
    });
    using all = qmp.events();
    // Pipelined: QEMU sends each event before the reply of the command that caused it.
    const calls = [];
    for (let i = 0; i < pairs; i++) calls.push(qmp.execute("stop"), qmp.execute("cont"));
    await Promise.all(calls);
    assert.equal(handled, pairs);
    assert.equal(slow.size, 10);
    assert.equal(slow.dropped, 2 * pairs - 10);
    assert.equal(resumes.size, pairs);
    assert.equal(resumes.dropped, 0);
    assert.equal(all.size, 2 * pairs);
    assert.equal(all.dropped, 0);
    assert.equal(qmp.droppedEvents, 2 * pairs - 10);
    // The newest are kept, in order.
    assert.deepEqual(
      slow.clear().map((event) => event.event),
      Array.from({ length: 10 }, (_, i) => (i % 2 ? "RESUME" : "STOP")),
    );
  });

  test("a throwing where fails that waiter only", async () => {
    await using qmp = await start();
    const boom = new Error("filter broke");
    const broken = qmp.waitFor("STOP", {
      history: false,
      where: () => {
        throw boom;
      },
    });
    const fine = qmp.waitFor("STOP", { history: false, timeout: 5_000 });
    await qmp.execute("stop");
    await assert.rejects(broken, (error) => error === boom);
    assert.equal((await fine).event, "STOP");
    assert.equal((await qmp.execute("query-status")).status, "paused");
  });

  test("closing: pending waits reject with ConnectionClosedError, listeners end", async () => {
    const qmp = await start();
    const never = qmp.waitFor("BLOCK_JOB_COMPLETED");
    const listener = qmp.listen("BLOCK_JOB_COMPLETED");
    const waiting = listener.wait();
    const shutdown = qmp.waitFor("SHUTDOWN", { timeout: 5_000 });
    const rejected = Promise.all([
      assert.rejects(never, ConnectionClosedError),
      assert.rejects(waiting, ConnectionClosedError),
    ]);
    await qmp.close();
    assert.equal((await shutdown).data.guest, false);
    await rejected;
    assert.equal(listener.closed, true);
    assert.equal((await listener.next()).done, true);
  });
}

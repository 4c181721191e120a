/**
 * The trace hook against the real QEMU 7.2 and 10.0: every message in and
 * out, in order, with its direction and time; a recording saved as JSON
 * Lines and replayed without QEMU gives the same results, events and
 * errors, and a session that strays from it fails clearly.
 */
import assert from "node:assert/strict";
import { connect, type QmpClient } from "../../lib/client/qmp.ts";
import { ConnectionClosedError, QmpError } from "../../lib/protocol/errors.ts";
import { parseTrace, type TraceEntry, TraceRecorder } from "../../lib/protocol/trace.ts";
import { replayTransport } from "../../lib/transport/replay.ts";
import type { Qmp7_2 } from "../../schemas/qmp/7.2.js";
import { skipped, startQemu } from "./qemu_process.ts";

/** A session: what it saw, to compare live and replayed. */
async function session(qmp: QmpClient<Qmp7_2>): Promise<unknown[]> {
  const seen: unknown[] = [];
  seen.push((await qmp.execute("query-status")).status);
  await qmp.execute("stop");
  const stop = await qmp.waitFor("STOP", { timeout: 5_000 });
  seen.push(stop.event, stop.timestamp);
  await qmp.execute("blockdev-add", { driver: "null-co", "node-name": "n0", size: 2n ** 60n });
  const [node] = await qmp.execute("query-named-block-nodes");
  seen.push(node["node-name"], node.image["virtual-size"]);
  const failure = await qmp.execute("block_resize", { "node-name": "nope", size: 1 }).then(
    () => undefined,
    (error) => error,
  );
  assert.ok(failure instanceof QmpError);
  seen.push(failure.errorClass, failure.desc);
  // Pipelined: several calls in one write, answered in order.
  seen.push(
    await Promise.all([qmp.execute("query-status"), qmp.execute("query-name")]),
  );
  return seen;
}

for (const version of ["7.2", "10.0"] as const) {
  Deno.test({
    name: `trace, QEMU ${version}: every message in and out, recorded and replayed without QEMU`,
    ignore: skipped,
    fn: async () => {
      const directory = await Deno.makeTempDir();
      const path = `${directory}/qmp.sock`;
      try {
        await using _qemu = await startQemu(
          version,
          ["-qmp", `unix:${path},server=on,wait=off`],
          path,
        );
        const recorder = new TraceRecorder();
        const live: TraceEntry[] = [];
        const qmp = await connect<Qmp7_2>(path, {
          trace: (entry) => {
            live.push(entry);
            recorder.hook(entry);
          },
        });
        const seenLive = await session(qmp);
        await qmp.close();

        // What went over the wire, in order, with direction and time.
        assert.equal(live[0].direction, "in");
        assert.match(live[0].message, /^\{"QMP": \{"version"/);
        assert.equal(live[1].message, '{"execute":"qmp_capabilities","id":1}');
        assert.equal(live[2].message, '{"return": {}, "id": 1}');
        assert.ok(live.some((e) => e.direction === "in" && /"event": "STOP"/.test(e.message)));
        assert.ok(live.some((e) => e.message.includes('"size":1152921504606846976')));
        assert.ok(live.every((e, i) => i === 0 || e.time >= live[i - 1].time));
        assert.ok(Math.abs(live[0].time - Date.now()) < 60_000, "times are epoch milliseconds");
        const sent = live.filter((e) => e.direction === "out").length;
        assert.equal(sent, 8, "capabilities and seven calls");

        // Saved, read back, replayed: the same session, with no QEMU.
        const file = `${directory}/session.jsonl`;
        await Deno.writeTextFile(file, recorder.toJsonLines());
        const recording = parseTrace(await Deno.readTextFile(file), file);
        assert.deepEqual(recording, live);
        const transport = replayTransport(recording);
        const replayed = await connect<Qmp7_2>(transport);
        assert.equal(`${replayed.version.major}.${replayed.version.minor}`, version);
        assert.deepEqual(await session(replayed), seenLive);
        assert.equal(transport.remaining, 0);
        await replayed.close();

        // A session that strays from the recording fails, naming both messages.
        const strayed = await connect<Qmp7_2>(replayTransport(recording));
        await assert.rejects(
          strayed.execute("query-name"),
          (error) =>
            error instanceof ConnectionClosedError &&
            error.message.includes(
              'replay: the client sent {"execute":"query-name","id":2}, but the recording has ' +
                '{"execute":"query-status","id":2}',
            ),
        );
      } finally {
        await Deno.remove(directory, { recursive: true });
      }
    },
  });
}

Deno.test("trace: a hook that throws does not disturb the connection; recordings are bounded and checked", async () => {
  const entries: TraceEntry[] = [
    { direction: "in", time: 1, message: '{"QMP":{"version":{},"capabilities":[]}}' },
    { direction: "out", time: 2, message: '{"execute":"qmp_capabilities","id":1}' },
    { direction: "in", time: 3, message: '{"return":{},"id":1}' },
    { direction: "out", time: 4, message: '{"execute":"query-name","id":2}' },
    { direction: "in", time: 5, message: '{"return":{"name":"vm"},"id":2}' },
  ];
  const thrown: unknown[] = [];
  const onError = (event: ErrorEvent) => {
    event.preventDefault();
    thrown.push(event.error);
  };
  globalThis.addEventListener("error", onError);
  try {
    const recorder = new TraceRecorder({ maxEntries: 3 });
    const qmp = await connect<Qmp7_2>(replayTransport(entries), {
      trace: (entry) => {
        recorder.hook(entry);
        throw new Error("hook failed");
      },
    });
    assert.equal((await qmp.execute("query-name")).name, "vm");
    await qmp.close();
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(thrown.length, 5, "each throw reported, none stopped the connection");
    assert.deepEqual(
      recorder.entries.map((e) => e.message),
      entries.slice(0, 3).map((e) => e.message),
    );
    assert.equal(recorder.dropped, 2);
  } finally {
    globalThis.removeEventListener("error", onError);
  }
  assert.throws(
    () => parseTrace('{"direction":"in","time":1,"message":"x"}\nnot json\n', "s.jsonl"),
    {
      name: "SyntaxError",
      message: /^s\.jsonl:2: not JSON/,
    },
  );
  assert.throws(() => parseTrace('{"direction":"sideways","time":1,"message":"x"}'), {
    message: 'recording:1: direction must be "in" or "out"',
  });
  assert.throws(() => new TraceRecorder({ maxEntries: -1 }), RangeError);
});

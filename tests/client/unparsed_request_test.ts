/**
 * Requests QEMU cannot parse. QEMU answers them with an error without `id`
 * (then one for each piece of the rest it cannot parse either), so a call
 * waiting for its reply by id would wait forever. What QEMU is known to
 * refuse is refused before sending; anything else QEMU refuses settles the
 * oldest in-band call waiting, since QEMU answers in-band requests in order.
 * Against the real QEMU 7.2 and 10.0, and a scripted peer.
 */
import assert from "node:assert/strict";
import { connect } from "../../lib/client/qmp.ts";
import { Connection } from "../../lib/protocol/connection.ts";
import { QmpError } from "../../lib/protocol/errors.ts";
import type { JsonValue } from "../../lib/types/json.ts";
import { connectSocket, type Transport } from "../../lib/transport/transport.ts";
import { skipped, startQemu } from "./qemu_process.ts";
import { peer, reply } from "./scripted_peer.ts";

/** Settles within `ms`, or says it did not. */
function within<value>(promise: Promise<value>, ms: number): Promise<value | "still waiting"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<"still waiting">((resolve) =>
      timer = setTimeout(() => resolve("still waiting"), ms)
    ),
  ]);
}

/** `levels` arrays around a number. */
function nested(levels: number): JsonValue {
  let value: JsonValue = 1;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

/**
 * A transport that writes `"@@deep@@"` as a value nested `levels` deep: a
 * request the client's own check never sees, as QEMU receives it.
 */
function corrupting(inner: Transport, levels: number): Transport {
  const deep = "[".repeat(levels) + "1" + "]".repeat(levels);
  return {
    write: (data) =>
      inner.write(typeof data === "string" ? data.replaceAll('"@@deep@@"', deep) : data),
    close: () => inner.close(),
    onData: (handler) => inner.onData(handler),
    onClose: (handler) => inner.onClose(handler),
    onDrain: inner.onDrain && ((handler) => inner.onDrain!(handler)),
  };
}

/** QEMU `version` on a fresh socket, for `body`; protocol errors must not occur. */
async function withQemu(
  version: "7.2" | "10.0",
  body: (path: string, onProtocolError: (e: Error) => void) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/qmp.sock`;
  const protocolErrors: string[] = [];
  try {
    await using _qemu = await startQemu(version, ["-qmp", `unix:${path},server=on,wait=off`], path);
    await body(path, (e) => protocolErrors.push(e.message));
    assert.deepEqual(protocolErrors, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

for (const version of ["7.2", "10.0"] as const) {
  Deno.test({
    name: `QEMU ${version}: arguments QEMU's parser refuses are not sent, and the client goes on`,
    ignore: skipped,
    fn: () =>
      withQemu(version, async (path, onProtocolError) => {
        await using qmp = await connect(path, { onProtocolError });
        const set = (value: JsonValue) =>
          qmp.execute("qom-set", { path: "/machine", property: "no-such-property", value });
        const refused = [
          [nested(1023), /qom-set: not sent.*nests 1025 objects and arrays deep/],
          ["a\uFFFFb", /noncharacter/],
          ["a\u{10FFFF}b", /noncharacter/],
          ["a\uD800b", /lone surrogate/],
        ] as const;
        for (const [value, message] of refused) {
          const error = await within(set(value).catch((e) => e), 10_000);
          assert.ok(error instanceof TypeError && message.test(error.message), `${error}`);
        }
        // What QEMU does parse reaches it: its own answer comes back.
        for (const value of [nested(1022), "a\u0000b", "\\ud800", "a\uFFFDb", "a\u{1F600}b"]) {
          const error = await within(set(value).catch((e) => e), 10_000);
          assert.ok(error instanceof QmpError && /not found/.test(error.desc), `${error}`);
        }
        assert.equal((await qmp.execute("query-status")).running, true);
      }),
  });

  Deno.test({
    name: `QEMU ${version}: a request QEMU cannot parse settles its own call, not the next ones`,
    ignore: skipped,
    fn: () =>
      withQemu(version, async (path, onProtocolError) => {
        await using qmp = await connect(corrupting(await connectSocket(path), 1100), {
          onProtocolError,
        });
        // Written together: the one QEMU cannot parse between two it answers.
        const before = qmp.execute("query-status");
        const unparsed = qmp.execute("qom-set", {
          path: "/machine",
          property: "no-such-property",
          value: "@@deep@@",
        });
        const after = qmp.execute("query-name");
        const error = await within(unparsed.catch((e) => e), 10_000);
        assert.ok(error instanceof QmpError, `settled: ${error}`);
        assert.match(error.message, /^qom-set: GenericError: JSON nesting depth limit exceeded/);
        assert.equal((await before).running, true);
        assert.deepEqual(await within(after, 10_000), {});
        // The thousand errors about the rest of that request settle nothing else.
        assert.equal((await qmp.execute("query-status")).running, true);
      }),
  });
}

const idless = (desc: string) => JSON.stringify({ error: { class: "GenericError", desc } }) + "\n";

Deno.test("errors without id settle the oldest in-band call once, up to the next reply with an id", async () => {
  const server = await peer((socket, request) => {
    if (request.execute === "bad") {
      socket.write(idless("JSON parse error, one") + idless("JSON parse error, two"));
    } else {
      reply(socket, request, request.execute === "qmp_capabilities" ? {} : request.execute);
    }
  });
  const protocolErrors: string[] = [];
  await using qmp = await connect(server.path, {
    onProtocolError: (e) => protocolErrors.push(e.message),
  });
  const execute = qmp.execute as unknown as (command: string) => Promise<unknown>;
  const calls = [execute("first"), execute("bad"), execute("second"), execute("third")];
  const settled = await within(Promise.allSettled(calls), 5_000);
  assert.ok(settled !== "still waiting", "every call settles");
  assert.deepEqual(settled.map((s) => s.status), [
    "fulfilled",
    "rejected",
    "fulfilled",
    "fulfilled",
  ]);
  assert.match(
    String((settled[1] as PromiseRejectedResult).reason),
    /bad: GenericError: JSON parse error, one/,
  );
  assert.deepEqual(settled.filter((s) => s.status === "fulfilled").map((s) => s.value), [
    "first",
    "second",
    "third",
  ]);
  // A second request that cannot be parsed, after replies with an id: settled too.
  assert.match(
    String(await within(execute("bad").catch((e) => e), 5_000)),
    /JSON parse error, one/,
  );
  assert.deepEqual(protocolErrors, []);
});

Deno.test("without in-order replies (the guest agent's case) an error without id is only reported", async () => {
  const server = await peer((socket, request) => {
    if (request.execute === "bad") socket.write(idless("JSON parse error"));
  });
  const protocolErrors: string[] = [];
  const connection = new Connection(await connectSocket(server.path), {
    onProtocolError: (e) => protocolErrors.push(e.message),
  });
  await connection.greeting;
  const call = connection.call("bad", undefined, { timeout: 300 });
  await assert.rejects(call, /timed out|timeout/i);
  assert.deepEqual(protocolErrors, ["error without id: GenericError: JSON parse error"]);
  connection.close();
  await server.done();
});

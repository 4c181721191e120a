/**
 * Fault injection: a scripted QMP peer (in addition to the real QEMU tests)
 * that sends what QEMU never should, or does in rare orders.
 */
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { connect } from "../../lib/client/qmp.ts";
import { greeting, peer, reply, timestamp } from "./scripted_peer.ts";
import { skipped, startQemu } from "./qemu_process.ts";
import { connectSocket, type Transport } from "../../lib/transport/transport.ts";
import {
  ConnectionClosedError,
  ProtocolError,
  type QmpError,
  TimeoutError,
} from "../../lib/protocol/errors.ts";

Deno.test("an event between qmp_capabilities and its reply is not lost", async () => {
  const server = await peer((socket, request) => {
    if (request.execute === "qmp_capabilities") {
      socket.write(JSON.stringify({ event: "RESUME", timestamp }) + "\n");
    }
    reply(socket, request);
  });
  const qmp = await connect(server.path);
  const event = await qmp.waitFor("RESUME", { timeout: 1000 });
  assert.deepEqual(event, { event: "RESUME", data: {}, timestamp });
  await qmp.close();
  await server.done();
});

Deno.test("replies are routed by id, whatever their order, with events in between", async () => {
  const held: Record<string, unknown>[] = [];
  const server = await peer((socket, request) => {
    if (request.execute === "qmp_capabilities") return reply(socket, request);
    held.push(request);
    if (held.length === 2) {
      // Answer the second first, with an event in between.
      reply(socket, held[1], { running: false, status: "paused" });
      socket.write(JSON.stringify({ event: "STOP", timestamp }) + "\n");
      reply(socket, held[0], { qemu: { major: 10, minor: 2, micro: 0 }, package: "" });
    }
  });
  const qmp = await connect(server.path);
  const [version, status] = await Promise.all([
    qmp.execute("query-version"),
    qmp.execute("query-status"),
  ]);
  assert.equal(version.qemu.major, 10);
  assert.equal(status.status, "paused");
  assert.equal((await qmp.waitFor("STOP", { timeout: 1000 })).event, "STOP");
  await qmp.close();
  await server.done();
});

Deno.test("a message over the size limit closes the connection and rejects pending calls", async () => {
  const problems: ProtocolError[] = [];
  const server = await peer((socket, request) => {
    if (request.execute === "qmp_capabilities") return reply(socket, request);
    socket.write(`{"return": "${"x".repeat(200_000)}`); // never ends within the limit
  });
  const qmp = await connect(server.path, {
    maxMessageBytes: 64 << 10,
    onProtocolError: (error) => problems.push(error),
  });
  await assert.rejects(qmp.execute("query-status"), ConnectionClosedError);
  assert.match(problems[0].message, /larger than 65536 bytes/);
  await server.done();
});

Deno.test("a peer that sends nothing: the greeting times out, nothing hangs", async () => {
  const server = await peer(() => {}, () => {});
  await assert.rejects(
    connect(server.path, { greetingTimeout: 100 }),
    /no QMP greeting within 100 ms/,
  );
  await server.done();
});

Deno.test("a peer that dies mid-call rejects the call with ConnectionClosedError", async () => {
  const server = await peer((socket, request) => {
    if (request.execute === "qmp_capabilities") return reply(socket, request);
    socket.destroy();
  });
  const qmp = await connect(server.path);
  await assert.rejects(qmp.execute("query-status"), ConnectionClosedError);
  assert.ok(await qmp.closed);
  await server.done();
});

Deno.test("validateReplies: a result that does not fit the live schema is reported, not refused", async () => {
  const schema = [
    { name: "query-status", "meta-type": "command", "arg-type": "0", "ret-type": "1" },
    { name: "0", "meta-type": "object", members: [] },
    { name: "1", "meta-type": "object", members: [{ name: "running", type: "bool" }] },
    { name: "bool", "meta-type": "builtin", "json-type": "boolean" },
  ];
  const server = await peer((socket, request) => {
    if (request.execute === "query-qmp-schema") return reply(socket, request, schema);
    reply(socket, request, { running: "yes" });
  });
  const problems: string[] = [];
  const qmp = await connect(server.path, {
    strict: true,
    validateReplies: true,
    onProtocolError: (error) => problems.push(error.message),
  });
  const status = await qmp.execute("query-status");
  assert.equal(status.running as unknown, "yes");
  assert.deepEqual(problems, [
    'query-status: reply does not fit the schema: running: expected a boolean, got "yes"',
  ]);
  await qmp.close();
  await server.done();
});

// Hostile peers: nothing a peer sends may throw out of the library, and every
// call settles.

/** `promise`, or a rejection saying it did not settle within `milliseconds`. */
function settlesWithin<value>(promise: Promise<value>, milliseconds = 2000): Promise<value> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`unsettled after ${milliseconds} ms`)),
        milliseconds,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

Deno.test("strict + validateReplies: ill-typed event data holding a big integer is reported, nothing thrown", async () => {
  const schema = [
    { name: "query-status", "meta-type": "command", "arg-type": "0", "ret-type": "0" },
    { name: "STOP", "meta-type": "event", "arg-type": "1" },
    { name: "0", "meta-type": "object", members: [] },
    { name: "1", "meta-type": "object", members: [{ name: "reason", type: "str" }] },
    { name: "str", "meta-type": "builtin", "json-type": "string" },
  ];
  const server = await peer((socket, request) => {
    if (request.execute === "query-qmp-schema") return reply(socket, request, schema);
    if (request.execute === "query-status") {
      socket.write(
        `{"event":"STOP","data":{"reason":[12345678901234567890]},"timestamp":{"seconds":1,"microseconds":2}}\n`,
      );
    }
    reply(socket, request);
  });
  const problems: string[] = [];
  const qmp = await connect(server.path, {
    strict: true,
    validateReplies: true,
    onProtocolError: (error) => problems.push(error.message),
  });
  await qmp.execute("query-status");
  // A throw from the check would surface here, as an uncaught error.
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(problems, [
    "STOP: data does not fit the schema: reason: expected a string, got [12345678901234567890]",
  ]);
  await qmp.close();
  await server.done();
});

Deno.test("an error reply of the wrong shape settles its call with ProtocolError", async () => {
  const errors = [
    { class: { toString: 1 } },
    { class: 5, desc: "five" },
    { class: "GenericError" },
    { class: "GenericError", desc: { valueOf: 1 } },
    null,
    "oops",
    [],
  ];
  let next = 0;
  const server = await peer((socket, request) => {
    if (request.execute === "qmp_capabilities") return reply(socket, request);
    if (request.execute === "query-name") {
      const body = { error: { class: "DeviceNotFound", desc: "no" }, id: request.id };
      return socket.write(JSON.stringify(body) + "\n");
    }
    socket.write(JSON.stringify({ error: errors[next++], id: request.id }) + "\n");
  });
  const qmp = await connect(server.path, { onProtocolError: () => {} });
  for (const error of errors) {
    await assert.rejects(
      settlesWithin(qmp.execute("query-status")),
      (e: Error) =>
        e instanceof ProtocolError && /query-status: malformed error reply/.test(e.message),
      JSON.stringify(error),
    );
  }
  // The connection is still up, and a well-formed error is still a QmpError.
  await assert.rejects(
    qmp.execute("query-name"),
    (e: QmpError) => e.errorClass === "DeviceNotFound",
  );
  await qmp.close();
  await server.done();
});

Deno.test("a greeting with fields of the wrong type is a ProtocolError, never a TypeError", async () => {
  const version = { qemu: { major: 10, minor: 2, micro: 0 }, package: "" };
  const greetings = [
    { version: { ...version, qemu: { major: { toString: 1 }, minor: 0, micro: 0 } } },
    { version: { ...version, qemu: { major: 10, minor: "2", micro: 0 } } },
    { version: { ...version, qemu: { major: 10, minor: 2, micro: 1.5 } } },
    { version: { ...version, package: { toString: 1 } }, capabilities: [] },
    { version, capabilities: [{ toString: 1 }] },
    { version, capabilities: "oob" },
    { version: [], capabilities: [] },
    { version: { ...version, qemu: "10.2.0" } },
    5,
    null,
  ];
  let next = 0;
  const server = await peer(
    (socket, request) => reply(socket, request),
    (socket) => socket.write(JSON.stringify({ QMP: greetings[next++] }) + "\n"),
  );
  for (const greeting of greetings) {
    await assert.rejects(
      settlesWithin(connect(server.path)),
      (e: Error) => e instanceof ProtocolError && /malformed greeting/.test(e.message),
      JSON.stringify(greeting),
    );
  }
  await server.done();
});

Deno.test("events of the wrong shape are reported and not delivered", async () => {
  const server = await peer((socket, request) => {
    if (request.execute === "query-status") {
      socket.write(
        [
          { event: "STOP", data: [1], timestamp },
          { event: "STOP", data: "paused", timestamp },
          { event: "STOP", data: null, timestamp },
          { event: "STOP", timestamp: "now" },
          { event: "STOP", timestamp: { seconds: "1", microseconds: 0 } },
          { event: "RESUME", timestamp },
        ].map((message) => JSON.stringify(message) + "\n").join(""),
      );
    }
    reply(socket, request);
  });
  const problems: string[] = [];
  const qmp = await connect(server.path, {
    onProtocolError: (error) => problems.push(error.message),
  });
  const seen: string[] = [];
  qmp.on("STOP", (event) => seen.push(event.event));
  qmp.on("RESUME", (event) => seen.push(event.event));
  await qmp.execute("query-status");
  assert.deepEqual(seen, ["RESUME"]);
  assert.equal(problems.length, 5);
  assert.ok(problems.every((p) => /event data is not an object|malformed event timestamp/.test(p)));
  await qmp.close();
  await server.done();
});

Deno.test("strings that look like old bigint markers stay strings end to end", async () => {
  const server = await peer((socket, request) => {
    if (request.execute === "qmp_capabilities") return reply(socket, request);
    socket.write(
      `{"return": {"bad": "\\u0000bigint:x", "seven": "\\u0000bigint:7", "n": 12345678901234567890}, "id": ${request.id}}\n`,
    );
  });
  const qmp = await connect(server.path);
  assert.deepEqual(await settlesWithin(qmp.connection.call("x-echo")), {
    bad: "\u0000bigint:x",
    seven: "\u0000bigint:7",
    n: 12345678901234567890n,
  });
  await qmp.close();
  await server.done();
});

Deno.test("a peer that stops reading: requests wait in the client, and those that time out are never sent", async () => {
  let statusRequests = 0;
  const sockets: Socket[] = [];
  const server = await peer((socket, request) => {
    if (request.execute === "query-status") return void statusRequests++;
    reply(socket, request);
    if (request.execute === "qmp_capabilities") {
      sockets.push(socket);
      socket.pause(); // reads nothing more until resumed
    }
  });
  const qmp = await connect(server.path);
  const count = 100_000;
  const results = await Promise.allSettled(
    Array.from({ length: count }, () => qmp.execute("query-status", undefined, { timeout: 300 })),
  );
  assert.ok(results.every((r) => r.status === "rejected" && r.reason instanceof TimeoutError));
  // Aborted in the tick it was made: never written either.
  const controller = new AbortController();
  const aborted = qmp.execute("query-status", undefined, { signal: controller.signal });
  controller.abort();
  await assert.rejects(aborted);
  sockets[0].resume();
  // Answered after everything written before it has been read.
  assert.deepEqual(await settlesWithin(qmp.execute("query-name"), 10_000), {});
  // Only what the socket buffers held when the peer stopped reading went out
  // (about 45 bytes a request): a bound in bytes, not the 100k requests made.
  assert.ok(statusRequests < count / 5, `${statusRequests} of ${count} requests were sent`);
  await qmp.close();
  await server.done();
});

Deno.test("timeouts past 2^31 - 1 ms and Infinity wait; a negative or NaN timeout is a RangeError", async () => {
  const server = await peer(
    (socket, request) => {
      if (request.execute === "qmp_capabilities") return reply(socket, request);
      // Answers after 50 ms, with an event first.
      setTimeout(() => {
        socket.write(JSON.stringify({ event: "STOP", timestamp }) + "\n");
        reply(socket, request, { running: false, status: "paused" });
      }, 50);
    },
    (socket) => void setTimeout(() => socket.write(greeting), 50),
  );
  const qmp = await connect(server.path, { greetingTimeout: 2 ** 31 });
  for (const timeout of [2 ** 31, 2 ** 32 + 1, Infinity]) {
    assert.equal((await qmp.execute("query-status", undefined, { timeout })).status, "paused");
    const stop = qmp.waitFor("STOP", { timeout, history: false }); // the next one: 50 ms away
    await qmp.execute("query-status");
    assert.equal((await stop).event, "STOP");
  }
  for (const timeout of [-1, NaN, -Infinity]) {
    await assert.rejects(
      qmp.execute("query-status", undefined, { timeout }),
      (e: Error) =>
        e instanceof RangeError && /timeout must be a number of milliseconds/.test(e.message),
    );
  }
  await assert.rejects(connect(server.path, { greetingTimeout: -5 }), RangeError);
  await qmp.close();
  await server.done();
});

Deno.test("a large reply arrives whole; a line without a newline is cut once its bytes pass the limit", async () => {
  let written = 0;
  const server = await peer(async (socket, request) => {
    if (request.execute === "qmp_capabilities") return reply(socket, request);
    if (request.execute === "x-large") {
      // 48 MiB of two-byte characters: 24 Mi UTF-16 units.
      return reply(socket, request, "é".repeat(24 << 20));
    }
    // Never ends: two-byte characters in 1 MiB writes, as fast as the client reads.
    const piece = "é".repeat(1 << 19);
    socket.write('{"return": "');
    while (written < 160 << 20 && !socket.destroyed) {
      written += 1 << 20;
      if (!socket.write(piece)) {
        // Whichever comes first; the other listener goes too (they would pile up).
        await new Promise<void>((resolve) => {
          const done = () => {
            socket.off("drain", done);
            socket.off("close", done);
            resolve();
          };
          socket.once("drain", done);
          socket.once("close", done);
        });
      }
    }
  });
  const problems: string[] = [];
  const qmp = await connect(server.path, {
    maxMessageBytes: 56 << 20,
    onProtocolError: (error) => problems.push(error.message),
  });
  assert.equal(await qmp.connection.call("x-large"), "é".repeat(24 << 20));
  await assert.rejects(qmp.connection.call("x-endless"), ConnectionClosedError);
  assert.deepEqual(problems, [`message larger than ${56 << 20} bytes`]);
  // Cut at the limit in bytes (plus what the socket buffers held), not at
  // the limit in UTF-16 units (twice as many bytes here).
  assert.ok(written <= (56 + 8) << 20, `the peer wrote ${written >> 20} MiB`);
  await server.done();
});

Deno.test("an event before the greeting is waited past, as QEMU 10.0 sometimes sends one first", async () => {
  const server = await peer(
    (socket, request) => reply(socket, request),
    (socket) => socket.write(JSON.stringify({ event: "RESUME", timestamp }) + "\n" + greeting),
  );
  const qmp = await settlesWithin(connect(server.path, { greetingTimeout: 5_000 }));
  assert.deepEqual(await qmp.execute("query-status" as never), {});
  await qmp.close();
  await server.done();
});

Deno.test("a peer whose first message is not a greeting fails the connection at once, whatever the greeting's timeout", async () => {
  const firsts = [
    "QEMU 10.2.0 monitor - type 'help' for more information\r\n(qemu) ", // HMP, not QMP
    JSON.stringify({ return: {} }) + "\n",
    "[1]\n",
  ];
  let next = 0;
  const server = await peer(
    (socket, request) => reply(socket, request),
    (socket) => socket.write(firsts[next++]),
  );
  for (const first of firsts) {
    await assert.rejects(
      settlesWithin(connect(server.path, { greetingTimeout: Infinity, onProtocolError: () => {} })),
      (e: Error) =>
        e instanceof ProtocolError && /first message is not a QMP greeting/.test(e.message),
      first,
    );
  }
  await server.done();
});

Deno.test("strict: a server that never answers query-qmp-schema fails connect() after greetingTimeout", async () => {
  const server = await peer((socket, request) => {
    if (request.execute !== "query-qmp-schema") reply(socket, request);
  });
  await assert.rejects(
    settlesWithin(connect(server.path, { strict: true, greetingTimeout: 200 })),
    (e: Error) => e instanceof TimeoutError && e.command === "query-qmp-schema",
  );
  await server.done();
});

// The peer answered, but unreadably. QEMU answers in-band requests in order
// (the QMP clients set `repliesInOrder`), so a line that may be an answer
// but can't be read settles the oldest call owed an answer: with a
// ProtocolError naming its command and quoting the line. The connection
// stays up.

/**
 * A peer that answers `query-status` with what `unreadable` gives (for the
 * request's id), and every other request properly: the call settles with a
 * ProtocolError matching `expected`, the line is reported (when `reported`),
 * and the next call is answered as usual.
 */
async function answeredUnreadably(
  unreadable: (id: number) => string | Uint8Array,
  expected: RegExp,
  reported = true,
): Promise<void> {
  const server = await peer((socket, request) => {
    if (request.execute !== "query-status") return reply(socket, request, { name: "vm" });
    socket.write(unreadable(request.id as number));
  });
  const problems: string[] = [];
  const qmp = await connect(server.path, { onProtocolError: (e) => problems.push(e.message) });
  const error = await settlesWithin(qmp.execute("query-status").catch((e) => e));
  assert.ok(error instanceof ProtocolError, `settled with ${error}`);
  assert.match(error.message, expected);
  // Reported once, unless its call carries it (a reply to it, only malformed).
  assert.equal(problems.length, reported ? 1 : 0, problems.join("\n"));
  // The connection is still usable.
  assert.deepEqual(await settlesWithin(qmp.execute("query-name")), { name: "vm" });
  await qmp.close();
  await server.done();
}

Deno.test("a reply line that is not JSON settles its call; the client stays usable", async () => {
  await answeredUnreadably(
    () => "this is not json\n",
    /^query-status: unreadable reply, line is not JSON: this is not json$/,
  );
});

Deno.test("a reply cut short (a truncated object) settles its call", async () => {
  await answeredUnreadably(
    () => `{"return": {"running": tr\n`,
    /^query-status: unreadable reply, line is not JSON: \{"return": \{"running": tr$/,
  );
});

Deno.test("a reply cut by bytes that are not UTF-8 settles its call", async () => {
  await answeredUnreadably(
    (id) =>
      new Uint8Array([
        ...new TextEncoder().encode(`{"return": {"running": true, "status": "run`),
        0xc3, // a lead byte without its continuation, then an invalid byte
        0xff,
        ...new TextEncoder().encode(`, "id": ${id}}\n`),
      ]),
    /^query-status: unreadable reply, line is not JSON: \{"return": \{"running": true, "status": "run\uFFFD\uFFFD, "id": \d+\}$/,
  );
});

for (const value of ["[1]", "5", '"running"', "null"]) {
  Deno.test(`a reply that is JSON but not an object (${value}) settles its call`, async () => {
    await answeredUnreadably(
      () => value + "\n",
      new RegExp(
        `^query-status: unreadable reply, message is not a JSON object: ${
          value.replace(/[[\]]/g, "\\$&")
        }$`,
      ),
    );
  });
}

Deno.test("a reply with return but no id settles its call", async () => {
  await answeredUnreadably(
    () => JSON.stringify({ return: { running: true, status: "running" } }) + "\n",
    /^query-status: unreadable reply, reply without id: \{"return":\{"running":true/,
  );
});

for (const id of ['"ID"', "1.5", "0", "-3", "null", "{}", "[3]", "12345678901234567890", "99"]) {
  Deno.test(`a reply with an id no request had (${id}) settles the call owed an answer`, async () => {
    await answeredUnreadably(
      () => `{"return": {"running": true, "status": "running"}, "id": ${id}}\n`,
      /^query-status: unreadable reply, reply with an id no request had \(/,
    );
  });
}

Deno.test("an error reply with an id no request had settles the call owed an answer", async () => {
  await answeredUnreadably(
    (id) => JSON.stringify({ error: { class: "GenericError", desc: "no" }, id: String(id) }) + "\n",
    /^query-status: unreadable reply, reply with an id no request had \("\d+"\)/,
  );
});

Deno.test("a message of unknown shape in place of a reply settles its call", async () => {
  await answeredUnreadably(
    () => JSON.stringify({ surprise: true }) + "\n",
    /^query-status: unreadable reply, message of unknown shape: \{"surprise":true\}$/,
  );
});

Deno.test("a reply with both return and error settles its call with ProtocolError", async () => {
  await answeredUnreadably(
    (id) =>
      JSON.stringify({
        return: { running: true, status: "running" },
        error: { class: "GenericError", desc: "no" },
        id,
      }) + "\n",
    /^query-status: reply with both return and error: \{"return":/,
    false,
  );
});

Deno.test("late answers of calls that timed out, readable or not, settle no other call", async () => {
  const held: { socket: Socket; id: unknown }[] = [];
  const server = await peer((socket, request) => {
    if (request.execute === "slow") return void held.push({ socket, id: request.id });
    if (request.execute === "after") {
      // The late answers first: in order, as QEMU sends them.
      const [unreadable, error, readable] = held;
      unreadable.socket.write("not json, the answer to the first slow call\n");
      error.socket.write(JSON.stringify({ error: { class: "GenericError", desc: "x" } }) + "\n");
      readable.socket.write(JSON.stringify({ return: "late", id: readable.id }) + "\n");
    }
    reply(socket, request, request.execute);
  });
  const qmp = await connect(server.path, { onProtocolError: () => {} });
  const call = (command: string, timeout?: number) =>
    qmp.connection.call(command, undefined, timeout === undefined ? undefined : { timeout });
  for (let i = 0; i < 3; i++) await assert.rejects(call("slow", 50), TimeoutError);
  assert.deepEqual(await settlesWithin(Promise.all([call("after"), call("next")])), [
    "after",
    "next",
  ]);
  await qmp.close();
  await server.done();
});

Deno.test("an out-of-band call answered unreadably settles once the in-band calls are answered", async () => {
  const held: { socket: Socket; id: unknown }[] = [];
  const server = await peer((socket, request) => {
    if (request.execute === "in-band") return void held.push({ socket, id: request.id });
    if (request["exec-oob"] === "oob") {
      // The out-of-band call's answer, unreadable; then the in-band one's.
      socket.write("{oops\n");
      return setTimeout(() => reply(socket, held[0], "in-band"), 50);
    }
    reply(socket, request);
  });
  const problems: string[] = [];
  const qmp = await connect(server.path, { onProtocolError: (e) => problems.push(e.message) });
  const inBand = qmp.connection.call("in-band");
  const oob = qmp.connection.call("oob", undefined, { oob: true }).catch((e) => e);
  assert.equal(await settlesWithin(inBand), "in-band");
  const error = await settlesWithin(oob);
  assert.ok(error instanceof ProtocolError, `${error}`);
  assert.match(error.message, /^oob: unreadable reply, line is not JSON: \{oops$/);
  assert.deepEqual(problems, ["line is not JSON: {oops"]);
  await qmp.close();
  await server.done();
});

Deno.test("an in-band call answered unreadably while an out-of-band one waits: both settle", async () => {
  const server = await peer((socket, request) => {
    if (request.execute === "in-band") return void socket.write("[in-band]\n");
    if (request["exec-oob"] === "oob") return void socket.write("[oob]\n");
    reply(socket, request);
  });
  const qmp = await connect(server.path, { onProtocolError: () => {} });
  const results = await settlesWithin(
    Promise.allSettled([
      qmp.connection.call("in-band"),
      qmp.connection.call("oob", undefined, { oob: true }),
    ]),
  );
  for (const result of results) {
    assert.ok(
      result.status === "rejected" && result.reason instanceof ProtocolError &&
        /unreadable reply/.test(result.reason.message),
      String(result.status === "rejected" ? result.reason : result.value),
    );
  }
  await qmp.close();
  await server.done();
});

Deno.test("an error without id that is the late answer of a call that timed out settles no other call", async () => {
  let slow: { socket: Socket; id: unknown } | undefined;
  const server = await peer((socket, request) => {
    if (request.execute === "slow") return void (slow = { socket, id: request.id });
    if (request.execute === "after") {
      socket.write(
        JSON.stringify({ error: { class: "GenericError", desc: "JSON parse error" } }) + "\n",
      );
    }
    reply(socket, request, request.execute);
  });
  const qmp = await connect(server.path, { onProtocolError: () => {} });
  await assert.rejects(qmp.connection.call("slow", undefined, { timeout: 50 }), TimeoutError);
  assert.ok(slow);
  assert.equal(await settlesWithin(qmp.connection.call("after")), "after");
  await qmp.close();
  await server.done();
});

Deno.test("a reply line over the size limit, whole in one chunk, closes the connection and rejects the call", async () => {
  const problems: string[] = [];
  const server = await peer((socket, request) => {
    if (request.execute === "qmp_capabilities") return reply(socket, request);
    reply(socket, request, "x".repeat(100_000));
  });
  const qmp = await connect(server.path, {
    maxMessageBytes: 64 << 10,
    onProtocolError: (e) => problems.push(e.message),
  });
  await assert.rejects(settlesWithin(qmp.connection.call("big")), ConnectionClosedError);
  assert.deepEqual(problems, ["message larger than 65536 bytes"]);
  await server.done();
});

/** `inner` with each `from` in what it receives replaced by `to` (bytes as Latin-1). */
function corruptingReplies(inner: Transport, from: string, to: string): Transport {
  return {
    write: (data) => inner.write(data),
    close: () => inner.close(),
    onData: (handler) =>
      inner.onData((chunk) => {
        const text = new TextDecoder("latin1").decode(chunk);
        if (!text.includes(from)) return handler(chunk);
        handler(Uint8Array.from(text.replaceAll(from, to), (c) => c.charCodeAt(0)));
      }),
    onClose: (handler) => inner.onClose(handler),
    onDrain: inner.onDrain && ((handler) => inner.onDrain!(handler)),
  };
}

for (const version of ["7.2", "10.0"] as const) {
  Deno.test({
    name: `QEMU ${version}: a reply cut short on its way settles its own call, not the next ones`,
    ignore: skipped,
    fn: async () => {
      const directory = await Deno.makeTempDir();
      const path = `${directory}/qmp.sock`;
      try {
        await using _qemu = await startQemu(version, [
          "-name",
          "cut-me-short",
          "-qmp",
          `unix:${path},server=on,wait=off`,
        ], path);
        const problems: string[] = [];
        // QEMU's reply to query-name loses its end, as a broken transport might cut it.
        const transport = corruptingReplies(
          await connectSocket(path),
          '"cut-me-short"}',
          '"cut-me',
        );
        await using qmp = await connect(transport, {
          onProtocolError: (e) => problems.push(e.message),
        });
        // Written together: the one whose reply is cut between two answered whole.
        const before = qmp.execute("query-status");
        const cut = qmp.execute("query-name").catch((e) => e);
        const after = qmp.execute("query-version");
        const error = await settlesWithin(cut, 10_000);
        assert.ok(error instanceof ProtocolError, `settled with ${error}`);
        assert.match(
          error.message,
          /^query-name: unreadable reply, line is not JSON: \{"return": \{"name": "cut-me, "id": \d+\}/,
        );
        assert.equal((await before).running, true);
        assert.equal(
          (await settlesWithin(after, 10_000)).qemu.major,
          Number(version.split(".")[0]),
        );
        assert.equal(problems.length, 1, problems.join("\n"));
        assert.equal((await qmp.execute("query-status")).running, true);
      } finally {
        await Deno.remove(directory, { recursive: true });
      }
    },
  });
}

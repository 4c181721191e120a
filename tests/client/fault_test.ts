/**
 * Fault injection: a scripted QMP peer (in addition to the real QEMU tests)
 * that sends what QEMU never should, or does in rare orders.
 */
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { connect } from "../../lib/client/qmp.ts";
import { ConnectionClosedError, type ProtocolError } from "../../lib/protocol/errors.ts";

const greeting = JSON.stringify({
  QMP: { version: { qemu: { major: 10, minor: 2, micro: 0 }, package: "" }, capabilities: ["oob"] },
}) + "\n";
const timestamp = { seconds: 1, microseconds: 2 };

/** Starts a peer on a fresh unix socket; `script` handles each request line. */
async function peer(
  script: (socket: Socket, request: Record<string, unknown>) => void,
  onConnect: (socket: Socket) => void = (socket) => socket.write(greeting),
): Promise<{ path: string; server: Server; done: () => Promise<void> }> {
  const directory = await Deno.makeTempDir();
  const path = `${directory}/qmp.sock`;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    let buffered = "";
    socket.on("data", (chunk) => {
      buffered += chunk.toString();
      for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        script(socket, JSON.parse(line));
      }
    });
    socket.on("error", () => {});
    onConnect(socket);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    path,
    server,
    done: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      await Deno.remove(directory, { recursive: true });
    },
  };
}

const reply = (socket: Socket, request: Record<string, unknown>, value: unknown = {}) =>
  socket.write(JSON.stringify({ return: value, id: request.id }) + "\n");

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

Deno.test("a non-JSON line and a message of unknown shape are reported; the client stays usable", async () => {
  const problems: ProtocolError[] = [];
  const server = await peer((socket, request) => {
    if (request.execute === "query-status") {
      socket.write("this is not json\n");
      socket.write(JSON.stringify({ surprise: true }) + "\n");
    }
    reply(socket, request, { running: true, status: "running" });
  });
  const qmp = await connect(server.path, { onProtocolError: (error) => problems.push(error) });
  assert.equal((await qmp.execute("query-status")).running, true);
  assert.equal(problems.length, 2);
  assert.match(problems[0].message, /not JSON/);
  assert.match(problems[1].message, /unknown shape/);
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

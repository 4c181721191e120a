/**
 * A hostile guest: a scripted guest agent whose replies have the wrong
 * shapes, hold strings that look like markers and integers past 2^53, or
 * come late. (The real qemu-ga is tested in tests/guest/.)
 */
import assert from "node:assert/strict";
import { connect as netConnect, createServer, type Socket } from "node:net";
import { connectGuestAgent } from "../../lib/guest/agent.ts";
import { guestExec, guestReadFile } from "../../lib/guest/helpers.ts";
import { ProtocolError } from "../../lib/protocol/errors.ts";

/**
 * A guest agent on a fresh unix socket; `answer` returns the reply line to a
 * request, if any; `sync` the reply to a sync, given the id to echo.
 */
async function guest(
  answer: (request: { execute: string; arguments?: { id?: number }; id: number }) => string,
  delay = 0,
  sync = (echo: number, id: number) => `\xff${JSON.stringify({ return: echo, id })}\n`,
) {
  const directory = await Deno.makeTempDir();
  const path = `${directory}/qga.sock`;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    let buffered = "";
    socket.on("error", () => {});
    socket.on("data", (chunk) => {
      buffered += chunk.toString("latin1").replace(/\xff/g, "");
      for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
        const request = JSON.parse(buffered.slice(0, end));
        buffered = buffered.slice(end + 1);
        const line = request.execute === "guest-sync-delimited"
          ? sync(request.arguments.id, request.id)
          : answer(request);
        setTimeout(() => socket.write(Buffer.from(line, "latin1")), delay);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    path,
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      await Deno.remove(directory, { recursive: true });
    },
  };
}

const utf8 = (text: string) => Buffer.from(text, "utf8").toString("latin1");

Deno.test("guest replies: marker-like strings stay strings, bigints in wrong places are refused, malformed errors settle", async () => {
  await using peer = await guest((request) => {
    const id = request.id;
    switch (request.execute) {
      case "guest-get-host-name":
        return utf8(
          `{"return": {"host-name": "\\u0000bigint:7", "x": 12345678901234567890}, "id": ${id}}\n`,
        );
      case "guest-info":
        return `{"return": {"version": [12345678901234567890], "supported_commands": []}, "id": ${id}}\n`;
      case "guest-get-time":
        return `{"error": {"class": {"toString": 1}}, "id": ${id}}\n`;
      default:
        return `{"return": {}, "id": ${id}}\n`;
    }
  });
  const agent = await connectGuestAgent(peer.path, { callTimeout: 5_000 });
  const host = await agent.execute("guest-get-host-name");
  assert.equal(host["host-name"], "\u0000bigint:7");
  await assert.rejects(
    agent.execute("guest-info"),
    (e: Error) =>
      e instanceof ProtocolError &&
      e.message.includes("version: expected a string, got [12345678901234567890]"),
  );
  await assert.rejects(
    agent.execute("guest-get-time"),
    (e: Error) => e instanceof ProtocolError && /malformed error reply/.test(e.message),
  );
  assert.deepEqual(await agent.execute("guest-ping"), {});
  await agent.close();
});

Deno.test("guest timeouts: past 2^31 - 1 ms and Infinity wait; negative or NaN is a RangeError", async () => {
  // Every reply, the sync's included, comes 50 ms late.
  await using peer = await guest((request) => `{"return": {}, "id": ${request.id}}\n`, 50);
  const agent = await connectGuestAgent(peer.path, { syncTimeout: 2 ** 31, callTimeout: Infinity });
  assert.deepEqual(await agent.execute("guest-ping"), {});
  assert.deepEqual(await agent.execute("guest-ping", undefined, { timeout: 2 ** 32 }), {});
  await agent.sync();
  await agent.close();
  for (const options of [{ syncTimeout: -1 }, { callTimeout: NaN }]) {
    await assert.rejects(
      connectGuestAgent(peer.path, options),
      (e: Error) => e instanceof RangeError && /Timeout must be a number/.test(e.message),
    );
  }
});

Deno.test("a sync reply after stale bytes without a newline: the 0xFF before it starts a new line", async () => {
  // The rest of a reply cut short (an agent that restarted), then the sentinel.
  await using peer = await guest(
    (request) => `{"return": {}, "id": ${request.id}}\n`,
    0,
    (echo, id) =>
      `{"return": {"host-name": "cut sh\xff\xff${JSON.stringify({ return: echo, id })}\n`,
  );
  const problems: string[] = [];
  const agent = await connectGuestAgent(peer.path, {
    syncTimeout: 2_000,
    agentVersion: "10.2",
    onProtocolError: (error) => problems.push(error.message),
  });
  assert.deepEqual(await agent.execute("guest-ping"), {});
  await agent.sync();
  // The stale bytes are reported as what they are; nothing else is.
  assert.ok(problems.length > 0);
  assert.ok(
    problems.every((p) => p.startsWith('line is not JSON: {"return": {"host-name": "cut sh')),
  );
  await agent.close();
});

Deno.test("a sync answered with the wrong id, or the id as a string, fails with a message telling which", async () => {
  for (
    const [wrong, shown] of [[(echo: number) => echo + 1, /got: \d+$/], [
      String,
      /got: "\d+"$/,
    ]] as const
  ) {
    await using peer = await guest(
      (request) => `{"return": {}, "id": ${request.id}}\n`,
      0,
      (echo, id) => `\xff${JSON.stringify({ return: wrong(echo), id })}\n`,
    );
    await assert.rejects(
      connectGuestAgent(peer.path, { syncTimeout: 2_000 }),
      (e: Error) =>
        e instanceof ProtocolError && /^guest-sync-delimited: expected \d+ back/.test(e.message) &&
        shown.test(e.message),
    );
  }
});

Deno.test("guest-exec output and file contents that are not base64 are a ProtocolError naming them", async () => {
  const closed: unknown[] = [];
  await using peer = await guest((request) => {
    const reply = (value: unknown) => `${JSON.stringify({ return: value, id: request.id })}\n`;
    switch (request.execute) {
      case "guest-exec":
        return reply({ pid: 7 });
      case "guest-exec-status":
        return reply({ exited: true, exitcode: 0, "out-data": "aGk=", "err-data": "*not base64*" });
      case "guest-file-open":
        return reply(3);
      case "guest-file-read":
        return reply({ count: 2, "buf-b64": "%%", eof: true });
      case "guest-file-close":
        closed.push(request.arguments);
        return reply({});
      default:
        return reply({});
    }
  });
  const agent = await connectGuestAgent(peer.path, { agentVersion: "10.2" });
  await assert.rejects(
    guestExec(agent, "/bin/true"),
    (e: Error) =>
      e instanceof ProtocolError &&
      e.message ===
        "guest-exec-status: err-data: the guest sent text that is not base64: *not base64*",
  );
  await assert.rejects(
    guestReadFile(agent, "/etc/hostname"),
    (e: Error) =>
      e instanceof ProtocolError && /^guest-file-read: buf-b64: .* not base64: %%$/.test(e.message),
  );
  assert.deepEqual(closed, [{ handle: 3 }]); // the file is closed all the same
  await agent.close();
});

Deno.test("over a Node socket, the bytes the socket hands out are left as they came", async () => {
  await using peer = await guest((request) => `{"return": {}, "id": ${request.id}}\n`);
  const socket = netConnect({ path: peer.path });
  await new Promise((resolve) => socket.once("connect", resolve));
  const chunks: Uint8Array[] = [];
  socket.on("data", (chunk: Uint8Array) => chunks.push(chunk)); // kept, not copied
  const agent = await connectGuestAgent(socket, { agentVersion: "10.2" });
  assert.deepEqual(await agent.execute("guest-ping"), {});
  await agent.close();
  // The sync reply's 0xFF is still there: the agent changed a copy, not the socket's buffer.
  assert.ok(chunks.some((chunk) => chunk.includes(0xff)));
});

Deno.test("a guest call answered unreadably ends at its timeout; the next call resynchronises first", async () => {
  const requests: string[] = [];
  let unreadable = true;
  await using peer = await guest((request) => {
    requests.push(request.execute);
    if (request.execute === "guest-ping" && unreadable) {
      unreadable = false;
      return `{"return": {}, "id": ${request.id}\n`; // cut short
    }
    return `{"return": {}, "id": ${request.id}}\n`;
  });
  const problems: string[] = [];
  let syncs = 0;
  const agent = await connectGuestAgent(peer.path, {
    agentVersion: "10.2",
    callTimeout: 200,
    onProtocolError: (error) => problems.push(error.message),
    trace: (entry) => {
      if (entry.direction === "out" && entry.message.includes("guest-sync-delimited")) syncs++;
    },
  });
  // Not taken for the answer (the channel may carry stale output): reported, and the call times out.
  await assert.rejects(agent.execute("guest-ping"), (e: Error) => e.name === "TimeoutError");
  assert.equal(problems.length, 1);
  assert.match(problems[0], /^line is not JSON: \{"return": \{\}, "id": \d+$/);
  assert.equal(syncs, 1);
  assert.deepEqual(await agent.execute("guest-ping"), {});
  assert.equal(syncs, 2);
  assert.deepEqual(requests, ["guest-ping", "guest-ping"]);
  await agent.close();
});

Deno.test("replies left on the channel for an earlier client, with ids from 1 on, do not answer the sync", async () => {
  await using peer = await guest(
    (request) => `{"return": {}, "id": ${request.id}}\n`,
    0,
    // An earlier client's calls 1 to 3, answered after it left, then the sync's reply.
    (echo, id) =>
      [1, 2, 3].map((stale) => `{"return": {"stale": ${stale}}, "id": ${stale}}\n`).join("") +
      `\xff${JSON.stringify({ return: echo, id })}\n`,
  );
  const agent = await connectGuestAgent(peer.path, { agentVersion: "10.2", syncTimeout: 2_000 });
  assert.deepEqual(await agent.execute("guest-ping"), {});
  await agent.close();
});

Deno.test("guest commands answered only on failure (guest-shutdown, guest-suspend-*) resolve once sent, without an id, and do not wait for a reply", async () => {
  const requests: { execute: string; id?: number; arguments?: unknown }[] = [];
  await using peer = await guest((request) => {
    requests.push(request);
    if (request.execute === "guest-shutdown") return "";
    // Refused: the agent then answers, without id since the request had none.
    if (request.execute === "guest-suspend-ram") {
      return `{"error": {"class": "GenericError", "desc": "suspend is disabled"}}\n`;
    }
    return `{"return": {}, "id": ${request.id}}\n`;
  });
  const reported: string[] = [];
  const agent = await connectGuestAgent(peer.path, {
    callTimeout: 5_000,
    onProtocolError: (error) => reported.push(error.message),
  });
  const started = performance.now();
  assert.deepEqual(await agent.execute("guest-shutdown", { mode: "powerdown" }), {});
  assert.deepEqual(await agent.execute("guest-suspend-ram"), {});
  assert.ok(performance.now() - started < 4_000, "no wait for a reply");
  // The next call gets its own reply.
  assert.deepEqual(await agent.execute("guest-ping"), {});
  const shutdown = requests.find((r) => r.execute === "guest-shutdown");
  assert.deepEqual(shutdown, { execute: "guest-shutdown", arguments: { mode: "powerdown" } });
  assert.ok(reported.some((m) => /GenericError: suspend is disabled/.test(m)), reported.join());
  // Aborted before sending: not sent.
  await assert.rejects(
    agent.execute("guest-suspend-disk", undefined, { signal: AbortSignal.abort() }),
  );
  assert.equal(requests.filter((r) => r.execute === "guest-suspend-disk").length, 0);
  await agent.close();
});

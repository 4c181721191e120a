/**
 * The Deno transport (`Deno.connect`), which `connectSocket` uses on Deno:
 * write order and back-pressure against a peer that stops reading, how it
 * closes, the errors of a failed connection, and a connection over it whose
 * replies span many reads of its reused buffer.
 */
import assert from "node:assert/strict";
import { Connection } from "../../lib/protocol/connection.ts";
import { connectSocket, fromDenoConn, type Transport } from "../../lib/transport/transport.ts";

/** A unix socket server in a fresh directory; `accepted` is its first connection. */
async function server() {
  const directory = await Deno.makeTempDir();
  const path = `${directory}/peer.sock`;
  const listener = Deno.listen({ transport: "unix", path });
  const accepted = listener.accept();
  return {
    path,
    accepted,
    async [Symbol.asyncDispose]() {
      listener.close();
      await Deno.remove(directory, { recursive: true });
    },
  };
}

async function readAll(conn: Deno.Conn, bytes: number): Promise<Uint8Array> {
  const all = new Uint8Array(bytes);
  let got = 0;
  while (got < bytes) {
    const n = await conn.read(all.subarray(got));
    if (n === null) break;
    got += n;
  }
  return all.subarray(0, got);
}

Deno.test("connectSocket goes through Deno.connect on Deno", async () => {
  await using peer = await server();
  const original = Deno.connect;
  const seen: unknown[] = [];
  Deno.connect = ((options: Deno.UnixConnectOptions) => {
    seen.push(options);
    return original(options);
  }) as typeof Deno.connect;
  let transport: Transport;
  try {
    transport = await connectSocket(peer.path);
  } finally {
    Deno.connect = original;
  }
  assert.deepEqual(seen, [{ transport: "unix", path: peer.path }]);
  (await peer.accepted).close();
  transport.close();
});

Deno.test("writes arrive whole and in order; past 64 KiB unwritten, write returns false until a drain", async () => {
  await using peer = await server();
  const transport = await connectSocket(peer.path);
  const conn = await peer.accepted; // does not read yet
  let drains = 0;
  transport.onDrain!(() => drains++);
  const piece = (i: number) => `${String(i).padStart(8, "0")}${"x".repeat(16 << 10)}\n`;
  const results: boolean[] = [];
  let sent = 0;
  // Far more than the socket buffers hold: the transport has to hold the rest.
  for (let i = 0; i < 256; i++) {
    results.push(transport.write(piece(i)) !== false);
    sent += piece(i).length;
  }
  assert.equal(results[0], true);
  assert.equal(results.at(-1), false, "write returns false once over 64 KiB wait");
  const received = new TextDecoder().decode(await readAll(conn, sent));
  assert.equal(received.length, sent);
  const lines = received.split("\n").slice(0, -1);
  assert.deepEqual(lines.map((line) => Number(line.slice(0, 8))), [...Array(256).keys()]);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(drains, 1, "one drain once everything is written");
  assert.equal(transport.write("after\n"), true);
  transport.close();
  conn.close();
});

Deno.test("the peer closing and close() each end the transport once, with their reason", async () => {
  for (const side of ["peer", "client"] as const) {
    await using peer = await server();
    const transport = await connectSocket(peer.path);
    const conn = await peer.accepted;
    const reasons: string[] = [];
    const closed = new Promise<void>((resolve) =>
      transport.onClose((reason) => {
        reasons.push(reason);
        resolve();
      })
    );
    if (side === "peer") conn.close();
    else transport.close();
    await closed;
    transport.close();
    assert.equal(transport.write("ignored\n"), true);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(reasons, [
      side === "peer" ? "peer closed the connection" : "closed by the client",
    ]);
    if (side === "client") {
      assert.equal(await conn.read(new Uint8Array(1)), null, "the peer sees the end");
      conn.close();
    }
  }
});

Deno.test("a failed connection rejects as node:net's does: code and 'connect CODE where'", async () => {
  const directory = await Deno.makeTempDir();
  try {
    const path = `${directory}/absent.sock`;
    const error = await connectSocket(path).then(() => undefined, (error) => error);
    assert.ok(error instanceof Error);
    assert.equal((error as { code?: string }).code, "ENOENT");
    assert.equal(error.message, `connect ENOENT ${path}`);
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});

Deno.test("replies spanning many reads of the reused buffer arrive intact, with small ones in between", async () => {
  await using peer = await server();
  const connection = new Connection(await connectSocket(peer.path));
  const conn = await peer.accepted;
  const big = Array.from({ length: 40_000 }, (_, i) => `entry ${i} ✓`);
  const calls = [
    connection.call("big"),
    connection.call("small"),
    connection.call("big"),
  ];
  const requests = new TextDecoder().decode(await readAll(conn, 25 + 27 + 25));
  assert.match(requests, /"execute":"big","id":1\}\n.*"id":2\}\n.*"id":3\}\n/s);
  const replies = new TextEncoder().encode(
    `{"return":${JSON.stringify(big)},"id":1}\n{"return":"small","id":2}\n` +
      `{"return":${JSON.stringify(big)},"id":3}\n`,
  );
  // In pieces of odd sizes, so lines and characters split across reads.
  for (let at = 0; at < replies.length; at += 7001) {
    await conn.write(replies.subarray(at, at + 7001));
  }
  const [first, small, second] = await Promise.all(calls);
  assert.deepEqual(first, big);
  assert.equal(small, "small");
  assert.deepEqual(second, big);
  connection.close();
  conn.close();
});

Deno.test("fromDenoConn: a read that fails ends the transport with the error's message", async () => {
  let rejectRead: (error: Error) => void = () => {};
  const transport = fromDenoConn({
    read: () => new Promise((_, reject) => (rejectRead = reject)),
    write: (bytes) => Promise.resolve(bytes.length),
    close: () => {},
  });
  const reason = new Promise((resolve) => transport.onClose(resolve));
  rejectRead(new Error("connection reset"));
  assert.equal(await reason, "connection reset");
});

Deno.test("bytes read before the first data handler are held together, not as a copy per read", async () => {
  // A peer sending a byte at a time: each read gives one.
  const sent = new TextEncoder().encode('{"QMP": {"version": {}, "capabilities": []}}\n');
  let next = 0;
  const conn = {
    read(buffer: Uint8Array): Promise<number | null> {
      if (next === sent.length) return new Promise(() => {}); // nothing more, never closed
      buffer[0] = sent[next++];
      return Promise.resolve(1);
    },
    write: (bytes: Uint8Array) => Promise.resolve(bytes.length),
    close() {},
  };
  const transport = fromDenoConn(conn);
  while (next < sent.length) await new Promise((resolve) => setTimeout(resolve, 0));
  const chunks: Uint8Array[] = [];
  transport.onData((chunk) => chunks.push(chunk.slice()));
  await new Promise((resolve) => setTimeout(resolve, 0));
  // One chunk: held as a copy per read, each byte was an object of hundreds of bytes.
  assert.deepEqual(chunks, [sent]);
  transport.close();
});

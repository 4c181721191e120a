/**
 * Reconnection against a scripted peer (fault injection, in addition to the
 * real QEMU tests): peers that never greet, greet wrongly or refuse
 * negotiation make attempts fail, each bounded by `greetingTimeout`, until
 * one behaves; a peer that floods connections does not hurt the listener.
 */
import assert from "node:assert/strict";
import { connect } from "../../lib/client/qmp.ts";
import type { StateChange } from "../../lib/client/reconnect.ts";
import { listenSocket } from "../../lib/transport/listen.ts";
import { connectSocket } from "../../lib/transport/transport.ts";

const greeting = '{"QMP": {"version": {"qemu": {"major": 10, "minor": 0, "micro": 0}, ' +
  '"package": ""}, "capabilities": []}}\r\n';

/** How the scripted peer treats one connection. */
type Behaviour =
  | "good"
  | "silent"
  | "malformed greeting"
  | "refuses capabilities"
  | "refuses quit"
  | "never answers query-qmp-schema"
  | "hangs up";

/** A peer on a unix socket that treats its n-th connection as `script[n]` (then "good"). */
function scriptedPeer(path: string, script: Behaviour[]) {
  const listener = Deno.listen({ transport: "unix", path });
  const conns: Deno.Conn[] = [];
  let count = 0;
  (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      const behaviour = script[count++] ?? "good";
      serve(conn, behaviour).catch(() => {});
    }
  })().catch(() => {});
  return {
    get connections() {
      return count;
    },
    /** Drops every connection (the monitor lost). */
    drop() {
      for (const conn of conns.splice(0)) {
        try {
          conn.close();
        } catch {
          // Closed already.
        }
      }
    },
    close() {
      this.drop();
      listener.close();
    },
  };
}

async function serve(conn: Deno.Conn, behaviour: Behaviour): Promise<void> {
  const encoder = new TextEncoder();
  const write = (text: string) => conn.write(encoder.encode(text));
  if (behaviour === "hangs up") return conn.close();
  if (behaviour === "silent") return;
  if (behaviour === "malformed greeting") {
    await write('{"QMP": {"version": "ten"}}\r\n');
    return;
  }
  await write(greeting);
  let pending = "";
  for await (const chunk of conn.readable.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      const request = JSON.parse(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      if (
        behaviour === "never answers query-qmp-schema" && request.execute === "query-qmp-schema"
      ) continue;
      const refused = (behaviour === "refuses capabilities" &&
        request.execute === "qmp_capabilities") ||
        (behaviour === "refuses quit" && request.execute === "quit");
      await write(
        refused
          ? `{"error": {"class": "GenericError", "desc": "no"}, "id": ${request.id}}\r\n`
          : `{"return": {"status": "running", "running": true}, "id": ${request.id}}\r\n`,
      );
    }
  }
}

Deno.test("reconnect: silent, malformed and refusing peers fail their attempts, each bounded; the next good one connects", async () => {
  const directory = await Deno.makeTempDir();
  const path = `${directory}/peer.sock`;
  const peer = scriptedPeer(path, [
    "good",
    "silent",
    "malformed greeting",
    "refuses capabilities",
    "hangs up",
  ]);
  try {
    const qmp = await connect(path, {
      greetingTimeout: 200,
      reconnect: { delay: 5, maxDelay: 10 },
    });
    const changes: StateChange[] = [];
    qmp.onStateChange((change) => changes.push(change));
    const connected = new Promise<void>((resolve) =>
      qmp.onStateChange((change) => change.state === "connected" && resolve())
    );
    peer.drop();
    await connected;
    assert.deepEqual(changes.map((c) => [c.state, c.attempt]), [
      ["reconnecting", undefined],
      ["reconnecting", 1],
      ["reconnecting", 2],
      ["reconnecting", 3],
      ["reconnecting", 4],
      ["connected", 5],
    ]);
    assert.match(changes[1].reason!, /no QMP greeting within 200 ms/);
    assert.match(changes[2].reason!, /malformed greeting: version is not an object/);
    assert.match(changes[3].reason!, /qmp_capabilities: GenericError: no/);
    assert.match(changes[4].reason!, /connection closed/);
    assert.equal((await qmp.execute("query-status")).status, "running");
    assert.equal(peer.connections, 6);
    await qmp.close();
    assert.equal(qmp.state, "closed");
    assert.equal(changes.at(-1)!.state, "closed");
  } finally {
    peer.close();
    await Deno.remove(directory, { recursive: true });
  }
});

Deno.test("reconnect: close() while reconnecting stops at once, with no attempt after it", async () => {
  const directory = await Deno.makeTempDir();
  const path = `${directory}/peer.sock`;
  const peer = scriptedPeer(path, ["good", "silent", "silent", "silent"]);
  try {
    const qmp = await connect(path, { reconnect: { delay: 5 }, greetingTimeout: 60_000 });
    const attempted = new Promise<void>((resolve) => {
      const poll = setInterval(() => peer.connections >= 2 && (clearInterval(poll), resolve()), 5);
    });
    peer.drop();
    await attempted; // an attempt waits for a greeting that never comes
    await qmp.close();
    assert.equal(await qmp.closed, "closed by the client");
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(peer.connections, 2, "no attempt after close()");
  } finally {
    peer.close();
    await Deno.remove(directory, { recursive: true });
  }
});

Deno.test("accept: connections beyond the backlog are closed at once; the listener keeps serving", async () => {
  const directory = await Deno.makeTempDir();
  try {
    await using listener = await listenSocket(`${directory}/l.sock`, { backlog: 2 });
    const clients = await Promise.all(
      Array.from({ length: 6 }, () => connectSocket(listener.address)),
    );
    const closed = await Promise.all(
      clients.map((client) =>
        Promise.race([
          new Promise<boolean>((resolve) => client.onClose(() => resolve(true))),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 500)),
        ])
      ),
    );
    assert.equal(closed.filter(Boolean).length, 4, "all but the backlog closed");
    const first = await listener.accept();
    const second = await listener.accept();
    first.close();
    second.close();
    for (const client of clients) client.close();
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});

Deno.test("reconnect: a quit QEMU refuses does not end the client; a later loss is reconnected", async () => {
  const directory = await Deno.makeTempDir();
  const path = `${directory}/peer.sock`;
  const peer = scriptedPeer(path, ["refuses quit", "good"]);
  try {
    const qmp = await connect(path, { reconnect: { delay: 5 } });
    await assert.rejects(qmp.execute("quit"), /quit: GenericError: no/);
    const next = new Promise<string>((resolve) =>
      qmp.onStateChange((change) => change.state !== "reconnecting" && resolve(change.state))
    );
    peer.drop();
    assert.equal(await next, "connected", "reconnected, not ended");
    await qmp.close();
  } finally {
    peer.close();
    await Deno.remove(directory, { recursive: true });
  }
});

Deno.test("reconnect, strict: a server that never answers query-qmp-schema fails its attempt after greetingTimeout", async () => {
  const directory = await Deno.makeTempDir();
  const path = `${directory}/peer.sock`;
  const peer = scriptedPeer(path, ["good", "never answers query-qmp-schema"]);
  try {
    const qmp = await connect(path, {
      strict: true,
      greetingTimeout: 200,
      reconnect: { delay: 5, maxDelay: 10 },
    });
    const changes: StateChange[] = [];
    const connected = new Promise<void>((resolve) =>
      qmp.onStateChange((change) => {
        changes.push(change);
        if (change.state === "connected") resolve();
      })
    );
    peer.drop();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      connected,
      new Promise((_, reject) =>
        timer = setTimeout(() => reject(new Error("still reconnecting after 3 s")), 3_000)
      ),
    ]).finally(() => clearTimeout(timer));
    assert.deepEqual(changes.map((c) => [c.state, c.attempt]), [
      ["reconnecting", undefined],
      ["reconnecting", 1],
      ["connected", 2],
    ]);
    assert.match(changes[1].reason!, /query-qmp-schema: no reply within 200 ms/);
    await qmp.close();
  } finally {
    peer.close();
    await Deno.remove(directory, { recursive: true });
  }
});

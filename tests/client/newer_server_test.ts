/**
 * A server newer than the newest vendored schema: it keeps working, with one
 * warning, and what it sends that no vendored schema knows (members, enum
 * values, events) reaches the caller intact.
 */
import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { connect } from "../../lib/client/qmp.ts";
import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";

const timestamp = { seconds: 1, microseconds: 2 };

/** A scripted QEMU "12.1" on a fresh unix socket. */
async function newerServer() {
  const directory = await Deno.makeTempDir();
  const path = `${directory}/qmp.sock`;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.write(
      JSON.stringify({
        QMP: {
          version: { qemu: { major: 12, minor: 1, micro: 0 }, package: "" },
          capabilities: [],
        },
      }) + "\n",
    );
    let buffered = "";
    socket.on("data", (chunk) => {
      buffered += chunk.toString();
      for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
        const request = JSON.parse(buffered.slice(0, end));
        buffered = buffered.slice(end + 1);
        const answer = (value: unknown) =>
          socket.write(JSON.stringify({ return: value, id: request.id }) + "\n");
        if (request.execute === "query-status") {
          // A status value and a member no vendored schema has.
          answer({ running: false, status: "hibernating", "wake-reason": "rtc" });
        } else if (request.execute === "stop") {
          socket.write(
            JSON.stringify({ event: "STOP", data: { reason: "quantum" }, timestamp }) + "\n",
          );
          socket.write(JSON.stringify({ event: "FUTURE_EVENT", data: { x: 1 }, timestamp }) + "\n");
          answer({});
        } else {
          answer({});
        }
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

Deno.test("a server newer than every vendored schema works, with one warning, and nothing it sends is lost", async () => {
  await using server = await newerServer();
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.join(" "));
  try {
    for (let round = 0; round < 2; round++) {
      await using qmp = await connect<Qmp10_2>(server.path);
      assert.deepEqual(qmp.version, { major: 12, minor: 1, micro: 0, package: "" });
      const status = await qmp.execute("query-status");
      // The open enum keeps a value no schema knows; the unknown member is kept too.
      assert.equal(status.status, "hibernating");
      assert.equal((status as Record<string, unknown>)["wake-reason"], "rtc");
      const events = qmp.events();
      const stopped = qmp.waitFor("STOP", { timeout: 5000 });
      await qmp.execute("stop");
      assert.deepEqual((await stopped).data, { reason: "quantum" });
      // An event no vendored schema has is delivered raw, not dropped.
      const seen: string[] = [];
      for await (const event of events) {
        seen.push(event.event);
        if (seen.length === 2) break;
      }
      assert.deepEqual(seen, ["STOP", "FUTURE_EVENT"]);
    }
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings.length, 1, warnings.join("\n"));
  assert.match(warnings[0], /QEMU 12\.1 is newer than the newest vendored schema/);
});

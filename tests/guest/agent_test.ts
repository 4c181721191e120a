/**
 * The guest agent client against the real qemu-ga of QEMU 7.2 and 10.0
 * (listening on a unix socket on this machine), plus a scripted peer.
 */
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { agentSchemaVersion, connectGuestAgent, type GuestAgent } from "../../lib/guest/agent.ts";
import { guestExec, guestReadFile, guestWriteFile } from "../../lib/guest/helpers.ts";
import type { TraceEntry, TraceHook } from "../../lib/protocol/trace.ts";
import type { Qga7_2 } from "../../schemas/qga/7.2.js";
import { provision, realQemuSkipped } from "../provision/qemu.ts";

const skipped = realQemuSkipped();
const binaries = skipped ? undefined : await provision();

/** Starts qemu-ga on a fresh socket; returns a connected agent and a cleanup. */
async function startAgent(version: "7.2" | "10.0", trace?: TraceHook) {
  const directory = await Deno.makeTempDir();
  const socket = `${directory}/qga.sock`;
  await Deno.mkdir(`${directory}/state`);
  const child = new Deno.Command(binaries![version].guestAgent, {
    args: ["-m", "unix-listen", "-p", socket, "-t", `${directory}/state`],
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (let i = 0; i < 500; i++) {
    try {
      await Deno.stat(socket);
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  const agent: GuestAgent<Qga7_2> = await connectGuestAgent<Qga7_2>(socket, { trace });
  return {
    agent,
    directory,
    async [Symbol.asyncDispose]() {
      await agent.close();
      child.kill("SIGKILL");
      await child.status;
      await Deno.remove(directory, { recursive: true });
    },
  };
}

for (const version of ["7.2", "10.0"] as const) {
  Deno.test({
    name:
      `qemu-ga ${version}: sync, guest-info, guest-exec with output, a file written and read back`,
    ignore: skipped,
    fn: async () => {
      const trace: TraceEntry[] = [];
      await using started = await startAgent(version, (entry) => trace.push(entry));
      const { agent, directory } = started;
      // The trace: the sync byte (one character), the sync, its reply, guest-info.
      assert.deepEqual(trace.slice(0, 2).map((e) => [e.direction, e.message.slice(0, 30)]), [
        ["out", "\xff"],
        ["out", '{"execute":"guest-sync-delimit'],
      ]);
      assert.ok(trace.some((e) => e.direction === "in" && /"version"/.test(e.message)));
      // Replies are checked by the agent's own release's schema.
      assert.equal(agent.schemaVersion, version);
      const info = await agent.execute("guest-info");
      assert.match(info.version, new RegExp(`^${version.replace(".", "\\.")}\\.`));
      assert.ok(info.supported_commands.some((c) => c.name === "guest-exec" && c.enabled));
      await agent.sync();
      assert.deepEqual(await agent.execute("guest-ping"), {});

      const result = await guestExec(agent, "/bin/sh", ["-c", "echo hello; echo oops >&2; exit 3"]);
      assert.deepEqual(result, {
        exitCode: 3,
        signal: undefined,
        stdout: "hello\n",
        stderr: "oops\n",
      });

      const path = `${directory}/file.txt`;
      const content = new TextEncoder().encode("written by the guest agent\n".repeat(1000));
      await guestWriteFile(agent, path, content);
      assert.deepEqual(await Deno.readFile(path), content);
      assert.deepEqual(await guestReadFile(agent, path), content);
    },
  });
}

Deno.test("guest agent: garbage and stale replies are discarded, ill-shaped replies refused", async () => {
  const directory = await Deno.makeTempDir();
  const path = `${directory}/qga.sock`;
  const server = createServer((socket) => {
    let buffered = "";
    socket.on("data", (chunk) => {
      buffered += chunk.toString("latin1").replace(/\xff/g, "");
      for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
        const request = JSON.parse(buffered.slice(0, end));
        buffered = buffered.slice(end + 1);
        if (request.execute === "guest-sync-delimited") {
          // Garbage and a stale reply first, then the real one behind the sentinel.
          socket.write("garbage from a confused guest\n");
          socket.write(JSON.stringify({ return: 1, id: "stale" }) + "\n");
          socket.write(Buffer.from([0xff]));
          socket.write(JSON.stringify({ return: request.arguments.id, id: request.id }) + "\n");
        } else if (request.execute === "guest-info") {
          // A hostile guest: the wrong shape for guest-info.
          socket.write(
            JSON.stringify({ return: { version: 42, supported_commands: "all" }, id: request.id }) +
              "\n",
          );
        } else {
          socket.write(JSON.stringify({ return: {}, id: request.id }) + "\n");
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const problems: string[] = [];
  try {
    const agent = await connectGuestAgent<Qga7_2>(path, {
      onProtocolError: (e) => problems.push(e.message),
    });
    assert.deepEqual(await agent.execute("guest-ping"), {});
    await assert.rejects(
      agent.execute("guest-info"),
      /guest-info: the guest's reply does not fit the schema: version: expected a string, got 42/,
    );
    // The garbage line, and guest-info on connect without a version string (the
    // newest schema is used then).
    assert.equal(problems.length, 2, problems.join("\n"));
    assert.ok(problems.some((p) => /not JSON/.test(p)), problems.join("\n"));
    assert.ok(problems.some((p) => /guest-info: no version string/.test(p)), problems.join("\n"));
    assert.equal(agent.schemaVersion, "10.2");
    await agent.close();
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await Deno.remove(directory, { recursive: true });
  }
});

Deno.test("guest agent: replies are checked by the schema of the agent's own release", () => {
  assert.equal(agentSchemaVersion("5.2.0"), "5.2");
  assert.equal(agentSchemaVersion("7.2.11"), "7.2");
  // Between vendored releases: the newest vendored one before it.
  assert.equal(agentSchemaVersion("9.1.2"), "7.2");
  assert.equal(agentSchemaVersion("10.0.2"), "10.0");
  // Older than every vendored release (an old Windows guest): the oldest.
  assert.equal(agentSchemaVersion("2.12.0"), "5.2");
  // Newer than every vendored release: the newest.
  assert.equal(agentSchemaVersion("12.1.0"), "10.2");
  // Junk from an untrusted guest: the newest.
  for (const junk of [42, "", "x.y", undefined, null, { version: "7.2" }]) {
    assert.equal(agentSchemaVersion(junk), "10.2");
  }
});

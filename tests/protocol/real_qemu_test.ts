/**
 * Bounds against the real QEMU 7.2 and 10.0: a QEMU that stops reading (it
 * is stopped with SIGSTOP) gets only what the socket buffers hold, and a
 * reply over `maxMessageBytes` closes the connection.
 */
import assert from "node:assert/strict";
import { connect } from "../../lib/client/qmp.ts";
import { ConnectionClosedError, TimeoutError } from "../../lib/protocol/errors.ts";
import { connectSocket, type Transport } from "../../lib/transport/transport.ts";
import { skipped, startQemu as startQemuProcess } from "../client/qemu_process.ts";

/** QEMU with its monitor on a unix socket in a fresh directory, removed with it. */
async function startQemu(version: "7.2" | "10.0") {
  const directory = await Deno.makeTempDir();
  const path = `${directory}/qmp.sock`;
  const qemu = await startQemuProcess(version, ["-qmp", `unix:${path},server=on,wait=off`], path);
  return {
    path,
    child: qemu.child,
    async [Symbol.asyncDispose]() {
      await qemu.kill();
      await Deno.remove(directory, { recursive: true });
    },
  };
}

/** A transport that counts the bytes handed to it. */
function counting(inner: Transport): Transport & { written: number } {
  const transport = {
    written: 0,
    write: (data: string | Uint8Array) => {
      transport.written += typeof data === "string"
        ? new TextEncoder().encode(data).length
        : data.length;
      return inner.write(data);
    },
    close: () => inner.close(),
    onData: (handler: (chunk: Uint8Array) => void) => inner.onData(handler),
    onClose: (handler: (reason: string) => void) => inner.onClose(handler),
    onDrain: (handler: () => void) => inner.onDrain?.(handler),
  };
  return transport;
}

for (const version of ["7.2", "10.0"] as const) {
  Deno.test({
    name:
      `QEMU ${version}: stopped (SIGSTOP), it receives what the socket holds; calls that time out are never sent`,
    ignore: skipped,
    fn: async () => {
      await using qemu = await startQemu(version);
      const transport = counting(await connectSocket(qemu.path));
      const qmp = await connect(transport);
      const before = transport.written;
      qemu.child.kill("SIGSTOP");
      const count = 30_000;
      const request = new TextEncoder().encode('{"execute":"query-status","id":100000}\n').length;
      try {
        const results = await Promise.allSettled(
          Array.from(
            { length: count },
            () => qmp.execute("query-status", undefined, { timeout: 500 }),
          ),
        );
        assert.ok(
          results.every((r) => r.status === "rejected" && r.reason instanceof TimeoutError),
        );
      } finally {
        qemu.child.kill("SIGCONT");
      }
      const sent = transport.written - before;
      assert.ok(
        sent < (count * request) / 2,
        `${sent} bytes handed to the socket for ${count} requests of about ${request} bytes`,
      );
      // QEMU answers what it got (discarded: those calls timed out), then this.
      assert.equal(
        (await qmp.execute("query-status", undefined, { timeout: 30_000 })).running,
        true,
      );
      await qmp.close();
    },
  });

  Deno.test({
    name: `QEMU ${version}: a reply over maxMessageBytes (query-qmp-schema) closes the connection`,
    ignore: skipped,
    fn: async () => {
      await using qemu = await startQemu(version);
      const problems: string[] = [];
      const qmp = await connect(qemu.path, {
        maxMessageBytes: 64 << 10,
        onProtocolError: (error) => problems.push(error.message),
      });
      assert.equal((await qmp.execute("query-status")).running, true);
      await assert.rejects(qmp.execute("query-qmp-schema"), ConnectionClosedError);
      assert.deepEqual(problems, [`message larger than ${64 << 10} bytes`]);
      assert.match(await qmp.closed, /larger than 65536 bytes/);
    },
  });
}

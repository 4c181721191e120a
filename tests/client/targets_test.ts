/**
 * The connection targets other than a unix socket path, against a real QEMU:
 * a TCP address, and an already open duplex stream.
 */
import assert from "node:assert/strict";
import { connect as netConnect } from "node:net";
import { connect } from "../../lib/client/qmp.ts";
import type { Qmp10_0 } from "../../schemas/qmp/10.0.js";
import { provision, realQemuSkipped } from "../provision/qemu.ts";
import { freePort } from "./qemu_process.ts";

const skipped = realQemuSkipped();
const binaries = skipped ? undefined : await provision();

/** Starts QEMU 10.0 with its monitor on 127.0.0.1:port. */
function qemuOnTcp(port: number) {
  const qemu = binaries!["10.0"];
  return new Deno.Command(qemu.system, {
    args: [
      ...qemu.dataArgs,
      "-M",
      "none",
      "-nodefaults",
      "-display",
      "none",
      "-qmp",
      `tcp:127.0.0.1:${port},server=on,wait=off`,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
}

async function retry<value>(attempt: () => Promise<value>): Promise<value> {
  for (let i = 0;; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i > 200) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Kills QEMU unless it has already exited (after `quit` it usually has). */
function stop(child: Deno.ChildProcess) {
  try {
    child.kill("SIGKILL");
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
  }
}

Deno.test({
  name: "connect to { host, port } over TCP",
  ignore: skipped,
  fn: async () => {
    const port = await freePort();
    const child = qemuOnTcp(port);
    try {
      const qmp = await retry(() => connect<Qmp10_0>({ host: "127.0.0.1", port }));
      assert.equal(qmp.version.major, 10);
      assert.equal((await qmp.execute("query-status")).running, true);
      await qmp.execute("quit");
      await qmp.closed;
    } finally {
      stop(child);
      await child.status;
    }
  },
});

Deno.test({
  name: "connect over an already open duplex stream",
  ignore: skipped,
  fn: async () => {
    const port = await freePort();
    const child = qemuOnTcp(port);
    try {
      const socket = await retry(() =>
        new Promise<ReturnType<typeof netConnect>>((resolve, reject) => {
          const stream = netConnect({ host: "127.0.0.1", port });
          stream.once("connect", () => resolve(stream));
          stream.once("error", reject);
        })
      );
      const qmp = await connect<Qmp10_0>(socket);
      assert.equal((await qmp.execute("query-version")).qemu.major, 10);
      await qmp.close();
    } finally {
      stop(child);
      await child.status;
    }
  },
});

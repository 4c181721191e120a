/**
 * Helpers of the reconnect, accept-mode and trace tests: a bare QEMU with
 * the monitor options a test gives, and a unix socket proxy a test can cut
 * (a lost connection) or make refuse (a monitor that is not back yet).
 *
 * @module
 */

import { createServer } from "node:net";
import { provision, realQemuSkipped } from "../provision/qemu.ts";

export const skipped = realQemuSkipped();
export const binaries = skipped ? undefined : await provision();

/** A running QEMU; disposing of it kills it. */
export interface QemuProcess extends AsyncDisposable {
  readonly child: Deno.ChildProcess;
  /** Kills it (SIGKILL) and waits for its end. */
  kill(): Promise<void>;
}

/**
 * Starts QEMU `version` (`-M none`, no devices) with `monitorArgs`; when
 * `socketPath` is given, waits for QEMU to create it.
 */
export async function startQemu(
  version: "7.2" | "10.0",
  monitorArgs: string[],
  socketPath?: string,
): Promise<QemuProcess> {
  const qemu = binaries![version];
  const child = new Deno.Command(qemu.system, {
    args: [...qemu.dataArgs, "-M", "none", "-nodefaults", "-display", "none", ...monitorArgs],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const errors = new Response(child.stderr).text();
  if (socketPath !== undefined) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        if ((await Deno.stat(socketPath)).isSocket) break;
      } catch {
        // Not yet.
      }
      if (Date.now() > deadline) throw new Error(`QEMU did not create ${socketPath}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  let ended: Promise<void> | undefined;
  const kill = () =>
    ended ??= (async () => {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
      await child.status;
      await errors;
    })();
  return { child, kill, [Symbol.asyncDispose]: kill };
}

/** A proxy from `path` to `upstream`. */
export interface Proxy extends AsyncDisposable {
  readonly path: string;
  /** Connections made through it so far. */
  readonly connections: number;
  /** While true, a new connection is closed at once (the monitor "is not back yet"). */
  refuse: boolean;
  /** Closes every connection through it (a lost connection, seen from both ends). */
  cut(): void;
}

/** Listens on `path` and forwards each connection to the unix socket `upstream`. */
export function startProxy(path: string, upstream: string): Proxy {
  const listener = Deno.listen({ transport: "unix", path });
  const open = new Set<Deno.Conn>();
  const proxy: Proxy = {
    path,
    connections: 0,
    refuse: false,
    cut() {
      for (const conn of open) {
        try {
          conn.close();
        } catch {
          // Closed already.
        }
      }
      open.clear();
    },
    [Symbol.asyncDispose]() {
      proxy.cut();
      listener.close();
      return Promise.resolve();
    },
  };
  const pipe = async (from: Deno.Conn, to: Deno.Conn) => {
    const buffer = new Uint8Array(65536);
    try {
      for (;;) {
        const count = await from.read(buffer);
        if (count === null) break;
        let written = 0;
        while (written < count) written += await to.write(buffer.subarray(written, count));
      }
    } catch {
      // Cut.
    }
    for (const conn of [from, to]) {
      open.delete(conn);
      try {
        conn.close();
      } catch {
        // Closed already.
      }
    }
  };
  (async () => {
    for await (const client of listener) {
      if (proxy.refuse) {
        client.close();
        continue;
      }
      (proxy as { connections: number }).connections++;
      try {
        const server = await Deno.connect({ transport: "unix", path: upstream });
        open.add(client);
        open.add(server);
        pipe(client, server);
        pipe(server, client);
      } catch {
        client.close();
      }
    }
  })().catch(() => {});
  return proxy;
}

/** Resolves with the first state change `client` reports that `accept` accepts. */
export function nextState<change>(
  client: { onStateChange(handler: (change: change) => void): () => void },
  accept: (change: change) => boolean,
  timeout = 20_000,
): Promise<change> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no such state change within ${timeout} ms`));
    }, timeout);
    const stop = client.onStateChange((change) => {
      if (!accept(change)) return;
      clearTimeout(timer);
      stop();
      resolve(change);
    });
  });
}

/** A free TCP port on the loopback address. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

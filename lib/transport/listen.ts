/**
 * Accept mode: listen on a unix socket path or TCP address and let the
 * peer connect (QEMU's `-qmp unix:PATH` without `server=on`, or a socket
 * chardev with `reconnect-ms`), through `Deno.listen` on Deno and a
 * `node:net` server elsewhere.
 *
 * @module
 */

import { chmodSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { AcceptQueue, closedListenerError, listenError } from "./accept_queue.ts";
import { listenTls, type ListenTlsOptions } from "./tls_listen.ts";
import { fromDenoConn, fromDuplex, type Transport } from "./transport.ts";

/**
 * Where to listen: a unix socket path, or a TCP host and port (port 0: any
 * free port; `address` tells which).
 *
 * @example
 * ```ts
 * import type { ListenTarget } from "./listen.ts";
 * const targets: ListenTarget[] = ["/tmp/qmp-accept.sock", { host: "127.0.0.1", port: 0 }];
 * ```
 */
export type ListenTarget = string | { readonly host: string; readonly port: number };

/**
 * A listening socket whose connections are taken one at a time with
 * `accept()`; a unix socket is made reachable by its owner only (0600). Connections that arrive before they are taken wait (up to
 * `backlog`; more are closed at once). Closing it closes those waiting,
 * removes a unix socket file it created, and rejects pending `accept()`s;
 * connections already taken stay open.
 *
 * @example
 * ```ts ignore
 * import { listenSocket } from "./listen.ts";
 * await using listener = await listenSocket({ host: "127.0.0.1", port: 0 });
 * console.log(listener.address);
 * const transport = await listener.accept();
 * ```
 */
export interface TransportListener extends AsyncDisposable {
  /** Where it listens: the path, or the host and the port (the actual one for port 0). */
  readonly address: ListenTarget;
  /**
   * The next connection: one that waits already, or the next to arrive.
   * Rejects when the listener closes or `signal` aborts (with its reason).
   */
  accept(signal?: AbortSignal): Promise<Transport>;
  /** Stops listening (idempotent). */
  close(): void;
}

/**
 * Options of `listenSocket`.
 *
 * @example
 * ```ts
 * import type { ListenSocketOptions } from "./listen.ts";
 * const options: ListenSocketOptions = { backlog: 4 };
 * ```
 */
export interface ListenSocketOptions {
  /** Connections kept waiting for `accept()`; more are closed as they arrive. Default 16. */
  readonly backlog?: number;
  /**
   * Serve TLS on a TCP address: QEMU connects with `tls-creds` (a
   * `tls-creds-x509` object with `endpoint=client`). With `tls.ca`, only a
   * QEMU whose client certificate it issued is accepted.
   */
  readonly tls?: ListenTlsOptions;
}

/** The part of Deno's API a listener uses. */
interface DenoListen {
  listen(
    options: { transport: "unix"; path: string } | { hostname: string; port: number },
  ): {
    accept(): Promise<Parameters<typeof fromDenoConn>[0]>;
    close(): void;
    readonly addr: { port?: number; hostname?: string };
  };
  removeSync(path: string): void;
}
const denoNet = (globalThis as { Deno?: Partial<DenoListen> }).Deno;

/**
 * Listens on `target`. Rejects when it can't (the address is in use, a
 * file is already at the path, no permission), with the system's `code`
 * and a message naming the address.
 *
 * @example
 * ```ts
 * import { listenSocket } from "./listen.ts";
 * import { connectSocket } from "./transport.ts";
 * await using listener = await listenSocket({ host: "127.0.0.1", port: 0 });
 * const accepted = listener.accept();
 * const client = await connectSocket(listener.address);
 * const server = await accepted;
 * const received = new Promise<string>((resolve) =>
 *   server.onData((chunk) => resolve(new TextDecoder().decode(chunk)))
 * );
 * client.write("hello\n");
 * console.log(await received); // "hello\n"
 * client.close();
 * server.close();
 * ```
 */
export function listenSocket(
  target: ListenTarget,
  options: ListenSocketOptions = {},
): Promise<TransportListener> {
  const backlog = options.backlog ?? 16;
  if (!(Number.isSafeInteger(backlog) && backlog >= 0)) {
    return Promise.reject(
      new RangeError(`backlog must be a whole number, 0 or more, not ${backlog}`),
    );
  }
  if (options.tls !== undefined) return listenTls(target, backlog, options.tls);
  return typeof denoNet?.listen === "function"
    ? listenDeno(denoNet as DenoListen, target, backlog)
    : listenNode(target, backlog);
}

/**
 * Makes a unix socket the listener created reachable by its owner only
 * (0600): whoever connects there is taken for QEMU.
 */
function restrict(target: ListenTarget): void {
  if (typeof target === "string") chmodSync(target, 0o600);
}

function listenDeno(
  deno: DenoListen,
  target: ListenTarget,
  backlog: number,
): Promise<TransportListener> {
  let listener: ReturnType<DenoListen["listen"]>;
  try {
    listener = typeof target === "string"
      ? deno.listen({ transport: "unix", path: target })
      : deno.listen({ hostname: target.host, port: target.port });
  } catch (error) {
    return Promise.reject(listenError(error, target));
  }
  try {
    restrict(target);
  } catch (error) {
    listener.close();
    return Promise.reject(listenError(error, target));
  }
  const queue = new AcceptQueue(backlog);
  let closed = false;
  (async () => {
    try {
      for (;;) queue.offer(fromDenoConn(await listener.accept()));
    } catch (error) {
      queue.close(closed ? closedListenerError() : error as Error);
    }
  })();
  const address = typeof target === "string"
    ? target
    : { host: target.host, port: listener.addr.port ?? target.port };
  const close = () => {
    if (closed) return;
    closed = true;
    queue.close(closedListenerError());
    listener.close();
    // Deno leaves the socket file behind; the listener made it, so it goes.
    if (typeof target === "string") {
      try {
        deno.removeSync(target);
      } catch {
        // Already gone.
      }
    }
  };
  return Promise.resolve({
    address,
    accept: (signal) => queue.take(signal),
    close,
    [Symbol.asyncDispose]: () => Promise.resolve(close()),
  });
}

function listenNode(target: ListenTarget, backlog: number): Promise<TransportListener> {
  const queue = new AcceptQueue(backlog);
  const server: Server = createServer((socket: Socket) => {
    socket.setNoDelay?.(true);
    queue.offer(fromDuplex(socket));
  });
  return new Promise((resolve, reject) => {
    server.once("error", (error) => reject(listenError(error, target)));
    const onListening = () => {
      try {
        restrict(target);
      } catch (error) {
        server.close();
        return reject(listenError(error, target));
      }
      server.on("error", (error) => queue.close(error));
      const bound = server.address();
      const address = typeof target === "string" ? target : {
        host: target.host,
        port: typeof bound === "object" && bound ? bound.port : target.port,
      };
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        queue.close(closedListenerError());
        server.close(); // removes a unix socket file
      };
      resolve({
        address,
        accept: (signal) => queue.take(signal),
        close,
        [Symbol.asyncDispose]: () => Promise.resolve(close()),
      });
    };
    if (typeof target === "string") server.listen(target, onListening);
    else server.listen(target.port, target.host, onListening);
  });
}

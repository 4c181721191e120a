/**
 * Accept mode over TLS: QEMU connects to the client as a TLS client (a
 * socket chardev with `server=off` and `tls-creds` of a `tls-creds-x509`
 * object with `endpoint=client`), and the listener is the TLS server.
 *
 * With `ca`, QEMU must present a client certificate issued by it (the
 * `client-cert.pem` of its credentials directory): over TCP, whoever reaches
 * the port is otherwise taken for QEMU. Built on `node:tls`'s server on
 * Deno as on Node.
 *
 * @module
 */

import { createServer, type TLSSocket } from "node:tls";
import { timeoutProblem } from "../protocol/options.ts";
import { AcceptQueue, closedListenerError, listenError } from "./accept_queue.ts";
import type { ListenTarget, TransportListener } from "./listen.ts";
import { issuedByCa, readCaCertificates, readKeyPair } from "./tls.ts";
import { endBurstsOfSocket, holdUntilHandled } from "./tls_monitor.ts";
import { fromDuplex } from "./transport.ts";

/**
 * The listener's side of TLS in accept mode: its certificate and key, and
 * the CA whose client certificates it accepts.
 *
 * @example
 * ```ts
 * import type { ListenTlsOptions } from "./tls_listen.ts";
 * declare const pem: { cert: string; key: string; ca: string };
 * const tls: ListenTlsOptions = { cert: pem.cert, key: pem.key, ca: pem.ca };
 * ```
 */
export interface ListenTlsOptions {
  /**
   * The listener's certificate, PEM (with its chain, if any). QEMU checks
   * it against the `ca-cert.pem` of its credentials and the host name it
   * connects to (an IP address must be in the certificate's subjectAltName).
   */
  readonly cert: string;
  /** The certificate's private key, PEM, not encrypted. */
  readonly key: string;
  /**
   * The CA certificate(s), PEM, that issued QEMU's client certificate: a
   * connection without a certificate issued by one of them is refused in
   * the handshake, and `accept()` goes on waiting. Without `ca`, no client
   * certificate is asked for, and anyone who reaches the port is taken for
   * QEMU, as on a TCP listener without TLS.
   */
  readonly ca?: string | readonly string[];
  /**
   * Milliseconds a connection has to finish its handshake (`Infinity`: no
   * limit). Default 10 000. A connection still in its handshake then is
   * closed: one that never begins it would otherwise hold a socket forever.
   */
  readonly handshakeTimeout?: number;
}

/**
 * Listens on a TCP address as a TLS server; `accept()` gives connections
 * whose handshake has finished (and whose client certificate was issued by
 * `ca`, when given). Throws, before listening, an error naming the option
 * that is wrong.
 *
 * @example
 * ```ts ignore
 * import { listenTls } from "./tls_listen.ts";
 * declare const pem: { cert: string; key: string; ca: string };
 * await using listener = await listenTls({ host: "127.0.0.1", port: 0 }, 16, pem);
 * const transport = await listener.accept(AbortSignal.timeout(10_000));
 * ```
 */
export function listenTls(
  target: ListenTarget,
  backlog: number,
  options: ListenTlsOptions,
): Promise<TransportListener> {
  let ca: string[] | undefined;
  let handshakeTimeout: number;
  try {
    if (typeof target === "string") {
      throw new TypeError(
        "tls goes with a TCP address ({ host, port }), not a unix socket path",
      );
    }
    if (options === null || typeof options !== "object") {
      throw new TypeError("tls must be an object: { cert, key, ca? }");
    }
    readKeyPair(options.cert, options.key);
    ca = options.ca === undefined
      ? undefined
      : readCaCertificates(options.ca, "QEMU's client certificate");
    handshakeTimeout = options.handshakeTimeout ?? 10_000;
    const problem = timeoutProblem("tls.handshakeTimeout", handshakeTimeout);
    if (problem) throw problem;
  } catch (error) {
    return Promise.reject(error);
  }
  const queue = new AcceptQueue(backlog);
  const server = createServer({
    cert: options.cert,
    key: options.key,
    ca,
    requestCert: ca !== undefined,
    rejectUnauthorized: ca !== undefined,
    // 0 is none. Past a timer's range (24.8 days) is as good as none.
    handshakeTimeout: handshakeTimeout < 2 ** 31 ? Math.max(1, handshakeTimeout) : 0,
  });
  // A failed handshake, or one not finished in time: Node closes the
  // connection itself, Deno only reports it.
  server.on("tlsClientError", (_error: Error, socket: TLSSocket) => socket.destroy());
  server.on("secureConnection", (socket: TLSSocket) => {
    // The run time's verdict, and the chain checked against `ca` alone (not
    // a root store the run time might add).
    if (ca && !(socket.authorized && issuedByCa(socket.getPeerCertificate(true), ca))) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    queue.offer(holdUntilHandled(fromDuplex(endBurstsOfSocket(socket))));
  });
  return new Promise((resolve, reject) => {
    server.once("error", (error: Error) => reject(listenError(error, target)));
    server.listen(target.port, target.host, () => {
      server.on("error", (error: Error) => queue.close(error));
      const bound = server.address();
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        queue.close(closedListenerError());
        server.close();
      };
      resolve({
        address: {
          host: target.host,
          port: typeof bound === "object" && bound ? bound.port : target.port,
        },
        accept: (signal) => queue.take(signal),
        close,
        [Symbol.asyncDispose]: () => Promise.resolve(close()),
      });
    });
  });
}

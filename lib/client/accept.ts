/**
 * Accept mode for QMP: the client listens and QEMU connects to it, as with
 * `-qmp unix:PATH` (no `server=on`) or a socket chardev with `server=off`
 * and `reconnect-ms` (`reconnect` before QEMU 9.2). With `reconnect`, a
 * QEMU that connects again after a loss is taken back by the same client.
 *
 * @module
 */

import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
import type { AcceptAll, CompatPolicy } from "../types/features.ts";
import type { Schema } from "../types/schema.ts";
import {
  listenSocket,
  type ListenSocketOptions,
  type ListenTarget,
  type TransportListener,
} from "../transport/listen.ts";
import { openClient, type QmpClient, type QmpOptions } from "./qmp.ts";

/**
 * Options of `QmpListener.accept`.
 *
 * @example
 * ```ts
 * import type { AcceptOptions } from "./accept.ts";
 * const options: AcceptOptions = { signal: AbortSignal.timeout(30_000), reconnect: true };
 * ```
 */
export interface AcceptOptions extends QmpOptions {
  /** Stop waiting for QEMU to connect: `accept` rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * A listening socket QEMU connects to; `accept()` gives the QMP client of
 * the next QEMU that does.
 *
 * @example
 * ```ts ignore
 * import { listenQmp } from "./accept.ts";
 * await using listener = await listenQmp("/tmp/qmp-accept.sock");
 * // qemu-system-x86_64 -qmp unix:/tmp/qmp-accept.sock …
 * await using qmp = await listener.accept();
 * console.log(qmp.version);
 * ```
 */
export interface QmpListener<
  schema extends Schema = Qmp10_2,
  policy extends CompatPolicy = AcceptAll,
> extends AsyncDisposable {
  /** Where it listens: the path, or the host and the port (the actual one for port 0). */
  readonly address: ListenTarget;
  /**
   * The client of the next QEMU to connect (or one that connected already
   * and waits), after the greeting and capability negotiation. With
   * `reconnect`, the client takes the next connection from this listener
   * whenever its connection is lost.
   */
  accept(options?: AcceptOptions): Promise<QmpClient<schema, policy>>;
  /**
   * Stops listening and removes the socket file; clients already accepted
   * stay connected (a reconnecting one then closes once it loses its connection).
   */
  close(): void;
}

/**
 * Listens on a unix socket path or TCP address for QEMU to connect.
 * Rejects when it can't listen there (in use, a file already at the path).
 *
 * @example
 * ```ts ignore
 * import { listenQmp } from "./accept.ts";
 * import type { Qmp7_2 } from "../../schemas/qmp/7.2.js";
 * await using listener = await listenQmp<Qmp7_2>({ host: "127.0.0.1", port: 4445 });
 * // qemu-system-x86_64 -chardev socket,id=mon,host=127.0.0.1,port=4445,reconnect=1 -mon chardev=mon,mode=control
 * await using qmp = await listener.accept({ reconnect: true });
 * await qmp.execute("query-status");
 * ```
 */
export async function listenQmp<
  schema extends Schema = Qmp10_2,
  policy extends CompatPolicy = AcceptAll,
>(target: ListenTarget, options: ListenSocketOptions = {}): Promise<QmpListener<schema, policy>> {
  const listener: TransportListener = await listenSocket(target, options);
  return {
    address: listener.address,
    accept: (acceptOptions: AcceptOptions = {}) =>
      openClient<schema, policy>(
        (signal) =>
          listener.accept(signal ?? acceptOptions.signal).catch((error) => {
            // No connection can come any more: reconnecting ends here.
            if (error?.code === "ERR_LISTENER_CLOSED") error.final = true;
            throw error;
          }),
        acceptOptions,
      ),
    close: () => listener.close(),
    [Symbol.asyncDispose]: () => Promise.resolve(listener.close()),
  };
}

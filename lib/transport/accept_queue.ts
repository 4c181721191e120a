/**
 * What every kind of listener shares: the connections that wait to be
 * taken with `accept()`, and the errors a listener gives.
 *
 * @module
 */

import type { ListenTarget } from "./listen.ts";
import type { Transport } from "./transport.ts";

/**
 * Connections waiting to be taken, and `accept()`s waiting for one. At most
 * `backlog` connections wait; more are closed as they arrive.
 *
 * @example
 * ```ts
 * import { AcceptQueue, closedListenerError } from "./accept_queue.ts";
 * const queue = new AcceptQueue(16);
 * const next = queue.take(AbortSignal.timeout(1_000));
 * queue.close(closedListenerError());
 * await next.catch((error) => console.log(error.code)); // "ERR_LISTENER_CLOSED"
 * ```
 */
export class AcceptQueue {
  readonly #ready: Transport[] = [];
  readonly #waiting: { resolve: (t: Transport) => void; reject: (e: unknown) => void }[] = [];
  #closedError?: Error;

  /** A queue that keeps up to `backlog` connections waiting. */
  constructor(readonly backlog: number) {}

  /** A connection arrived. */
  offer(transport: Transport): void {
    const waiter = this.#waiting.shift();
    if (waiter) return waiter.resolve(transport);
    if (this.#closedError || this.#ready.length >= this.backlog) return transport.close();
    this.#ready.push(transport);
  }

  /** The next connection: one that waits, or the next to arrive; rejects when closed or aborted. */
  take(signal?: AbortSignal): Promise<Transport> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const ready = this.#ready.shift();
    if (ready) return Promise.resolve(ready);
    if (this.#closedError) return Promise.reject(this.#closedError);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = this.#waiting.indexOf(waiter);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal!.reason);
      };
      const waiter = {
        resolve: (transport: Transport) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(transport);
        },
        reject: (error: unknown) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      this.#waiting.push(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** No more connections: waiting ones close, pending takes reject with `error`. */
  close(error: Error): void {
    if (this.#closedError) return;
    this.#closedError = error;
    for (const transport of this.#ready.splice(0)) transport.close();
    for (const waiter of this.#waiting.splice(0)) waiter.reject(error);
  }
}

/**
 * The error of a listener that cannot start, shaped as `node:net` shapes
 * it: `listen CODE ADDRESS`, with the system's `code`.
 *
 * @example
 * ```ts
 * import { listenError } from "./accept_queue.ts";
 * const cause = Object.assign(new Error("in use"), { code: "EADDRINUSE" });
 * console.log((listenError(cause, { host: "127.0.0.1", port: 4444 }) as Error).message);
 * // "listen EADDRINUSE 127.0.0.1:4444"
 * ```
 */
export function listenError(error: unknown, target: ListenTarget): unknown {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== "string") return error;
  const where = typeof target === "string" ? target : `${target.host}:${target.port}`;
  const hint = code === "EADDRINUSE" && typeof target === "string"
    ? " (a file is already there: remove it if no process serves it)"
    : "";
  return Object.assign(new Error(`listen ${code} ${where}${hint}`, { cause: error }), { code });
}

/**
 * The error of `accept()` on a closed listener; `code` tells it from others.
 *
 * @example
 * ```ts
 * import { closedListenerError } from "./accept_queue.ts";
 * console.log(closedListenerError().code); // "ERR_LISTENER_CLOSED"
 * ```
 */
export const closedListenerError = (): Error & { code: string } =>
  Object.assign(new Error("the listener is closed"), { code: "ERR_LISTENER_CLOSED" });

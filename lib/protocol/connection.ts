/**
 * The protocol core shared by QMP, the guest agent and the storage daemon:
 * line-delimited JSON over a transport, requests with ids, replies routed by
 * id (never by order: events and other replies may come in between), events
 * to an `EventHub`, and every failure ending pending calls instead of
 * leaving them hanging.
 *
 * @module
 */

import type { Transport } from "../transport/transport.ts";
import { ConnectionClosedError, ProtocolError, QmpError, TimeoutError } from "./errors.ts";
import { EventHub, type RawEvent } from "./events.ts";
import { parseJson, stringifyJson } from "./json.ts";
import { LineSplitter } from "./lines.ts";
import type { OobCallOptions } from "./options.ts";

/**
 * Options of a connection.
 *
 * @example
 * ```ts
 * import type { ConnectionOptions } from "./connection.ts";
 * const options: ConnectionOptions = { maxMessageBytes: 8 << 20, eventBufferSize: 100 };
 * ```
 */
export interface ConnectionOptions {
  /** The largest message accepted; a larger one closes the connection. Default 64 MiB. */
  readonly maxMessageBytes?: number;
  /**
   * The bound, in events, of each event listener's queue (`listen`,
   * `events()`) unless it sets its own; past it the oldest unread event is
   * dropped and counted. Default 1000.
   */
  readonly eventBufferSize?: number;
  /** How many recent events `waitFor` can look back on. Default 100; 0 keeps none. */
  readonly eventHistorySize?: number;
  /** Told of lines that are not JSON or not a known message; the connection stays up. Default: `console.warn`. */
  readonly onProtocolError?: (error: ProtocolError) => void;
}

interface Pending {
  readonly command: string;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * A message-level connection. Untyped: the typed clients wrap it.
 *
 * @example
 * ```ts ignore
 * import { Connection } from "./connection.ts";
 * import { connectSocket } from "../transport/transport.ts";
 * const connection = new Connection(await connectSocket("/tmp/qmp.sock"));
 * await connection.greeting;
 * await connection.call("qmp_capabilities", {});
 * ```
 */
export class Connection {
  /** Events from the peer. */
  readonly events: EventHub;
  /** The first `{"QMP": …}` message, for protocols that send one. */
  readonly greeting: Promise<Record<string, unknown>>;
  /** Resolves when the connection has closed, with the reason. */
  readonly closed: Promise<string>;

  readonly #transport: Transport;
  // Ids are numbers: QEMU echoes any JSON id, and number keys spare a string per call.
  readonly #pending = new Map<unknown, Pending>();
  /** `{"execute":"NAME"` by command: quoting a name once, not once per call. */
  readonly #prefixes = new Map<string, string>();
  readonly #onProtocolError: (error: ProtocolError) => void;
  #nextId = 1;
  #closeReason?: string;
  #resolveGreeting!: (greeting: Record<string, unknown>) => void;
  #rejectGreeting!: (error: unknown) => void;
  #resolveClosed!: (reason: string) => void;
  /** Lines handed to `#filter` before routing (the guest agent's resynchronisation). */
  lineFilter?: (line: string) => string | undefined;

  constructor(transport: Transport, options: ConnectionOptions = {}) {
    this.#transport = transport;
    this.events = new EventHub({
      queueSize: options.eventBufferSize,
      historySize: options.eventHistorySize,
    });
    this.#onProtocolError = options.onProtocolError ??
      ((error) => console.warn(`qapi-ts: ${error.message}`));
    this.greeting = new Promise((resolve, reject) => {
      this.#resolveGreeting = resolve;
      this.#rejectGreeting = reject;
    });
    // A protocol without a greeting never awaits it; don't report its rejection as unhandled.
    this.greeting.catch(() => {});
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    const splitter = new LineSplitter(
      options.maxMessageBytes ?? 64 << 20,
      (line) => this.#receive(line),
    );
    transport.onData((chunk) => {
      try {
        splitter.push(chunk);
      } catch (error) {
        // Oversized: the stream can't be resynchronised safely, so end it.
        this.#onProtocolError(error as ProtocolError);
        this.#shutdown((error as Error).message);
        transport.close();
      }
    });
    transport.onClose((reason) => this.#shutdown(reason));
  }

  /** True once closed. */
  get isClosed(): boolean {
    return this.#closeReason !== undefined;
  }

  #receive(line: string): void {
    const filtered = this.lineFilter ? this.lineFilter(line) : line;
    if (filtered === undefined) return;
    let message: unknown;
    try {
      message = parseJson(filtered);
    } catch {
      this.#onProtocolError(new ProtocolError("line is not JSON", filtered));
      return;
    }
    if (typeof message !== "object" || message === null || Array.isArray(message)) {
      this.#onProtocolError(new ProtocolError("message is not a JSON object", filtered));
      return;
    }
    const record = message as Record<string, unknown>;
    if ("id" in record && ("return" in record || "error" in record)) {
      const id = record.id;
      const pending = this.#pending.get(id);
      if (!pending) return; // A reply to a call that timed out or was aborted.
      this.#pending.delete(id);
      if ("return" in record) pending.resolve(record.return);
      else {
        const error = record.error as { class?: unknown; desc?: unknown } | null;
        pending.reject(
          new QmpError(
            pending.command,
            String(error?.class ?? "GenericError"),
            String(error?.desc ?? ""),
          ),
        );
      }
    } else if (typeof record.event === "string") {
      const event: RawEvent = {
        event: record.event,
        data: record.data ?? {},
        timestamp: (record.timestamp as RawEvent["timestamp"]) ?? { seconds: 0, microseconds: 0 },
      };
      this.events.dispatch(event);
    } else if ("QMP" in record) {
      this.#resolveGreeting(record);
    } else if ("error" in record) {
      // QEMU answers a request it could not parse with an error without id.
      const error = record.error as { class?: unknown; desc?: unknown };
      this.#onProtocolError(new ProtocolError(`error without id: ${error?.class}: ${error?.desc}`));
    } else {
      this.#onProtocolError(new ProtocolError("message of unknown shape", filtered));
    }
  }

  /** Reports a problem with what the peer sent, as the connection does itself. */
  report(error: ProtocolError): void {
    this.#onProtocolError(error);
  }

  /** Sends raw bytes or text (the guest agent's sync byte), after anything queued. */
  send(data: string | Uint8Array): void {
    this.#flush();
    this.#transport.write(data);
  }

  #outgoing = "";
  /**
   * Queues a request; requests made in the same tick go out in one write
   * (a socket write per request costs more than building the request).
   */
  #write(text: string): void {
    if (this.#outgoing === "") queueMicrotask(() => this.#flush());
    this.#outgoing += text;
  }

  #flush(): void {
    if (this.#outgoing === "") return;
    const text = this.#outgoing;
    this.#outgoing = "";
    this.#transport.write(text);
  }

  /**
   * Sends a command and resolves with its `return` value; rejects with
   * `QmpError`, `TimeoutError`, the signal's reason, or `ConnectionClosedError`.
   */
  call(command: string, args?: object, options: OobCallOptions = {}): Promise<unknown> {
    if (this.#closeReason !== undefined) {
      return Promise.reject(new ConnectionClosedError(command, this.#closeReason));
    }
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    const id = this.#nextId++;
    // Built as text: no request object to allocate and serialise as a whole.
    const key = options.oob ? `!${command}` : command;
    let prefix = this.#prefixes.get(key);
    if (prefix === undefined) {
      prefix = `{"${options.oob ? "exec-oob" : "execute"}":${JSON.stringify(command)}`;
      this.#prefixes.set(key, prefix);
    }
    const request = prefix +
      (args !== undefined && Object.keys(args).length > 0
        ? `,"arguments":${stringifyJson(args)}`
        : "") +
      `,"id":${id}}\n`;
    return new Promise((resolve, reject) => {
      const pending: Pending = { command, resolve, reject };
      this.#pending.set(id, pending);
      // Timers and abort listeners only when asked for: most calls have neither.
      if (options.timeout !== undefined || options.signal) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const onAbort = () => pending.reject(options.signal!.reason);
        const cleanup = () => {
          if (timer !== undefined) clearTimeout(timer);
          options.signal?.removeEventListener("abort", onAbort);
        };
        pending.resolve = (value) => {
          cleanup();
          resolve(value);
        };
        pending.reject = (error) => {
          this.#pending.delete(id);
          cleanup();
          reject(error);
        };
        if (options.timeout !== undefined) {
          timer = setTimeout(
            () => pending.reject(new TimeoutError(command, options.timeout!)),
            options.timeout,
          );
        }
        options.signal?.addEventListener("abort", onAbort, { once: true });
      }
      this.#write(request);
    });
  }

  #shutdown(reason: string): void {
    if (this.#closeReason !== undefined) return;
    this.#closeReason = reason;
    for (const pending of [...this.#pending.values()]) {
      // QEMU may close the connection before it answers `quit`: that is its success.
      if (pending.command === "quit") pending.resolve({});
      else pending.reject(new ConnectionClosedError(pending.command, reason));
    }
    this.#pending.clear();
    this.#rejectGreeting(new ConnectionClosedError(undefined, reason));
    this.events.close(reason);
    this.#resolveClosed(reason);
  }

  /** Closes the connection; pending calls reject with `ConnectionClosedError`. */
  close(): void {
    this.#shutdown("closed by the client");
    this.#transport.close();
  }
}

/**
 * The typed QMP client: `connect()` reads the greeting, negotiates
 * capabilities, and returns a client whose `execute`, `on`, `waitFor` and
 * `events` are typed by the schema chosen as its type parameter.
 *
 * @module
 */

import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
import { Connection, type ConnectionOptions } from "../protocol/connection.ts";
import { ProtocolError } from "../protocol/errors.ts";
import {
  EventHub,
  type EventListener,
  type ListenOptions,
  type RawEvent,
  type Unsubscribe,
  type WaitOptions,
} from "../protocol/events.ts";
import type { CallOptions, OobCallOptions } from "../protocol/options.ts";
import {
  compareVersion,
  type HandshakeOptions,
  negotiate,
  type Negotiated,
  type QemuVersion,
} from "./handshake.ts";
import {
  type ConnectionState,
  type ReconnectOptions,
  reconnectOptionsProblem,
  Reconnector,
  type StateChange,
} from "./reconnect.ts";
import type { AcceptAll, CompatPolicy } from "../types/features.ts";
import type { Schema } from "../types/schema.ts";
export type { ConnectionState, QemuVersion, ReconnectOptions, Schema, StateChange };
import type { EventName, QmpEvent } from "../types/events.ts";
import type { Execute } from "../types/execute.ts";
import type { AtLeast, AtMost, NarrowSpan, SchemasOf, VendoredVersions } from "../types/span.ts";
import { connectSocket, type Target, type Transport } from "../transport/transport.ts";
import {
  indexSchemaInfo,
  type SchemaInfo,
  type SchemaInfoIndex,
} from "../introspect/schema_info.ts";
import { supports } from "../introspect/supports.ts";
import { validateArguments, validateValue } from "../introspect/validate.ts";

/**
 * Options of `connect`.
 *
 * @example
 * ```ts
 * import type { QmpOptions } from "./qmp.ts";
 * const options: QmpOptions = { oob: true, greetingTimeout: 5000 };
 * ```
 */
export interface QmpOptions extends ConnectionOptions, HandshakeOptions {
  /**
   * Validate every call's arguments against the server's own schema
   * (`query-qmp-schema`, read once per connection) before sending it; a bad
   * call rejects with `ValidationError` and nothing is sent. Default false.
   */
  readonly strict?: boolean;
  /**
   * The run-time compat policy, mirroring QEMU's `-compat`: with `strict`,
   * deprecated or unstable commands and members are refused. (The type
   * parameter `policy` does the same at compile time.)
   */
  readonly policy?: CompatPolicy;
  /**
   * With `strict`: also check every result and event against the live
   * schema, reporting a mismatch through `onProtocolError` (a reply is
   * never refused for it: outputs are open). Default false.
   */
  readonly validateReplies?: boolean;
  /**
   * Reconnect when the connection is lost (`true`: with the defaults of
   * `ReconnectOptions`), keeping the client's event listeners; watch it
   * with `state` and `onStateChange`. Only for a target `connect` can open
   * again (a socket path or address) and in accept mode. Default false:
   * the client closes with its connection.
   */
  readonly reconnect?: boolean | ReconnectOptions;
}

/**
 * A connected, negotiated QMP client typed by `schema` (default: QMP 10.2)
 * and `policy` (deprecated/unstable accepted or rejected at compile time).
 *
 * @example
 * ```ts ignore
 * import { connect } from "./qmp.ts";
 * await using qmp = await connect("/tmp/qmp.sock");
 * const status = await qmp.execute("query-status");
 * console.log(status.status, qmp.version);
 * ```
 */
export class QmpClient<schema extends Schema = Qmp10_2, policy extends CompatPolicy = AcceptAll> {
  /**
   * The schema versions the client is typed for. Type-level only (never set):
   * it gives `isAtLeast()` a member whose type follows the span, so that the
   * narrowed client is a subtype TypeScript can narrow to.
   */
  declare readonly schemaVersions?: SchemasOf<schema> extends { version: infer version } ? version
    : never;
  /** Runs a command: `execute(name, args?, { timeout, signal, oob }?)`. */
  readonly execute: Execute<schema, policy>;
  #connection: Connection;
  /** Where events go: the connection's, or a reconnecting client's own, shared by its connections. */
  readonly #events: EventHub;
  #version: QemuVersion;
  #capabilities: readonly string[];
  #enabled: readonly string[];
  #reconnector?: Reconnector;
  #schemaInfo: Promise<SchemaInfoIndex> | undefined;
  #validate?: (command: string, args: object | undefined) => void;
  #checkReply?: (command: string, reply: unknown) => void;
  #checkEvents?: Unsubscribe;

  /**
   * Wraps a connection that has completed the greeting and capability
   * negotiation; `connect` and `launch` make one.
   */
  constructor(
    connection: Connection,
    version: QemuVersion,
    capabilities: readonly string[],
    enabled: readonly string[],
  ) {
    this.#connection = connection;
    this.#events = connection.events;
    this.#version = version;
    this.#capabilities = capabilities;
    this.#enabled = enabled;
    // The typed signature is a view on the untyped call; the schema only types it.
    this.execute = ((command: string, args?: object, options?: OobCallOptions) => {
      const reconnector = this.#reconnector;
      if (reconnector !== undefined) {
        if (reconnector.state !== "connected") {
          return reconnector.callWhileDown(command, args, options);
        }
        if (command === "quit") {
          reconnector.expectEnd(true);
          // Refused (an error reply): QEMU goes on, and so does reconnection.
          const reply = this.#send(command, args, options);
          reply.catch(() => reconnector.expectEnd(false));
          return reply;
        }
      }
      return this.#send(command, args, options);
    }) as Execute<schema, policy>;
  }

  /** A call on the current connection, checked first in strict mode. */
  #send(command: string, args: object | undefined, options: OobCallOptions | undefined) {
    if (this.#validate) {
      // Strict mode: a call the server's schema refuses is never sent.
      try {
        this.#validate(command, args);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const reply = this.#connection.call(command, args, options);
    const check = this.#checkReply;
    return check ? reply.then((value) => (check(command, value), value)) : reply;
  }

  /** The server's version, from the greeting (of the current connection, when reconnecting). */
  get version(): QemuVersion {
    return this.#version;
  }

  /** The capabilities the server offered. */
  get capabilities(): readonly string[] {
    return this.#capabilities;
  }

  /** The capabilities enabled on this connection. */
  get enabled(): readonly string[] {
    return this.#enabled;
  }

  /** The untyped connection underneath (the current one, when reconnecting). */
  get connection(): Connection {
    return this.#connection;
  }

  /**
   * `"connected"`, `"reconnecting"` (with `reconnect`, after the connection
   * was lost) or `"closed"`.
   */
  get state(): ConnectionState {
    return this.#reconnector?.state ?? (this.#connection.isClosed ? "closed" : "connected");
  }

  /**
   * Calls `handler` on each change of `state` (with the reason, and the
   * attempt while reconnecting); returns the function that stops it.
   */
  onStateChange(handler: (change: StateChange) => void): Unsubscribe {
    let stop: () => void;
    if (this.#reconnector) stop = this.#reconnector.onStateChange(handler);
    else {
      let active = true;
      this.#connection.closed.then((reason) => active && handler({ state: "closed", reason }));
      stop = () => (active = false);
    }
    return Object.assign(stop, { [Symbol.dispose]: stop });
  }

  /**
   * @internal Makes the client reconnect through `reopen` (which opens a
   * connection whose events go to this client's hub, then `adopt`s it).
   */
  reconnectWith(
    options: ReconnectOptions,
    reopen: (signal: AbortSignal) => Promise<Connection>,
  ): void {
    const reconnector = new Reconnector(options, {
      reopen,
      send: (command, args, callOptions) => this.#send(command, args, callOptions),
      end: (reason) => {
        this.#connection.close();
        this.#events.close(reason);
      },
    });
    this.#reconnector = reconnector;
    reconnector.watch(this.#connection);
  }

  /**
   * @internal Takes a new, negotiated connection (a reconnection) in place
   * of the lost one; strict mode reads the new server's schema.
   */
  async adopt(connection: Connection, negotiated: Negotiated): Promise<void> {
    this.#connection = connection;
    // Events before the loss are not news on the new connection.
    this.#events.clearHistory();
    this.#version = negotiated.version;
    this.#capabilities = negotiated.offered;
    this.#enabled = negotiated.enabled;
    this.#schemaInfo = undefined;
    const strict = this.#strict;
    if (strict) {
      await this.enableStrict(strict.policy, strict.replies, { timeout: strict.timeout });
    }
  }

  #strict?: { policy: CompatPolicy; replies: boolean; timeout: number | undefined };

  /**
   * Calls `handler` for every event named `name` from now on, as it arrives;
   * returns the function that stops it (also `using`-disposable). A handler
   * that throws is reported as an uncaught error; the others still run.
   */
  on<name extends EventName<schema>>(
    name: name,
    // NoInfer: the event name is inferred from `name` alone. Inferring it from
    // the handler too makes TypeScript relate the handler to every event's
    // type at once (tens of seconds, gigabytes).
    handler: NoInfer<(event: QmpEvent<schema, name>) => void>,
  ): Unsubscribe {
    return this.#events.on(name, handler as (event: unknown) => void);
  }

  /**
   * Starts listening now for the events named `name` (one name or several;
   * none: every event), each queued for this listener alone, bounded by
   * `queueSize` (default `eventBufferSize`, 1000; past it the oldest is
   * dropped and counted in `dropped`). Create it before the command that
   * causes the event: `using stops = qmp.listen("STOP"); await
   * qmp.execute("stop"); await stops.wait()`. Read it with `wait()` or
   * `for await`; `using` (or `close()`) stops it.
   */
  listen<name extends EventName<schema>>(
    name: name | readonly name[],
    options?: NoInfer<ListenOptions<QmpEvent<schema, name>>>,
  ): EventListener<QmpEvent<schema, name>>;
  /** Starts listening now for every event, each queued for this listener alone. */
  listen(): EventListener<QmpEvent<schema>>;
  listen(
    names?: string | readonly string[],
    options?: ListenOptions<never>,
  ): unknown {
    return this.#events.listen(names, options as ListenOptions<RawEvent>);
  }

  /**
   * The next event named `name` that matches `where`. By default it can be
   * one that arrived shortly before (from the recent history, if no other
   * `waitFor` received it), so `await qmp.execute("stop"); await
   * qmp.waitFor("STOP")` finds the event QEMU sends before its reply; with
   * `history: false` only later events count.
   */
  waitFor<name extends EventName<schema>>(
    name: name,
    options: NoInfer<WaitOptions<QmpEvent<schema, name>>> = {},
  ): Promise<QmpEvent<schema, name>> {
    return this.#events.waitFor(
      name,
      options as WaitOptions<unknown> as never,
    ) as Promise<
      QmpEvent<schema, name>
    >;
  }

  /**
   * Every event from now on, until the connection closes, the signal aborts
   * or the loop is left: a listener of every event, so its queue has the
   * same bound and drop count as `listen`'s (`events({ queueSize, where,
   * signal })` sets them).
   */
  events(
    options?: AbortSignal | NoInfer<ListenOptions<QmpEvent<schema>>>,
  ): EventListener<QmpEvent<schema>> {
    const listenOptions = typeof AbortSignal !== "undefined" && options instanceof AbortSignal
      ? { signal: options }
      : options as ListenOptions<RawEvent> | undefined;
    return this.#events.listen(undefined, listenOptions) as unknown as EventListener<
      QmpEvent<schema>
    >;
  }

  /**
   * The server's own schema (`query-qmp-schema`), read once and indexed;
   * `options` (a `timeout`, a `signal`) bound the read. A read that fails is
   * not kept: the next call reads again.
   */
  schemaInfo(options?: CallOptions): Promise<SchemaInfoIndex> {
    if (this.#schemaInfo) return this.#schemaInfo;
    const read: Promise<SchemaInfoIndex> = this.#connection.call(
      "query-qmp-schema",
      undefined,
      options,
    )
      .then((entries) => indexSchemaInfo(entries as SchemaInfo[]))
      .catch((error) => {
        if (this.#schemaInfo === read) this.#schemaInfo = undefined;
        throw error;
      });
    return this.#schemaInfo = read;
  }

  /**
   * Does this server support X? A capability query in libvirt's syntax,
   * answered from the live schema (see `lib/introspect/supports.ts`):
   * `await qmp.supports("blockdev-add/arg-type/+file/aio-max-batch")`.
   */
  async supports(query: string): Promise<boolean> {
    return supports(await this.schemaInfo(), query);
  }

  /**
   * Validates every later call against the live schema before sending
   * (`strict`); with `replies`, checks results and events too. `options`
   * bound the schema's read (`connect` gives it `greetingTimeout`, so that a
   * server that never answers can't hold the connection, or a reconnection,
   * forever); its `timeout` bounds it again after each reconnection.
   */
  async enableStrict(
    policy: CompatPolicy = {},
    replies = false,
    options: CallOptions = {},
  ): Promise<void> {
    this.#strict = { policy, replies, timeout: options.timeout };
    const index = await this.schemaInfo(options);
    const serverVersion = `${this.version.major}.${this.version.minor}.${this.version.micro}`;
    this.#validate = (command, args) =>
      validateArguments(index, command, args, { serverVersion, policy });
    if (!replies) return;
    const connection = this.#connection;
    this.#checkReply = (command, reply) => {
      const type = index.commands.get(command)?.["ret-type"];
      const problem = type === undefined ? undefined : checkSafely(index, type, reply);
      if (problem) {
        connection.report(
          new ProtocolError(`${command}: reply does not fit the schema: ${problem}`),
        );
      }
    };
    this.#checkEvents?.();
    this.#checkEvents = this.#events.on("", (event) => {
      const type = index.events.get(event.event)?.["arg-type"];
      const problem = type === undefined ? undefined : checkSafely(index, type, event.data);
      if (problem) {
        connection.report(
          new ProtocolError(`${event.event}: data does not fit the schema: ${problem}`),
        );
      }
    });
  }

  /** Events dropped by any listener (`listen`, `events()`) of this client because its queue was full. */
  get droppedEvents(): number {
    return this.#events.dropped;
  }

  /**
   * True when the server's version is `version` (`"MAJOR.MINOR"`) or newer;
   * a type guard that narrows a client typed by a span to the versions from
   * `version` on.
   */
  isAtLeast<version extends VendoredVersions[number]>(
    version: version,
  ): this is QmpClient<NarrowSpan<schema, AtLeast<version>>, policy> {
    return compareVersion(this.version, version) >= 0;
  }

  /**
   * True when the server's version is `version` or older; narrows a span
   * client to the versions up to `version`.
   */
  isAtMost<version extends VendoredVersions[number]>(
    version: version,
  ): this is QmpClient<NarrowSpan<schema, AtMost<version>>, policy> {
    return compareVersion(this.version, version) <= 0;
  }

  /**
   * Resolves when the client has closed, with the reason: with its
   * connection, or, with `reconnect`, when it is closed or gives up.
   */
  get closed(): Promise<string> {
    return this.#reconnector?.closed ?? this.#connection.closed;
  }

  /** Closes the connection; pending calls reject with `ConnectionClosedError`. */
  close(): Promise<void> {
    this.#reconnector?.stop("closed by the client");
    this.#connection.close();
    return Promise.resolve();
  }

  /** `await using qmp = await connect(…)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** `validateValue` that reports instead of throwing (the schema came from the peer too). */
function checkSafely(index: SchemaInfoIndex, type: string, value: unknown): string | undefined {
  try {
    return validateValue(index, type, value);
  } catch (error) {
    return `could not be checked: ${(error as Error)?.message}`;
  }
}

/**
 * Connects to a QMP server (a unix socket path, `{ host, port }`, or an open
 * duplex stream), reads the greeting and negotiates capabilities. With
 * `reconnect`, a lost connection is made again (a socket path or address
 * only).
 *
 * @example
 * ```ts ignore
 * import { connect } from "./qmp.ts";
 * import type { Qmp7_2 } from "../../schemas/qmp/7.2.js";
 * const qmp = await connect<Qmp7_2>("/tmp/qmp.sock");
 * await qmp.execute("stop");
 * ```
 */
export function connect<
  schema extends Schema = Qmp10_2,
  policy extends CompatPolicy = AcceptAll,
>(
  target: Target | Transport,
  options: QmpOptions = {},
): Promise<QmpClient<schema, policy>> {
  if (
    options.reconnect && typeof target === "object" && ("onData" in target || "write" in target)
  ) {
    return Promise.reject(
      new TypeError(
        "reconnect needs a target that can be opened again (a socket path or { host, port }, " +
          "or accept mode: listenQmp), not an open stream or transport",
      ),
    );
  }
  const transport = typeof target === "object" && "onData" in target ? target : undefined;
  return openClient(
    transport ? () => Promise.resolve(transport) : () => connectSocket(target as Target),
    options,
  );
}

/**
 * @internal A client over the transports `open` gives: the first now; with
 * `reconnect`, the next ones after each loss (`signal` aborts a wait for
 * one when the client closes).
 */
export async function openClient<schema extends Schema, policy extends CompatPolicy>(
  open: (signal?: AbortSignal) => Promise<Transport>,
  options: QmpOptions,
): Promise<QmpClient<schema, policy>> {
  const reconnect = options.reconnect === true ? {} : options.reconnect || undefined;
  const problem = reconnect && reconnectOptionsProblem(reconnect);
  if (problem) throw problem;
  // A reconnecting client's events outlive each connection: one hub for all.
  const events = reconnect
    ? new EventHub({ queueSize: options.eventBufferSize, historySize: options.eventHistorySize })
    : undefined;
  // QEMU's monitor answers in-band requests in order (see `repliesInOrder`).
  const connectionOptions = { repliesInOrder: true, ...options };
  const connection = new Connection(await open(), connectionOptions, events);
  let client: QmpClient<schema, policy>;
  try {
    const negotiated = await negotiate(connection, options);
    client = new QmpClient<schema, policy>(
      connection,
      negotiated.version,
      negotiated.offered,
      negotiated.enabled,
    );
    if (options.strict) {
      // Part of connecting: bounded as the handshake is.
      await client.enableStrict(options.policy, options.validateReplies, {
        timeout: options.greetingTimeout ?? 10_000,
      });
    }
  } catch (error) {
    connection.close();
    events?.close("closed by the client");
    throw error;
  }
  if (reconnect) {
    client.reconnectWith(reconnect, async (signal) => {
      const next = new Connection(await open(signal), connectionOptions, events);
      try {
        await client.adopt(next, await negotiate(next, options));
        return next;
      } catch (error) {
        next.close();
        throw error;
      }
    });
  }
  return client;
}

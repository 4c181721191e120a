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
import type {
  EventListener,
  ListenOptions,
  RawEvent,
  Unsubscribe,
  WaitOptions,
} from "../protocol/events.ts";
import { type OobCallOptions, startTimer, timeoutProblem } from "../protocol/options.ts";
import type { AcceptAll, CompatPolicy } from "../types/features.ts";
import type { Schema } from "../types/schema.ts";
export type { Schema };
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
 * The server's version, from the greeting.
 *
 * @example
 * ```ts
 * import type { QemuVersion } from "./qmp.ts";
 * const version: QemuVersion = { major: 10, minor: 0, micro: 2, package: "Debian" };
 * ```
 */
export interface QemuVersion {
  /** The major version (`10` in 10.0.2). */
  readonly major: number;
  /** The minor version (`0` in 10.0.2). */
  readonly minor: number;
  /** The micro version (`2` in 10.0.2). */
  readonly micro: number;
  /** The distributor's package version (`Debian 1:10.0.2+ds-2`), often empty. */
  readonly package: string;
}

/**
 * Options of `connect`.
 *
 * @example
 * ```ts
 * import type { QmpOptions } from "./qmp.ts";
 * const options: QmpOptions = { oob: true, greetingTimeout: 5000 };
 * ```
 */
export interface QmpOptions extends ConnectionOptions {
  /** Enable out-of-band execution when the server offers it. Default false. */
  readonly oob?: boolean;
  /** Milliseconds to wait for the greeting (any length; `Infinity`: no limit). Default 10 000. */
  readonly greetingTimeout?: number;
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
  readonly #connection: Connection;
  #schemaInfo?: Promise<SchemaInfoIndex>;
  #validate?: (command: string, args: object | undefined) => void;
  #checkReply?: (command: string, reply: unknown) => void;

  /**
   * Wraps a connection that has completed the greeting and capability
   * negotiation; `connect` and `launch` make one.
   */
  constructor(
    connection: Connection,
    /** The server's version, from the greeting. */
    readonly version: QemuVersion,
    /** The capabilities the server offered. */
    readonly capabilities: readonly string[],
    /** The capabilities enabled on this connection. */
    readonly enabled: readonly string[],
  ) {
    this.#connection = connection;
    // The typed signature is a view on the untyped call; the schema only types it.
    this.execute = ((command: string, args?: object, options?: OobCallOptions) => {
      if (this.#validate) {
        // Strict mode: a call the server's schema refuses is never sent.
        try {
          this.#validate(command, args);
        } catch (error) {
          return Promise.reject(error);
        }
      }
      const reply = connection.call(command, args, options);
      const check = this.#checkReply;
      return check ? reply.then((value) => (check(command, value), value)) : reply;
    }) as Execute<schema, policy>;
  }

  /** The untyped connection underneath (for tooling that handles any command). */
  get connection(): Connection {
    return this.#connection;
  }

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
    return this.#connection.events.on(name, handler as (event: unknown) => void);
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
    return this.#connection.events.listen(names, options as ListenOptions<RawEvent>);
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
    return this.#connection.events.waitFor(
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
    return this.#connection.events.listen(undefined, listenOptions) as unknown as EventListener<
      QmpEvent<schema>
    >;
  }

  /** The server's own schema (`query-qmp-schema`), read once and indexed. */
  schemaInfo(): Promise<SchemaInfoIndex> {
    this.#schemaInfo ??= this.#connection.call("query-qmp-schema").then((entries) =>
      indexSchemaInfo(entries as SchemaInfo[])
    );
    return this.#schemaInfo;
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
   * (`strict`); with `replies`, checks results and events too.
   */
  async enableStrict(policy: CompatPolicy = {}, replies = false): Promise<void> {
    const index = await this.schemaInfo();
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
    connection.events.on("", (event) => {
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
    return this.#connection.events.dropped;
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

  /** Resolves when the connection has closed, with the reason. */
  get closed(): Promise<string> {
    return this.#connection.closed;
  }

  /** Closes the connection; pending calls reject with `ConnectionClosedError`. */
  close(): Promise<void> {
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

/** Compares a server version with `"MAJOR.MINOR"` (negative: older). */
function compareVersion(server: QemuVersion, version: string): number {
  const [major, minor] = version.split(".").map(Number);
  return server.major !== major ? server.major - major : server.minor - minor;
}

/** The newest vendored QMP schema; a newer server gets a one-time warning. */
const newestVendored = "10.2";
let warnedNewer = false;

/**
 * Connects to a QMP server (a unix socket path, `{ host, port }`, or an open
 * duplex stream), reads the greeting and negotiates capabilities.
 *
 * @example
 * ```ts ignore
 * import { connect } from "./qmp.ts";
 * import type { Qmp7_2 } from "../../schemas/qmp/7.2.js";
 * const qmp = await connect<Qmp7_2>("/tmp/qmp.sock");
 * await qmp.execute("stop");
 * ```
 */
export async function connect<
  schema extends Schema = Qmp10_2,
  policy extends CompatPolicy = AcceptAll,
>(
  target: Target | Transport,
  options: QmpOptions = {},
): Promise<QmpClient<schema, policy>> {
  const transport = typeof target === "object" && "onData" in target
    ? target
    : await connectSocket(target);
  const connection = new Connection(transport, options);
  try {
    const timeout = options.greetingTimeout ?? 10_000;
    const problem = timeoutProblem("greetingTimeout", timeout);
    if (problem) throw problem;
    let cancelTimer: (() => void) | undefined;
    const greeting = await Promise.race([
      connection.greeting,
      new Promise<never>((_, reject) => {
        cancelTimer = startTimer(
          timeout,
          () => reject(new ProtocolError(`no QMP greeting within ${timeout} ms`)),
        );
      }),
    ]).finally(() => cancelTimer?.());
    const qmp = greeting.QMP as {
      version?: { qemu?: Partial<QemuVersion>; package?: string };
      capabilities?: unknown;
    };
    const qemu = qmp?.version?.qemu ?? {};
    const version: QemuVersion = {
      major: Number(qemu.major ?? 0),
      minor: Number(qemu.minor ?? 0),
      micro: Number(qemu.micro ?? 0),
      package: String(qmp?.version?.package ?? ""),
    };
    if (!warnedNewer && compareVersion(version, newestVendored) > 0) {
      warnedNewer = true;
      console.warn(
        `qapi-ts: QEMU ${version.major}.${version.minor} is newer than the newest vendored schema ` +
          `(${newestVendored}); its types are used, and commands added since are unknown to them.`,
      );
    }
    const offered = Array.isArray(qmp?.capabilities) ? qmp.capabilities.map(String) : [];
    const enable = options.oob && offered.includes("oob") ? ["oob"] : [];
    await connection.call("qmp_capabilities", enable.length ? { enable } : undefined, { timeout });
    const client = new QmpClient<schema, policy>(connection, version, offered, enable);
    if (options.strict) await client.enableStrict(options.policy, options.validateReplies);
    return client;
  } catch (error) {
    connection.close();
    throw error;
  }
}

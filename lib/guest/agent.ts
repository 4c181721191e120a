/**
 * The guest agent client (QGA). The guest agent sends no greeting, and its
 * replies come from inside an untrusted guest: they are size-bounded (16 MiB
 * by default) and parsed defensively. A `guest-sync-delimited` handshake
 * (the 0xFF sentinel, then a random id) resynchronises the stream on connect
 * and after any call times out, so stale replies never answer new calls.
 *
 * Unlike QMP's, the connection does not take an unreadable line (not JSON,
 * a reply without a usable id, a message of unknown shape) for the answer
 * to a call: the agent's channel outlives the connections over it, so what
 * the agent wrote for an earlier client, or before the guest rebooted,
 * comes first and cannot be told from an answer to this one's calls. A
 * guest call is bounded by time instead: every call made through `execute`
 * has a timeout (`callTimeout`, 60 s by default), after which the next call
 * resynchronises first; with `callTimeout: Infinity` a call whose answer
 * came unreadable waits until the connection closes.
 *
 * @module
 */

import type { Qga10_2 } from "../../schemas/qga/10.2.js";
import { Connection, type ConnectionOptions } from "../protocol/connection.ts";
import { ProtocolError } from "../protocol/errors.ts";
import { stringifyJson } from "../protocol/json.ts";
import { type CallOptions, timeoutProblem } from "../protocol/options.ts";
import type { AcceptAll, CompatPolicy } from "../types/features.ts";
import type { Schema } from "../types/schema.ts";
import type { Execute } from "../types/execute.ts";
import { connectSocket, type Target, type Transport } from "../transport/transport.ts";
import { qga } from "../../schemas/qga/mod.ts";
import { indexLiteral } from "../introspect/from_literal.ts";
import type { SchemaInfoIndex } from "../introspect/schema_info.ts";
import { validateValue } from "../introspect/validate.ts";
import type { SchemaLiteral } from "../types/literal.ts";

/** Each vendored guest agent schema, indexed once on first use. */
const indexed = new Map<string, SchemaInfoIndex>();

/** The vendored QGA versions, oldest first. */
const vendoredAgents = (Object.keys(qga) as (keyof typeof qga)[])
  .map((version) => ({ version, order: versionOrder(version) }))
  .sort((a, b) => a.order - b.order);

function versionOrder(version: string): number {
  const match = /^(\d{1,4})\.(\d{1,4})/.exec(version);
  return match ? Number(match[1]) * 10_000 + Number(match[2]) : NaN;
}

/**
 * The vendored schema a guest agent of `version` (from `guest-info`) answers
 * by: that release's, or the newest vendored release before it (a newer
 * agent's additions are tolerated: replies are open), or the oldest vendored
 * one for an agent older than all of them. `undefined` or junk (the guest is
 * untrusted) gives the newest.
 *
 * @example
 * ```ts
 * import { agentSchemaVersion } from "./agent.ts";
 * console.log(agentSchemaVersion("7.2.0"), agentSchemaVersion("9.1.2"), agentSchemaVersion(42));
 * // "7.2" "7.2" "10.2"
 * ```
 */
export function agentSchemaVersion(version: unknown): string {
  const order = typeof version === "string" ? versionOrder(version) : NaN;
  // `!`: several agent schemas are vendored, so the list is never empty.
  if (Number.isNaN(order)) return vendoredAgents[vendoredAgents.length - 1]!.version;
  let chosen = vendoredAgents[0]!.version;
  for (const agent of vendoredAgents) if (agent.order <= order) chosen = agent.version;
  return chosen;
}

/**
 * The commands of a vendored guest agent schema that the agent does not
 * answer when they succeed (`success-response: false`), by version.
 */
const withoutReplyByVersion = new Map<string, Set<string>>();

function commandsWithoutReply(version: string): Set<string> {
  let names = withoutReplyByVersion.get(version);
  if (!names) {
    const commands = (qga[version as keyof typeof qga] as unknown as SchemaLiteral).commands;
    names = new Set(
      Object.keys(commands).filter((name) =>
        (commands[name] as { "success-response"?: boolean })["success-response"] === false
      ),
    );
    withoutReplyByVersion.set(version, names);
  }
  return names;
}

function replySchemaOf(version: string): SchemaInfoIndex {
  let index = indexed.get(version);
  if (!index) {
    // Through `unknown`: relating the vendored literals to `SchemaLiteral` is a costly check.
    index = indexLiteral(qga[version as keyof typeof qga] as unknown as SchemaLiteral);
    indexed.set(version, index);
  }
  return index;
}

/**
 * Options of `connectGuestAgent`.
 *
 * @example
 * ```ts
 * import type { GuestAgentOptions } from "./agent.ts";
 * const options: GuestAgentOptions = { syncTimeout: 2_000, callTimeout: 30_000 };
 * ```
 */
export interface GuestAgentOptions extends ConnectionOptions {
  /** Milliseconds to wait for a `guest-sync-delimited` reply (`Infinity`: no limit). Default 5 000. */
  readonly syncTimeout?: number;
  /**
   * Default `timeout` of every call: a guest may never answer, or answer
   * unreadably (see the module's notes). `Infinity`: no limit. Default 60 000.
   */
  readonly callTimeout?: number;
  /**
   * The guest agent release whose schema replies are checked by (`"7.2"`).
   * Default: the agent's own, read from `guest-info` on connect (see
   * `agentSchemaVersion`), since guests run agents of many releases.
   */
  readonly agentVersion?: string;
}

const sentinel = new Uint8Array([0xff]);

/** A value from the guest as JSON text for a message, whatever it is. */
function shown(value: unknown): string {
  try {
    return stringifyJson(value) ?? String(value);
  } catch {
    return typeof value;
  }
}

/**
 * `transport` with each 0xFF byte it receives read as a newline. The agent
 * writes 0xFF in front of a sync reply, and it never occurs in UTF-8 text:
 * whatever came before it since the last newline is stale (the rest of a
 * reply cut short when the agent restarted), so it becomes a line of its own
 * and the sync reply starts a line, instead of both making one line that is
 * not JSON, and the sync failing.
 */
function sentinelEndsLines(transport: Transport): Transport {
  return {
    write: (data) => transport.write(data),
    close: () => transport.close(),
    onData: (handler) =>
      transport.onData((chunk) => {
        let at = chunk.indexOf(0xff);
        if (at < 0) return handler(chunk);
        // A copy: the chunk is not ours to change (and a Node Buffer's slice() is a view).
        const copy = new Uint8Array(chunk);
        for (; at >= 0; at = copy.indexOf(0xff, at + 1)) copy[at] = 10;
        handler(copy);
      }),
    onClose: (handler) => transport.onClose(handler),
    ...(transport.onDrain && { onDrain: (handler) => transport.onDrain?.(handler) }),
  };
}

/**
 * A connected guest agent, typed by its schema (default: QGA 10.2).
 *
 * @example
 * ```ts ignore
 * import { connectGuestAgent } from "./agent.ts";
 * await using agent = await connectGuestAgent("/run/qga.sock");
 * console.log((await agent.execute("guest-info")).version);
 * ```
 */
export class GuestAgent<schema extends Schema = Qga10_2, policy extends CompatPolicy = AcceptAll> {
  /** Runs a command; on a timeout the stream is resynchronised before the next call. */
  readonly execute: Execute<schema, policy>;
  readonly #connection: Connection;
  readonly #options: GuestAgentOptions;
  #needsSync = false;
  #replySchema: SchemaInfoIndex;
  #schemaVersion: string;

  /**
   * Wraps an open connection to an agent; `connectGuestAgent` makes one and
   * synchronises it first.
   */
  constructor(connection: Connection, options: GuestAgentOptions) {
    this.#connection = connection;
    this.#options = options;
    this.#schemaVersion = agentSchemaVersion(options.agentVersion);
    this.#replySchema = replySchemaOf(this.#schemaVersion);
    const withoutReply = commandsWithoutReply(this.#schemaVersion);
    this.execute = (async (command: string, args?: object, callOptions: CallOptions = {}) => {
      if (this.#needsSync) await this.sync();
      if (withoutReply.has(command)) {
        // The agent answers these only when they fail: on success the guest
        // shuts down or suspends. Waiting would time out on a success.
        callOptions.signal?.throwIfAborted();
        await connection.sendWithoutReply(command, args);
        return {};
      }
      try {
        const reply = await connection.call(command, args, {
          timeout: this.#options.callTimeout ?? 60_000,
          ...callOptions,
        });
        // The guest is untrusted: a reply must have the schema's shape.
        const replySchema = this.#replySchema;
        const returns = replySchema.commands.get(command)?.["ret-type"];
        const problem = returns === undefined
          ? undefined
          : validateValue(replySchema, returns, reply);
        if (problem) {
          throw new ProtocolError(
            `${command}: the guest's reply does not fit the schema: ${problem}`,
          );
        }
        return reply;
      } catch (error) {
        if ((error as Error).name === "TimeoutError") this.#needsSync = true;
        throw error;
      }
    }) as Execute<schema, policy>;
  }

  /**
   * Resynchronises: sends the 0xFF sentinel (which makes the agent drop any
   * partial input) and `guest-sync-delimited` with a random id, and waits for
   * that id to come back. Replies to earlier calls are discarded by id.
   */
  async sync(): Promise<void> {
    const id = Math.floor(Math.random() * 2 ** 31);
    this.#connection.send(sentinel);
    const echoed = await this.#connection.call("guest-sync-delimited", { id }, {
      timeout: this.#options.syncTimeout ?? 5_000,
    });
    if (echoed !== id) {
      // As JSON: a string "5" must not read as the number 5 in the message.
      throw new ProtocolError(`guest-sync-delimited: expected ${id} back, got`, shown(echoed));
    }
    this.#needsSync = false;
  }

  /** The guest agent release whose schema replies are checked by (`"7.2"`). */
  get schemaVersion(): string {
    return this.#schemaVersion;
  }

  /**
   * Checks replies by the schema of the guest agent release `version`
   * (`"7.2.0"` or `"7.2"`, as `guest-info` reports it); `connectGuestAgent`
   * does this on connect.
   */
  useAgentVersion(version: unknown): void {
    this.#schemaVersion = agentSchemaVersion(version);
    this.#replySchema = replySchemaOf(this.#schemaVersion);
  }

  /** The untyped connection underneath. */
  get connection(): Connection {
    return this.#connection;
  }

  /** Closes the connection. */
  close(): Promise<void> {
    this.#connection.close();
    return Promise.resolve();
  }

  /** `await using agent = …` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Connects to a guest agent (the host end of its virtio-serial channel, or
 * `qemu-ga`'s own unix socket) and synchronises.
 *
 * @example
 * ```ts ignore
 * import { connectGuestAgent } from "./agent.ts";
 * const agent = await connectGuestAgent("/tmp/qga.sock");
 * await agent.execute("guest-ping");
 * ```
 */
export async function connectGuestAgent<
  schema extends Schema = Qga10_2,
  policy extends CompatPolicy = AcceptAll,
>(
  target: Target | Transport,
  options: GuestAgentOptions = {},
): Promise<GuestAgent<schema, policy>> {
  for (const name of ["syncTimeout", "callTimeout"] as const) {
    const problem = options[name] === undefined ? undefined : timeoutProblem(name, options[name]);
    if (problem) throw problem;
  }
  const transport = sentinelEndsLines(
    typeof target === "object" && "onData" in target ? target : await connectSocket(target),
  );
  const report = options.onProtocolError ??
    ((error: ProtocolError) => console.warn(`qapi-ts: ${error.message}`));
  const connection = new Connection(transport, {
    // Replies to an earlier client's requests may still be on the channel:
    // ids of this connection's own, not the 1, 2, 3 a client starts with.
    firstId: 1 + Math.floor(Math.random() * (2 ** 31 - 2)),
    maxMessageBytes: options.maxMessageBytes ?? 16 << 20,
    eventBufferSize: options.eventBufferSize,
    trace: options.trace,
    // Expected, not faults: the agent answers the 0xFF sentinel itself with
    // an id-less parse error, and replies to an earlier client's requests
    // (ids this connection never used) may still be on the channel.
    onProtocolError: (error) => {
      if (
        !/^(error without id: GenericError: JSON parse error|reply with an id no request had)/.test(
          error.message,
        )
      ) {
        report(error);
      }
    },
  });
  // A recording made when the 0xFF in front of a sync reply was kept has it
  // there as U+FFFD: drop it.
  connection.lineFilter = (line) => line.replace(/^[\uFFFD\xFF]+/, "");
  const agent = new GuestAgent<schema, policy>(connection, options);
  try {
    await agent.sync();
    if (options.agentVersion === undefined) {
      // The agent's own release picks the schema its replies are checked by.
      const info = await connection.call("guest-info", undefined, {
        timeout: options.callTimeout ?? 60_000,
      });
      const version = typeof info === "object" && info !== null
        ? (info as { version?: unknown }).version
        : undefined;
      if (typeof version !== "string") {
        report(
          new ProtocolError("guest-info: no version string; replies checked by the newest schema"),
        );
      }
      agent.useAgentVersion(version);
    }
  } catch (error) {
    connection.close();
    throw error;
  }
  return agent;
}

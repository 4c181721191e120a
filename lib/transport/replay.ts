/**
 * A transport that plays a recorded session back (a `TraceRecorder`'s
 * entries): a test records a session against a real QEMU once, then runs
 * the same code against the recording, with no QEMU.
 *
 * @module
 */

import { parseJson, stringifyJson } from "../protocol/json.ts";
import { parseTrace, type TraceEntry } from "../protocol/trace.ts";
import type { Transport } from "./transport.ts";

/**
 * A transport playing a recording; `remaining` tells how much of it has
 * not been played.
 *
 * @example
 * ```ts ignore
 * import { replayTransport } from "./replay.ts";
 * const transport = replayTransport(await Deno.readTextFile("session.jsonl"));
 * console.log(transport.remaining);
 * ```
 */
export interface ReplayTransport extends Transport {
  /** Entries of the recording not yet played (sent by the client or delivered to it). */
  readonly remaining: number;
}

/**
 * Plays `recording` (entries, or the JSON Lines of `toJsonLines()`) as the
 * peer: the messages received at the start (the greeting) are delivered at
 * once; each message the client sends must be the next one sent in the
 * recording, and is answered by the messages received after it there.
 *
 * Messages are compared as JSON, whatever the order of members, except for
 * the request `id`: the client's own ids are used, and the recorded replies
 * carry them. A message the recording does not expect closes the transport
 * with a reason that shows both (so pending calls reject with
 * `ConnectionClosedError` saying so). Timing is not reproduced: replies come
 * as soon as their request is sent.
 *
 * @example
 * ```ts
 * import { replayTransport } from "./replay.ts";
 * import { connect } from "../client/qmp.ts";
 * const qmp = await connect(replayTransport([
 *   { direction: "in", time: 0, message: '{"QMP":{"version":{},"capabilities":[]}}' },
 *   { direction: "out", time: 1, message: '{"execute":"qmp_capabilities","id":1}' },
 *   { direction: "in", time: 2, message: '{"return":{},"id":1}' },
 *   { direction: "out", time: 3, message: '{"execute":"query-status","id":2}' },
 *   { direction: "in", time: 4, message: '{"return":{"status":"running","running":true},"id":2}' },
 * ]));
 * console.log((await qmp.execute("query-status")).status); // "running"
 * await qmp.close();
 * ```
 */
export function replayTransport(recording: readonly TraceEntry[] | string): ReplayTransport {
  const entries = typeof recording === "string" ? parseTrace(recording) : [...recording];
  const encoder = new TextEncoder();
  const dataHandlers: ((chunk: Uint8Array) => void)[] = [];
  const closeHandlers: ((reason: string) => void)[] = [];
  /** The recorded request id (as JSON) → the id the client used for the same request. */
  const ids = new Map<string, unknown>();
  let position = 0;
  let closed = false;
  let closedFor: string | undefined;
  let started = false;

  const finish = (reason: string) => {
    if (closed) return;
    closed = true;
    closedFor = reason;
    for (const handler of closeHandlers) handler(reason);
  };

  /**
   * Runs a step of the replay. One that throws (a message nested too deep
   * to compare) ends the replay, as a mismatch does, instead of throwing
   * into the client's write.
   */
  const step = (run: () => void) => {
    try {
      run();
    } catch (error) {
      finish(`replay: ${(error as Error)?.message ?? String(error)}`);
    }
  };

  /** Delivers the received messages from `position` up to the next sent one. */
  const deliver = () => {
    const lines: string[] = [];
    for (let entry = entries[position]; entry?.direction === "in"; entry = entries[++position]) {
      lines.push(withClientId(entry.message, ids));
    }
    if (lines.length === 0) return;
    // Later, as a socket would: never inside the client's own write.
    setTimeout(() => {
      if (closed) return;
      const chunk = encoder.encode(lines.map((line) => `${line}\n`).join(""));
      for (const handler of dataHandlers) handler(chunk);
    }, 0);
  };

  const receive = (message: string) => {
    if (closed) return;
    const expected = entries[position];
    if (expected === undefined) {
      return finish(`replay: the recording has ended, but the client sent ${message}`);
    }
    if (expected.direction !== "out" || !sameMessage(expected.message, message, ids)) {
      return finish(
        `replay: the client sent ${message}, but the recording ${
          expected.direction === "out"
            ? `has ${expected.message}`
            : `expects to receive ${expected.message} first`
        }`,
      );
    }
    position++;
    deliver();
  };

  return {
    get remaining() {
      return entries.length - position;
    },
    write(data) {
      step(() => {
        if (typeof data === "string") {
          for (const line of data.split("\n")) if (line !== "") receive(line);
        } else receive(Array.from(data, (byte) => String.fromCharCode(byte)).join(""));
      });
      return true;
    },
    close: () => finish("closed by the client"),
    onData(handler) {
      dataHandlers.push(handler);
      if (!started) {
        started = true;
        step(deliver);
      }
    },
    onClose: (handler) => {
      closeHandlers.push(handler);
      // Ended before this handler was added (by its first delivery): still told.
      const reason = closedFor;
      if (reason !== undefined) queueMicrotask(() => handler(reason));
    },
  };
}

/**
 * Whether the client's message is the recorded one, ignoring the id; when
 * it is, remembers which id the client used in place of the recorded one.
 */
function sameMessage(recorded: string, sent: string, ids: Map<string, unknown>): boolean {
  const recordedValue = parsed(recorded);
  const sentValue = parsed(sent);
  if (!isRecord(recordedValue) || !isRecord(sentValue)) return recorded === sent;
  const { id: recordedId, ...recordedRest } = recordedValue;
  const { id: sentId, ...sentRest } = sentValue;
  if (("id" in recordedValue) !== ("id" in sentValue)) return false;
  if (canonical(recordedRest) !== canonical(sentRest)) return false;
  if ("id" in recordedValue) ids.set(canonical(recordedId), sentId);
  return true;
}

/** A received message with the recorded id replaced by the client's. */
function withClientId(message: string, ids: Map<string, unknown>): string {
  const value = parsed(message);
  if (!isRecord(value) || !("id" in value)) return message;
  const key = canonical(value["id"]);
  if (!ids.has(key)) return message;
  return stringifyJson({ ...value, id: ids.get(key) });
}

function parsed(text: string): unknown {
  try {
    return parseJson(text);
  } catch {
    return undefined;
  }
}

/** JSON with object members in a fixed order, to compare values. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(",")}}`;
  }
  return stringifyJson(value) ?? "null";
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

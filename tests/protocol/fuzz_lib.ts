/**
 * A fuzzer for the protocol layer: a connection over an in-memory transport
 * is fed mutated QMP traffic (replies, errors and events for its own calls,
 * flipped and truncated, split at random points, with garbage, huge
 * integers, deep nesting and wrong shapes between them), then closed. Every
 * input must end with every call settled, nothing thrown out of the library
 * and no unhandled rejection. A second kind of input (`fuzzAnswers`) is a
 * peer that answers in order, as QEMU does, every request it read, readably
 * or not: once it has, every call must have settled, before any close.
 *
 * @module
 */

import { Connection } from "../../lib/protocol/connection.ts";
import type { Transport } from "../../lib/transport/transport.ts";

/** A small deterministic generator (mulberry32). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What one input did. */
export interface FuzzOutcome {
  readonly resolved: number;
  readonly rejected: number;
  readonly protocolErrors: number;
  readonly bytes: number;
}

const timestamp = `{"seconds":1,"microseconds":2}`;

/** One message of the peer's, valid or broken. */
function message(next: () => number, ids: number[]): string {
  const id = ids[Math.floor(next() * ids.length)] ?? 1;
  const pick = Math.floor(next() * 18);
  switch (pick) {
    case 0:
      return `{"return":{},"id":${id}}`;
    case 1:
      return `{"return":{"size":${"9".repeat(1 + Math.floor(next() * 40))}},"id":${id}}`;
    case 2:
      return `{"error":{"class":"GenericError","desc":"no"},"id":${id}}`;
    case 3:
      return `{"error":{"class":{"toString":1},"desc":[1]},"id":${id}}`;
    case 4:
      return `{"event":"STOP","data":{"reason":[12345678901234567890]},"timestamp":${timestamp}}`;
    case 5:
      return `{"event":7,"data":"x","timestamp":{"seconds":"a"}}`;
    case 6:
      return `${"[".repeat(1 + Math.floor(next() * 5000))}`;
    case 7:
      return `{"return":"\\u0000bigint:7","id":${id}}`;
    case 8:
      return `{"return":{},"id":"${id}"}`;
    case 9:
      return `{"return":{},"id":${id},"id":${id + 1}}`;
    case 10:
      return `{"__proto__":{"return":1},"id":${id}}`;
    case 11:
      return String.fromCharCode(
        ...Array.from({ length: 1 + Math.floor(next() * 40) }, () => Math.floor(next() * 256)),
      );
    case 12:
      return `{"QMP":{"version":"x"}}`;
    case 13:
      return `{"return":${"1".repeat(1 + Math.floor(next() * 400))}e99999,"id":${id}}`;
    case 14:
      return `{"return":{"s":"${"\\ud800".repeat(Math.floor(next() * 4))}"},"id":${id}}`;
    case 15:
      // QEMU's answer to a request it could not parse: no id.
      return `{"error":{"class":"GenericError","desc":"JSON parse error"}}`;
    case 16:
      return `{"error":[5]}`;
    default:
      return `{"return":[${
        Array.from({ length: Math.floor(next() * 50) }, (_, i) => i).join(",")
      }],"id":${id}}`;
  }
}

/** Flips, drops or duplicates bytes of a message now and then. */
function mutate(next: () => number, text: string): string {
  if (next() < 0.7 || text.length === 0) return text;
  const chars = [...text];
  const at = Math.floor(next() * chars.length);
  const kind = Math.floor(next() * 3);
  if (kind === 0) chars[at] = String.fromCharCode(Math.floor(next() * 128));
  else if (kind === 1) chars.splice(at, 1 + Math.floor(next() * 8));
  else chars.splice(at, 0, chars[at]);
  return chars.join("");
}

/**
 * A connection on a transport the fuzzer drives: `deliver` hands it the
 * peer's bytes, `end` closes it from the peer's side; what it wrote and the
 * protocol errors it reported are kept.
 */
function fuzzedConnection(repliesInOrder: boolean) {
  let deliver: (chunk: Uint8Array) => void = () => {};
  let end: (reason: string) => void = () => {};
  const seen = { written: "", protocolErrors: 0 };
  const transport: Transport = {
    write: (data) => {
      if (typeof data === "string") seen.written += data;
      return true;
    },
    close: () => end("closed"),
    onData: (handler) => (deliver = handler),
    onClose: (handler) => (end = handler),
  };
  const connection = new Connection(transport, {
    maxMessageBytes: 64 << 10,
    onProtocolError: () => seen.protocolErrors++,
    repliesInOrder,
  });
  return {
    connection,
    deliver: (chunk: Uint8Array) => deliver(chunk),
    end: (reason: string) => end(reason),
    get written() {
      return seen.written;
    },
    get protocolErrors() {
      return seen.protocolErrors;
    },
  };
}

/**
 * Runs one input: a few calls on a fresh connection, the peer's mutated
 * traffic split into random chunks, then the peer's end.
 */
export async function fuzzOne(seed: number): Promise<FuzzOutcome> {
  const next = random(seed);
  // As the QMP clients have it half the time: errors without id then settle calls.
  const peer = fuzzedConnection(next() < 0.5);
  const { connection } = peer;
  const calls = Array.from(
    { length: 1 + Math.floor(next() * 6) },
    (_, i) => connection.call(`command-${i}`, {}, next() < 0.3 ? { timeout: 50 } : {}),
  );
  const settled = Promise.allSettled(calls);
  await new Promise((resolve) => setTimeout(resolve, 0));
  const ids = Array.from({ length: calls.length + 2 }, (_, i) => i + 1);
  let text = "";
  for (let i = Math.floor(next() * 12); i >= 0; i--) {
    text += mutate(next, message(next, ids)) + (next() < 0.9 ? "\n" : "");
  }
  const bytes = new TextEncoder().encode(text);
  for (let at = 0; at < bytes.length;) {
    const size = 1 + Math.floor(next() * 300);
    peer.deliver(bytes.slice(at, at + size));
    at += size;
  }
  peer.end("peer closed");
  // A call left unsettled once the peer is gone is the failure this looks for.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const results = await Promise.race([
    settled,
    new Promise<never>((_, reject) =>
      timer = setTimeout(() => reject(new Error(`seed ${seed}: a call never settled`)), 5_000)
    ),
  ]).finally(() => clearTimeout(timer));
  return {
    resolved: results.filter((r) => r.status === "fulfilled").length,
    rejected: results.filter((r) => r.status === "rejected").length,
    protocolErrors: peer.protocolErrors,
    bytes: bytes.length,
  };
}

/** A request as the peer read it: its id, and whether it came out-of-band. */
interface Written {
  readonly id: number;
  readonly oob: boolean;
}

/** The requests in what the client wrote (raw bytes, none here, aside). */
function requestsIn(written: string): Written[] {
  return written.split("\n").filter((line) => line !== "").map((line) => {
    const request = JSON.parse(line) as { id: number; "exec-oob"?: string };
    return { id: request.id, oob: request["exec-oob"] !== undefined };
  });
}

const encoder = new TextEncoder();

/**
 * An answer the peer cannot be read in, for request `id`: not JSON, not an
 * object, a reply without a usable id, a message of unknown shape. Never a
 * readable reply to any request, and never blank (a blank line is no line).
 */
function unreadableAnswer(next: () => number, id: number, idsIssued: number): Uint8Array {
  const reply = `{"return":{"n":${id}},"id":${id}}`;
  switch (Math.floor(next() * 8)) {
    case 0: // Cut short: a proper prefix of an object is never JSON.
      return encoder.encode(reply.slice(0, 1 + Math.floor(next() * (reply.length - 1))));
    case 1: { // Cut by bytes that are not UTF-8.
      const at = 1 + Math.floor(next() * (reply.length - 1));
      const bytes = encoder.encode(reply);
      return new Uint8Array([...bytes.subarray(0, at), 0xff, 0xc3, ...bytes.subarray(at + 1)]);
    }
    case 2:
      return encoder.encode(["[1]", "5", '"x"', "null", "true"][Math.floor(next() * 5)]);
    case 3:
      return encoder.encode(`{"return":{"n":${id}}}`);
    case 4: {
      const ids = [`"${id}"`, `${id}.5`, "0", "-1", "null", `[${id}]`, `${idsIssued + 1 + id}`];
      return encoder.encode(`{"return":{},"id":${ids[Math.floor(next() * ids.length)]}}`);
    }
    case 5:
      return encoder.encode(`{"error":{"class":"GenericError","desc":"x"},"id":"${id}"}`);
    case 6:
      return encoder.encode(`{"event":${id},"id":${id}}`);
    default:
      return encoder.encode(`{"surprise":${id}}`);
  }
}

/** An event between answers, well-formed or not: never an answer. */
function eventLine(next: () => number): Uint8Array {
  return encoder.encode(
    next() < 0.5
      ? `{"event":"STOP","timestamp":${timestamp}}`
      : `{"event":"STOP","data":[1],"timestamp":${timestamp}}`,
  );
}

/**
 * Runs one input against the invariant of a peer that answers in order
 * (QMP's): calls in-band and out-of-band, some timed out or aborted before
 * or after they are written; the peer answers every request it read, once,
 * in-band ones in order and out-of-band ones in theirs, the two interleaved
 * at random, each answer readable or not, with events between them. Once
 * it has, every call must have settled, before the connection closes.
 * Throws when one has not.
 */
export async function fuzzAnswers(seed: number): Promise<FuzzOutcome> {
  const next = random(seed);
  const peer = fuzzedConnection(true);
  const { connection } = peer;
  const count = 1 + Math.floor(next() * 10);
  const settledCalls = new Set<number>();
  /** The value each call resolved with. */
  const values = new Map<number, unknown>();
  /** The calls neither timed out nor aborted (call i has id i + 1). */
  const plain = new Set<number>();
  const abortLater: AbortController[] = [];
  const calls = Array.from({ length: count }, (_, i) => {
    const oob = next() < 0.3;
    const kind = next();
    const controller = new AbortController();
    const call = connection.call(`command-${i}`, {}, {
      oob,
      signal: controller.signal,
      timeout: kind < 0.15 ? 0 : Infinity,
    });
    if (kind >= 0.15 && kind < 0.25) controller.abort(); // Never written.
    else if (kind >= 0.25 && kind < 0.35) abortLater.push(controller); // Written, then aborted.
    else if (kind >= 0.35) plain.add(i);
    return call.then((value) => values.set(i, value)).finally(() => settledCalls.add(i));
  });
  const settled = Promise.allSettled(calls);
  await new Promise((resolve) => setTimeout(resolve, 0));
  for (const controller of abortLater) controller.abort();
  const requests = requestsIn(peer.written);
  const queues = [requests.filter((r) => !r.oob), requests.filter((r) => r.oob)];
  const lines: Uint8Array[] = [];
  // QEMU's errors without id after a request it could not parse run on up
  // to the next reply with an id, and the client takes them all as one
  // answer: a second error without id comes only after such a reply.
  let errorWithoutIdAllowed = true;
  /** The calls answered with a readable success. */
  const answeredReadably: number[] = [];
  while (queues[0].length + queues[1].length > 0) {
    if (next() < 0.2) lines.push(eventLine(next));
    const queue = queues[0].length === 0
      ? queues[1]
      : queues[1].length === 0
      ? queues[0]
      : queues[next() < 0.5 ? 0 : 1];
    const { id, oob } = queue.shift()!;
    const kind = next();
    if (kind < 0.3) {
      lines.push(encoder.encode(`{"return":{"n":${id}},"id":${id}}`));
      answeredReadably.push(id - 1);
      errorWithoutIdAllowed = true;
    } else if (kind < 0.4) {
      lines.push(encoder.encode(`{"error":{"class":"GenericError","desc":"no"},"id":${id}}`));
      errorWithoutIdAllowed = true;
    } else if (kind < 0.45) {
      lines.push(encoder.encode(`{"return":{},"error":{"class":"X","desc":"y"},"id":${id}}`));
      errorWithoutIdAllowed = true;
    } else if (kind < 0.55 && !oob && errorWithoutIdAllowed) {
      lines.push(encoder.encode(`{"error":{"class":"GenericError","desc":"JSON parse error"}}`));
      errorWithoutIdAllowed = false;
    } else {
      lines.push(unreadableAnswer(next, id, count));
    }
  }
  const newline = encoder.encode(next() < 0.5 ? "\n" : "\r\n");
  const stream = new Uint8Array(
    lines.reduce((size, line) => size + line.length + newline.length, 0),
  );
  let at = 0;
  for (const line of lines) {
    stream.set(line, at);
    stream.set(newline, at + line.length);
    at += line.length + newline.length;
  }
  for (let from = 0; from < stream.length;) {
    const size = 1 + Math.floor(next() * 200);
    peer.deliver(stream.slice(from, from + size));
    from += size;
  }
  // Settlements run as promise reactions: let them.
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (settledCalls.size !== count) {
    const waiting = Array.from({ length: count }, (_, i) => i).filter((i) => !settledCalls.has(i));
    connection.close();
    await settled;
    throw new Error(
      `seed ${seed}: calls ${waiting.join(", ")} still wait after the peer answered every request`,
    );
  }
  // No answer, readable or not, went to another call: a readable success
  // reached its own call, as long as that call still waited for it.
  for (const i of answeredReadably) {
    const value = values.get(i) as { n?: number } | undefined;
    if (plain.has(i) && value?.n !== i + 1) {
      connection.close();
      throw new Error(
        `seed ${seed}: call ${i} did not get its reply, but ${JSON.stringify(value)}`,
      );
    }
  }
  peer.end("peer closed");
  const results = await settled;
  return {
    resolved: results.filter((r) => r.status === "fulfilled").length,
    rejected: results.filter((r) => r.status === "rejected").length,
    protocolErrors: peer.protocolErrors,
    bytes: stream.length,
  };
}

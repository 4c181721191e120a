/**
 * A fuzzer for the protocol layer: a connection over an in-memory transport
 * is fed mutated QMP traffic (replies, errors and events for its own calls,
 * flipped and truncated, split at random points, with garbage, huge
 * integers, deep nesting and wrong shapes between them), then closed. Every
 * input must end with every call settled, nothing thrown out of the library
 * and no unhandled rejection.
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
 * Runs one input: a few calls on a fresh connection, the peer's mutated
 * traffic split into random chunks, then the peer's end.
 */
export async function fuzzOne(seed: number): Promise<FuzzOutcome> {
  const next = random(seed);
  let deliver: (chunk: Uint8Array) => void = () => {};
  let end: (reason: string) => void = () => {};
  const transport: Transport = {
    write: () => true,
    close: () => end("closed"),
    onData: (handler) => (deliver = handler),
    onClose: (handler) => (end = handler),
  };
  let protocolErrors = 0;
  const connection = new Connection(transport, {
    maxMessageBytes: 64 << 10,
    onProtocolError: () => protocolErrors++,
    // As the QMP clients have it half the time: errors without id then settle calls.
    repliesInOrder: next() < 0.5,
  });
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
    deliver(bytes.slice(at, at + size));
    at += size;
  }
  end("peer closed");
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
    protocolErrors,
    bytes: bytes.length,
  };
}

/**
 * The baselines: minimal raw-socket QMP clients (no id routing, no events,
 * no validation, no bounds, no back-pressure), just line splitting and
 * `JSON.parse` per line. One over `node:net` (Deno and Node), one over
 * `Deno.connect` (Deno only).
 *
 * @module
 */

import { connect, type Socket } from "node:net";

/** What the benchmark needs of a raw client. */
export interface RawClient {
  /** Writes text as it is (a whole batch of requests in one write). */
  send(text: string): void;
  /** Resolves once `count` more lines have been read and parsed. */
  replies(count: number): Promise<void>;
  /** Closes the socket. */
  close(): void;
}

/** Counts parsed lines and wakes the one waiter when its count is reached. */
class LineCounter {
  #buffer = "";
  #parsed = 0;
  #target = Infinity;
  #wake?: () => void;

  push(text: string): void {
    text = this.#buffer + text;
    let start = 0;
    for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", start)) {
      JSON.parse(text.slice(start, end));
      this.#parsed++;
      start = end + 1;
    }
    this.#buffer = text.slice(start);
    if (this.#parsed >= this.#target) {
      const wake = this.#wake!;
      this.#target = Infinity;
      this.#wake = undefined;
      wake();
    }
  }

  replies(count: number): Promise<void> {
    const target = this.#parsed + count;
    if (this.#parsed >= target) return Promise.resolve();
    return new Promise((resolve) => {
      this.#target = target;
      this.#wake = resolve;
    });
  }
}

/** Opens a raw client over `node:net` and negotiates capabilities. */
export async function openNetClient(path: string): Promise<RawClient> {
  const socket: Socket = connect({ path });
  await new Promise((resolve) => socket.once("connect", resolve));
  const counter = new LineCounter();
  socket.setEncoding("utf8");
  socket.on("data", (text: string) => counter.push(text));
  const client: RawClient = {
    send: (text) => void socket.write(text),
    replies: (count) => counter.replies(count),
    close: () => socket.destroy(),
  };
  await client.replies(1); // greeting
  client.send('{"execute":"qmp_capabilities","id":"capabilities"}\n');
  await client.replies(1);
  return client;
}

/** The part of `Deno.connect`'s connection used here. */
interface DenoConn {
  read(buffer: Uint8Array): Promise<number | null>;
  write(bytes: Uint8Array): Promise<number>;
  close(): void;
}

/** Opens a raw client over `Deno.connect` and negotiates capabilities (Deno only). */
export async function openDenoClient(path: string): Promise<RawClient> {
  const deno = (globalThis as {
    Deno?: { connect(options: { transport: "unix"; path: string }): Promise<DenoConn> };
  }).Deno;
  if (!deno) throw new Error("Deno.connect is not available");
  const conn = await deno.connect({ transport: "unix", path });
  const counter = new LineCounter();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  (async () => {
    const buffer = new Uint8Array(64 << 10);
    try {
      for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
        counter.push(decoder.decode(buffer.subarray(0, n), { stream: true }));
      }
    } catch {
      // Closed.
    }
  })();
  // Writes in order, each whole.
  let writing = Promise.resolve();
  const client: RawClient = {
    send: (text) => {
      const bytes = encoder.encode(text);
      writing = writing.then(async () => {
        for (let done = 0; done < bytes.length;) done += await conn.write(bytes.subarray(done));
      });
    },
    replies: (count) => counter.replies(count),
    close: () => conn.close(),
  };
  await client.replies(1);
  client.send('{"execute":"qmp_capabilities","id":"capabilities"}\n');
  await client.replies(1);
  return client;
}

/**
 * The baseline: a minimal raw-socket QMP client (no ids map, no events, no
 * validation), just line splitting and `JSON.parse` per line.
 *
 * @module
 */

import { connect, type Socket } from "node:net";

/** A bare line-reading connection. */
export class RawClient {
  #buffer = "";
  #waiters: ((line: string) => void)[] = [];
  #lines: string[] = [];
  parsed = 0;

  private constructor(readonly socket: Socket) {
    socket.on("data", (chunk) => {
      const text = this.#buffer + chunk.toString();
      let start = 0;
      for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", start)) {
        const line = text.slice(start, end);
        start = end + 1;
        JSON.parse(line);
        this.parsed++;
        const waiter = this.#waiters.shift();
        if (waiter) waiter(line);
        else this.#lines.push(line);
      }
      this.#buffer = text.slice(start);
    });
  }

  /** Connects and negotiates capabilities. */
  static async open(path: string): Promise<RawClient> {
    const socket = connect({ path });
    await new Promise((resolve) => socket.once("connect", resolve));
    const client = new RawClient(socket);
    await client.line(); // greeting
    socket.write('{"execute":"qmp_capabilities","id":"capabilities"}\n');
    await client.line();
    return client;
  }

  /** The next line. */
  line(): Promise<string> {
    const line = this.#lines.shift();
    return line !== undefined
      ? Promise.resolve(line)
      : new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Waits until `count` lines have been parsed in total. */
  async until(count: number): Promise<void> {
    while (this.parsed < count) await new Promise((resolve) => setTimeout(resolve, 1));
  }

  close(): void {
    this.socket.destroy();
  }
}

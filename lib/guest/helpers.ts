/**
 * Helpers over the guest agent's building blocks: run a program and collect
 * its output (`guest-exec` + `guest-exec-status`), write and read files
 * (`guest-file-*`, base64 on the wire).
 *
 * @module
 */

import type { Qga7_2 } from "../../schemas/qga/7.2.js";
import { ProtocolError } from "../protocol/errors.ts";
import type { GuestAgent } from "./agent.ts";

/**
 * Any guest agent whose schema has the commands these helpers use (7.2 and
 * later): what the helpers take.
 *
 * @example
 * ```ts
 * import type { AnyAgent } from "./helpers.ts";
 * import type { GuestAgent } from "./agent.ts";
 * declare const agent: GuestAgent;
 * const usable: AnyAgent = agent;
 * ```
 */
export type AnyAgent = Pick<GuestAgent<Qga7_2>, "execute">;

/**
 * What a program run in the guest gave back.
 *
 * @example
 * ```ts
 * import type { GuestExecResult } from "./helpers.ts";
 * const result: GuestExecResult = { exitCode: 0, stdout: "hi\n", stderr: "" };
 * ```
 */
export interface GuestExecResult {
  /** The exit code, when the program exited. */
  readonly exitCode?: number | undefined;
  /** The signal that ended it, when one did. */
  readonly signal?: number | undefined;
  /** Its standard output, decoded as UTF-8. */
  readonly stdout: string;
  /** Its standard error, decoded as UTF-8. */
  readonly stderr: string;
}

/**
 * Decodes base64 from a guest's reply (`what` names it). The guest is
 * untrusted: text that is not base64 is a `ProtocolError` naming the member,
 * not `atob`'s bare "Failed to decode base64".
 */
function decode(base64: string | undefined, what: string): Uint8Array {
  if (!base64) return new Uint8Array();
  let binary: string;
  try {
    binary = atob(base64);
  } catch {
    throw new ProtocolError(`${what}: the guest sent text that is not base64`, base64);
  }
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
const encode = (bytes: Uint8Array): string => {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
};

/**
 * Runs a program in the guest, polls until it exits, and decodes its output.
 *
 * @example
 * ```ts ignore
 * import { guestExec } from "./helpers.ts";
 * const { exitCode, stdout } = await guestExec(agent, "/bin/echo", ["hello"]);
 * ```
 */
export async function guestExec(
  agent: AnyAgent,
  path: string,
  args: readonly string[] = [],
  options: {
    readonly input?: Uint8Array;
    readonly timeout?: number;
    readonly pollInterval?: number;
  } = {},
): Promise<GuestExecResult> {
  const { pid } = await agent.execute("guest-exec", {
    path,
    arg: [...args],
    "capture-output": true,
    ...(options.input ? { "input-data": encode(options.input) } : {}),
  });
  const deadline = Date.now() + (options.timeout ?? 30_000);
  for (;;) {
    const status = await agent.execute("guest-exec-status", { pid });
    if (status.exited) {
      const text = new TextDecoder();
      return {
        // Exit codes and signal numbers are small; the schema's `int` admits bigint.
        exitCode: status.exitcode === undefined ? undefined : Number(status.exitcode),
        signal: status.signal === undefined ? undefined : Number(status.signal),
        stdout: text.decode(decode(status["out-data"], "guest-exec-status: out-data")),
        stderr: text.decode(decode(status["err-data"], "guest-exec-status: err-data")),
      };
    }
    if (Date.now() > deadline) {
      throw new Error(`guest-exec ${path}: still running after ${options.timeout ?? 30_000} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollInterval ?? 20));
  }
}

/**
 * Writes a whole file in the guest.
 *
 * @example
 * ```ts ignore
 * import { guestWriteFile } from "./helpers.ts";
 * await guestWriteFile(agent, "/tmp/x", new TextEncoder().encode("data"));
 * ```
 */
export async function guestWriteFile(
  agent: AnyAgent,
  path: string,
  data: Uint8Array,
): Promise<void> {
  const handle = await agent.execute("guest-file-open", { path, mode: "w" });
  try {
    for (let offset = 0; offset < data.length || offset === 0; offset += 1 << 20) {
      await agent.execute("guest-file-write", {
        handle,
        "buf-b64": encode(data.subarray(offset, offset + (1 << 20))),
      });
      if (data.length === 0) break;
    }
  } finally {
    await agent.execute("guest-file-close", { handle });
  }
}

/**
 * Reads a whole file in the guest (in 1 MiB chunks, at most `maxBytes`).
 *
 * @example
 * ```ts ignore
 * import { guestReadFile } from "./helpers.ts";
 * const bytes = await guestReadFile(agent, "/etc/hostname");
 * ```
 */
export async function guestReadFile(
  agent: AnyAgent,
  path: string,
  maxBytes = 64 << 20,
): Promise<Uint8Array> {
  const handle = await agent.execute("guest-file-open", { path, mode: "r" });
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const chunk = await agent.execute("guest-file-read", { handle, count: 1 << 20 });
      const bytes = decode(chunk["buf-b64"], "guest-file-read: buf-b64");
      total += bytes.length;
      if (total > maxBytes) throw new Error(`${path}: larger than ${maxBytes} bytes`);
      chunks.push(bytes);
      if (chunk.eof || bytes.length === 0) break;
    }
  } finally {
    await agent.execute("guest-file-close", { handle });
  }
  const result = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    result.set(chunk, offset);
    offset += chunk.length;
  }
  return result;
}

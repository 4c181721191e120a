/**
 * `launch()`: starts a QEMU binary with a QMP socket in a fresh private
 * directory and returns a connected, typed client that quits QEMU (and kills
 * it if it lingers) and removes the directory on close.
 *
 * Uses `node:` modules only, so it runs the same on Deno and Node.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { chmod, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
import { connect, QmpClient, type QmpOptions } from "../client/qmp.ts";
import type { AcceptAll, CompatPolicy } from "../schema/features.ts";
import type { Schema } from "../schema/schema.ts";

/**
 * Options of `launch`.
 *
 * @example
 * ```ts
 * import type { LaunchOptions } from "./launch.ts";
 * const options: LaunchOptions = { binary: "qemu-system-x86_64", args: ["-m", "64"] };
 * ```
 */
export interface LaunchOptions extends QmpOptions {
  /** The QEMU binary. Default `qemu-system-x86_64` (from `PATH`). */
  readonly binary?: string;
  /**
   * The arguments before the QMP socket's. Default: no guest, nothing
   * attached: `-M none -nodefaults -display none`.
   */
  readonly args?: readonly string[];
  /** Extra arguments after the defaults (e.g. `-L DIR`). */
  readonly extraArgs?: readonly string[];
  /** Milliseconds to wait for the socket. Default 15 000. */
  readonly startTimeout?: number;
  /** Milliseconds `close()` waits for QEMU to quit before killing it. Default 5 000. */
  readonly quitTimeout?: number;
  /**
   * The arguments that put a QMP server on `socket`. Default
   * `-qmp unix:SOCKET,server=on,wait=off` (the system emulator's form).
   */
  readonly monitorArgs?: (socket: string) => readonly string[];
}

const systemMonitorArgs = (socket: string) => ["-qmp", `unix:${socket},server=on,wait=off`];

/** The default arguments: a machine with nothing in it, no display. */
export const defaultQemuArgs: readonly string[] = ["-M", "none", "-nodefaults", "-display", "none"];

/**
 * A client of a launched QEMU; `close()` also ends the process and removes
 * its private directory.
 *
 * @example
 * ```ts ignore
 * import { launch } from "./launch.ts";
 * await using qmp = await launch();
 * console.log(qmp.pid, qmp.version);
 * ```
 */
export class LaunchedQmpClient<
  schema extends Schema = Qmp10_2,
  policy extends CompatPolicy = AcceptAll,
> extends QmpClient<schema, policy> {
  /** The QEMU process id. */
  pid = 0;
  /** Resolves with QEMU's exit code (or signal name) once it has exited. */
  exited: Promise<number | string> = Promise.resolve(0);
  #cleanup: () => Promise<void> = () => Promise.resolve();

  /** @internal Attaches the process and its cleanup. */
  attach(pid: number, exited: Promise<number | string>, cleanup: () => Promise<void>): void {
    this.pid = pid;
    this.exited = exited;
    this.#cleanup = cleanup;
  }

  /** Quits QEMU (kills it if it lingers), closes the connection, removes the directory. */
  override async close(): Promise<void> {
    await this.#cleanup();
  }
}

/**
 * Starts QEMU and connects to it. Arguments are passed as an array, never
 * through a shell. Rejects with QEMU's own error output when it fails to
 * start.
 *
 * @example
 * ```ts ignore
 * import { launch } from "./launch.ts";
 * await using qmp = await launch({ extraArgs: ["-m", "64"] });
 * await qmp.execute("stop");
 * ```
 */
export async function launch<
  schema extends Schema = Qmp10_2,
  policy extends CompatPolicy = AcceptAll,
>(
  options: LaunchOptions = {},
): Promise<LaunchedQmpClient<schema, policy>> {
  // A private directory (0700) holds the socket, so no other user can reach it.
  const directory = await mkdtemp(join(tmpdir(), "qapi-ts-"));
  await chmod(directory, 0o700);
  const socket = join(directory, "qmp.sock");
  const args = [
    ...(options.args ?? defaultQemuArgs),
    ...(options.extraArgs ?? []),
    ...(options.monitorArgs ?? systemMonitorArgs)(socket),
  ];
  const child = spawn(options.binary ?? "qemu-system-x86_64", args, {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Uint8Array) => {
    if (stderr.length < 64 << 10) stderr += new TextDecoder().decode(chunk);
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? signal ?? -1));
    child.once("error", (error) => {
      stderr += error.message;
      resolve(-1);
    });
  });
  let hasExited = false;
  exited.then(() => (hasExited = true));
  const removeDirectory = () => rm(directory, { recursive: true, force: true });

  const deadline = Date.now() + (options.startTimeout ?? 15_000);
  for (;;) {
    if (hasExited) {
      await removeDirectory();
      throw new Error(
        `QEMU exited before its QMP socket appeared: ${stderr.trim() || "(no output)"}`,
      );
    }
    try {
      await stat(socket);
      await chmod(socket, 0o600);
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        await removeDirectory();
        throw new Error(
          `QEMU's QMP socket did not appear within ${options.startTimeout ?? 15_000} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  let client: QmpClient<schema, policy>;
  try {
    // Strict mode is enabled on the launched client below, which keeps the schema.
    client = await connect<schema, policy>(socket, { ...options, strict: false });
  } catch (error) {
    child.kill("SIGKILL");
    await exited;
    await removeDirectory();
    throw error;
  }
  // Re-home the negotiated connection in the launched client class.
  const launched = new LaunchedQmpClient<schema, policy>(
    client.connection,
    client.version,
    client.capabilities,
    client.enabled,
  );
  if (options.strict) await launched.enableStrict(options.policy, options.validateReplies);
  let closing: Promise<void> | undefined;
  launched.attach(child.pid ?? 0, exited, () =>
    closing ??= (async () => {
      if (!hasExited && !launched.connection.isClosed) {
        await launched.connection.call("quit", undefined, { timeout: 2_000 }).catch(() => {});
      }
      const quitTimeout = options.quitTimeout ?? 5_000;
      const timer = setTimeout(() => child.kill("SIGKILL"), quitTimeout);
      await exited;
      clearTimeout(timer);
      launched.connection.close();
      await removeDirectory();
    })());
  return launched;
}

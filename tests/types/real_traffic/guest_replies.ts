/**
 * Real guest agent replies: `qemu-ga` run on this machine (listening on a
 * unix socket) and asked, through the library's guest agent client, every
 * query that only reads, and a few commands that touch only files and
 * programs of their own (a file in a temporary folder, `guest-exec`).
 *
 * @module
 */

import { connectGuestAgent } from "../../../lib/guest/agent.ts";
import { ProtocolError, QmpError } from "../../../lib/protocol/errors.ts";

/**
 * One command sent and what the agent answered.
 *
 * @example
 * ```ts
 * import type { GuestReply } from "./guest_replies.ts";
 * const ping: GuestReply = { key: "guest-ping", command: "guest-ping", value: {} };
 * ```
 */
export interface GuestReply {
  /** The command and its arguments, as `NAME` or `NAME {"arg":…}`. */
  readonly key: string;
  readonly command: string;
  /** The `return` as the connection parsed it (bigint beyond 2^53). */
  readonly value: unknown;
  /** Set when the client's own check of the reply (by the agent's schema) refused it. */
  readonly refusedByClient?: string;
}

/**
 * What one agent answered.
 *
 * @example
 * ```ts
 * import type { GuestReplies } from "./guest_replies.ts";
 * const answered: GuestReplies = { replies: [], refused: ["guest-get-devices: CommandNotFound"] };
 * ```
 */
export interface GuestReplies {
  readonly replies: readonly GuestReply[];
  /** The error of each command the agent refused on this host (`COMMAND: CLASS: description`). */
  readonly refused: readonly string[];
}

/**
 * Queries by name: the agent's commands that only read (`guest-get-*`,
 * `guest-network-get-*`, `guest-info`, `guest-ping`, `guest-fsfreeze-status`),
 * called without arguments. Everything else (shutdown, suspend, freezing,
 * setting the time, users, vCPUs or memory blocks) changes the host, and is
 * never called.
 */
const readOnlyQuery = /^guest-(get-[a-z-]+|network-get-[a-z-]+|info|ping|fsfreeze-status)$/;

/** The commands of a vendored QGA schema, with their arguments' optionality. */
type Commands = Record<string, { data?: Record<string, string | { optional?: boolean }> }>;

/** A command needs arguments when one of its members is not optional. */
function needsArguments(command: Commands[string]): boolean {
  return Object.values(command.data ?? {}).some((m) => typeof m !== "object" || !m.optional);
}

/** Starts `qemu-ga` on a socket in `directory`; resolves once it is bound. */
async function startAgent(binary: string, directory: string): Promise<Deno.ChildProcess> {
  const socket = `${directory}/qga.sock`;
  await Deno.mkdir(`${directory}/state`);
  const child = new Deno.Command(binary, {
    args: ["-m", "unix-listen", "-p", socket, "-t", `${directory}/state`],
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (let attempt = 0;; attempt++) {
    try {
      await Deno.stat(socket);
      return child;
    } catch (error) {
      if (attempt === 500) {
        child.kill("SIGKILL");
        await child.status;
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/**
 * Runs `qemu-ga` (`binary`), asks it every read-only query of its release's
 * vendored schema `commands`, a `guest-sync`, a `guest-exec` and its status,
 * and opens, writes, seeks, reads and closes a file of its own; returns the
 * replies and the commands the agent refused on this host.
 *
 * @example
 * ```ts ignore
 * import { qga7_2 } from "../../../schemas/qga/7.2.js";
 * import { askGuestAgent } from "./guest_replies.ts";
 * const { replies } = await askGuestAgent("/usr/sbin/qemu-ga", qga7_2.commands);
 * console.log(replies.length);
 * ```
 */
export async function askGuestAgent(binary: string, commands: object): Promise<GuestReplies> {
  const directory = await Deno.makeTempDir({ prefix: "qapi-ts-qga-" });
  const replies: GuestReply[] = [];
  const refused: string[] = [];
  const child = await startAgent(binary, directory);
  try {
    await using agent = await connectGuestAgent(`${directory}/qga.sock`);
    // The library's typed client, called by names read from the schema at run time.
    const execute = agent.execute as unknown as (name: string, args?: object) => Promise<unknown>;
    const ask = async (command: string, args?: Record<string, unknown>): Promise<unknown> => {
      const key = args ? `${command} ${JSON.stringify(args)}` : command;
      try {
        const value = await execute(command, args);
        replies.push({ key, command, value });
        return value;
      } catch (error) {
        if (error instanceof QmpError) {
          // The message names the command and the error class already.
          refused.push(error.message);
          return undefined;
        }
        if (!(error instanceof ProtocolError)) throw error;
        // The client's check refused the reply: the raw reply is checked all the same.
        const value = await agent.connection.call(command, args);
        replies.push({ key, command, value, refusedByClient: error.message });
        return value;
      }
    };
    const all = commands as Commands;
    for (const [name, command] of Object.entries(all)) {
      if (readOnlyQuery.test(name) && !needsArguments(command)) await ask(name);
    }
    // The one query that takes an argument: it reads a user's authorized_keys.
    await ask("guest-ssh-get-authorized-keys", { username: Deno.env.get("USER") ?? "root" });
    await ask("guest-sync", { id: 1234567 });
    await ask("guest-sync-delimited", { id: 7654321 });

    const started = await ask("guest-exec", {
      path: "/bin/sh",
      arg: ["-c", "echo out; echo err >&2; exit 3"],
      "capture-output": true,
    }) as { pid: number } | undefined;
    if (started) {
      for (let attempt = 0; attempt < 500; attempt++) {
        const status = await ask("guest-exec-status", { pid: started.pid }) as { exited: boolean };
        if (status?.exited) break;
        // Keep only the final status (and one of a running program, the first).
        if (attempt > 0) replies.pop();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }

    const handle = await ask("guest-file-open", { path: `${directory}/file.txt`, mode: "w+" });
    if (typeof handle === "number" || typeof handle === "bigint") {
      await ask("guest-file-write", { handle, "buf-b64": btoa("written by the agent\n") });
      await ask("guest-file-flush", { handle });
      await ask("guest-file-seek", { handle, offset: 0, whence: "set" });
      await ask("guest-file-read", { handle, count: 4096 });
      await ask("guest-file-close", { handle });
    }
  } finally {
    child.kill("SIGKILL");
    await child.status;
    await Deno.remove(directory, { recursive: true });
  }
  return { replies, refused };
}

/**
 * Helpers of the launch tests: run the client process (`fixture.ts`) on Deno
 * or Node, watch the QEMU it started through `/proc`.
 *
 * @module
 */

import { buildForNode } from "../node/build.ts";

const repository = new URL("../../", import.meta.url).pathname;

/** What the client process printed first. */
export interface Report {
  readonly pid: number;
  /** The private directory of the QEMU it launched (from QEMU's command line). */
  readonly directory: string;
  readonly chardevs: readonly { label: string; filename: string }[];
}

/** A running client process. */
export interface ClientProcess {
  /** The first line it printed, parsed. */
  readonly report: Report;
  readonly process: Deno.ChildProcess;
  /** Resolves when it has ended, with its status and everything it printed after the report. */
  readonly ended: Promise<{ status: Deno.CommandStatus; output: string; errors: string }>;
}

let nodeBuild: Promise<unknown> | undefined;

/**
 * Starts the client process with `env` on `runtime`; resolves once it has
 * printed its report (rejects with its output if it ends before).
 */
export async function startClient(
  runtime: "deno" | "node",
  env: Record<string, string>,
): Promise<ClientProcess> {
  let command: string;
  let args: string[];
  if (runtime === "deno") {
    command = Deno.execPath();
    args = ["run", "-A", `${repository}tests/launch/fixture.ts`];
  } else {
    nodeBuild ??= buildForNode(["tests/launch/fixture.ts"]);
    await nodeBuild;
    command = "node";
    args = [`${repository}.cache/node-build/tests/launch/fixture.js`];
  }
  const child = new Deno.Command(command, {
    args,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const errorsText = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) {
      const status = await child.status;
      throw new Error(
        `the client process ended (${status.code}) before its report:\n${text}${await errorsText}`,
      );
    }
    text += value;
  }
  const newline = text.indexOf("\n");
  const report = JSON.parse(text.slice(0, newline)) as Report;
  const rest = text.slice(newline + 1);
  const ended = (async () => {
    let output = rest;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      output += value;
    }
    return { status: await child.status, output, errors: await errorsText };
  })();
  return { report, process: child, ended };
}

/** True while `pid` is a process that has not exited (a zombie counts as exited). */
export function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** True when `path` exists. */
export function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Waits until `check` holds, polling, for at most `milliseconds`; returns whether it held. */
export async function eventually(check: () => boolean, milliseconds: number): Promise<boolean> {
  const deadline = Date.now() + milliseconds;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

/** Ends whatever a failed test left behind: QEMU by pid, the directory. */
export function leaveNothing(pid: number, directory: string): void {
  if (alive(pid)) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  try {
    Deno.removeSync(directory, { recursive: true });
  } catch {
    // Already gone.
  }
}

/**
 * `qapi-ts shell`: qmp-shell, typed. Connects to a QMP server (a socket path
 * or `host:port`), launches a private QEMU (`--launch`) or connects to a
 * guest agent (`--agent`), and runs commands typed as `command key=value
 * key.sub=value …` or as raw JSON, each checked against the server's own
 * schema before it is sent. On a terminal it is interactive (completion
 * from the live schema, history kept in a file, events printed as they
 * arrive); otherwise it runs the commands of a file or of standard input
 * and stops at the first error.
 *
 * @module
 */

import { closeSync, openSync, writeSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import process from "node:process";
import { connect, type QmpClient } from "../client/qmp.ts";
import { connectGuestAgent } from "../guest/agent.ts";
import { indexLiteral } from "../introspect/from_literal.ts";
import type { SchemaInfoIndex } from "../introspect/schema_info.ts";
import { validateArguments, ValidationError } from "../introspect/validate.ts";
import { launch } from "../launch/launch.ts";
import { QmpError } from "../protocol/errors.ts";
import type { RawEvent } from "../protocol/events.ts";
import { stringifyJson } from "../protocol/json.ts";
import { type TraceHook, traceLine } from "../protocol/trace.ts";
import { printable } from "../qapi/errors.ts";
import { failureReason } from "../qapi/files.ts";
import type { SchemaLiteral } from "../types/literal.ts";
import type { TlsOptions } from "../transport/tls.ts";
import type { Target } from "../transport/transport.ts";
import { nearestVendored } from "../emit/live.ts";
import { parseArgs, UsageError } from "./args.ts";
import { CliError, type Command, type ExitCode, exitCodes, type Output } from "./command.ts";
import { complete } from "./shell_complete.ts";
import { type EditorTerminal, LineEditor, processTerminal } from "./shell_editor.ts";
import { InputError, parseLine } from "./shell_input.ts";
import { ScriptLineError, scriptLines } from "./script_lines.ts";

const usage = `qapi-ts shell [--json] [--history PATH] [--file PATH] [--trace PATH] SOCKET|HOST:PORT
qapi-ts shell --tls-ca PATH [--tls-cert PATH --tls-key PATH] [--tls-server-name NAME] [...] HOST:PORT
qapi-ts shell --agent [--json] [--history PATH] [--file PATH] [--trace PATH] SOCKET|HOST:PORT
qapi-ts shell --launch [--binary PATH] [--json] [--history PATH] [--file PATH] [--trace PATH]
              [-- QEMU-ARGS]`;

/**
 * The most lines the history file keeps.
 *
 * @example
 * ```ts
 * import { historyLimit } from "./shell.ts";
 * console.log(historyLimit); // 1000
 * ```
 */
export const historyLimit = 1000;

/** What the shell talks to: a QMP server or a guest agent, with its schema. */
interface Session {
  /** `QEMU 10.0.2`, `guest agent 7.2`: for the banner and the prompt. */
  readonly name: string;
  readonly prompt: string;
  readonly index: SchemaInfoIndex;
  readonly hmp: boolean;
  commandFacts(command: string): string | undefined;
  /** Checks the call against the schema, then sends it; `signal` abandons it. */
  call(command: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<unknown>;
  /** Calls `handler` for each event from now on; returns what stops it. */
  onEvent(handler: (event: RawEvent) => void): () => void;
  /** Resolves with the reason when the connection closes, if the session can tell. */
  readonly closed?: Promise<string>;
  close(): Promise<void>;
}

const sinceOf = (literal: SchemaLiteral | undefined) => (command: string) => {
  const since = (literal?.commands as Record<string, { since?: string }> | undefined)?.[command]
    ?.since;
  return since ? `since ${since}` : undefined;
};

/**
 * A socket path, or `HOST:PORT` (`[::1]:4444` for an IPv6 address).
 *
 * @example
 * ```ts
 * import { parseTarget } from "./shell.ts";
 * console.log(parseTarget("localhost:4444"), parseTarget("/tmp/qmp.sock"));
 * // { host: "localhost", port: 4444 } "/tmp/qmp.sock"
 * ```
 */
export function parseTarget(text: string): Target {
  const match = /^(?:\[([^\]]+)\]|([^/:]+)):([0-9]{1,5})$/.exec(text);
  if (!match) return text;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) throw new UsageError(`'${text}': no port ${port}`);
  return { host: (match[1] ?? match[2])!, port }; // One of the two matched.
}

async function qmpSession(client: QmpClient): Promise<Session> {
  const index = await client.schemaInfo();
  const { major, minor, micro } = client.version;
  let literal: SchemaLiteral | undefined;
  try {
    literal = await nearestVendored("qmp", `${major}.${minor}`);
  } catch {
    literal = undefined;
  }
  const execute = client.execute as unknown as (
    command: string,
    args?: object,
    options?: { signal?: AbortSignal | undefined },
  ) => Promise<unknown>;
  return {
    name: `QEMU ${major}.${minor}.${micro}`,
    prompt: `(QEMU ${major}.${minor}) `,
    index,
    hmp: true,
    commandFacts: sinceOf(literal),
    // The client is strict: a call its schema refuses throws ValidationError, unsent.
    call: (command, args, signal) => execute(command, args, { signal }),
    onEvent(handler) {
      const listener = client.events();
      (async () => {
        for await (const event of listener) handler(event as RawEvent);
      })().catch(() => {});
      return () => listener.close();
    },
    closed: client.closed,
    close: () => client.close(),
  };
}

async function agentSession(target: Target, trace?: TraceHook): Promise<Session> {
  const agent = await connectGuestAgent(target, { trace });
  const { qga } = await import("../../schemas/qga/mod.ts");
  const version = agent.schemaVersion;
  // Through `unknown`: relating the vendored literals to `SchemaLiteral` is a costly check.
  const literal = qga[version as keyof typeof qga] as unknown as SchemaLiteral;
  const index = indexLiteral(literal);
  const execute = agent.execute as unknown as (
    command: string,
    args?: object,
    options?: { signal?: AbortSignal | undefined },
  ) => Promise<unknown>;
  return {
    name: `guest agent (schema ${version})`,
    prompt: "(QGA) ",
    index,
    hmp: false,
    commandFacts: sinceOf(literal),
    call(command, args, signal) {
      validateArguments(index, command, args, { serverVersion: version });
      return execute(command, args, { signal });
    },
    onEvent: () => () => {},
    close: () => agent.close(),
  };
}

const tlsOptionNames = ["tls-ca", "tls-cert", "tls-key", "tls-server-name"];

/** The `--tls-*` options (some given) as `TlsOptions`, their files read. */
async function tlsOptions(option: (name: string) => string | undefined): Promise<TlsOptions> {
  const given = tlsOptionNames.filter((name) => option(name) !== undefined);
  if (option("tls-ca") === undefined) {
    throw new UsageError(
      `--${given[0]} goes with --tls-ca (the CA that signed QEMU's certificate)`,
    );
  }
  if ((option("tls-cert") === undefined) !== (option("tls-key") === undefined)) {
    throw new UsageError("--tls-cert and --tls-key go together");
  }
  const read = async (name: string) => {
    const path = option(name);
    if (path === undefined) return undefined;
    try {
      return await readFile(path, "utf8");
    } catch (error) {
      throw new CliError(`can't read --${name} '${path}': ${failureReason(error)}`);
    }
  };
  const serverName = option("tls-server-name");
  return {
    ca: (await read("tls-ca"))!,
    cert: await read("tls-cert"),
    key: await read("tls-key"),
    ...(serverName === undefined ? {} : { serverName }),
  };
}

/**
 * Indented JSON, with `bigint`s exact.
 *
 * @example
 * ```ts
 * import { prettyJson } from "./shell.ts";
 * console.log(prettyJson({ size: 2n ** 63n - 1n })); // {\n  "size": 9223372036854775807\n}
 * ```
 */
export function prettyJson(value: unknown, indent = ""): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const inner = indent + "  ";
    return `[\n${value.map((v) => inner + prettyJson(v, inner)).join(",\n")}\n${indent}]`;
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return "{}";
    const inner = indent + "  ";
    return `{\n${
      entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${prettyJson(v, inner)}`).join(",\n")
    }\n${indent}}`;
  }
  return stringifyJson(value) ?? "null";
}

const formatTime = (event: RawEvent) => {
  const { seconds, microseconds } = event.timestamp ?? { seconds: 0, microseconds: 0 };
  const time = new Date(seconds * 1000).toISOString().slice(11, 19);
  return `${time}.${String(microseconds).padStart(6, "0")}`;
};

/** How results, errors and events are printed: pretty for people, `--json` for programs. */
interface Printer {
  result(value: unknown): string;
  error(errorClass: string, message: string): string;
  event(event: RawEvent): string;
}

const pretty: Printer = {
  result: (value) =>
    typeof value === "string" ? value.replace(/\r\n/g, "\n").replace(/\n$/, "") : prettyJson(value),
  error: (errorClass, message) =>
    `error: ${
      errorClass === "ValidationError" || errorClass === "InputError" ? "" : `${errorClass}: `
    }${message}`,
  event: (event) => {
    const data = event.data && Object.keys(event.data).length ? ` ${prettyJson(event.data)}` : "";
    return `event ${event.event} at ${formatTime(event)}${data}`;
  },
};

const machine: Printer = {
  result: (value) => stringifyJson({ return: value ?? {} }),
  error: (errorClass, desc) => stringifyJson({ error: { class: errorClass, desc } }),
  event: (event) => stringifyJson(event),
};

/** The error class and message of what a line's call threw; rethrows what ends the shell. */
/** A call given up with Ctrl-C. */
class CallCancelled extends Error {
  override name = "Cancelled";
  constructor() {
    super("no longer waiting for the reply (Ctrl-C); QEMU may still run the command");
  }
}

function describeError(error: unknown): [string, string] {
  if (error instanceof QmpError) return [error.errorClass, error.desc];
  if (error instanceof ValidationError) return ["ValidationError", error.message];
  if (error instanceof InputError) return ["InputError", error.message];
  const name = (error as Error)?.name ?? "Error";
  return [name, (error as Error)?.message ?? String(error)];
}

/** Runs one line; resolves with the text to print and whether it failed. */
async function runLine(
  session: Session,
  printer: Printer,
  line: string,
  signal?: AbortSignal,
): Promise<{ text?: string; error?: string }> {
  try {
    const input = parseLine(line, session.hmp);
    if (input.kind === "empty") return {};
    const value = input.kind === "hmp"
      ? await session.call("human-monitor-command", { "command-line": input.commandLine }, signal)
      : await session.call(input.command, input.args, signal);
    return { text: printer.result(value) };
  } catch (error) {
    if ((error as Error)?.name === "ConnectionClosedError") throw error;
    const [errorClass, message] = describeError(error);
    return { text: printer.error(errorClass, message), error: pretty.error(errorClass, message) };
  }
}

/**
 * A script's text; throws when it is not UTF-8 (a byte replaced by U+FFFD
 * would be sent to QEMU as another text than the one written).
 */
function scriptOf(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new Error("not UTF-8");
  }
}

/**
 * The history file's lines; none when there is no file. Throws when it
 * can't be read, or is not UTF-8 (its lines would be rewritten with
 * replacement characters).
 */
async function loadHistory(path: string | undefined): Promise<string[]> {
  if (!path) return [];
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return [];
    throw error;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new Error("not UTF-8");
  }
  return text.split("\n").filter((line) => line.trim()).slice(-historyLimit);
}

/** Writes the history file; resolves with why it can't be written, if it can't. */
async function saveHistory(
  path: string | undefined,
  history: string[],
): Promise<string | undefined> {
  if (!path) return undefined;
  if (history.length > historyLimit) history.splice(0, history.length - historyLimit);
  try {
    await writeFile(path, history.map((l) => `${l}\n`).join(""), { mode: 0o600 });
    return undefined;
  } catch (error) {
    return failureReason(error);
  }
}

async function interactive(
  session: Session,
  printer: Printer,
  historyPath: string | undefined,
  terminal: EditorTerminal,
): Promise<ExitCode> {
  // A history file that can't be read or written does not stop the shell:
  // it is said once, and the history is then kept for this session only
  // (a file that could not be read is not overwritten).
  let historyFile = historyPath;
  let historyNote: string | undefined;
  let history: string[] = [];
  try {
    history = await loadHistory(historyFile);
  } catch (error) {
    historyNote = `can't read history file '${historyFile}': ${failureReason(error)}`;
    historyFile = undefined;
  }
  const editor = new LineEditor(terminal, {
    history,
    escape: printable,
    complete: (before) =>
      complete({
        index: session.index,
        commandFacts: (command) => session.commandFacts(command),
        extraCommands: session.hmp ? ["hmp"] : [],
      }, before),
  });
  const print = (text: string) => editor.printAbove(printable(text));
  print(`Connected to ${session.name}. Tab completes; Ctrl-D ends.`);
  const noteHistory = (note: string) =>
    print(`note: ${note}; the history is kept for this session only`);
  if (historyNote) noteHistory(historyNote);
  const stop = session.onEvent((event) => print(printer.event(event)));
  // The line being typed can't be taken from the terminal's pending read:
  // once the connection has closed, Enter ends.
  const closing = watchClosing(
    session,
    (reason) => print(`the connection closed: ${reason}; Enter ends the shell`),
  );
  try {
    while (true) {
      closing.waitingForLine = true;
      const line = await editor.readLine(session.prompt).finally(() =>
        closing.waitingForLine = false
      );
      if (closing.reason !== undefined) {
        throw new CliError(`the connection closed: ${closing.reason}`, exitCodes.finding);
      }
      if (line === null) return exitCodes.ok;
      if (!line.trim()) continue;
      const unsaved = await saveHistory(historyFile, history);
      if (unsaved) {
        noteHistory(`can't write history file '${historyFile}': ${unsaved}`);
        historyFile = undefined;
      }
      // Ctrl-C while a call runs (the terminal is not raw then: it is SIGINT)
      // gives up waiting for it, and the shell goes on.
      const cancel = new AbortController();
      const onInterrupt = () => cancel.abort(new CallCancelled());
      process.on("SIGINT", onInterrupt);
      try {
        const { text } = await runLine(session, printer, line, cancel.signal);
        if (text !== undefined) print(text);
      } finally {
        process.off("SIGINT", onInterrupt);
      }
    }
  } finally {
    closing.ended = true;
    stop();
  }
}

/**
 * What the shell knows of a connection that closes while it waits for the
 * next line (QEMU quit or was killed): `say` tells it at once, instead of at
 * the next command. While a call runs, the call's own rejection ends the
 * shell instead; after the shell ends (`ended`), nothing is said.
 */
function watchClosing(session: Session, say: (reason: string) => void) {
  const state = { waitingForLine: false, ended: false, reason: undefined as string | undefined };
  session.closed?.then((reason) => {
    if (state.ended || !state.waitingForLine) return;
    state.reason = reason;
    say(reason);
  });
  return state;
}

async function script(
  session: Session,
  printer: Printer,
  lines: AsyncIterable<string>,
  output: Output,
  json: boolean,
): Promise<ExitCode> {
  const stop = session.onEvent((event) => output.out(printer.event(event)));
  // The shell ends when the next line (or the end of the input) comes: the
  // pending read of standard input can't be given up.
  const closing = watchClosing(
    session,
    (reason) => output.err(`qapi-ts shell: the connection closed: ${reason}`),
  );
  closing.waitingForLine = true;
  let number = 0;
  try {
    for await (const line of lines) {
      closing.waitingForLine = false;
      if (closing.reason !== undefined) return exitCodes.finding;
      number++;
      const { text, error } = await runLine(session, printer, line);
      closing.waitingForLine = true;
      if (text === undefined) continue;
      if (error === undefined) {
        output.out(text);
        continue;
      }
      if (json) output.out(text);
      output.err(`line ${number}: ${error}`);
      return exitCodes.finding;
    }
    return closing.reason === undefined ? exitCodes.ok : exitCodes.finding;
  } catch (error) {
    if (error instanceof ScriptLineError) {
      output.err(error.message);
      return exitCodes.finding;
    }
    if ((error as Error)?.name === "ConnectionClosedError") throw error;
    output.err(`can't read line ${number + 1}: ${failureReason(error)}`);
    return exitCodes.finding;
  } finally {
    closing.ended = true;
    stop();
  }
}

/**
 * Runs the shell on a parsed command line. `terminal` is where the
 * interactive shell reads and draws (the process's terminal by default).
 */
async function runShell(
  args: readonly string[],
  output: Output,
  terminal?: EditorTerminal,
): Promise<ExitCode> {
  const parsed = parseArgs(args, {
    launch: "flag",
    binary: "value",
    agent: "flag",
    json: "flag",
    history: "value",
    file: "value",
    trace: "value",
    "tls-ca": "value",
    "tls-cert": "value",
    "tls-key": "value",
    "tls-server-name": "value",
  });
  if (parsed.help) {
    output.out(shell.help);
    return exitCodes.ok;
  }
  const option = (name: string) => parsed.options.get(name) as string | undefined;
  const flag = (name: string) => parsed.options.get(name) === true;
  const launching = flag("launch");
  if (launching && flag("agent")) throw new UsageError("--launch starts QEMU, not a guest agent");
  if (!launching && option("binary")) throw new UsageError("--binary goes with --launch");
  if (!launching && parsed.operands.length !== 1) {
    throw new UsageError(
      parsed.operands.length ? "one SOCKET or HOST:PORT at a time" : "no SOCKET or HOST:PORT",
    );
  }
  const tlsAsked = tlsOptionNames.some((name) => option(name) !== undefined);
  if (tlsAsked && (launching || flag("agent"))) {
    throw new UsageError("--tls-ca goes with a QMP monitor at HOST:PORT, not --launch or --agent");
  }
  const [operand] = parsed.operands; // There is one when not launching, as checked above.
  const address = launching || operand === undefined ? undefined : parseTarget(operand);
  if (tlsAsked && (typeof address !== "object" || !("host" in address))) {
    throw new UsageError("--tls-ca needs HOST:PORT (QEMU serves TLS on a TCP socket)");
  }
  const tls = tlsAsked ? await tlsOptions(option) : undefined;
  const target = tls && typeof address === "object" && "host" in address
    ? { host: address.host, port: address.port, tls }
    : address;
  const file = option("file");
  // A file is read whole before connecting, so that a file that can't be
  // read runs nothing; standard input is run line by line as it arrives
  // (`script_lines.ts`).
  let scriptInput: AsyncIterable<string> | undefined;
  if (file !== undefined && file !== "-") {
    try {
      const bytes = await readFile(file);
      scriptOf(bytes);
      scriptInput = scriptLines([bytes]);
    } catch (error) {
      throw new CliError(`can't read '${file}': ${failureReason(error)}`);
    }
  } else if (file === "-" || (!terminal && !process.stdin.isTTY)) {
    scriptInput = scriptLines(process.stdin as AsyncIterable<Uint8Array>);
  }
  const home = process.env["HOME"];
  const historyPath = option("history") ?? (home ? `${home}/.qapi_ts_shell_history` : undefined);
  const printer = flag("json") ? machine : pretty;
  const tracePath = option("trace");
  let trace: TraceHook | undefined;
  let traceFile: number | undefined;
  if (tracePath !== undefined) {
    try {
      traceFile = openSync(tracePath, "w", 0o600);
    } catch (error) {
      throw new CliError(`can't write '${tracePath}': ${failureReason(error)}`);
    }
    const file = traceFile;
    // One JSON line per message, written as it passes: a session that dies keeps its trace.
    trace = (entry) => void writeSync(file, traceLine(entry));
  }

  let session: Session;
  try {
    if (launching) {
      const binary = option("binary");
      const client = await launch({
        ...(binary ? { binary } : {}),
        extraArgs: parsed.operands,
        strict: true,
        trace,
      });
      session = await qmpSession(client as unknown as QmpClient);
    } else if (flag("agent")) {
      session = await agentSession(target!, trace);
    } else {
      session = await qmpSession(await connect(target!, { strict: true, trace }) as QmpClient);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof CliError) throw error;
    const where = launching ? "launch QEMU" : `connect to '${parsed.operands[0]}'`;
    throw new CliError(`can't ${where}: ${(error as Error)?.message ?? error}`);
  }
  try {
    if (scriptInput !== undefined) {
      return await script(session, printer, scriptInput, output, flag("json"));
    }
    return await interactive(session, printer, historyPath, terminal ?? processTerminal());
  } catch (error) {
    if ((error as Error)?.name === "ConnectionClosedError") {
      throw new CliError(`the connection closed: ${(error as Error).message}`, exitCodes.finding);
    }
    throw error;
  } finally {
    await session.close();
    if (traceFile !== undefined) closeSync(traceFile);
  }
}

/**
 * `qapi-ts shell`: an interactive QMP (or guest agent) shell with
 * completion from the live schema; non-interactive on a file or a pipe.
 *
 * @example
 * ```ts
 * import { shell } from "./shell.ts";
 * console.log(shell.name, shell.usage.split("\n").length); // "shell" 3
 * ```
 */
export const shell: Command = {
  name: "shell",
  summary: "a QMP shell: commands checked against the live schema, with completion",
  usage,
  help: `usage: ${usage}

An interactive shell for QEMU's monitor (QMP) or a guest agent (--agent), at a
unix socket or HOST:PORT; --launch starts a private QEMU (-M none unless
QEMU-ARGS say otherwise) and ends it on exit.

A line is a command, written as qmp-shell writes it or as raw JSON:
  blockdev-add driver=null-co node-name=disk0 size=1048576
  blockdev-add driver=qcow2 node-name=q file.driver=file file.filename=/tmp/a.qcow2
  set-action reboot=shutdown
  {"execute": "query-status"}
  hmp info status
Values are JSON where they parse as JSON (42, true, null, {...}, [...]), else
strings ('42' is the string); dotted keys build nested objects and numbered
ones lists (keys.0=a keys.1=b). Each call is checked against the server's own
schema (query-qmp-schema) before it is sent; a call it refuses is not sent.

On a terminal: Tab completes command names, member names (nested ones too)
and enum values, and lists the candidates with what the schema says of them;
up and down walk the history; Ctrl-C cancels the line, or gives up a call
still waiting for its reply; Ctrl-D ends. Events are printed as they arrive.

Otherwise (standard input not a terminal, or --file) the lines of the input
are run in order; the first that fails ends the shell with status 1. A pipe
is run line by line as it arrives: a program may write a command and read its
reply before it writes the next.

Options:
  --launch         start a private QEMU (arguments after -- are added to its command line)
  --binary PATH    the QEMU binary to launch (default qemu-system-x86_64)
  --agent          the socket is a guest agent's (qemu-ga)
  --json           print replies, errors and events as one JSON object a line
  --history PATH   the history file (default ~/.qapi_ts_shell_history, last ${historyLimit} lines)
  --file PATH      run the commands in PATH ('-': standard input)
  --trace PATH     write every message in and out to PATH, one JSON object a line
                   (direction, time, message), a recording replayTransport() plays
  --tls-ca PATH    HOST:PORT is a monitor served over TLS; PATH is the CA (PEM) that
                   signed QEMU's certificate (the only one trusted)
  --tls-cert PATH, --tls-key PATH
                   the client certificate and key (PEM), for verify-peer=on
  --tls-server-name NAME
                   the name QEMU's certificate must carry (default: HOST)

Exit status: 0 done; 1 a command failed (non-interactive), or the connection
closed; 2 a wrong command line, or no connection.`,
  run: (args, output) => runShell(args, output),
};

/**
 * Runs the interactive shell on `terminal` instead of the process's own,
 * for embedding the shell in another program.
 *
 * @example
 * ```ts ignore
 * import { runShellOn } from "./shell.ts";
 * import { processTerminal } from "./shell_editor.ts";
 * import { terminal } from "./command.ts";
 * await runShellOn(["/tmp/qmp.sock"], terminal, processTerminal());
 * ```
 */
export function runShellOn(
  args: readonly string[],
  output: Output,
  terminal: EditorTerminal,
): Promise<ExitCode> {
  return runShell(args, output, terminal);
}

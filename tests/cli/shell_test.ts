/**
 * `qapi-ts shell`: the line syntax, completion and the line editor on their
 * own; the shell against real QEMU 7.2 and 10.0 (and qemu-ga) run on a
 * script; and the interactive shell in a real terminal (tmux, or a pty from
 * `script` where tmux is absent): typing, Tab, the screen read back.
 */
import assert from "node:assert/strict";
import { complete } from "../../lib/cli/shell_complete.ts";
import { connect } from "../../lib/client/qmp.ts";
import { parseTrace } from "../../lib/protocol/trace.ts";
import { replayTransport } from "../../lib/transport/replay.ts";
import { runShellOn } from "../../lib/cli/shell.ts";
import { type EditorTerminal, LineEditor } from "../../lib/cli/shell_editor.ts";
import { InputError, parseLine, splitWords } from "../../lib/cli/shell_input.ts";
import { indexLiteral } from "../../lib/introspect/from_literal.ts";
import { qmp10_2 } from "../../schemas/qmp/10.2.js";
import { provision, realQemuSkipped } from "../provision/qemu.ts";
import { freePort, startQemu } from "../client/qemu_process.ts";
import { haveOpenssl, makeTlsFixture } from "../client/tls_fixture.ts";
import { assertUsageError, qapiTs, repository } from "./helpers.ts";

const skipped = realQemuSkipped();
const binaries = skipped ? undefined : await provision();

Deno.test("shell input: key=value, JSON values, nested keys, lists, raw JSON, hmp", () => {
  assert.deepEqual(
    parseLine(
      `blockdev-add driver=qcow2 node-name=q read-only=true file.driver=file ` +
        `file.filename='/tmp/a b' cache={"direct": false} n=null s='42'`,
      true,
    ),
    {
      kind: "call",
      command: "blockdev-add",
      args: {
        driver: "qcow2",
        "node-name": "q",
        "read-only": true,
        file: { driver: "file", filename: "/tmp/a b" },
        cache: { direct: false },
        n: null,
        s: "42",
      },
    },
  );
  assert.deepEqual(parseLine("x children.0=a children.1.node=b", true), {
    kind: "call",
    command: "x",
    args: { children: ["a", { node: "b" }] },
  });
  assert.deepEqual(parseLine("x size=9223372036854775807", true), {
    kind: "call",
    command: "x",
    args: { size: 9223372036854775807n },
  });
  assert.deepEqual(parseLine(' {"execute": "stop"} ', true), {
    kind: "call",
    command: "stop",
    args: {},
  });
  assert.deepEqual(parseLine("hmp  info  status", true), {
    kind: "hmp",
    commandLine: "info  status",
  });
  assert.deepEqual(parseLine("hmp x=1", false), { kind: "call", command: "hmp", args: { x: 1 } });
  assert.deepEqual(parseLine("   # a comment", true), { kind: "empty" });
  assert.deepEqual(splitWords(`a b={"c d": [1, 2]} e="f g"`), [
    "a",
    `b={"c d": [1, 2]}`,
    `e="f g"`,
  ]);
  for (
    const [line, message] of [
      ["x a=1 a=2", /'a' is given twice/],
      ["x a=1 a.b=2", /'a' is given a value already/],
      ["x a.1=2", /list items go in order from 0/],
      ["x novalue", /'novalue' is not key=value/],
      ["x a..b=1", /'a\.\.b' is not a key/],
      ['{"execute": "stop", "id": 1}', /not 'id'/],
      ['{"execute": "stop", "arguments": []}', /'arguments' is an object/],
      ["{oops", /not JSON/],
      ["hmp", /hmp needs a command line/],
    ] as const
  ) {
    assert.throws(
      () => parseLine(line, true),
      (e) => e instanceof InputError && message.test(e.message),
      line,
    );
  }
});

Deno.test("shell input: a key named __proto__ is an argument (which the schema refuses), as on Node", async () => {
  // Deno has no __proto__ setter; Node has, and there an assignment set the prototype instead,
  // dropping the argument without a word. The line is parsed with the setter, as on Node.
  const parse = `import { parseLine } from ${
    JSON.stringify(import.meta.resolve("../../lib/cli/shell_input.ts"))
  };
console.log(JSON.stringify(["x __proto__.a=1 b.0.__proto__=2", "x __proto__=3"].map((l) => parseLine(l, true))));`;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--unstable-unsafe-proto", parse],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  assert.equal(
    new TextDecoder().decode(output.stdout).trim(),
    '[{"kind":"call","command":"x","args":{"__proto__":{"a":1},"b":[{"__proto__":2}]}},' +
      '{"kind":"call","command":"x","args":{"__proto__":3}}]',
  );
});

const index10_2 = indexLiteral(qmp10_2);
const inserts = (before: string) =>
  complete({ index: index10_2, extraCommands: ["hmp"] }, before).candidates.map((c) => c.insert);

Deno.test("shell completion: commands, members (nested, by union variant), enum values", () => {
  assert.deepEqual(inserts("query-statu"), ["query-status "]);
  assert.ok(inserts("").includes("hmp "));
  assert.ok(inserts("").includes("blockdev-add "));
  // Members of the chosen variant only, and not those given already.
  const qcow2 = inserts("blockdev-add driver=qcow2 ");
  assert.ok(qcow2.includes("file="), qcow2.join(" "));
  assert.ok(qcow2.includes("node-name="));
  assert.ok(!qcow2.some((c) => c.startsWith("driver")), "driver is given");
  assert.ok(!qcow2.includes("filename="), "a file node's member is not a qcow2 node's");
  // Nested: file is BlockdevRef (an object or a node name); file.driver picks its variant.
  assert.deepEqual(inserts("blockdev-add driver=qcow2 file.driver=file file.filen"), [
    "file.filename=",
  ]);
  assert.deepEqual(inserts("blockdev-add driver=qcow2 file.dri"), ["file.driver="]);
  // Enum values, nested too; booleans.
  assert.deepEqual(inserts("blockdev-add driver=qcow2 file.driver=fil"), ["file.driver=file "]);
  assert.deepEqual(inserts("blockdev-add driver=null-c"), ["driver=null-co "]);
  assert.deepEqual(inserts("blockdev-add driver=null-co read-only=t"), ["read-only=true "]);
  // An object member is followed by a dot, a list by its first index.
  const facts = complete({ index: index10_2 }, "blockdev-add driver=qcow2 cach").candidates;
  assert.deepEqual(
    facts.filter((c) => c.label === "cache").map((c) => [c.insert, c.facts]),
    [["cache.", "optional"]],
  );
  assert.deepEqual(inserts("blockdev-add driver=quorum chi"), ["children.0="]);
  assert.deepEqual(inserts("nosuch-command a"), []);
  assert.deepEqual(inserts('{"execute": "st'), []);
});

/** A terminal fed from a list of key strings, recording what is drawn. */
function fakeTerminal(
  keys: string[],
  columns = 80,
): EditorTerminal & { drawn: string; raw: boolean[] } {
  const encoder = new TextEncoder();
  const terminal = {
    drawn: "",
    raw: [] as boolean[],
    write(text: string) {
      terminal.drawn += text;
    },
    read: () => Promise.resolve(keys.length ? encoder.encode(keys.shift()!) : null),
    setRaw(on: boolean) {
      terminal.raw.push(on);
    },
    columns: () => columns,
  };
  return terminal;
}

const escapeCharacter = "\x1b";

Deno.test("line editor: a line wider than the terminal scrolls sideways and never wraps", async () => {
  const long = "blockdev-add driver=null-co node-name=a-rather-long-node-name size=1048576";
  // Typed, then Home and three steps right, then End and Enter.
  const terminal = fakeTerminal([long, "\x1b[H\x1b[C\x1b[C\x1b[C", "\x1b[F\r"], 30);
  const editor = new LineEditor(terminal, { history: [] });
  assert.equal(await editor.readLine("> "), long);
  const rows = terminal.drawn.split("\r\x1b[K").slice(1).map((row) =>
    row.replace(new RegExp(`${escapeCharacter}\\[\\d*[A-Za-z]`, "g"), "").replace(/\r\n$/, "")
  );
  for (const row of rows) {
    assert.ok(row.length <= 29, `drawn within 29 columns: ${JSON.stringify(row)}`);
  }
  // At the end: the tail, marked; at the start: the head, marked.
  assert.ok(rows.some((row) => row === `> <${long.slice(-25)}`), rows.join("\n"));
  assert.ok(rows.some((row) => row === `> ${long.slice(0, 26)}>`), rows.join("\n"));
  // Each draw puts the cursor back where it is in the line.
  // (The keys read together are drawn once: Home and the three steps right make one draw.)
  const homeDraw = terminal.drawn.split("\r\x1b[K").find((draw) =>
    draw.startsWith(`> ${long.slice(0, 26)}>`)
  )!;
  assert.ok(
    homeDraw.endsWith(`${escapeCharacter}[24D`),
    "three characters in, 24 left of the marker's end",
  );
});

Deno.test("line editor: a pasted line is drawn once a read, at the cost of the row's width", async () => {
  // 4000 characters pasted (one read): drawn once, each shown character escaped once or twice.
  let escaped = 0;
  const escape = (text: string) => (escaped++, text);
  const paste = `query-status a=${"x".repeat(4000)}`;
  const terminal = fakeTerminal([paste, "\r"], 100);
  assert.equal(await new LineEditor(terminal, { history: [], escape }).readLine("> "), paste);
  assert.ok(terminal.drawn.length < 1000, `${terminal.drawn.length} characters drawn`);
  assert.ok(escaped < 1000, `${escaped} characters escaped`);
  // A megabyte pasted, as a terminal delivers it (4 KiB a read), is a line in well under a second.
  const big = `query-status a=${"y".repeat(1 << 20)}`;
  const chunks = big.match(/[^]{1,4096}/g)!;
  const started = performance.now();
  const editor = new LineEditor(fakeTerminal([...chunks, "\r"], 100), { history: [], escape });
  assert.equal(await editor.readLine("> "), big);
  assert.ok(performance.now() - started < 5000, `${performance.now() - started} ms`);
});

Deno.test("line editor: editing keys, history, Ctrl-C, Ctrl-D, Tab", async () => {
  const history = ["query-status", "stop"];
  const terminal = fakeTerminal([
    // Left, left, type, end, left, right, type, backspace: "cnt" -> "cont".
    "cnt\x1b[D\x1b[Do\x1b[F\x1b[D",
    "\x1b[Ct\x7f\r",
    // Ctrl-C drops the line; up three times recalls "cont", "stop", "query-status"; down: "stop".
    "garbage\x03",
    "\x1b[A\x1b[A\x1b[A\x1b[B\r",
    // Home, Ctrl-K, a key split across reads.
    "abc\x01\x0bx\x1b[",
    "Dy\r",
    // Tab: one candidate completes, several list.
    "co\t\r",
    "q\t",
    "\x15\x04",
  ]);
  const editor = new LineEditor(terminal, {
    history,
    complete: (before) => complete({ index: index10_2 }, before),
  });
  assert.equal(await editor.readLine("> "), "cont");
  assert.equal(await editor.readLine("> "), "stop");
  assert.equal(await editor.readLine("> "), "yx");
  assert.equal(await editor.readLine("> "), "cont ");
  assert.equal(await editor.readLine("> "), null);
  assert.match(terminal.drawn, /garbage\^C\r\n/);
  assert.match(terminal.drawn, /query-status/);
  assert.match(terminal.drawn, /query-hotpluggable-cpus/, "the candidates of 'q' are listed");
  assert.deepEqual(history, ["query-status", "stop", "cont", "stop", "yx", "cont"]);
  assert.deepEqual(terminal.raw, [true, false, true, false, true, false, true, false, true, false]);
  // Printed above the prompt while a line is edited: the line is drawn again below.
  const waiting = fakeTerminal([]);
  const other = new LineEditor(waiting, { history: [] });
  other.printAbove("before");
  assert.equal(waiting.drawn, "before\r\n");
});

Deno.test("shell: a wrong command line is a usage error", async () => {
  assertUsageError(await qapiTs(["shell"]), /^qapi-ts shell: no SOCKET or HOST:PORT\n/);
  assertUsageError(await qapiTs(["shell", "a", "b"]), /one SOCKET or HOST:PORT at a time/);
  assertUsageError(await qapiTs(["shell", "--launch", "--agent"]), /not a guest agent/);
  assertUsageError(await qapiTs(["shell", "--binary", "x", "s"]), /--binary goes with --launch/);
  const help = await qapiTs(["help", "shell"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: qapi-ts shell /);
  const missing = await qapiTs(["shell", "/nonexistent/qmp.sock"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^qapi-ts shell: can't connect to '\/nonexistent\/qmp\.sock': /);
});

/** `promise`, or a rejection naming `what` after `ms` milliseconds. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts `qapi-ts shell ARGS` with standard input, output and error on pipes. */
function spawnShell(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${repository}cli.ts`, "shell", ...args],
    env: { NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Runs `qapi-ts shell ARGS` with `input` on standard input (a pipe). */
async function shellWith(args: string[], input: string) {
  const child = spawnShell(args);
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const output = await child.output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

Deno.test("shell: a script, trace or certificate that can't be read or written is said plainly, before connecting", async () => {
  const directory = await Deno.makeTempDir();
  const notUtf8 = new Uint8Array([0x71, 0xff, 0x0a]);
  try {
    const garbled = `${directory}/garbled`;
    await Deno.writeFile(garbled, notUtf8);
    const cases: [string[], RegExp][] = [
      [["--file", directory, "x.sock"], /: can't read '[^']+': Is a directory$/],
      [
        ["--file", `${directory}/none`, "x.sock"],
        /: can't read '[^']+': No such file or directory$/,
      ],
      // Not UTF-8: refused, not sent with replacement characters.
      [["--file", garbled, "x.sock"], /: can't read '[^']+': not UTF-8$/],
      [
        ["--trace", `${directory}/none/trace`, "x.sock"],
        /: can't write '[^']+': No such file or directory$/,
      ],
      [
        ["--tls-ca", directory, "127.0.0.1:1"],
        /: can't read --tls-ca '[^']+': Is a directory$/,
      ],
    ];
    for (const [args, expected] of cases) {
      const { code, stderr } = await shellWith(args, "");
      assert.equal(code, 2, stderr);
      assert.equal(stderr.split("\n").length, 2, `one line: ${stderr}`);
      assert.match(stderr.trim(), /^qapi-ts shell: /, args.join(" "));
      assert.match(stderr.trim(), expected, args.join(" "));
    }
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});

const launchArgs = (version: "7.2" | "10.0") => [
  "--launch",
  "--binary",
  binaries![version].system,
  ...(binaries![version].dataArgs.length ? ["--", ...binaries![version].dataArgs] : []),
];

for (const version of ["7.2", "10.0"] as const) {
  Deno.test({
    name: `shell on QEMU ${version}: a script on standard input, stopped by a refused call`,
    ignore: skipped,
    async fn() {
      const script = [
        "# a comment, then a blank line",
        "",
        "query-status",
        "blockdev-add driver=null-co node-name=n0 size=1048576 read-zeroes=true",
        "blockdev-add driver=raw node-name=r0 file.driver=null-co file.size=4096",
        "blockdev-add driver=quorum node-name=q0 vote-threshold=1 children.0=n0",
        '{"execute": "query-named-block-nodes", "arguments": {"flat": true}}',
        "hmp info status",
        "stop",
        "block_resize node-name=r0 size=big",
        "cont",
      ].join("\n");
      const run = await shellWith(["--history", "/dev/null", ...launchArgs(version)], script);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stdout, /^\{\n {2}"status": "running",\n/);
      assert.match(run.stdout, /"node-name": "r0"/);
      assert.match(
        run.stdout,
        /"filename": "json:\{\\"driver\\": \\"null-co\\", \\"size\\": 4096\}"/,
      );
      assert.match(run.stdout, /"node-name": "q0"/);
      assert.match(run.stdout, /\nVM status: running\n/);
      assert.match(run.stdout, /\nevent STOP at \d\d:\d\d:\d\d\.\d{6}\n/);
      // The refused call is not sent and ends the script: cont never runs.
      assert.equal(
        run.stderr.trim().split("\n").at(-1),
        `line 10: error: block_resize: size: expected an integer, got "big" ` +
          `(QEMU ${version}.${run.stderr.match(/QEMU \d+\.\d+\.(\d+)'s/)?.[1]}'s schema)`,
      );
      assert.doesNotMatch(run.stdout, /RESUME/);
    },
  });

  Deno.test({
    name: `shell on QEMU ${version}: a pipe is run line by line as it arrives`,
    ignore: skipped,
    async fn() {
      // A program that writes a command and waits for its reply before it
      // writes the next, standard input still open: answered line by line.
      const child = spawnShell(["--json", ...launchArgs(version)]);
      const writer = child.stdin.getWriter();
      const replies = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let pending = "";
      // Bounded, so that a shell that waits for the end of its input fails the test, not hangs it.
      const nextObject = () => within(30_000, "reply to the line written", readObject());
      const readObject = async () => {
        for (;;) {
          const end = pending.indexOf("\n");
          if (end >= 0) {
            const line = pending.slice(0, end);
            pending = pending.slice(end + 1);
            return JSON.parse(line);
          }
          const { value, done } = await replies.read();
          if (done) throw new Error(`the shell ended before replying; it read: ${pending}`);
          pending += value;
        }
      };
      const encoder = new TextEncoder();
      try {
        await writer.write(encoder.encode("query-status\n"));
        assert.equal((await nextObject()).return.running, true);
        // Half a line, then the rest: run once the line is complete.
        await writer.write(encoder.encode("blockdev-add driver=null-co "));
        await writer.write(encoder.encode("node-name=n1 size=4096\n"));
        assert.deepEqual(await nextObject(), { return: {} });
        await writer.write(encoder.encode('{"execute": "query-named-block-nodes"}\n'));
        const nodes = (await nextObject()).return as { "node-name": string }[];
        assert.ok(nodes.some((node) => node["node-name"] === "n1"));
        // A line that is not UTF-8 ends the script, after the lines before it ran.
        await writer.write(new Uint8Array([...encoder.encode("stop\nquery-st"), 0xff, 0x0a]));
        await writer.close();
        let rest = pending;
        for (;;) {
          const { value, done } = await replies.read();
          if (done) break;
          rest += value;
        }
        const lines = rest.trim().split("\n").map((line) => JSON.parse(line));
        assert.ok(lines.some((line) => line.event === "STOP"), rest);
        const errors = await new Response(child.stderr).text();
        const { code } = await child.status;
        assert.equal(code, 1, errors);
        assert.equal(errors.trim(), "line 5: not UTF-8");
      } finally {
        await writer.close().catch(() => {});
        await child.status;
      }
    },
  });

  Deno.test({
    name: `shell on QEMU ${version}: --json --file, one JSON object a line; a QEMU error fails`,
    ignore: skipped,
    async fn() {
      const directory = await Deno.makeTempDir();
      try {
        await Deno.writeTextFile(
          `${directory}/commands`,
          "stop\nquery-status\nhmp info status\nblockdev-del node-name=nothing\nquery-status\n",
        );
        const run = await shellWith([
          "--json",
          "--file",
          `${directory}/commands`,
          ...launchArgs(version),
        ], "");
        assert.equal(run.code, 1, run.stderr);
        const lines = run.stdout.trim().split("\n").map((line) => JSON.parse(line));
        const status = lines.find((l) => l.return?.status);
        assert.deepEqual(status?.return?.running, false);
        assert.ok(lines.some((l) => l.event === "STOP" && typeof l.timestamp.seconds === "number"));
        assert.ok(lines.some((l) => l.return === "VM status: paused\r\n"));
        assert.equal(lines.at(-1).error.class, "GenericError");
        assert.match(lines.at(-1).error.desc, /nothing/);
        assert.equal(lines.filter((l) => l.return?.status).length, 1, "the last line never ran");
        assert.match(run.stderr, /^line 4: error: GenericError: .*nothing/m);
      } finally {
        await Deno.remove(directory, { recursive: true });
      }
    },
  });

  Deno.test({
    name: `shell on QEMU ${version}: --trace writes every message, a recording that replays`,
    ignore: skipped,
    async fn() {
      const directory = await Deno.makeTempDir();
      try {
        const tracePath = `${directory}/session.jsonl`;
        const run = await shellWith(
          ["--json", "--trace", tracePath, "--history", "/dev/null", ...launchArgs(version)],
          "query-status\nstop\nquery-name\n",
        );
        assert.equal(run.code, 0, run.stderr);
        assert.equal((await Deno.stat(tracePath)).mode! & 0o777, 0o600);
        const entries = parseTrace(await Deno.readTextFile(tracePath), tracePath);
        const sent = entries.filter((e) => e.direction === "out").map((e) => JSON.parse(e.message));
        for (const command of ["qmp_capabilities", "query-status", "stop", "query-name"]) {
          assert.ok(sent.some((m) => m.execute === command), `${command} traced`);
        }
        assert.ok(entries.some((e) => e.direction === "in" && /"event": "STOP"/.test(e.message)));
        // The file replays: the same calls, answered from it.
        const replayed = await connect(replayTransport(entries.slice(0, 3)));
        assert.equal(`${replayed.version.major}.${replayed.version.minor}`, version);
        await replayed.close();
      } finally {
        await Deno.remove(directory, { recursive: true });
      }
    },
  });

  Deno.test({
    name: `shell --agent on qemu-ga ${version}: calls checked by the agent's schema`,
    ignore: skipped,
    async fn() {
      const directory = await Deno.makeTempDir();
      const socket = `${directory}/qga.sock`;
      await Deno.mkdir(`${directory}/state`);
      const agent = new Deno.Command(binaries![version].guestAgent, {
        args: ["-m", "unix-listen", "-p", socket, "-t", `${directory}/state`],
        stdout: "null",
        stderr: "null",
      }).spawn();
      try {
        for (let i = 0; i < 500 && !(await exists(socket)); i++) await delay(10);
        const run = await shellWith(
          ["--agent", socket],
          "guest-ping\nguest-info\nguest-set-time time=yesterday\nguest-ping\n",
        );
        assert.equal(run.code, 1, run.stderr);
        assert.match(run.stdout, /^\{\}\n\{\n {2}"version": "\d+\.\d+\.\d+/);
        assert.match(
          run.stderr,
          /^line 3: error: guest-set-time: time: expected an integer, got "yesterday" \(QEMU \d+\.\d+'s schema\)$/m,
        );
        assert.equal(run.stdout.match(/^\{\}$/gm)?.length, 1, "the last ping never ran");
      } finally {
        agent.kill("SIGKILL");
        await agent.status;
        await Deno.remove(directory, { recursive: true });
      }
    },
  });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A program running in a real terminal: keys typed into it, its screen read back. */
interface Screen {
  /** Types text as is. */
  type(text: string): Promise<void>;
  /** Presses a key: Tab, Enter, Up, C-c, C-d, C-u. */
  press(key: "Tab" | "Enter" | "Up" | "C-c" | "C-d" | "C-u"): Promise<void>;
  /** The screen's text, a line per row, trailing blanks and blank rows dropped. */
  text(): Promise<string>;
  close(): Promise<void>;
}

// QAPI_TS_SHELL_TEST_PTY=script runs the terminal test on script's pty even where tmux is.
const haveTmux = Deno.env.get("QAPI_TS_SHELL_TEST_PTY") !== "script" &&
  await new Deno.Command("sh", { args: ["-c", "command -v tmux"], stdout: "null" })
    .output().then((o) => o.success, () => false);

/** Runs `script` under tmux (a detached session on a private server). */
async function tmuxScreen(script: string): Promise<Screen> {
  const server = `qapi-ts-shell-test-${Deno.pid}-${Math.random().toString(36).slice(2)}`;
  const tmux = async (...args: string[]) => {
    const output = await new Deno.Command("tmux", {
      args: ["-L", server, ...args],
      stdout: "piped",
    })
      .output();
    if (!output.success) throw new Error(`tmux ${args.join(" ")} failed`);
    return new TextDecoder().decode(output.stdout);
  };
  await tmux("new-session", "-d", "-s", "shell", "-x", "120", "-y", "50", "sh", script);
  const keys = { Tab: "Tab", Enter: "Enter", Up: "Up", "C-c": "C-c", "C-d": "C-d", "C-u": "C-u" };
  return {
    type: async (text) => void await tmux("send-keys", "-t", "shell", "-l", text),
    press: async (key) => void await tmux("send-keys", "-t", "shell", keys[key]),
    text: async () =>
      (await tmux("capture-pane", "-p", "-t", "shell")).replace(/[ \t]+$/gm, "").trimEnd(),
    close: async () => void await tmux("kill-server").catch(() => {}),
  };
}

/** Runs `script` on a pty from util-linux's `script`, its output drawn on a small screen model. */
function ptyScreen(scriptPath: string): Screen {
  const child = new Deno.Command("script", {
    // As wide as tmux's window: a line wider than the terminal scrolls sideways.
    args: ["-q", "-c", `stty cols 120 rows 50; sh '${scriptPath}'`, "/dev/null"],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const rows: string[][] = [[]];
  let row = 0;
  let column = 0;
  let pending = "";
  const decoder = new TextDecoder();
  const draw = (text: string) => {
    pending += text;
    let i = 0;
    while (i < pending.length) {
      const ch = pending[i];
      if (ch === "\x1b") {
        const match = /^.\[([0-9;?]*)([@-~])/.exec(pending.slice(i));
        if (!match) {
          if (pending.length - i < 16) break;
          i++;
          continue;
        }
        const n = Number(match[1] || "1");
        if (match[2] === "K") rows[row].splice(column);
        else if (match[2] === "D") column = Math.max(0, column - n);
        else if (match[2] === "C") column += n;
        else if (match[2] === "J") (rows.length = 0, rows.push([]), row = 0, column = 0);
        i += match[0].length;
        continue;
      }
      if (ch === "\r") column = 0;
      else if (ch === "\n") {
        row++;
        rows[row] ??= [];
      } else if (ch === "\b") column = Math.max(0, column - 1);
      else if (ch >= " ") {
        while (rows[row].length < column) rows[row].push(" ");
        rows[row][column++] = ch;
      }
      i++;
    }
    pending = pending.slice(i);
  };
  const reading = (async () => {
    for await (const chunk of child.stdout) draw(decoder.decode(chunk, { stream: true }));
  })();
  const writer = child.stdin.getWriter();
  const keys = {
    Tab: "\t",
    Enter: "\r",
    Up: "\x1b[A",
    "C-c": "\x03",
    "C-d": "\x04",
    "C-u": "\x15",
  };
  return {
    type: (text) => writer.write(new TextEncoder().encode(text)),
    press: (key) => writer.write(new TextEncoder().encode(keys[key])),
    text: () => Promise.resolve(rows.map((r) => r.join("").trimEnd()).join("\n").trimEnd()),
    async close() {
      try {
        child.kill("SIGKILL");
      } catch {
        // It has ended.
      }
      await writer.close().catch(() => {});
      await child.status;
      await reading.catch(() => {});
    },
  };
}

/** The shell with `args`, as a line of `sh` (each word quoted). */
function shellCommandLine(args: string[]): string {
  const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
  return [Deno.execPath(), "run", "-A", `${repository}cli.ts`, "shell", ...args].map(quote)
    .join(" ");
}

/** Waits until the screen matches `pattern`; fails with the screen after `timeout` ms. */
async function waitForScreen(screen: Screen, pattern: RegExp, timeout = 30_000): Promise<string> {
  const deadline = Date.now() + timeout;
  let text = "";
  while (Date.now() < deadline) {
    text = await screen.text();
    if (pattern.test(text)) return text;
    await delay(50);
  }
  throw new Error(`the screen never showed ${pattern} in ${timeout} ms; it shows:\n${text}`);
}

/** The last line of the screen that is not blank. */
const lastLine = (text: string) => text.trimEnd().split("\n").at(-1) ?? "";

for (const version of ["7.2", "10.0"] as const) {
  Deno.test({
    name: `shell in a terminal (${haveTmux ? "tmux" : "script's pty"}) on QEMU ${version}: ` +
      "Tab completes and lists, commands print, events arrive, history is kept",
    ignore: skipped,
    async fn() {
      const directory = await Deno.makeTempDir();
      const history = `${directory}/history`;
      const command = shellCommandLine(["--history", history, ...launchArgs(version)]);
      await Deno.writeTextFile(
        `${directory}/run.sh`,
        `export NO_COLOR=1\n${command}\necho "[exit $?]"\nsleep 60\n`,
      );
      const screen = haveTmux
        ? await tmuxScreen(`${directory}/run.sh`)
        : ptyScreen(`${directory}/run.sh`);
      const prompt = `(QEMU ${version}) `;
      // The line being edited, last on the screen (trailing blanks are not read back).
      const atPrompt = (line: string) =>
        new RegExp(
          `\\n\\(QEMU ${version}\\) ?${line.trimEnd().replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`,
        );
      try {
        await waitForScreen(screen, new RegExp(`Connected to QEMU ${version}\\.\\d+`));
        await waitForScreen(screen, atPrompt(""));
        // A unique command name completes, with a blank after it.
        await screen.type("query-statu");
        await screen.press("Tab");
        await waitForScreen(screen, atPrompt("query-status"));
        await screen.press("Enter");
        let text = await waitForScreen(screen, /"running": true\n\}\n/);
        assert.match(text, /\{\n {2}"status": "running",/);
        // Several candidates: listed, with the vendored schema's facts.
        await waitForScreen(screen, atPrompt(""));
        await screen.type("query-stat");
        await screen.press("Tab");
        text = await waitForScreen(screen, /query-stats-schemas \(since 7\.1\)/);
        assert.match(text, /query-status \(since 0\.14\)/);
        assert.equal(lastLine(text), `${prompt}query-stat`);
        await screen.press("C-u");
        // Members, nested members and enum values.
        await screen.type("blockdev-add driver=nul");
        await screen.press("Tab");
        await waitForScreen(screen, atPrompt("blockdev-add driver=null-"));
        await screen.type("c");
        await screen.press("Tab");
        await waitForScreen(screen, atPrompt("blockdev-add driver=null-co "));
        await screen.type("node-n");
        await screen.press("Tab");
        await waitForScreen(screen, atPrompt("blockdev-add driver=null-co node-name="));
        await screen.type("n0 si");
        await screen.press("Tab");
        await screen.type("4096");
        await waitForScreen(screen, atPrompt("blockdev-add driver=null-co node-name=n0 size=4096"));
        await screen.press("Enter");
        await waitForScreen(screen, /size=4096\n\{\}\n/);
        await screen.type("blockdev-add driver=raw node-name=r0 file.dri");
        await screen.press("Tab");
        await waitForScreen(screen, atPrompt("blockdev-add driver=raw node-name=r0 file.driver="));
        await screen.type("null-c");
        await screen.press("Tab");
        await screen.type("file.si");
        await screen.press("Tab");
        await screen.type("512");
        const line = "blockdev-add driver=raw node-name=r0 file.driver=null-co file.size=512";
        await waitForScreen(screen, atPrompt(line));
        await screen.press("Enter");
        // A call the live schema refuses: the strict-mode error, and the shell goes on.
        await screen.type("block_resize node-name=r0 size=big");
        await screen.press("Enter");
        await waitForScreen(
          screen,
          /\nerror: block_resize: size: expected an integer, got "big" \(QEMU [\d.]+'s schema\)\n/,
        );
        // hmp, and an event printed as it arrives.
        await screen.type("hmp info status");
        await screen.press("Enter");
        await waitForScreen(screen, /\nVM status: running\n/);
        await screen.type("stop");
        await screen.press("Enter");
        await waitForScreen(screen, /\nevent STOP at \d\d:\d\d:\d\d\.\d{6}\n/);
        // Up recalls the last line; Ctrl-C drops it.
        await waitForScreen(screen, atPrompt(""));
        await screen.press("Up");
        await waitForScreen(screen, atPrompt("stop"));
        await screen.press("C-c");
        await waitForScreen(screen, new RegExp(`stop\\^C\\n\\(QEMU ${version}\\)$`));
        await screen.press("C-d");
        await waitForScreen(screen, /\[exit 0\]/);
        const kept = (await Deno.readTextFile(history)).split("\n");
        assert.deepEqual(kept.slice(0, 2), [
          "query-status",
          "blockdev-add driver=null-co node-name=n0 size=4096",
        ]);
        assert.deepEqual(kept.slice(-3), ["hmp info status", "stop", ""]);
      } finally {
        await screen.close();
        await Deno.remove(directory, { recursive: true });
      }
    },
  });
}

/**
 * A QEMU 10.0 serving QMP on a socket in a new folder; disposing of it ends
 * QEMU and removes the folder.
 */
async function qemuOnSocket() {
  const directory = await Deno.makeTempDir();
  const socket = `${directory}/qmp.sock`;
  const qemu = await startQemu("10.0", ["-qmp", `unix:${socket},server=on,wait=off`], socket);
  return {
    directory,
    socket,
    qemu,
    async [Symbol.asyncDispose]() {
      await qemu[Symbol.asyncDispose]();
      await Deno.remove(directory, { recursive: true });
    },
  };
}

/**
 * A QEMU 10.0 with a monitor socket, and the shell connected to it in a
 * terminal, run by a script that prints `[exit N]` after it; `trapInterrupt`
 * makes the script outlive the Ctrl-C it also receives (a trap, not an
 * ignore: the shell inherits the default action, and Ctrl-C reaches it).
 */
async function shellInTerminal(trapInterrupt: boolean) {
  const monitor = await qemuOnSocket();
  const { directory, socket, qemu } = monitor;
  const command = shellCommandLine(["--history", "/dev/null", socket]);
  await Deno.writeTextFile(
    `${directory}/run.sh`,
    `export NO_COLOR=1\n${trapInterrupt ? "trap 'echo' INT\n" : ""}${command}\n` +
      `echo "[exit $?]"\nsleep 60\n`,
  );
  const screen = haveTmux
    ? await tmuxScreen(`${directory}/run.sh`)
    : ptyScreen(`${directory}/run.sh`);
  return {
    qemu,
    screen,
    async [Symbol.asyncDispose]() {
      try {
        qemu.child.kill("SIGCONT"); // a QEMU a test stopped
      } catch {
        // It has ended.
      }
      await screen.close();
      await monitor[Symbol.asyncDispose]();
    },
  };
}

Deno.test({
  name: `shell in a terminal (${haveTmux ? "tmux" : "script's pty"}): Ctrl-C while a call ` +
    "waits gives it up, and the shell goes on",
  ignore: skipped,
  async fn() {
    await using session = await shellInTerminal(true);
    const { qemu, screen } = session;
    await waitForScreen(screen, /\n\(QEMU 10\.0\) ?$/);
    // QEMU stopped: the call waits for a reply that does not come.
    qemu.child.kill("SIGSTOP");
    await screen.type("query-status");
    await screen.press("Enter");
    await delay(300);
    await screen.press("C-c");
    await waitForScreen(
      screen,
      // (The terminal echoes ^C where the cursor was.)
      /query-status\n(\^C)?error: Cancelled: no longer waiting for the reply \(Ctrl-C\); QEMU may still run the command\n/,
    );
    qemu.child.kill("SIGCONT");
    await waitForScreen(screen, /\n\(QEMU 10\.0\) ?$/);
    // The late reply to the cancelled call is dropped; the next call gets its own.
    await screen.type("query-name");
    await screen.press("Enter");
    const text = await waitForScreen(screen, /query-name\n\{\}\n/);
    assert.doesNotMatch(text, /"running"/);
    await screen.press("C-d");
    await waitForScreen(screen, /\[exit 0\]/);
  },
});

Deno.test({
  name: `shell in a terminal (${haveTmux ? "tmux" : "script's pty"}): a QEMU that ends while ` +
    "the shell waits for a line is said at once",
  ignore: skipped,
  async fn() {
    await using session = await shellInTerminal(false);
    const { qemu, screen } = session;
    await waitForScreen(screen, /\n\(QEMU 10\.0\) ?$/);
    await screen.type("query-st");
    qemu.child.kill("SIGKILL");
    await waitForScreen(screen, /\nthe connection closed: [^\n]+; Enter ends the shell\n/);
    await screen.press("Enter");
    const text = await waitForScreen(screen, /\[exit 1\]/);
    assert.match(text, /qapi-ts shell: the connection closed: /);
  },
});

Deno.test({
  name: "shell on a pipe: a QEMU that ends while the shell waits for the next line is said at once",
  ignore: skipped,
  async fn() {
    await using monitor = await qemuOnSocket();
    const { socket, qemu } = monitor;
    const child = spawnShell([socket]);
    const writer = child.stdin.getWriter();
    const errors = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    const stdout = new Response(child.stdout).text();
    try {
      await writer.write(new TextEncoder().encode("query-status\n"));
      await delay(500);
      qemu.child.kill("SIGKILL");
      // Said while standard input is still open and silent.
      const said = await within(10_000, "word of the closed connection", errors.read());
      assert.match(said.value ?? "", /^qapi-ts shell: the connection closed: /);
      // The next line is not run; the shell ends with status 1.
      await writer.write(new TextEncoder().encode("query-name\n"));
      await writer.close();
      const { code } = await child.status;
      assert.equal(code, 1);
      assert.match(await stdout, /"running": true/);
    } finally {
      await writer.close().catch(() => {});
      await child.status;
    }
  },
});

Deno.test({
  name: "shell on QEMU 10.0 and 7.2: a monitor served over TLS (--tls-ca, --tls-cert, --tls-key)",
  ignore: skipped || !(await haveOpenssl()),
  async fn() {
    const fixture = await makeTlsFixture();
    try {
      for (const version of ["10.0", "7.2"] as const) {
        const port = await freePort();
        await using _qemu = await startQemu(version, [
          "-object",
          `tls-creds-x509,id=tls0,dir=${fixture.dir.replaceAll(",", ",,")},endpoint=server,` +
          "verify-peer=on",
          "-chardev",
          `socket,id=tlsmon,host=127.0.0.1,port=${port},server=on,wait=off,tls-creds=tls0`,
          "-mon",
          "chardev=tlsmon,mode=control",
        ]);
        const tlsArgs = [
          "--tls-ca",
          `${fixture.dir}/ca-cert.pem`,
          "--tls-cert",
          `${fixture.dir}/client-cert.pem`,
          "--tls-key",
          `${fixture.dir}/client-key.pem`,
        ];
        let run = { code: -1, stdout: "", stderr: "" };
        // QEMU listens a moment after it starts: try until it answers.
        for (let attempt = 0; attempt < 100 && run.code !== 0; attempt++) {
          run = await shellWith(["--json", ...tlsArgs, `127.0.0.1:${port}`], "query-status\n");
          if (run.code !== 0) await delay(100);
        }
        assert.equal(run.code, 0, run.stderr);
        assert.equal(JSON.parse(run.stdout).return.status, "running");
        // Without the client certificate QEMU turns the shell away, and it says so.
        const refused = await shellWith(
          ["--tls-ca", `${fixture.dir}/ca-cert.pem`, `127.0.0.1:${port}`],
          "query-status\n",
        );
        assert.equal(refused.code, 2);
        assert.match(refused.stderr, /closed the TLS connection.*client certificate/);
      }
    } finally {
      await fixture.remove();
    }
  },
});

Deno.test("shell: --tls-* options are checked before connecting", async () => {
  const cases: [string[], RegExp][] = [
    [["--tls-cert", "c.pem", "127.0.0.1:4444"], /--tls-cert goes with --tls-ca/],
    [["--tls-ca", "ca.pem", "--tls-cert", "c.pem", "127.0.0.1:4444"], /go together/],
    [["--tls-ca", "ca.pem", "/tmp/qmp.sock"], /--tls-ca needs HOST:PORT/],
    [["--tls-ca", "ca.pem", "--launch"], /not --launch or --agent/],
  ];
  for (const [args, expected] of cases) {
    const run = await shellWith(args, "");
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, expected);
  }
  const missing = await shellWith(["--tls-ca", "/nonexistent/ca.pem", "127.0.0.1:4444"], "");
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /can't read --tls-ca '\/nonexistent\/ca\.pem'/);
});

Deno.test({
  name: "shell in a terminal: a history file that can't be read or written is said once, " +
    "and the shell goes on",
  ignore: skipped,
  async fn() {
    await using monitor = await qemuOnSocket();
    const { directory, socket } = monitor;
    const session = async (history: string) => {
      const terminal = fakeTerminal(["query-name\r", "\x1b[A\r", "query-status\r"]);
      const code = await runShellOn(["--history", history, socket], {
        out: () => {},
        err: () => {},
      }, terminal);
      return { code, drawn: terminal.drawn };
    };
    // A folder: not read, not written; the history still walks this session's lines.
    await Deno.mkdir(`${directory}/folder`);
    let run = await session(`${directory}/folder`);
    assert.equal(run.code, 0, run.drawn);
    assert.match(
      run.drawn,
      /note: can't read history file '[^']*folder': Is a directory; the history is kept/,
    );
    assert.equal(run.drawn.match(/note: /g)?.length, 1, run.drawn);
    assert.equal(run.drawn.match(/\{\}\r\n/g)?.length, 2, "query-name, and again from Up");
    // Not UTF-8: said, and the file is left as it was (not rewritten with U+FFFD).
    const garbled = `${directory}/garbled`;
    await Deno.writeFile(garbled, new Uint8Array([0x71, 0xff, 0x0a]));
    run = await session(garbled);
    assert.equal(run.code, 0, run.drawn);
    assert.match(run.drawn, /note: can't read history file '[^']*garbled': not UTF-8/);
    assert.deepEqual(await Deno.readFile(garbled), new Uint8Array([0x71, 0xff, 0x0a]));
    // Can't be written (its folder is missing): said once, not after each line.
    run = await session(`${directory}/missing/history`);
    assert.equal(run.code, 0, run.drawn);
    assert.match(
      run.drawn,
      /note: can't write history file '[^']*missing\/history': No such file or directory/,
    );
    assert.equal(run.drawn.match(/note: /g)?.length, 1, run.drawn);
    assert.match(run.drawn, /"running": true/);
  },
});

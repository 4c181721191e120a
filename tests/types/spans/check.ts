/**
 * Checks generated span cases with `deno check`, TypeScript 5.9 and
 * TypeScript 7, and reads each compiler's diagnostics back onto the cases.
 *
 * A bad object is refused when the compiler reports no unused
 * `@ts-expect-error` on its line; a good object compiles when the compiler
 * reports nothing on its line. A diagnostic anywhere else, a compiler that
 * crashes, runs out of time or reports nothing it can be read from, fails
 * the whole run.
 *
 * @module
 */

import type { Case, Rendered } from "./generate.ts";

/** The compilers every case is checked with. */
export const compilers = ["deno check", "tsc 5.9", "tsc 7"] as const;
export type Compiler = typeof compilers[number];

/** One diagnostic, as a compiler printed it. */
export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly code: number;
  readonly message: string;
}

/** What one compiler made of one case. */
export type Verdict =
  | "ok"
  /** The object that must not compile compiled. */
  | "bad compiles"
  /** The matching object that must compile did not. */
  | "good refused";

/** One compiler's run over every file. */
export interface Run {
  readonly compiler: Compiler;
  readonly seconds: number;
  /** Why the run cannot be read, when it cannot. */
  readonly failure?: string;
  /** Per case (by index into the cases), what this compiler made of it. */
  readonly verdicts: Verdict[];
  /** Per case, the diagnostic that refused its good object. */
  readonly reasons: (string | undefined)[];
  /** Diagnostics on lines that belong to no case. */
  readonly stray: Diagnostic[];
}

/** A file written for checking: its path, its rendering, and the case index of its first case. */
export interface WrittenFile {
  readonly path: string;
  readonly rendered: Rendered;
  /** Index, in the whole list of cases, of the file's case 0. */
  readonly offset: number;
}

const root = new URL("../../../", import.meta.url).pathname;
const deno = Deno.execPath();

/** The pids of a process and all its descendants, from `/proc`. */
function processTree(pid: number): number[] {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    let tasks: string[];
    try {
      tasks = [...Deno.readDirSync(`/proc/${pids[i]}/task`)].map((entry) => entry.name);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        const children = Deno.readTextFileSync(`/proc/${pids[i]}/task/${task}/children`);
        for (const child of children.split(" ")) if (child.trim()) pids.push(Number(child));
      } catch {
        // The task ended meanwhile.
      }
    }
  }
  return pids;
}

/**
 * Runs the running Deno with `args`, killed after `seconds` with its
 * descendants: TypeScript 7's launcher runs the native compiler as a child,
 * which would otherwise go on, holding the output open.
 */
async function output(args: string[], seconds: number, env: Record<string, string> = {}) {
  const child = new Deno.Command(deno, {
    args,
    cwd: root,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    // Descendants first, so none is left without the process that waits for it.
    for (const pid of processTree(child.pid).reverse()) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }, seconds * 1000);
  const result = await child.output();
  clearTimeout(timer);
  const decoder = new TextDecoder();
  return {
    code: result.code,
    stdout: decoder.decode(result.stdout),
    stderr: decoder.decode(result.stderr),
    timedOut,
  };
}

/** tsc's diagnostics (`--pretty false`): `file(line,col): error TS1234: message`. */
export function tscDiagnostics(text: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const line of text.split("\n")) {
    const match = /^(.+?)\((\d+),(\d+)\): error TS(\d+): (.*)$/.exec(line);
    if (match) {
      found.push({
        file: absolute(match[1]),
        line: Number(match[2]),
        code: Number(match[4]),
        message: match[5],
      });
    } else if (/^\s+\S/.test(line) && found.length > 0) {
      const last = found[found.length - 1];
      found[found.length - 1] = { ...last, message: `${last.message}\n${line}` };
    }
  }
  return found;
}

/** `deno check`'s diagnostics: `TS1234 [ERROR]: message … at file:///path:line:col`. */
export function denoDiagnostics(text: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const block of text.split(/\n(?=TS\d+ \[ERROR\])/)) {
    const head = /^TS(\d+) \[ERROR\]: ([^\n]*)/.exec(block);
    if (!head) continue;
    const at = /^\s+at (file:\/\/.+):(\d+):(\d+)\s*$/m.exec(block);
    found.push({
      file: at ? decodeURIComponent(new URL(at[1]).pathname) : "?",
      line: at ? Number(at[2]) : 0,
      code: Number(head[1]),
      message: block.slice(head[0].length - head[2].length).split(/\n\s+at file:/)[0].trim(),
    });
  }
  return found;
}

function absolute(path: string): string {
  return path.startsWith("/") ? path : `${root}${path}`;
}

/**
 * What a compiler's diagnostics say of each case: an unused
 * `@ts-expect-error` on a case's line is its bad object compiling, any
 * diagnostic on a good line is that object refused, anything else is stray.
 */
export function readVerdicts(
  count: number,
  files: readonly WrittenFile[],
  diagnostics: readonly Diagnostic[],
): Pick<Run, "verdicts" | "reasons" | "stray"> {
  const verdicts: Verdict[] = Array.from({ length: count }, () => "ok");
  const reasons: (string | undefined)[] = Array.from({ length: count }, () => undefined);
  const stray: Diagnostic[] = [];
  const byPath = new Map(files.map((file) => [file.path, file]));
  for (const diagnostic of diagnostics) {
    const file = byPath.get(diagnostic.file);
    const role = file?.rendered.lines.get(diagnostic.line);
    if (!file || !role) {
      stray.push(diagnostic);
    } else if (role.role === "expect" && diagnostic.code === 2578) {
      for (const index of role.cases) verdicts[file.offset + index] = "bad compiles";
    } else if (role.role === "good") {
      for (const index of role.cases) {
        verdicts[file.offset + index] = "good refused";
        reasons[file.offset + index] ??= `TS${diagnostic.code}: ${diagnostic.message}`;
      }
    } else {
      stray.push(diagnostic);
    }
  }
  return { verdicts, reasons, stray };
}

/** Runs one compiler over the files and reads its diagnostics. */
async function run(
  compiler: Compiler,
  files: readonly WrittenFile[],
  folder: string,
  seconds: number,
): Promise<{ diagnostics: Diagnostic[]; seconds: number; failure?: string }> {
  const start = performance.now();
  let result;
  let diagnostics: Diagnostic[];
  if (compiler === "deno check") {
    result = await output(["check", ...files.map((file) => file.path)], seconds);
    diagnostics = denoDiagnostics(result.stderr + result.stdout);
  } else {
    const config = `${folder}/tsconfig.json`;
    await Deno.writeTextFile(
      config,
      JSON.stringify({
        extends: `${root}tsconfig.json`,
        compilerOptions: { typeRoots: [`${root}node_modules/@types`] },
        files: files.map((file) => file.path),
        include: [],
      }),
    );
    const tsc = compiler === "tsc 5.9" ? "npm:typescript@5.9.3/tsc" : "npm:typescript@7.0.2/tsc";
    result = await output(["run", "-A", tsc, "-p", config, "--pretty", "false"], seconds);
    diagnostics = tscDiagnostics(result.stdout + result.stderr);
  }
  const elapsed = (performance.now() - start) / 1000;
  const text = (result.stderr + result.stdout).trim();
  const failure = result.timedOut
    ? `killed after ${seconds} s`
    : result.code !== 0 && diagnostics.length === 0
    ? `exit code ${result.code} without diagnostics: ${text.slice(0, 800)}`
    : result.code === 0 && diagnostics.length > 0
    ? `exit code 0 with ${diagnostics.length} diagnostics`
    : undefined;
  return { diagnostics, seconds: elapsed, failure };
}

/**
 * Checks the written files with every compiler (two at a time) and reads
 * the verdicts back onto the cases.
 *
 * @param cases every case, in the order the files number them
 * @param files the files, each with the offset of its first case
 * @param folder where to write the TypeScript configuration
 */
export async function checkCases(
  cases: readonly Case[],
  files: readonly WrittenFile[],
  folder: string,
  options: { seconds?: number; only?: readonly Compiler[]; concurrency?: number } = {},
): Promise<Run[]> {
  const chosen = options.only ?? compilers;
  const jobs = chosen.map((compiler) => async (): Promise<Run> => {
    const { diagnostics, seconds, failure } = await run(
      compiler,
      files,
      folder,
      options.seconds ?? 600,
    );
    return { compiler, seconds, failure, ...readVerdicts(cases.length, files, diagnostics) };
  });
  const results: Run[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]();
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker),
  );
  return results;
}

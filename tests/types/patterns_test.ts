/**
 * Ordinary user code over the public API must type-check within a budget.
 *
 * Every file of `tests/types/patterns/` is one pattern a user writes (generic
 * wrappers, overloads, mapped types over every command, helpers generic over
 * the schema…), with calls that must compile and calls marked
 * `@ts-expect-error` that must not. Each file is checked on its own by
 * TypeScript 5.9, TypeScript 7 and `deno check`:
 *
 * - a run is killed past a wall-clock limit, or past a memory cap (V8's heap
 *   limit for the compilers that run on V8, the resident size of the process
 *   tree, polled from `/proc`, for all);
 * - from `--extendedDiagnostics`, check time and memory must stay under the
 *   budget on TypeScript 5.9 and 7; `deno check` must finish within its wall
 *   time budget;
 * - any diagnostic fails the file (an expected error that does not occur is
 *   itself a diagnostic: an unused `@ts-expect-error`), and the first ones are
 *   printed.
 *
 * A table of figures per file and compiler is printed.
 *
 * Limits can be tightened for a quick run, e.g. `PATTERNS_KILL_SECONDS=10`;
 * `PATTERNS_ONLY=wrapper` checks the files whose name contains `wrapper`;
 * `PATTERNS_COMPILERS=7,deno` runs those compilers only.
 *
 * @module
 */

import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url).pathname;
const folder = new URL("./patterns/", import.meta.url).pathname;
const deno = Deno.execPath();

function setting(name: string, fallback: number): number {
  const value = Deno.env.get(name);
  return value === undefined ? fallback : Number(value);
}

const limits = {
  /** A run still going after this is killed. */
  killSeconds: setting("PATTERNS_KILL_SECONDS", 30),
  /** V8's old-space limit for tsc 5.9 and `deno check` (MB). */
  heapMb: setting("PATTERNS_HEAP_MB", 1536),
  /** A process tree resident past this is killed (MB): TypeScript 7's cap. */
  residentMb: setting("PATTERNS_RESIDENT_MB", 2048),
  /** Budget: `Check time` of tsc 5.9 and 7 (s). */
  checkSeconds: 3,
  /** Budget: `Memory used` of tsc 5.9 and 7 (MB). */
  memoryMb: 600,
  /** Budget: wall time of `deno check` (s), loading the program included. */
  denoSeconds: setting("PATTERNS_DENO_SECONDS", 10),
  /** Files checked at once. */
  concurrency: setting("PATTERNS_CONCURRENCY", 2),
  /**
   * A run over a time budget only is measured again, alone, up to this many
   * times, and the fastest counts: load from elsewhere inflates time, not
   * memory or diagnostics.
   */
  reruns: setting("PATTERNS_RERUNS", 2),
};

const allCompilers = ["tsc 5.9", "tsc 7", "deno check"] as const;
type Compiler = typeof allCompilers[number];
/** `PATTERNS_COMPILERS=7,deno` runs those only. */
const compilers = allCompilers.filter((compiler) =>
  (Deno.env.get("PATTERNS_COMPILERS") ?? "5.9,7,deno").split(",").some((part) =>
    compiler.includes(part.trim())
  )
);

/** What one run of one compiler on one file gave. */
interface Outcome {
  file: string;
  compiler: Compiler;
  /** Why the run was stopped or failed to report, if it was. */
  aborted?: string;
  wallSeconds: number;
  peakResidentMb: number;
  checkSeconds?: number;
  memoryMb?: number;
  instantiations?: number;
  /** Diagnostics, as printed by the compiler (first lines). */
  errors: string[];
  /** How many times it was measured (the fastest counts). */
  runs: number;
}

/** The pids of a process and all its descendants. */
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

/** Resident size of a process tree, in MB. */
function residentMb(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      const status = Deno.readTextFileSync(`/proc/${pid}/status`);
      kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // The process ended meanwhile.
    }
  }
  return kb / 1024;
}

interface Spawned {
  code: number;
  stdout: string;
  stderr: string;
  wallSeconds: number;
  peakResidentMb: number;
  aborted?: string;
}

/** Runs the running Deno with `args`, within the kill limits. */
async function spawn(args: string[], env: Record<string, string> = {}): Promise<Spawned> {
  const start = performance.now();
  const child = new Deno.Command(deno, {
    args,
    cwd: root,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let peak = 0;
  let aborted: string | undefined;
  const watch = setInterval(() => {
    const pids = processTree(child.pid);
    const resident = residentMb(pids);
    peak = Math.max(peak, resident);
    const seconds = (performance.now() - start) / 1000;
    const reason = resident > limits.residentMb
      ? `killed at ${Math.round(resident)} MB resident after ${seconds.toFixed(1)} s`
      : seconds > limits.killSeconds
      ? `killed after ${limits.killSeconds} s`
      : undefined;
    if (reason && !aborted) {
      aborted = reason;
      // Descendants first (TypeScript 7's launcher may run the native compiler as a child).
      for (const pid of pids.reverse()) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      }
    }
  }, 100);
  const output = await child.output();
  clearInterval(watch);
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
    wallSeconds: (performance.now() - start) / 1000,
    peakResidentMb: peak,
    aborted,
  };
}

/** A number labelled `label:` in `--extendedDiagnostics` output. */
function figure(text: string, label: string): number | undefined {
  const match = new RegExp(`^${label}:\\s+([\\d.]+)(K|s|ms)?\\s*$`, "m").exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  return match[2] === "ms" ? value / 1000 : value;
}

const heapFlag = `--v8-flags=--max-old-space-size=${limits.heapMb}`;
const heapExhausted = /heap limit|out of memory|JavaScript heap/i;

/** A tsconfig for one file: the project's compiler options, that file only. */
async function tsconfigFor(file: string, directory: string): Promise<string> {
  const path = `${directory}/${file.replace(/\.ts$/, "")}.tsconfig.json`;
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      extends: `${root}tsconfig.json`,
      compilerOptions: {
        // Where `types: ["node"]` is found from the project's own directory.
        typeRoots: [`${root}node_modules/@types`],
      },
      files: [`${folder}${file}`],
      include: [],
    }),
  );
  return path;
}

async function tsc(
  compiler: "tsc 5.9" | "tsc 7",
  file: string,
  directory: string,
): Promise<Outcome> {
  const config = await tsconfigFor(file, directory);
  const run = await spawn([
    "run",
    "-A",
    // V8's heap cap; TypeScript 7 is native, capped by its resident size.
    ...(compiler === "tsc 5.9" ? [heapFlag] : []),
    compiler === "tsc 5.9" ? "npm:typescript@5.9.3/tsc" : "npm:typescript@7.0.2/tsc",
    "-p",
    config,
    "--extendedDiagnostics",
    "--pretty",
    "false",
  ]);
  const text = run.stdout + run.stderr;
  const memoryKb = figure(text, "Memory used");
  const outcome: Outcome = {
    file,
    compiler,
    aborted: run.aborted ??
      (heapExhausted.test(run.stderr)
        ? `out of memory (heap limit ${limits.heapMb} MB)`
        : undefined),
    wallSeconds: run.wallSeconds,
    peakResidentMb: run.peakResidentMb,
    checkSeconds: figure(text, "Check time"),
    memoryMb: memoryKb === undefined ? undefined : memoryKb / 1024,
    instantiations: figure(text, "Instantiations"),
    errors: diagnostics(run.stdout),
    runs: 1,
  };
  if (!outcome.aborted && outcome.checkSeconds === undefined) {
    outcome.aborted = `no figures (exit code ${run.code}): ${text.slice(0, 500)}`;
  }
  if (!outcome.aborted && run.code !== 0 && outcome.errors.length === 0) {
    outcome.errors = [text.slice(0, 1000)];
  }
  return outcome;
}

/** tsc's diagnostics (`--pretty false`): a line per error, continuation lines indented. */
function diagnostics(stdout: string): string[] {
  const errors: string[] = [];
  for (const line of stdout.split("\n")) {
    if (/error TS\d+:/.test(line)) errors.push(line.replaceAll(root, ""));
    else if (/^\s+\S/.test(line) && errors.length > 0) errors[errors.length - 1] += `\n${line}`;
  }
  return errors;
}

/**
 * `deno check` with a check cache of its own: Deno skips a program it has
 * checked before, which would make the timing meaningless. The npm cache
 * is shared.
 */
async function denoCheck(file: string, directory: string): Promise<Outcome> {
  const denoDir = await Deno.makeTempDir({ dir: directory, prefix: "deno-" });
  const shared = await sharedDenoDir();
  for (const entry of ["npm", "remote", "gen", "registries"]) {
    try {
      await Deno.symlink(`${shared}/${entry}`, `${denoDir}/${entry}`);
    } catch {
      // Absent in the shared cache.
    }
  }
  // `.js` specifiers of modules that still exist only as `.ts`.
  const sloppy = exists(`${root}schemas/qmp/10.2.js`) ? [] : ["--sloppy-imports"];
  const run = await spawn(
    ["check", heapFlag, ...sloppy, "--log-level=debug", `${folder}${file}`],
    { DENO_DIR: denoDir },
  );
  const stderr = run.stderr.split("\n").filter((line) => !line.startsWith("DEBUG ")).join("\n");
  const statistics = run.stderr.slice(run.stderr.indexOf("Compilation statistics"));
  const check = figure(statistics.replaceAll(/^\s+/gm, ""), "Check time");
  const errors = stderr.split(/\n(?=TS\d+ \[ERROR\])/).filter((part) =>
    /^TS\d+ \[ERROR\]/.test(part)
  ).map((part) => part.trim().replaceAll(`file://${root}`, ""));
  const outcome: Outcome = {
    file,
    compiler: "deno check",
    aborted: run.aborted ??
      (heapExhausted.test(stderr) ? `out of memory (heap limit ${limits.heapMb} MB)` : undefined),
    wallSeconds: run.wallSeconds,
    peakResidentMb: run.peakResidentMb,
    // Deno reports milliseconds without a unit.
    checkSeconds: check === undefined ? undefined : check / 1000,
    instantiations: figure(statistics.replaceAll(/^\s+/gm, ""), "Instantiations"),
    errors,
    runs: 1,
  };
  if (!outcome.aborted && run.code !== 0 && errors.length === 0) {
    outcome.errors = [stderr.slice(0, 1000)];
  }
  return outcome;
}

let denoDirPromise: Promise<string> | undefined;

/** The cache directory `deno` uses by default. */
function sharedDenoDir(): Promise<string> {
  denoDirPromise ??= new Deno.Command(deno, { args: ["info", "--json"], cwd: root }).output()
    .then((info) => JSON.parse(new TextDecoder().decode(info.stdout)).denoDir as string);
  return denoDirPromise;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

interface Fault {
  /** Time faults alone are measured again. */
  time: boolean;
  text: string;
}

/** Budget faults of one outcome; empty when within budget. */
function faultsOf(outcome: Outcome): Fault[] {
  const found: Fault[] = [];
  const fault = (time: boolean, text: string) =>
    found.push({ time, text: `${outcome.compiler}: ${text}` });
  if (outcome.aborted) {
    fault(false, outcome.aborted);
    return found;
  }
  if (outcome.errors.length > 0) {
    fault(
      false,
      `${outcome.errors.length} unexpected diagnostics, first:\n${
        outcome.errors.slice(0, 5).join("\n")
      }`,
    );
  }
  if (outcome.compiler === "deno check") {
    if (outcome.wallSeconds > limits.denoSeconds) {
      fault(true, `${outcome.wallSeconds.toFixed(1)} s wall > ${limits.denoSeconds} s`);
    }
  } else {
    if ((outcome.checkSeconds ?? Infinity) >= limits.checkSeconds) {
      fault(true, `check time ${outcome.checkSeconds} s >= ${limits.checkSeconds} s`);
    }
    if ((outcome.memoryMb ?? Infinity) >= limits.memoryMb) {
      fault(false, `memory ${outcome.memoryMb?.toFixed(0)} MB >= ${limits.memoryMb} MB`);
    }
  }
  return found;
}

function faults(outcome: Outcome): string[] {
  return faultsOf(outcome).map((fault) => fault.text);
}

/** Over a time budget and nothing else. */
function slowOnly(outcome: Outcome): boolean {
  const found = faultsOf(outcome);
  return found.length > 0 && found.every((fault) => fault.time);
}

/** The time that counts against the budget. */
function timeOf(outcome: Outcome): number {
  return outcome.compiler === "deno check" ? outcome.wallSeconds : outcome.checkSeconds ?? Infinity;
}

function check(compiler: Compiler, file: string, directory: string): Promise<Outcome> {
  return compiler === "deno check" ? denoCheck(file, directory) : tsc(compiler, file, directory);
}

/** One table cell: the figures, or why there are none. */
function cell(outcome: Outcome): string {
  const ok = faults(outcome).length === 0 ? "" : " ✗";
  if (outcome.aborted) return `${outcome.aborted}${ok}`;
  const errors = (outcome.errors.length > 0 ? `, ${outcome.errors.length} errors` : "") +
    (outcome.runs > 1 ? `, best of ${outcome.runs}` : "");
  if (outcome.compiler === "deno check") {
    return `${outcome.wallSeconds.toFixed(1)} s wall, check ${
      outcome.checkSeconds?.toFixed(2)
    } s, ${Math.round(outcome.peakResidentMb)} MB rss${errors}${ok}`;
  }
  return `${outcome.checkSeconds?.toFixed(2)} s, ${Math.round(outcome.memoryMb ?? NaN)} MB, ${
    Math.round((outcome.instantiations ?? NaN) / 1000)
  }k inst${errors}${ok}`;
}

/** Runs `jobs` with at most `width` at once; results in order. */
async function pool<result>(jobs: (() => Promise<result>)[], width: number): Promise<result[]> {
  const results: result[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, width) }, worker));
  return results;
}

const only = Deno.env.get("PATTERNS_ONLY");
const files = [...Deno.readDirSync(folder)]
  .filter((entry) => entry.isFile && entry.name.endsWith(".ts"))
  .map((entry) => entry.name)
  .filter((name) => !only || name.includes(only))
  .sort();

Deno.test("every pattern imports from mod.ts only and has calls that must not compile", () => {
  assert.ok(files.length > 0, `no patterns in ${folder}`);
  for (const file of files) {
    const text = Deno.readTextFileSync(`${folder}${file}`);
    const sources = [...text.matchAll(/^import[^;]*?from "([^"]+)";/gms)].map((match) => match[1]);
    assert.ok(sources.length > 0, `${file}: no imports`);
    assert.deepEqual(sources.filter((source) => source !== "../../../mod.ts"), [], file);
    assert.match(text, /\/\/ @ts-expect-error \S/, `${file}: no call that must not compile`);
  }
});

Deno.test("user code patterns type-check within budget on TypeScript 5.9, 7 and deno check", async (t) => {
  assert.ok(files.length > 0, `no patterns in ${folder}`);
  const directory = await Deno.makeTempDir({ prefix: "patterns-" });
  try {
    const jobs = files.flatMap((file) =>
      compilers.map((compiler) => () => check(compiler, file, directory))
    );
    const outcomes = await pool(jobs, limits.concurrency);
    for (const [index, outcome] of outcomes.entries()) {
      let best = outcome;
      for (let run = 2; run <= limits.reruns + 1 && slowOnly(best); run++) {
        const again = await check(outcome.compiler, outcome.file, directory);
        best = slowOnly(again) || faults(again).length === 0
          ? (timeOf(again) < timeOf(best) ? again : best)
          : again;
        best.runs = run;
      }
      outcomes[index] = best;
    }
    console.log(
      `\nbudget: tsc check < ${limits.checkSeconds} s and < ${limits.memoryMb} MB; ` +
        `deno check < ${limits.denoSeconds} s wall; killed after ${limits.killSeconds} s, ` +
        `heap ${limits.heapMb} MB, resident ${limits.residentMb} MB; ${limits.concurrency} at once\n`,
    );
    console.log(`| pattern | ${compilers.join(" | ")} |`);
    console.log(`| --- | ${compilers.map(() => "---").join(" | ")} |`);
    for (const file of files) {
      const row = outcomes.filter((outcome) => outcome.file === file);
      console.log(`| ${file} | ${row.map(cell).join(" | ")} |`);
    }
    for (const file of files) {
      await t.step(file, () => {
        const found = outcomes.filter((outcome) => outcome.file === file).flatMap(faults);
        assert.deepEqual(found, [], `${file}:\n${found.join("\n")}`);
      });
    }
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});

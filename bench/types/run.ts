/**
 * `deno task bench:types`: what a user's checker and editor pay for the
 * type-level client, against what a code generator would give for the same
 * schema, measured in the same run.
 *
 * - Variants: the type-level client (`QmpClient<Qmp10_2>` from the public
 *   entry point `mod.ts`) and the generated baseline
 *   (`generate_interfaces.ts`, from QEMU's QAPI sources in `../shared/qapi`).
 * - Forms: `source` (a script in a temporary folder imports `mod.ts`, or the
 *   generated `.ts`, by local path, as a Deno user does) and `published`
 *   (declarations emitted into a package in `node_modules`, see `publish.ts`).
 *   `source-runtime` is the source form with the generated variant importing
 *   `mod.ts` too: both programs check the same run-time modules.
 * - Scripts: `realistic` (`cases/realistic.ts`), `exhaustive` (every command
 *   once, every event's data read), `span` (the realistic script against
 *   `Span<"7.2" | "10.2">`, its baseline the generated 10.2 client) and
 *   `import` (the client declared, no call: what importing costs).
 * - Checkers: `tsc --extendedDiagnostics` of TypeScript 5.9 (under Deno, and
 *   under Node as `npx tsc` runs it: `--checkers=5.9-node`) and 7, and
 *   `deno check` (elapsed time, with an empty cache each run); with
 *   `/usr/bin/time`, the CPU time and peak RSS of each process too.
 * - Editor: TypeScript 5.9's language service on the realistic script.
 *
 * Options: `--commit=REV` measures a commit (extracted with `git archive`)
 * instead of the working tree; `--scripts=`, `--forms=`, `--checkers=`
 * (comma-separated) select; `--no-editor` skips the language service;
 * `--readme` writes the figures into `bench/README.md`; `--keep` leaves the
 * work folder (scripts, published packages) in place for a closer look with
 * `tsc --generateTrace`. `BENCH_RUNS` (default
 * 3) sets the number of runs; medians are reported.
 *
 * Writes `bench/out/types.json` and `bench/out/types.md`, prints the table,
 * and fails with the first errors when a script does not compile.
 *
 * @module
 */

import ts from "typescript";
import { generateInterfaces } from "./generate_interfaces.ts";
import { languageService, type Latency, requestNames } from "./language_service.ts";
import { checkOptions, publish } from "./publish.ts";
import { entriesOf, type Entry, entryFor, isFile } from "./entries.ts";
import { readQapiSources } from "./qapi_source.ts";
import { clientImport, exhaustiveScript, spanScript } from "./scripts.ts";

const bench = new URL("../../", import.meta.url).pathname;
const runs = Number(Deno.env.get("BENCH_RUNS") ?? 3);
const options = Object.fromEntries(
  Deno.args.map((a) => a.replace(/^--/, "").split("=") as [string, string | undefined]),
);
const known = ["commit", "scripts", "forms", "checkers", "no-editor", "readme", "keep"];
for (const name of Object.keys(options)) {
  if (!known.includes(name)) {
    throw new Error(`unknown option --${name} (known: ${known.join(", ")})`);
  }
}
const list = (name: string, all: string[]) => {
  const chosen = options[name]?.split(",") ?? all;
  const wrong = chosen.filter((c) => !all.includes(c));
  if (wrong.length) throw new Error(`--${name}: ${wrong.join(", ")} (known: ${all.join(", ")})`);
  return chosen;
};
const scripts = list("scripts", ["realistic", "exhaustive", "span", "import"]);
const forms = list("forms", ["source", "published", "source-runtime"]) as Form[];
const checkers = list("checkers", ["5.9", "5.9-node", "7", "deno"]).map((c) =>
  c === "deno" ? c : c === "5.9-node" ? "tsc 5.9 (node)" : `tsc ${c}`
);
/**
 * Each `tsc` as a command. TypeScript 5.9 runs under Deno's V8 and, as most
 * users run it (`npx tsc`), under the Node on the PATH, whose older V8
 * checks slower, and not by the same factor for both variants.
 */
const compilers: Record<string, string[]> = {
  "tsc 5.9": [Deno.execPath(), "run", "-A", "npm:typescript@5.9.3/tsc"],
  "tsc 5.9 (node)": [
    "node",
    `${bench}node_modules/.deno/typescript@5.9.3/node_modules/typescript/bin/tsc`,
  ],
  "tsc 7": [Deno.execPath(), "run", "-A", "npm:typescript@7.0.2/tsc"],
};
const typeRoots = [`${bench}node_modules/@types`];
if (!(await Deno.stat(`${typeRoots[0]}/node`).then(() => true, () => false))) {
  throw new Error(`no ${typeRoots[0]}/node: run \`deno install\` first`);
}
const qapi = Deno.env.get("BENCH_QAPI") ?? `${bench}../shared/qapi/`;

/**
 * `source-runtime` is `source` with the generated variant's script importing
 * the library's entry point too: both programs then check the same run-time
 * modules, as a generated client built on this run time would.
 */
type Form = "source" | "published" | "source-runtime";
type Variant = "type-level" | "generated";
const variants: Variant[] = ["type-level", "generated"];

async function git(...args: string[]): Promise<string> {
  const output = await new Deno.Command("git", { args, cwd: bench, stdout: "piped" }).output();
  if (!output.success) throw new Error(`git ${args.join(" ")} failed`);
  return new TextDecoder().decode(output.stdout).trim();
}

/** The tree under test and its label: a commit, or the working tree. */
async function subject(work: string): Promise<{ root: string; label: string }> {
  if (options.commit) {
    const commit = await git("rev-parse", "--short", options.commit);
    const root = `${work}tree/`;
    await Deno.mkdir(root, { recursive: true });
    const archive = new Deno.Command("git", {
      args: ["archive", commit],
      cwd: bench,
      stdout: "piped",
    }).spawn();
    const tar = new Deno.Command("tar", { args: ["-x", "-C", root], stdin: "piped" }).spawn();
    await archive.stdout.pipeTo(tar.stdin);
    if (!(await tar.status).success) throw new Error(`git archive ${commit} failed`);
    return { root, label: commit };
  }
  const commit = await git("rev-parse", "--short", "HEAD");
  const dirty = await git("status", "--porcelain", "--", "mod.ts", "lib", "schemas");
  return { root: bench, label: dirty ? `${commit} + uncommitted changes` : commit };
}

interface Sample {
  checkSeconds: number;
  totalSeconds: number;
  cpuSeconds: number;
  memoryMb: number;
  instantiations: number;
  types: number;
}

interface DenoSample {
  wallSeconds: number;
  cpuSeconds: number;
  memoryMb: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function medianOf<T extends object>(samples: T[]): T {
  const keys = Object.keys(samples[0]) as (keyof T)[];
  return Object.fromEntries(keys.map((k) => [k, median(samples.map((s) => s[k] as number))])) as T;
}

/** A script that does not compile: the bench stops and prints the first errors. */
class CompileError extends Error {}

function fail(what: string, text: string): never {
  const errors = text.split(/^Files:/m)[0];
  const lines = errors.split("\n").filter((l) => l.trim()).slice(0, 20).join("\n");
  throw new CompileError(`${what} does not compile:\n${lines}`);
}

const timeCommand = await Deno.stat("/usr/bin/time").then(() => true, () => false);

/**
 * Runs a command; with `/usr/bin/time` also its CPU time (user + system, which
 * other processes on the machine disturb less than elapsed time) and peak RSS.
 */
async function timed(command: string[], cwd: string, env: Record<string, string> = {}) {
  const report = await Deno.makeTempFile({ prefix: "time-" });
  const start = performance.now();
  const output = await new Deno.Command(timeCommand ? "/usr/bin/time" : command[0], {
    args: timeCommand ? ["-f", "%U %S %M", "-o", report, ...command] : command.slice(1),
    cwd,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const wallSeconds = (performance.now() - start) / 1000;
  const [user, system, rss] = timeCommand
    ? (await Deno.readTextFile(report)).trim().split("\n").at(-1)!.split(" ").map(Number)
    : [NaN, NaN, NaN];
  await Deno.remove(report);
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return {
    success: output.success,
    stdout: decode(output.stdout),
    stderr: decode(output.stderr),
    wallSeconds,
    cpuSeconds: user + system,
    rssMb: rss / 1024,
  };
}

async function runTsc(compiler: string, folder: string, what: string): Promise<Sample> {
  const command = compilers[compiler]!;
  const run = await timed(
    [...command, "-p", `${folder}tsconfig.json`, "--extendedDiagnostics"],
    folder,
  );
  if (!run.success) fail(`${what} (${compiler})`, run.stdout + run.stderr);
  const number = (label: string) => {
    const value = Number(new RegExp(`^${label}:\\s+([\\d.]+)`, "m").exec(run.stdout)?.[1]);
    if (Number.isNaN(value)) throw new Error(`${compiler}: no "${label}" in\n${run.stdout}`);
    return value;
  };
  return {
    checkSeconds: number("Check time"),
    totalSeconds: number("Total time"),
    cpuSeconds: run.cpuSeconds,
    memoryMb: number("Memory used") / 1024,
    instantiations: number("Instantiations"),
    types: number("Types"),
  };
}

async function runDeno(folder: string, what: string, work: string): Promise<DenoSample> {
  // An empty cache each run: `deno check` remembers programs it has checked.
  const cache = await Deno.makeTempDir({ dir: work, prefix: "deno-dir-" });
  const run = await timed([Deno.execPath(), "check", "--quiet", `${folder}script.ts`], folder, {
    DENO_DIR: cache,
  });
  if (!run.success) fail(`${what} (deno check)`, run.stderr + run.stdout);
  await Deno.remove(cache, { recursive: true });
  return { wallSeconds: run.wallSeconds, cpuSeconds: run.cpuSeconds, memoryMb: run.rssMb };
}

const work = `${await Deno.makeTempDir({ prefix: "qapi-ts-bench-" })}/`;
try {
  const { root, label } = await subject(work);
  console.log(`measuring ${label} (${root}), ${runs} runs; work folder ${work}`);

  // The baseline, from QEMU's sources; the span's older version to filter calls.
  if (!(await Deno.stat(`${qapi}10.2/qapi`).then(() => true, () => false))) {
    throw new Error(`QEMU's QAPI sources are not at ${qapi}<X.Y>/qapi (set BENCH_QAPI)`);
  }
  const qmp10_2 = await readQapiSources(`${qapi}10.2/qapi/qapi-schema.json`);
  const generated = generateInterfaces(qmp10_2);
  await Deno.mkdir(`${work}generated`, { recursive: true });
  await Deno.writeTextFile(`${work}generated/qmp.ts`, generated);

  // Where each public name comes from: the entry points of deno.json's exports
  // (Qmp10_2 from the schema module when no entry point exports it).
  const entries = await entriesOf(root, typeRoots);
  const from: Record<string, Entry | undefined> = Object.fromEntries(
    ["QmpClient", "QmpEvent", "Qmp10_2", "Span"].map((name) => [name, entryFor(entries, name)]),
  );
  for (const name of ["QmpClient", "QmpEvent"]) {
    if (!from[name]) throw new Error(`no entry point exports ${name}`);
  }
  if (!from.Qmp10_2) {
    const path = ["ts", "js"].map((e) => `schemas/qmp/10.2.${e}`)
      .find((f) => isFile(`${root}${f}`));
    if (path === undefined) throw new Error("no entry point or schemas/qmp/10.2 gives Qmp10_2");
    const typed = path.replace(/\.js$/, ".d.ts");
    from.Qmp10_2 = { key: `./${path.replace(/\.ts$/, ".js")}`, path, typed, names: new Set() };
  }
  const used = [...new Set(Object.values(from).filter((e) => e !== undefined))];
  const specifier = (entry: Entry, form: Form) =>
    form !== "published"
      ? `${root}${entry.path}`
      : entry.key === "."
      ? "qapi-ts"
      : `qapi-ts${entry.key.slice(1)}`;
  console.log(
    `names from: ${
      Object.entries(from).map(([name, e]) => `${name} ${e?.path ?? "(none)"}`).join(", ")
    }`,
  );

  // The published forms.
  if (forms.includes("published")) {
    const count = await publish(
      used.map((e) => ({ key: e.key, file: `${root}${e.typed}` })),
      root,
      `${work}node_modules/qapi-ts/`,
      "qapi-ts",
      typeRoots,
    );
    await publish(
      [{ key: ".", file: `${work}generated/qmp.ts` }],
      `${work}generated/`,
      `${work}node_modules/qmp-generated/`,
      "qmp-generated",
      typeRoots,
    );
    console.log(`published: ${count} declaration files`);
  }
  // Deno resolves packages from this node_modules, @types/node included.
  await Deno.mkdir(`${work}node_modules`, { recursive: true });
  await Deno.symlink(typeRoots[0], `${work}node_modules/@types`);
  await Deno.writeTextFile(`${work}deno.json`, JSON.stringify({ nodeModulesDir: "manual" }));
  await Deno.writeTextFile(
    `${work}package.json`,
    JSON.stringify({ dependencies: { "qapi-ts": "0.0.0", "qmp-generated": "0.0.0" } }),
  );

  // The scripts.
  const bodies: Record<string, string> = {};
  const realistic = await Deno.readTextFile(`${bench}bench/types/cases/realistic.ts`);
  if (scripts.includes("realistic")) bodies.realistic = realistic;
  if (scripts.includes("exhaustive")) bodies.exhaustive = exhaustiveScript(qmp10_2);
  // No call: in the source form, what the checker spends on the library's own modules.
  if (scripts.includes("import")) bodies.import = `${clientImport}\nexport { qmp };\n`;
  if (scripts.includes("span")) {
    if (!from.Span) console.log("span: skipped, no entry point exports Span");
    else {
      const qmp7_2 = await readQapiSources(`${qapi}7.2/qapi/qapi-schema.json`);
      const { text, dropped } = spanScript(realistic, [qmp7_2, qmp10_2]);
      if (dropped.length) {
        console.log(`span: calls left out (not in QMP 7.2 and 10.2): ${dropped.join(", ")}`);
      }
      bodies.span = text;
    }
  }
  const header = (variant: Variant, form: Form, script: string) => {
    if (variant === "generated") {
      const module = form === "published" ? "qmp-generated" : `${work}generated/qmp.ts`;
      return [
        // The entry point the type-level client comes from, run time and all.
        ...(form === "source-runtime" ? [`import "${specifier(from.QmpClient!, form)}";`] : []),
        `import type { QmpClient, QmpEvent } from "${module}";`,
        "declare const qmp: QmpClient;",
        "type Event = QmpEvent;",
      ];
    }
    const schema = script === "span" ? `Span<"7.2" | "10.2">` : "Qmp10_2";
    const names = ["QmpClient", "QmpEvent", script === "span" ? "Span" : "Qmp10_2"];
    const imports = new Map<string, string[]>();
    for (const name of names) {
      const module = specifier(from[name]!, form);
      imports.set(module, [...(imports.get(module) ?? []), name]);
    }
    return [
      ...[...imports].map(([module, n]) => `import type { ${n.join(", ")} } from "${module}";`),
      `declare const qmp: QmpClient<${schema}>;`,
      `type Event = QmpEvent<${schema}>;`,
    ];
  };
  const folderOf = (form: Form, variant: Variant, script: string) =>
    `${work}${form}/${variant}/${script}/`;
  for (const form of forms) {
    for (const variant of variants) {
      for (const [script, body] of Object.entries(bodies)) {
        if (!body.includes(clientImport)) throw new Error(`${script}: no "${clientImport}" line`);
        const folder = folderOf(form, variant, script);
        await Deno.mkdir(folder, { recursive: true });
        await Deno.writeTextFile(
          `${folder}script.ts`,
          body.replace(clientImport, header(variant, form, script).join("\n")),
        );
        await Deno.writeTextFile(
          `${folder}tsconfig.json`,
          JSON.stringify({
            compilerOptions: { ...checkOptions, typeRoots },
            files: ["script.ts"],
          }),
        );
      }
    }
  }

  // Checkers: type-level and generated alternate, so drift hits both alike.
  interface Row {
    form: Form;
    script: string;
    checker: string;
    typeLevel: Sample | DenoSample;
    generated: Sample | DenoSample;
  }
  const rows: Row[] = [];
  for (const checker of checkers) {
    for (const form of forms) {
      for (const script of Object.keys(bodies)) {
        const samples: Record<Variant, (Sample | DenoSample)[]> = {
          "type-level": [],
          generated: [],
        };
        for (let i = 0; i < runs; i++) {
          for (const variant of variants) {
            const folder = folderOf(form, variant, script);
            const what = `${script} (${form}, ${variant})`;
            samples[variant].push(
              checker === "deno"
                ? await runDeno(folder, what, work)
                : await runTsc(checker, folder, what),
            );
          }
        }
        const row = {
          form,
          script,
          checker,
          typeLevel: medianOf(samples["type-level"]),
          generated: medianOf(samples.generated),
        };
        rows.push(row);
        console.log(formatRow(row));
      }
    }
  }

  // The editor.
  const editor: { form: Form; request: string; typeLevel: Latency; generated: Latency }[] = [];
  if (!("no-editor" in options) && bodies.realistic) {
    const compilerOptions = {
      ...ts.convertCompilerOptionsFromJson(checkOptions, "/").options,
      typeRoots,
    };
    // The editor checks the open file only: the run time's bodies cost it nothing either way.
    for (const form of forms.filter((f) => f !== "source-runtime")) {
      const samples: Record<Variant, ReturnType<typeof languageService>[]> = {
        "type-level": [],
        generated: [],
      };
      const measure = (variant: Variant) => {
        const folder = folderOf(form, variant, "realistic");
        return languageService(folder, `${folder}script.ts`, compilerOptions);
      };
      measure("generated"); // warms the language service's own code up
      for (let i = 0; i < runs; i++) {
        for (const variant of variants) samples[variant].push(measure(variant));
      }
      for (const request of requestNames) {
        const of = (variant: Variant) => medianOf(samples[variant].map((s) => s[request]));
        editor.push({ form, request, typeLevel: of("type-level"), generated: of("generated") });
      }
    }
  }

  const markdown = report(label, rows, editor);
  console.log(`\n${markdown}`);
  await Deno.mkdir(`${bench}bench/out`, { recursive: true });
  await Deno.writeTextFile(
    `${bench}bench/out/types.json`,
    JSON.stringify({ commit: label, date: new Date().toISOString(), runs, rows, editor }, null, 2) +
      "\n",
  );
  await Deno.writeTextFile(`${bench}bench/out/types.md`, markdown);
  if ("readme" in options) await updateReadme(markdown);
} catch (error) {
  if (!(error instanceof CompileError)) throw error;
  console.error(`\n${error.message}`);
  Deno.exitCode = 1;
} finally {
  if ("keep" in options) console.log(`work folder kept: ${work}`);
  else await Deno.remove(work, { recursive: true }).catch(() => {});
}

function ratio(a: number, b: number): string {
  // A baseline of zero (no instantiation at all) has no ratio.
  if (b === 0) return a === 0 ? "1.00x" : "n/a";
  return `${(a / b).toFixed(2)}x`;
}

function formatRow(row: {
  form: string;
  script: string;
  checker: string;
  typeLevel: Sample | DenoSample;
  generated: Sample | DenoSample;
}): string {
  const cells = [row.form, row.script, row.checker];
  const pair = (a: number, b: number, digits: number, unit: string) =>
    `${a.toFixed(digits)} / ${b.toFixed(digits)}${unit} (**${ratio(a, b)}**)`;
  const t = row.typeLevel;
  const g = row.generated;
  const cpu = Number.isNaN(t.cpuSeconds) ? "" : pair(t.cpuSeconds, g.cpuSeconds, 2, " s");
  if ("wallSeconds" in t) {
    const d = g as DenoSample;
    cells.push(
      pair(t.wallSeconds, d.wallSeconds, 2, " s") + " wall",
      "",
      cpu,
      Number.isNaN(t.memoryMb) ? "" : pair(t.memoryMb, d.memoryMb, 0, " MB") + " RSS",
      "",
      "",
    );
  } else {
    const c = g as Sample;
    cells.push(
      pair(t.checkSeconds, c.checkSeconds, 2, " s"),
      pair(t.totalSeconds, c.totalSeconds, 2, " s"),
      cpu,
      pair(t.memoryMb, c.memoryMb, 0, " MB"),
      `${t.instantiations.toLocaleString("en")} / ${c.instantiations.toLocaleString("en")} (${
        ratio(t.instantiations, c.instantiations)
      })`,
      `${t.types.toLocaleString("en")} / ${c.types.toLocaleString("en")}`,
    );
  }
  return `| ${cells.join(" | ")} |`;
}

function report(
  label: string,
  rows: Parameters<typeof formatRow>[0][],
  editor: { form: Form; request: string; typeLevel: Latency; generated: Latency }[],
): string {
  const lines = [
    `Measured at ${label}, ${
      new Date().toISOString().slice(0, 10)
    }, ${navigator.hardwareConcurrency} cores, median of ${runs}. Each cell: type-level / generated (ratio).`,
    "",
    "| form | script | checker | check time | total time | CPU (process) | memory | instantiations | types |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map(formatRow),
  ];
  if (editor.length) {
    lines.push(
      "",
      "| form | language service (TS 5.9) | cold, ms | warm (after an edit), ms |",
      "| --- | --- | --- | --- |",
      ...editor.map((e) =>
        `| ${e.form} | ${e.request} | ${e.typeLevel.cold.toFixed(0)} / ${
          e.generated.cold.toFixed(0)
        } (**${ratio(e.typeLevel.cold, e.generated.cold)}**) | ${e.typeLevel.warm.toFixed(0)} / ${
          e.generated.warm.toFixed(0)
        } (**${ratio(e.typeLevel.warm, e.generated.warm)}**) |`
      ),
    );
  }
  return lines.join("\n") + "\n";
}

/** Replaces the figures between the markers of `bench/README.md`. */
async function updateReadme(markdown: string) {
  const file = `${bench}bench/README.md`;
  const text = await Deno.readTextFile(file);
  const begin = "<!-- bench:types figures -->";
  const end = "<!-- /bench:types figures -->";
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < 0) throw new Error(`${file}: no ${begin} … ${end} markers`);
  await Deno.writeTextFile(
    file,
    `${text.slice(0, from + begin.length)}\n\n${markdown}\n${text.slice(to)}`,
  );
  // The project's formatter pads tables: keep the README as `deno fmt` leaves it.
  await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", file] }).output();
  console.log(`figures written into ${file}`);
}

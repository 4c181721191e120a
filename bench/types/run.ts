/**
 * `deno task bench:types`: type-check cost of the type-level client against
 * plainly generated interfaces for the same schema (QMP 10.2), on a realistic
 * script and an exhaustive one, with TypeScript 5.9 and 7; and the language
 * service's completion and quick-info latency, cold and warm.
 *
 * Writes `bench/out/types.json` and prints a table.
 *
 * @module
 */

import ts from "typescript";
import { qmp10_2 } from "../../schemas/qmp/10.2.ts";
import { generateInterfaces } from "./generate_interfaces.ts";

const repository = new URL("../../", import.meta.url).pathname;
const out = `${repository}bench/out/types/`;
const runs = Number(Deno.env.get("BENCH_RUNS") ?? 5);
const compilers = { "5.9": "npm:typescript@5.9.3/tsc", "7": "npm:typescript@7.0.2/tsc" } as const;

async function prepare() {
  const realistic = await Deno.readTextFile(`${repository}bench/types/cases/realistic.ts`);
  const exhaustive = [
    `import { qmp, type Event } from "./client.ts";`,
    ...Object.keys(qmp10_2.commands).map((name, i) =>
      `export const r${i} = qmp.execute(${JSON.stringify(name)}, null as never);`
    ),
    `export function events(e: Event) { switch (e.event) {`,
    ...Object.keys(qmp10_2.events).map((name) => `  case ${JSON.stringify(name)}: return e.data;`),
    `} }`,
  ].join("\n");
  const variants = {
    "type-level": (await Deno.readTextFile(`${repository}bench/types/client_type_level.ts`))
      .replaceAll(`"../../`, `"${repository}`),
    "generated": generateInterfaces(qmp10_2),
  };
  for (const [variant, client] of Object.entries(variants)) {
    for (const [kind, text] of Object.entries({ realistic, exhaustive })) {
      const folder = `${out}${variant}/${kind}/`;
      await Deno.mkdir(folder, { recursive: true });
      await Deno.writeTextFile(`${folder}client.ts`, client);
      await Deno.writeTextFile(`${folder}case.ts`, text);
      await Deno.writeTextFile(
        `${folder}tsconfig.json`,
        JSON.stringify({
          compilerOptions: {
            target: "esnext",
            module: "esnext",
            moduleResolution: "bundler",
            lib: ["esnext", "dom"],
            strict: true,
            noEmit: true,
            allowImportingTsExtensions: true,
            skipLibCheck: true,
            types: [],
          },
          files: ["case.ts"],
        }),
      );
    }
  }
}

interface Measure {
  checkSeconds: number;
  memoryKb: number;
  instantiations: number;
  types: number;
}

async function measure(compiler: string, folder: string): Promise<Measure> {
  const samples: Measure[] = [];
  for (let i = 0; i < runs; i++) {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", compiler, "-p", `${folder}tsconfig.json`, "--extendedDiagnostics"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(output.stdout);
    const number = (label: string) =>
      Number(new RegExp(`${label}:\\s+([\\d.]+)`).exec(text)?.[1] ?? NaN);
    if (!output.success) throw new Error(`${folder}: type errors:\n${text.slice(0, 2000)}`);
    samples.push({
      checkSeconds: number("Check time"),
      memoryKb: number("Memory used"),
      instantiations: number("Instantiations"),
      types: number("Types"),
    });
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return {
    checkSeconds: median(samples.map((s) => s.checkSeconds)),
    memoryKb: median(samples.map((s) => s.memoryKb)),
    instantiations: median(samples.map((s) => s.instantiations)),
    types: median(samples.map((s) => s.types)),
  };
}

/** Language service latency on the realistic script: completions and quick info. */
function languageService(folder: string) {
  const file = `${folder}case.ts`;
  let text = Deno.readTextFileSync(file);
  let version = 0;
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => ({
      target: ts.ScriptTarget.ESNext,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowImportingTsExtensions: true,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      lib: ["lib.esnext.d.ts", "lib.dom.d.ts"],
      types: [],
    }),
    getScriptFileNames: () => [file],
    getScriptVersion: (name) => (name === file ? String(version) : "0"),
    getScriptSnapshot: (name) => {
      const content = name === file ? text : ts.sys.readFile(name);
      return content === undefined ? undefined : ts.ScriptSnapshot.fromString(content);
    },
    getCurrentDirectory: () => folder,
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: (name) => name === file || ts.sys.fileExists(name),
    readFile: (name) => (name === file ? text : ts.sys.readFile(name)),
  };
  const service = ts.createLanguageService(host, ts.createDocumentRegistry());
  const commandName = text.indexOf(`"block_resize"`) + 1;
  const member = text.indexOf(`"aio-max-batch"`);
  const result = text.indexOf("blocks.map");
  const time = (action: () => unknown) => {
    const start = performance.now();
    action();
    return performance.now() - start;
  };
  const requests = {
    "completion: command name": () => service.getCompletionsAtPosition(file, commandName, {}),
    "completion: blockdev-add members": () => service.getCompletionsAtPosition(file, member, {}),
    "quick info: result": () => service.getQuickInfoAtPosition(file, result),
  };
  const timings: Record<string, { cold: number; warm: number }> = {};
  for (const [name, request] of Object.entries(requests)) {
    const cold = time(request);
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) {
      // An edit elsewhere in the file, as typing does, then the same request.
      text = text.replace(/\n\/\/ edit \d+\n|$/, `\n// edit ${i}\n`);
      version++;
      warm.push(time(request));
    }
    timings[name] = { cold, warm: warm.sort((a, b) => a - b)[2] };
  }
  return timings;
}

await prepare();
const results: Record<string, unknown> = { date: new Date().toISOString(), runs };
const rows: string[] = [];
for (const [compilerName, compiler] of Object.entries(compilers)) {
  for (const kind of ["realistic", "exhaustive"]) {
    const typeLevel = await measure(compiler, `${out}type-level/${kind}/`);
    const generated = await measure(compiler, `${out}generated/${kind}/`);
    results[`tsc ${compilerName} ${kind}`] = { typeLevel, generated };
    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    rows.push(
      `| TS ${compilerName} | ${kind} | ${typeLevel.checkSeconds}s / ${generated.checkSeconds}s (${
        ratio(typeLevel.checkSeconds, generated.checkSeconds)
      }x) | ` +
        `${Math.round(typeLevel.memoryKb / 1024)} / ${Math.round(generated.memoryKb / 1024)} MB (${
          ratio(typeLevel.memoryKb, generated.memoryKb)
        }x) | ` +
        `${typeLevel.instantiations} / ${generated.instantiations} (${
          ratio(typeLevel.instantiations, generated.instantiations)
        }x) |`,
    );
  }
}
const service = {
  "type-level": languageService(`${out}type-level/realistic/`),
  generated: languageService(`${out}generated/realistic/`),
};
results["language service (TS 5.9, ms)"] = service;
console.log("| compiler | script | check time: type-level / generated | memory | instantiations |");
console.log("| --- | --- | --- | --- | --- |");
for (const row of rows) console.log(row);
console.log(
  "\n| language service request | type-level cold / warm (ms) | generated cold / warm (ms) |",
);
console.log("| --- | --- | --- |");
for (const name of Object.keys(service["type-level"])) {
  const a = service["type-level"][name];
  const b = service.generated[name];
  console.log(
    `| ${name} | ${a.cold.toFixed(1)} / ${a.warm.toFixed(1)} | ${b.cold.toFixed(1)} / ${
      b.warm.toFixed(1)
    } |`,
  );
}
await Deno.writeTextFile(`${repository}bench/out/types.json`, JSON.stringify(results, null, 2));

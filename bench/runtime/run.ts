/**
 * `deno task bench:runtime`: the client against minimal raw-socket clients
 * measured in the same run, on Deno and on Node, against real QEMU 7.2 and
 * 10.0 (`-M none`, unix sockets): sequential and pipelined `query-status`
 * round trips, pipelined calls that each have a timeout, `query-qmp-schema`
 * reads, and the client process's CPU time per pipelined reply (with and
 * without timeouts).
 *
 * Each QEMU has one monitor per client. A round runs one process per run
 * time and QEMU version (`measure.ts`; on Node the same module built by
 * `tests/node/build.ts`), in which the clients take turns in slices; the
 * rounds alternate the run times and the order of the clients. Figures are
 * medians over the rounds; ratios are medians of each round's ratio.
 *
 * ```sh
 * deno task bench:runtime                 # BENCH_RUNS rounds (default 5)
 * deno task bench:runtime --readme        # also writes the figures into bench/README.md
 * ```
 *
 * @module
 */

import { buildForNode } from "../../tests/node/build.ts";
import { provision } from "../../tests/provision/qemu.ts";
import type { RoundResult, RoundSpec } from "./measure.ts";

const repository = new URL("../../", import.meta.url).pathname;
const rounds = Number(Deno.env.get("BENCH_RUNS") ?? 5);
const counts = {
  sequential: 3000,
  pipelined: 10_000,
  timeouts: 10_000,
  schema: 10,
  // Short turns: the load of a shared machine changes from one moment to the next.
  slices: { sequential: 30, pipelined: 10, timeouts: 10, schema: 10 },
};
const versions = ["7.2", "10.0"] as const;
const runtimes = ["Deno", "Node"] as const;
type Runtime = typeof runtimes[number];
const clients: Record<Runtime, string[]> = {
  Deno: ["qapi-ts", "raw net", "raw Deno.connect"],
  Node: ["qapi-ts", "raw net"],
};
const allClients = ["qapi-ts", "raw net", "raw Deno.connect"];

const binaries = await provision();
await buildForNode(["bench/runtime/measure.ts"]);

/** One QEMU with a monitor per client. */
async function startQemu(version: typeof versions[number]) {
  const directory = await Deno.makeTempDir({ prefix: "qapi-ts-bench-" });
  const sockets: Record<string, string> = {};
  allClients.forEach((name, i) => (sockets[name] = `${directory}/qmp${i}.sock`));
  const qemu = binaries[version];
  const child = new Deno.Command(qemu.system, {
    args: [
      ...qemu.dataArgs,
      ...["-M", "none", "-nodefaults", "-display", "none"],
      ...Object.values(sockets).flatMap((path) => ["-qmp", `unix:${path},server=on,wait=off`]),
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (const path of Object.values(sockets)) {
    for (let i = 0;; i++) {
      try {
        await Deno.stat(path);
        break;
      } catch (error) {
        if (i === 1000) throw error;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  }
  return {
    sockets,
    async stop() {
      child.kill("SIGKILL");
      await child.status;
      await Deno.remove(directory, { recursive: true });
    },
  };
}

async function runRound(runtime: Runtime, spec: RoundSpec): Promise<RoundResult> {
  const [command, script] = runtime === "Deno"
    ? [Deno.execPath(), ["run", "-A", `${repository}bench/runtime/measure.ts`]]
    : ["node", [`${repository}.cache/node-build/bench/runtime/measure.js`]];
  const output = await new Deno.Command(command, {
    args: [...script, JSON.stringify(spec)],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  if (!output.success) {
    throw new Error(
      `${runtime} round failed (${output.code}):\n${text}${
        new TextDecoder().decode(output.stderr)
      }`,
    );
  }
  return JSON.parse(text.trim().split("\n").at(-1)!);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Each round's result by QEMU version and run time. */
const results: Record<string, RoundResult[]> = {};
const started = performance.now();
const qemus = Object.fromEntries(
  await Promise.all(versions.map(async (version) => [version, await startQemu(version)] as const)),
);
try {
  for (let round = 0; round < rounds; round++) {
    for (const version of versions) {
      // Alternate which run time goes first, and rotate the clients' order.
      const order = round % 2 ? [...runtimes].reverse() : runtimes;
      for (const runtime of order) {
        const names = clients[runtime];
        const rotated = names.map((_, i) => names[(i + round) % names.length]);
        const sockets = Object.fromEntries(
          rotated.map((name) => [name, qemus[version].sockets[name]]),
        );
        (results[`${version} ${runtime}`] ??= []).push(
          await runRound(runtime, { sockets, ...counts }),
        );
      }
    }
    console.error(
      `round ${round + 1}/${rounds} done (${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
  }
} finally {
  for (const qemu of Object.values(qemus)) await qemu.stop();
}

/** A measure: its figure from one client's totals, and whether higher is better. */
const measures = [
  {
    name: "sequential query-status (round trips/s)",
    figure: (r: RoundResult[string]) => (counts.sequential / r.sequential) * 1000,
    higher: true,
  },
  {
    name: "pipelined query-status (replies/s)",
    figure: (r: RoundResult[string]) => (counts.pipelined / r.pipelined) * 1000,
    higher: true,
  },
  {
    name: "pipelined, each call with a timeout (replies/s)",
    figure: (r: RoundResult[string]) => (counts.timeouts / r.timeouts) * 1000,
    higher: true,
  },
  {
    name: "query-qmp-schema (ms each)",
    figure: (r: RoundResult[string]) => r.schema / counts.schema,
    higher: false,
  },
  {
    name: "CPU per pipelined reply (µs)",
    figure: (r: RoundResult[string]) => (r.pipelinedCpu / counts.pipelined) * 1000,
    higher: false,
  },
  {
    name: "CPU per pipelined reply, with timeouts (µs)",
    figure: (r: RoundResult[string]) => (r.timeoutsCpu / counts.timeouts) * 1000,
    higher: false,
  },
];

const baselines = ["raw net", "raw Deno.connect"];
const lines = [
  `${rounds} rounds, ${counts.sequential} sequential and ${counts.pipelined} pipelined ` +
  `\`query-status\` (and ${counts.timeouts} more with a timeout of 60 s each, for qapi-ts; ` +
  `the raw clients have none) and ${counts.schema} \`query-qmp-schema\` per client per round; ` +
  `medians. Ratio: qapi-ts's figure over the raw client's, each round's ratio, median ` +
  `(≥ 1 is better for rates, ≤ 1 for times).`,
  "",
  "| QEMU | run time | measure | qapi-ts | raw net | ratio | raw Deno.connect | ratio |",
  "| --- | --- | --- | --: | --: | --: | --: | --: |",
];
const json: Record<string, unknown>[] = [];
for (const version of versions) {
  for (const runtime of runtimes) {
    const list = results[`${version} ${runtime}`];
    for (const measure of measures) {
      const cells = [version, runtime, measure.name];
      const qapi = list.map((r) => measure.figure(r["qapi-ts"]));
      cells.push(median(qapi).toFixed(measure.higher ? 0 : 1));
      const row: Record<string, unknown> = {
        version,
        runtime,
        measure: measure.name,
        "qapi-ts": median(qapi),
      };
      for (const baseline of baselines) {
        if (!list[0][baseline]) {
          cells.push("", "");
          continue;
        }
        const raw = list.map((r) => measure.figure(r[baseline]));
        const ratio = median(qapi.map((value, i) => value / raw[i]));
        cells.push(median(raw).toFixed(measure.higher ? 0 : 1), `${ratio.toFixed(2)}x`);
        row[baseline] = median(raw);
        row[`ratio to ${baseline}`] = ratio;
      }
      lines.push(`| ${cells.join(" | ")} |`);
      json.push(row);
    }
  }
}
const table = lines.join("\n");
console.log(table);

await Deno.mkdir(new URL("../out/", import.meta.url), { recursive: true });
await Deno.writeTextFile(
  new URL("../out/runtime.json", import.meta.url),
  JSON.stringify({ date: new Date().toISOString(), counts, rounds, rows: json, results }, null, 2),
);
await Deno.writeTextFile(new URL("../out/runtime.md", import.meta.url), table + "\n");

if (Deno.args.includes("--readme")) {
  const readme = new URL("../README.md", import.meta.url);
  const text = await Deno.readTextFile(readme);
  const open = "<!-- bench:runtime figures -->";
  const close = "<!-- /bench:runtime figures -->";
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) throw new Error(`bench/README.md has no ${open} … ${close}`);
  const date = new Date().toISOString().slice(0, 10);
  const nodeVersion = new TextDecoder().decode(
    (await new Deno.Command("node", { args: ["--version"] }).output()).stdout,
  ).trim().replace(/^v/, "");
  await Deno.writeTextFile(
    readme,
    `${text.slice(0, start + open.length)}\n\nMeasured ${date}: Deno ${Deno.version.deno}, ` +
      `Node ${nodeVersion}.\n\n${table}\n\n${text.slice(end)}`,
  );
  // As `deno fmt` leaves it (tables padded, prose wrapped).
  await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", readme.pathname] }).output();
}

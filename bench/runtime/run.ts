/**
 * `deno task bench:runtime`: the client against a minimal raw-socket client
 * measured in the same run — round trips per second against a real QEMU
 * (sequential and pipelined `query-status`, and `query-qmp-schema`), and
 * client CPU per 100k replies from a local replay server (client-bound).
 *
 * @module
 */

import { cpuUsage } from "node:process";
import { connect } from "../../lib/client/qmp.ts";
import { provision } from "../../tests/provision/qemu.ts";
import { RawClient } from "./raw_client.ts";

const sequential = 3000;
const pipelined = 10000;
const schemaReads = 20;
const replayCount = 100_000;

const { "10.0": qemu } = await provision();
const rows: [string, number, number, string][] = [];
const rate = (count: number, ms: number) => (count / ms) * 1000;

// One QEMU per client, so neither sees the other's monitor state.
async function withQemu<result>(body: (socketPath: string) => Promise<result>): Promise<result> {
  const directory = await Deno.makeTempDir();
  const path = `${directory}/qmp.sock`;
  const child = new Deno.Command(qemu.system, {
    args: [
      ...qemu.dataArgs,
      "-M",
      "none",
      "-nodefaults",
      "-display",
      "none",
      "-qmp",
      `unix:${path},server=on,wait=off`,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (let i = 0; i < 1000; i++) {
    try {
      await Deno.stat(path);
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  try {
    return await body(path);
  } finally {
    child.kill("SIGKILL");
    await child.status;
    await Deno.remove(directory, { recursive: true });
  }
}

const rawQemu = await withQemu(async (path) => {
  const raw = await RawClient.open(path);
  let start = performance.now();
  for (let i = 0; i < sequential; i++) {
    raw.socket.write(`{"execute":"query-status","id":"${i}"}\n`);
    await raw.line();
  }
  const sequentialMs = performance.now() - start;
  start = performance.now();
  const base = raw.parsed;
  let batch = "";
  for (let i = 0; i < pipelined; i++) batch += `{"execute":"query-status","id":"p${i}"}\n`;
  raw.socket.write(batch);
  await raw.until(base + pipelined);
  const pipelinedMs = performance.now() - start;
  start = performance.now();
  for (let i = 0; i < schemaReads; i++) {
    raw.socket.write(`{"execute":"query-qmp-schema","id":"s${i}"}\n`);
    await raw.until(base + pipelined + i + 1);
  }
  const schemaMs = (performance.now() - start) / schemaReads;
  raw.close();
  return { sequentialMs, pipelinedMs, schemaMs };
});

const clientQemu = await withQemu(async (path) => {
  const qmp = await connect(path);
  let start = performance.now();
  for (let i = 0; i < sequential; i++) await qmp.execute("query-status");
  const sequentialMs = performance.now() - start;
  start = performance.now();
  await Promise.all(Array.from({ length: pipelined }, () => qmp.execute("query-status")));
  const pipelinedMs = performance.now() - start;
  start = performance.now();
  for (let i = 0; i < schemaReads; i++) await qmp.execute("query-qmp-schema");
  const schemaMs = (performance.now() - start) / schemaReads;
  await qmp.close();
  return { sequentialMs, pipelinedMs, schemaMs };
});

rows.push([
  "QEMU: sequential query-status (round trips/s)",
  rate(sequential, clientQemu.sequentialMs),
  rate(sequential, rawQemu.sequentialMs),
  "higher is better",
]);
rows.push([
  "QEMU: pipelined query-status (replies/s)",
  rate(pipelined, clientQemu.pipelinedMs),
  rate(pipelined, rawQemu.pipelinedMs),
  "higher is better",
]);
rows.push([
  "QEMU: query-qmp-schema (ms each)",
  clientQemu.schemaMs,
  rawQemu.schemaMs,
  "lower is better",
]);

// Client-bound: a replay server in its own process answers instantly.
async function withReplay<result>(body: (path: string) => Promise<result>): Promise<result> {
  const directory = await Deno.makeTempDir();
  const path = `${directory}/replay.sock`;
  const server = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./replay_server.ts", import.meta.url).pathname, path],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = server.stdout.getReader();
  await reader.read(); // "ready"
  try {
    return await body(path);
  } finally {
    reader.releaseLock();
    server.kill("SIGKILL");
    await server.status;
    await Deno.remove(directory, { recursive: true });
  }
}

const cpuMs = (before: ReturnType<typeof cpuUsage>) => {
  const used = cpuUsage(before);
  return (used.user + used.system) / 1000;
};

const rawCpu = await withReplay(async (path) => {
  const raw = await RawClient.open(path);
  // A warm-up round first, so that both sides are measured after the JIT.
  let warmUp = "";
  for (let i = 0; i < replayCount; i++) warmUp += `{"execute":"query-status","id":"w${i}"}\n`;
  raw.socket.write(warmUp);
  await raw.until(raw.parsed + replayCount);
  let batch = "";
  for (let i = 0; i < replayCount; i++) batch += `{"execute":"query-status","id":"${i}"}\n`;
  const before = cpuUsage();
  const base = raw.parsed;
  raw.socket.write(batch);
  await raw.until(base + replayCount);
  const used = cpuMs(before);
  raw.close();
  return used;
});
const clientCpu = await withReplay(async (path) => {
  const qmp = await connect(path);
  await Promise.all(Array.from({ length: replayCount }, () => qmp.execute("query-status")));
  const before = cpuUsage();
  await Promise.all(Array.from({ length: replayCount }, () => qmp.execute("query-status")));
  const used = cpuMs(before);
  await qmp.close();
  return used;
});
rows.push(["replay: client CPU per 100k replies (ms)", clientCpu, rawCpu, "lower is better"]);

console.log("| measure | qapi-ts client | raw client | ratio (client / raw) |");
console.log("| --- | --- | --- | --- |");
for (const [name, client, raw, note] of rows) {
  console.log(
    `| ${name} | ${client.toFixed(1)} | ${raw.toFixed(1)} | ${
      (client / raw).toFixed(2)
    }x (${note}) |`,
  );
}
await Deno.mkdir(new URL("../out/", import.meta.url), { recursive: true });
await Deno.writeTextFile(
  new URL("../out/runtime.json", import.meta.url),
  JSON.stringify({ date: new Date().toISOString(), rows }, null, 2),
);

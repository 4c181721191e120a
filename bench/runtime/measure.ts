/**
 * One round of `bench:runtime` in one process, on Deno (`deno run -A
 * measure.ts SPEC`) or Node (the same module built by `tests/node/build.ts`):
 * the client and the raw clients, each on its own QMP monitor of the same
 * QEMU, take turns in slices — sequential `query-status` round trips, then
 * pipelined ones — so that a slow moment of the machine falls on all of
 * them — then pipelined calls that each have a timeout (the raw clients
 * have none: their turn is the same as before), and `query-qmp-schema` (a
 * reply of a few hundred KiB) read in turns likewise. Prints one JSON line: milliseconds per client and mode,
 * and the process's CPU time during each client's pipelined turns (with and
 * without timeouts).
 *
 * SPEC is JSON: `{ sockets: { [client]: path }, sequential, pipelined, timeouts, schema,
 * slices: { [mode]: n } }`,
 * clients among `qapi-ts`, `raw net`, `raw Deno.connect`.
 *
 * @module
 */

import process from "node:process";
import { pathToFileURL } from "node:url";
import { connect } from "../../lib/client/qmp.ts";
import { openDenoClient, openNetClient } from "./raw_client.ts";

/** What a round measures. */
export interface RoundSpec {
  /** The unix socket of each client's monitor, by client name. */
  readonly sockets: Record<string, string>;
  /** Sequential round trips per client. */
  readonly sequential: number;
  /** Pipelined requests per client. */
  readonly pipelined: number;
  /** Pipelined requests with a timeout each, per client. */
  readonly timeouts: number;
  /** `query-qmp-schema` reads per client. */
  readonly schema: number;
  /** Each mode's count is split into this many turns per client. */
  readonly slices: Readonly<Record<Mode, number>>;
}

/** Milliseconds per client: each mode's total, and the CPU time of the pipelined turns. */
export type RoundResult = Record<string, Record<Mode | "pipelinedCpu" | "timeoutsCpu", number>>;

type Mode = "sequential" | "pipelined" | "timeouts" | "schema";

/** A client as the round drives it. */
interface Driver {
  sequential(count: number): Promise<void>;
  pipelined(count: number): Promise<void>;
  timeouts(count: number): Promise<void>;
  schema(count: number): Promise<void>;
  close(): void;
}

async function open(name: string, path: string): Promise<Driver> {
  if (name === "qapi-ts") {
    const qmp = await connect(path);
    return {
      async sequential(count) {
        for (let i = 0; i < count; i++) await qmp.execute("query-status");
      },
      async pipelined(count) {
        const calls = [];
        for (let i = 0; i < count; i++) calls.push(qmp.execute("query-status"));
        await Promise.all(calls);
      },
      async timeouts(count) {
        const calls = [];
        for (let i = 0; i < count; i++) {
          calls.push(qmp.execute("query-status", undefined, { timeout: 60_000 }));
        }
        await Promise.all(calls);
      },
      async schema(count) {
        for (let i = 0; i < count; i++) await qmp.execute("query-qmp-schema");
      },
      close: () => void qmp.close(),
    };
  }
  const raw = name === "raw net"
    ? await openNetClient(path)
    : name === "raw Deno.connect"
    ? await openDenoClient(path)
    : undefined;
  if (!raw) throw new Error(`unknown client ${name}`);
  let id = 0;
  const pipelined = async (count: number) => {
    let batch = "";
    for (let i = 0; i < count; i++) batch += `{"execute":"query-status","id":${id++}}\n`;
    raw.send(batch);
    await raw.replies(count);
  };
  return {
    async sequential(count) {
      for (let i = 0; i < count; i++) {
        raw.send(`{"execute":"query-status","id":${id++}}\n`);
        await raw.replies(1);
      }
    },
    pipelined,
    timeouts: pipelined,
    async schema(count) {
      for (let i = 0; i < count; i++) {
        raw.send(`{"execute":"query-qmp-schema","id":${id++}}\n`);
        await raw.replies(1);
      }
    },
    close: () => raw.close(),
  };
}

/** Runs one round; the clients take turns in the order of `spec.sockets`. */
export async function measureRound(spec: RoundSpec): Promise<RoundResult> {
  const drivers: [string, Driver][] = [];
  for (const [name, path] of Object.entries(spec.sockets)) {
    drivers.push([name, await open(name, path)]);
  }
  const result: RoundResult = {};
  for (const [name] of drivers) {
    result[name] = {
      sequential: 0,
      pipelined: 0,
      timeouts: 0,
      schema: 0,
      pipelinedCpu: 0,
      timeoutsCpu: 0,
    };
  }
  // A warm-up for each, so that all are measured after the JIT.
  for (const [, driver] of drivers) {
    await driver.sequential(Math.ceil(spec.sequential / 4));
    await driver.pipelined(Math.ceil(spec.pipelined / 4));
    await driver.timeouts(Math.ceil(spec.timeouts / 4));
  }
  for (const mode of ["sequential", "pipelined", "timeouts", "schema"] as const) {
    const count = Math.ceil(spec[mode] / spec.slices[mode]);
    for (let slice = 0; slice < spec.slices[mode]; slice++) {
      // Each slice starts with another client, so none is always first.
      for (let k = 0; k < drivers.length; k++) {
        const [name, driver] = drivers[(slice + k) % drivers.length];
        const cpu = process.cpuUsage();
        const start = performance.now();
        await driver[mode](count);
        result[name][mode] += performance.now() - start;
        if (mode === "pipelined" || mode === "timeouts") {
          const used = process.cpuUsage(cpu);
          result[name][`${mode}Cpu`] += (used.user + used.system) / 1000;
        }
      }
    }
  }
  for (const [, driver] of drivers) driver.close();
  return result;
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const spec = JSON.parse(process.argv[process.argv.length - 1]) as RoundSpec;
  const result = await measureRound(spec);
  process.stdout.write(JSON.stringify(result) + "\n");
  process.exit(0);
}

/**
 * Reading query results deeply: optional chaining, destructuring with
 * defaults, Array methods, Object.entries, JSON.stringify, bigint checks,
 * a union result narrowed by its discriminator (query-cpus-fast's target).
 */
import type { CommandReturn, Qmp10_2, QmpClient } from "../../../mod.ts";

const json = (value: unknown) =>
  JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v), 2);

function toNumber(value: number | bigint): number {
  if (typeof value === "bigint") {
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${value} too large`);
    return Number(value);
  }
  return value;
}

export async function report(qmp: QmpClient<Qmp10_2>) {
  const blocks = await qmp.execute("query-block");
  const inserted = blocks.filter((b) => b.inserted !== undefined);
  const formats = new Set(inserted.map((b) => b.inserted!.image.format));
  const { device = "none", removable, locked = false } = blocks[0] ?? {};
  const backing = blocks[0]?.inserted?.image["backing-image"]?.filename ?? "no backing file";
  const totalBytes = inserted.reduce(
    (sum, b) => sum + toNumber(b.inserted?.image["virtual-size"] ?? 0),
    0,
  );

  const stats = await qmp.execute("query-blockstats", { "query-nodes": true });
  const reads = Object.fromEntries(
    stats.map((s) => [s["node-name"] ?? s.device ?? "?", toNumber(s.stats.rd_bytes)]),
  );
  for (const [name, bytes] of Object.entries(reads)) console.log(name, bytes.toFixed(0));

  const cpus = await qmp.execute("query-cpus-fast");
  const threads = cpus.map((cpu) => ({
    index: cpu["cpu-index"],
    thread: toNumber(cpu["thread-id"]),
    socket: cpu.props?.["socket-id"],
    // the union's branch: x86 has no extra members, s390x has its state
    state: cpu.target === "s390x" ? cpu["cpu-state"] : undefined,
  }));

  const memory = await qmp.execute("query-memory-size-summary");
  const hotplugged = memory["plugged-memory"] === undefined
    ? 0
    : toNumber(memory["plugged-memory"]);
  const version: CommandReturn<Qmp10_2, "query-version"> = await qmp.execute("query-version");
  const { qemu: { major, minor, micro }, package: pkg } = version;

  return {
    device,
    removable,
    locked,
    backing,
    formats: [...formats].sort(),
    totalBytes,
    threads,
    hotplugged,
    text: `${major}.${minor}.${micro}${pkg}`,
    dump: json({ blocks, stats }),
    entries: Object.entries(version.qemu).map(([key, value]) => `${key}=${value}`),
  };
}

export async function mistakes(qmp: QmpClient<Qmp10_2>) {
  const blocks = await qmp.execute("query-block");
  // @ts-expect-error `inserted` is optional: chaining stops short
  const format: string = blocks[0]?.inserted?.image.format;
  // @ts-expect-error `device` is a string, not a number
  const device: number = blocks[0]!.device;
  const cpus = await qmp.execute("query-cpus-fast");
  // @ts-expect-error `cpu-state` is only in the s390x branch
  console.log(cpus[0]!["cpu-state"]);
  // @ts-expect-error query-blockstats' option is `query-nodes`
  await qmp.execute("query-blockstats", { queryNodes: true });
  // @ts-expect-error `bigint` and `number` don't add without a conversion
  const sum = blocks[0]!.inserted!.image["virtual-size"] + 1;
  // @ts-expect-error forgot `await`: a promise has no `qemu`
  const { qemu } = qmp.execute("query-version");
  return { format, device, sum, qemu };
}

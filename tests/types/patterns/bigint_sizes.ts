/**
 * 64-bit integers: results typed `number | bigint`, summed with a helper that
 * tells them apart, formatted, compared with literals, and sent back as
 * arguments in either form.
 */
import type { CommandReturn, Qmp10_2, QmpClient } from "../../../mod.ts";

type Int64 = number | bigint;

const add = (a: Int64, b: Int64): bigint => BigInt(a) + BigInt(b);
const human = (bytes: Int64): string => {
  const n = typeof bytes === "bigint" ? Number(bytes / 1024n) * 1024 : bytes;
  return n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
};

export async function usage(qmp: QmpClient<Qmp10_2>) {
  const stats: CommandReturn<Qmp10_2, "query-blockstats"> = await qmp.execute("query-blockstats");
  let total: bigint = 0n;
  for (const { stats: s } of stats) total = add(total, add(s.rd_bytes, s.wr_bytes));
  const balloon = await qmp.execute("query-balloon");
  const actual = balloon.actual;
  const grow = typeof actual === "bigint" ? actual * 2n : actual * 2;
  await qmp.execute("balloon", { value: grow });
  const nodes = await qmp.execute("query-named-block-nodes");
  const largest = nodes.reduce<Int64>(
    (max, node) => (node.image["virtual-size"] > max ? node.image["virtual-size"] : max),
    0,
  );
  const exact = nodes.some((node) => node.image["virtual-size"] === 2n ** 53n + 1n);
  await qmp.execute("block_resize", { "node-name": "disk0", size: add(largest, 1n << 20n) });
  return { total: total.toString(), balloon: human(actual), largest: human(largest), exact };
}

export async function mistakes(qmp: QmpClient<Qmp10_2>) {
  const balloon = await qmp.execute("query-balloon");
  // @ts-expect-error may be a bigint: Math.round takes numbers
  Math.round(balloon.actual);
  // @ts-expect-error a bigint and a number do not multiply
  const doubled = balloon.actual * 2;
  // @ts-expect-error a balloon target as text
  await qmp.execute("balloon", { value: "1G" });
  const [cpu] = await qmp.execute("query-cpus-fast");
  // @ts-expect-error `cpu-index` is an int (64-bit): not assignable to a number
  const index: number = cpu!["cpu-index"];
  return { doubled, index };
}

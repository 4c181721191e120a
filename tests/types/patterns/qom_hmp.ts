/**
 * QOM and HMP: qom-list walked recursively, qom-get's `any` result narrowed
 * by `typeof`, qom-set with a JSON value, and human-monitor-command output
 * parsed.
 */
import type { CommandReturn, JsonValue, Qmp10_2, QmpClient } from "../../../mod.ts";

type Property = CommandReturn<Qmp10_2, "qom-list">[number];

export async function walk(
  qmp: QmpClient<Qmp10_2>,
  path = "/machine",
  depth = 2,
): Promise<string[]> {
  const properties: readonly Property[] = await qmp.execute("qom-list", { path });
  const children = properties.filter((p) => p.type.startsWith("child<"));
  const nested = depth > 0
    ? await Promise.all(children.map((child) => walk(qmp, `${path}/${child.name}`, depth - 1)))
    : [];
  return [...properties.map((p) => `${path}/${p.name}: ${p.type}`), ...nested.flat()];
}

export async function read(qmp: QmpClient<Qmp10_2>, path: string, property: string) {
  const value: JsonValue = await qmp.execute("qom-get", { path, property });
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? "on" : "off";
  if (value === null) return "null";
  return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? `${v}` : v));
}

export async function toggle(qmp: QmpClient<Qmp10_2>) {
  await qmp.execute("qom-set", {
    path: "/machine/peripheral/nic0",
    property: "link",
    value: false,
  });
  await qmp.execute("qom-set", { path: "/objects/io0", property: "poll-max-ns", value: 1n << 40n });
  const info: string = await qmp.execute("human-monitor-command", {
    "command-line": "info mtree -f",
  });
  const regions = info.split("\n").filter((line) => line.includes("ram")).length;
  return regions;
}

export async function mistakes(qmp: QmpClient<Qmp10_2>) {
  const value = await qmp.execute("qom-get", { path: "/machine", property: "type" });
  // @ts-expect-error qom-get's result is any JSON value: narrow before using it as a string
  value.toUpperCase();
  // @ts-expect-error a function is not a JSON value
  await qmp.execute("qom-set", { path: "/machine", property: "x", value: () => 1 });
  // @ts-expect-error undefined is not a JSON value either
  await qmp.execute("qom-set", { path: "/machine", property: "x", value: undefined });
  // @ts-expect-error the HMP command line member is `command-line`
  await qmp.execute("human-monitor-command", { command: "info status" });
}

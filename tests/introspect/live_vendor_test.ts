/**
 * Types from a live QEMU: `vendorLive` against the real QEMU 7.2 and 10.0
 * (and qemu-storage-daemon 10.0).
 *
 * - Every type name is recovered from the vendored schema of the same
 *   version, and the module equals that vendored literal in every fact
 *   introspection carries: each named type's members (optionality, types,
 *   features), union tags and branches, enum values and their features,
 *   alternate branches, each command's arguments, result, features and
 *   `allow-oob`, each event's data. The vendored literal may have more only
 *   where it says `if` (a build option) or a `since` newer than the binary.
 * - The module pair, written to a folder, type-checks a script with calls
 *   that must and must not compile (`deno check`), inside `SpanOf` too, and a
 *   call typed by it runs against the binary.
 * - A downstream schema (`__com.redhat_…` commands, masked names, no
 *   reference) gets predictable names and the literal it describes, and
 *   types a client.
 */
import assert from "node:assert/strict";
import { launch } from "../../lib/launch/launch.ts";
import { literalFromSchemaInfo } from "../../lib/introspect/to_literal.ts";
import type { SchemaInfo } from "../../lib/introspect/schema_info.ts";
import type { SchemaIR } from "../../lib/qapi/ir.ts";
import type {
  Feature,
  Member,
  Members,
  SchemaLiteral,
  TypeDefinition,
  TypeRef,
} from "../../lib/types/literal.ts";
import { type LiveModule, vendorBinary, vendorLive } from "../../lib/emit/live.ts";
import { qmp } from "../../schemas/qmp/mod.ts";
import { qsd } from "../../schemas/qsd/mod.ts";
import { provision, realQemuSkipped } from "../provision/qemu.ts";

const skipped = realQemuSkipped();
const binaries = skipped ? undefined : await provision();
const repository = new URL("../../", import.meta.url).pathname;

// --- Comparison of a live-derived schema with a vendored literal ---------------------------

const integerTypes = /^(u?int(8|16|32|64)?|size)$/;
/** A type reference as introspection can tell it: every integer type is `int`. */
const normal = (ref: TypeRef): string =>
  Array.isArray(ref)
    ? `[${normal(ref[0])}]`
    : integerTypes.test(ref as string)
    ? "int"
    : ref as string;

type Facts = {
  readonly type?: TypeRef;
  readonly optional?: true;
  readonly if?: unknown;
  readonly since?: string;
  readonly features?: readonly Feature[];
};
const factsOf = (member: Member | unknown): Facts =>
  typeof member === "object" && member !== null && !Array.isArray(member)
    ? member as Facts
    : { type: member as TypeRef };
const featureNames = (features: readonly Feature[] | undefined, conditional: boolean) =>
  (features ?? []).filter((f) => conditional || typeof f === "string")
    .map((f) => typeof f === "string" ? f : f.name).sort();
/** True when version `a` (`MAJOR.MINOR`) is newer than `b`. */
const newer = (a: string, b: string) => {
  const [x, y] = [a, b].map((v) => v.split(".").map(Number));
  return x[0] > y[0] || (x[0] === y[0] && x[1] > y[1]);
};

/** A struct's or union's members, base members first. */
function flatten(schema: SchemaLiteral, definition: TypeDefinition | undefined): Members {
  if (definition?.kind === "struct") {
    return {
      ...(definition.base ? flatten(schema, schema.types[definition.base]) : {}),
      ...definition.data,
    };
  }
  if (definition?.kind === "union") {
    return typeof definition.base === "string"
      ? flatten(schema, schema.types[definition.base])
      : definition.base;
  }
  return {};
}

/**
 * The differences between the live-derived literal and the vendored one, in
 * what introspection carries; the vendored literal may have more where it says
 * `if` or a `since` newer than the binary.
 */
function differences(live: SchemaLiteral, vendored: SchemaLiteral): string[] {
  const found: string[] = [];
  /** Parts the binary may lack. */
  const optionalPart = (facts: Facts) =>
    facts.if !== undefined || (facts.since !== undefined && newer(facts.since, live.version));
  const features = (where: string, got: Facts, want: Facts) => {
    const have = featureNames(got.features, true);
    const all = featureNames(want.features, true);
    const required = featureNames(want.features, false);
    if (have.some((f) => !all.includes(f)) || required.some((f) => !have.includes(f))) {
      found.push(`${where}: features ${have} against ${all}`);
    }
  };
  const members = (where: string, got: Members, want: Members) => {
    for (const [name, member] of Object.entries(got)) {
      const g = factsOf(member);
      if (!(name in want)) {
        found.push(`${where}.${name}: not in the vendored literal`);
        continue;
      }
      const w = factsOf(want[name]);
      if (normal(g.type!) !== normal(w.type!)) {
        found.push(`${where}.${name}: type ${normal(g.type!)} against ${normal(w.type!)}`);
      }
      if (!!g.optional !== !!w.optional) found.push(`${where}.${name}: optionality differs`);
      features(`${where}.${name}`, g, w);
    }
    for (const [name, member] of Object.entries(want)) {
      if (!(name in got) && !optionalPart(factsOf(member))) {
        found.push(`${where}.${name}: missing`);
      }
    }
  };
  const data = (
    where: string,
    got: string | Members | undefined,
    want: string | Members | undefined,
  ) => {
    if (typeof got === "string" || typeof want === "string") {
      if (got !== want) found.push(`${where}: data ${got} against ${want}`);
    } else members(where, got ?? {}, want ?? {});
  };
  for (const [name, got] of Object.entries(live.types)) {
    const want = vendored.types[name];
    if (!want) {
      found.push(`type ${name}: not in the vendored literal`);
      continue;
    }
    features(`type ${name}`, got, want);
    if (got.kind !== want.kind) {
      found.push(`type ${name}: ${got.kind} against ${want.kind}`);
    } else if (got.kind === "enum" && want.kind === "enum") {
      const expected = want.data.filter((value) =>
        got.data.includes(value) || !optionalPart(want.values?.[value] ?? {})
      );
      if (got.data.join() !== expected.join()) {
        found.push(`type ${name}: values ${got.data} against ${want.data}`);
      }
      for (const value of got.data) {
        features(
          `type ${name} value ${value}`,
          got.values?.[value] ?? {},
          want.values?.[value] ?? {},
        );
      }
    } else if (got.kind === "alternate" && want.kind === "alternate") {
      const g = Object.entries(got.data).map(([branch, t]) =>
        `${branch}:${normal(factsOf(t).type!)}`
      );
      const w = Object.entries(want.data).filter(([branch, t]) =>
        branch in got.data || !optionalPart(factsOf(t))
      ).map(([branch, t]) => `${branch}:${normal(factsOf(t).type!)}`);
      if (g.join() !== w.join()) found.push(`type ${name}: branches ${g} against ${w}`);
    } else if (got.kind === "struct" || got.kind === "union") {
      members(`type ${name}`, flatten(live, got), flatten(vendored, want));
      if (got.kind === "union" && want.kind === "union") {
        if (got.discriminator !== want.discriminator) found.push(`type ${name}: tag differs`);
        for (const [value, branch] of Object.entries(got.data)) {
          const w = want.data[value];
          if (w === undefined) found.push(`type ${name} case ${value}: not vendored`);
          else if (normal(factsOf(branch).type!) !== normal(factsOf(w).type!)) {
            found.push(
              `type ${name} case ${value}: ${factsOf(branch).type} against ${factsOf(w).type}`,
            );
          }
        }
        for (const [value, branch] of Object.entries(want.data)) {
          const branchType = vendored.types[factsOf(branch).type as string];
          const empty = branchType?.kind === "struct" &&
            !Object.keys(flatten(vendored, branchType)).length;
          if (!(value in got.data) && !empty && !optionalPart(factsOf(branch))) {
            found.push(`type ${name} case ${value}: missing`);
          }
        }
      }
    }
  }
  for (const [name, want] of Object.entries(vendored.commands)) {
    const got = live.commands[name];
    if (!got) {
      if (!optionalPart(want)) found.push(`command ${name}: missing`);
      continue;
    }
    data(`command ${name}`, got.data, want.data);
    const returns = (r: TypeRef | undefined) => r === undefined ? "{}" : normal(r);
    if (returns(got.returns) !== returns(want.returns)) {
      found.push(`command ${name}: returns ${got.returns} against ${want.returns}`);
    }
    if (!!got["allow-oob"] !== !!want["allow-oob"]) found.push(`command ${name}: allow-oob`);
    if (!!got.boxed !== !!want.boxed && vendored.types[want.data as string]?.kind === "union") {
      found.push(`command ${name}: boxed`);
    }
    features(`command ${name}`, got, want);
  }
  for (const name of Object.keys(live.commands)) {
    if (!vendored.commands[name]) found.push(`command ${name}: not in the vendored literal`);
  }
  for (const [name, want] of Object.entries(vendored.events)) {
    const got = live.events[name];
    if (!got) {
      if (!optionalPart(want)) found.push(`event ${name}: missing`);
      continue;
    }
    data(`event ${name}`, got.data, want.data);
    features(`event ${name}`, got, want);
  }
  return found;
}

// --- Type-checking and running against the written module -----------------------------------

async function denoCheck(folder: string, file: string): Promise<string> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", file],
    cwd: folder,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  assert.ok(output.success, `deno check ${file} failed:\n${text}`);
  return text;
}

async function write(folder: string, module: LiveModule): Promise<void> {
  await Deno.writeTextFile(`${folder}/${module.files.value}`, module.value);
  await Deno.writeTextFile(`${folder}/${module.files.declaration}`, module.declaration);
}

/** Calls that must compile, and must not (`@ts-expect-error`), on either version's live module. */
const calls = (type: string, file: string, extra: string) => `
import type { ${type} } from "./${file}";
import type { QmpClient } from "${repository}mod.ts";
declare const qmp: QmpClient<${type}>;
export async function calls(): Promise<void> {
  await qmp.execute("blockdev-add", {
    driver: "qcow2",
    "node-name": "disk0",
    file: { driver: "file", filename: "/dev/fdset/0" },
  });
  const status = await qmp.execute("query-status");
  const running: boolean = status.running;
  const blocks = await qmp.execute("query-block");
  const device: string = blocks[0].device;
  await qmp.execute("device_add", { driver: "virtio-net-pci", id: "n0", mac: "52:54:00:12:34:56" });
  await qmp.execute("migrate-pause", undefined, { oob: true });
  await qmp.execute("qom-set", { path: "/machine", property: "x", value: [1, "two"] });
  // @ts-expect-error: no such command
  await qmp.execute("no-such-command");
  // @ts-expect-error: not a blockdev driver
  await qmp.execute("blockdev-add", { driver: "qcow3", "node-name": "disk0" });
  await qmp.execute("blockdev-add", {
    driver: "qcow2",
    "node-name": "disk0",
    // @ts-expect-error: the file driver has no such member
    file: { driver: "file", filename: "/dev/fdset/0", bogus: true },
  });
  // @ts-expect-error: size is required
  await qmp.execute("block_resize", { "node-name": "disk0" });
  // @ts-expect-error: running is a boolean
  const wrong: string = status.running;
  console.log(running, device, wrong);
${extra}
}
`;

for (const version of ["7.2", "10.0"] as const) {
  Deno.test({
    name:
      `QEMU ${version}: vendorLive recovers every type name and equals the vendored ${version} ` +
      `in every fact introspection carries`,
    ignore: skipped,
    fn: async () => {
      const qemu = binaries![version];
      await using client = await launch({ binary: qemu.system, extraArgs: qemu.dataArgs });
      const module = await vendorLive(client);
      assert.equal(module.reference, version);
      assert.deepEqual(module.files, { value: `${version}.js`, declaration: `${version}.d.ts` });
      const live = module.schema as unknown as SchemaLiteral;
      const madeUp = Object.keys(live.types).filter((name) => name.startsWith("q_"));
      assert.deepEqual(madeUp, [], "every type name is recovered");
      assert.ok(Object.keys(live.commands).length > 200);
      assert.deepEqual(differences(live, qmp[version]), []);
      // Spot checks of the mapping.
      assert.deepEqual(live.commands["blockdev-add"].data, "BlockdevOptions");
      assert.equal(live.commands["blockdev-add"].boxed, true);
      assert.deepEqual(live.commands["query-cpus-fast"].returns, ["CpuInfoFast"]);
      assert.equal(live.commands["migrate-pause"]["allow-oob"], true);
      assert.equal(live.commands["device_add"].gen, false);
      assert.deepEqual(live.types.StrOrNull, {
        kind: "alternate",
        data: { s: "str", n: "null" },
        info: { file: "query-qmp-schema", line: 0 },
      });
      // The comparison sees a difference in each fact it compares.
      const perturbed = (change: (schema: Record<string, Record<string, unknown>>) => void) => {
        const copy = structuredClone(live) as unknown as Record<string, Record<string, unknown>>;
        change(copy);
        return differences(copy as unknown as SchemaLiteral, qmp[version]);
      };
      const file = (schema: Record<string, Record<string, unknown>>) =>
        (schema.types.BlockdevOptionsFile as { data: Record<string, unknown> }).data;
      for (
        const change of [
          (schema: Record<string, Record<string, unknown>>) => delete file(schema).filename,
          (schema: Record<string, Record<string, unknown>>) =>
            file(schema).filename = { type: "str", optional: true },
          (schema: Record<string, Record<string, unknown>>) => file(schema).filename = "int",
          (schema: Record<string, Record<string, unknown>>) =>
            file(schema).filename = { type: "str", features: ["deprecated"] },
          (schema: Record<string, Record<string, unknown>>) =>
            (schema.types.RunState as { data: string[] }).data.reverse(),
          (schema: Record<string, Record<string, unknown>>) =>
            (schema.types.BlockdevOptions as { data: Record<string, unknown> }).data.file = "str",
          (schema: Record<string, Record<string, unknown>>) =>
            (schema.commands["query-status"] as { returns?: string }).returns = "str",
          (schema: Record<string, Record<string, unknown>>) =>
            (schema.commands["migrate-pause"] as { "allow-oob"?: true })["allow-oob"] = undefined,
          (schema: Record<string, Record<string, unknown>>) => delete schema.events.STOP,
        ]
      ) {
        assert.notDeepEqual(perturbed(change), [], change.toString());
      }
      // The same binary vendors to the same text.
      const again = await vendorLive(client);
      assert.equal(again.declaration, module.declaration);
      assert.equal(again.value, module.value);
      assert.match(module.declaration, /^\/\/ Generated by qapi-ts from the live schema/m);
    },
  });
}

Deno.test({
  name: "QEMU 7.2 and 10.0: the live modules type-check calls (deno check), inside SpanOf " +
    "too, and a call typed by one runs",
  ignore: skipped,
  fn: async () => {
    const folder = await Deno.makeTempDir({ prefix: "qapi-ts-live-" });
    try {
      const modules: Record<string, LiveModule> = {};
      for (const version of ["7.2", "10.0"] as const) {
        const qemu = binaries![version];
        modules[version] = await vendorBinary(qemu.system, { extraArgs: qemu.dataArgs });
        await write(folder, modules[version]);
      }
      assert.equal(modules["7.2"].names.type, "Qmp7_2");
      // 10.0 has query-audiodevs (since 8.0), 7.2 has not.
      assert.ok(modules["10.0"].schema.commands["query-audiodevs"]);
      assert.ok(!modules["7.2"].schema.commands["query-audiodevs"]);
      await Deno.writeTextFile(
        `${folder}/check_7_2.ts`,
        calls(
          "Qmp7_2",
          "7.2.js",
          `  // @ts-expect-error: added in 8.0
  await qmp.execute("query-audiodevs");`,
        ),
      );
      await Deno.writeTextFile(
        `${folder}/check_10_0.ts`,
        calls(
          "Qmp10_0",
          "10.0.js",
          `  const audio = await qmp.execute("query-audiodevs");
  console.log(audio.length);`,
        ),
      );
      await Deno.writeTextFile(
        `${folder}/check_span.ts`,
        `import type { Qmp7_2 } from "./7.2.js";
import type { Qmp10_0 } from "./10.0.js";
import type { QmpClient } from "${repository}mod.ts";
import type { SpanOf } from "${repository}versions.ts";
declare const qmp: QmpClient<SpanOf<Qmp7_2 | Qmp10_0>>;
export async function calls(): Promise<void> {
  const status = await qmp.execute("query-status");
  console.log(status.running);
  // @ts-expect-error: not in 7.2
  await qmp.execute("query-audiodevs");
}
`,
      );
      for (const file of ["check_7_2.ts", "check_10_0.ts", "check_span.ts"]) {
        await denoCheck(folder, file);
      }
      // A script typed by the live 10.0 module runs against QEMU 10.0.
      const qemu = binaries!["10.0"];
      await Deno.writeTextFile(
        `${folder}/run.ts`,
        `import { launch } from "${repository}mod.ts";
import { qmp10_0, type Qmp10_0 } from "./10.0.js";
await using qmp = await launch<Qmp10_0>({
  binary: ${JSON.stringify(qemu.system)},
  extraArgs: ${JSON.stringify(qemu.dataArgs)},
  strict: true,
});
const status = await qmp.execute("query-status");
const audio = await qmp.execute("query-audiodevs");
console.log(JSON.stringify({
  running: status.running,
  audio: audio.length,
  commands: Object.keys(qmp10_0.commands).length,
}));
`,
      );
      await denoCheck(folder, "run.ts");
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "run.ts"],
        cwd: folder,
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(output.stdout);
      assert.ok(output.success, text + new TextDecoder().decode(output.stderr));
      assert.deepEqual(JSON.parse(text), {
        running: true,
        audio: 0,
        commands: Object.keys(modules["10.0"].schema.commands).length,
      });
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
  },
});

Deno.test({
  name: "qemu-storage-daemon 10.0: vendorBinary({ protocol: 'qsd' }) equals the vendored QSD 10.0",
  ignore: skipped,
  fn: async () => {
    const module = await vendorBinary(binaries!["10.0"].storageDaemon, { protocol: "qsd" });
    assert.equal(module.names.type, "Qsd10_0");
    assert.equal(module.reference, "10.0");
    const live = module.schema as unknown as SchemaLiteral;
    assert.deepEqual(Object.keys(live.types).filter((name) => name.startsWith("q_")), []);
    assert.deepEqual(differences(live, qsd["10.0"]), []);
  },
});

// --- A downstream build: masked names, no reference -------------------------------------------

/** A small `query-qmp-schema` reply in QEMU's form, with downstream commands. */
const downstream: SchemaInfo[] = [
  { name: "query-status", "meta-type": "command", "arg-type": "0", "ret-type": "1" },
  {
    name: "__com.redhat_drive_add",
    "meta-type": "command",
    "arg-type": "2",
    "ret-type": "0",
    features: ["unstable"],
  },
  { name: "__com.redhat_query-disks", "meta-type": "command", "arg-type": "0", "ret-type": "[3]" },
  { name: "__com.redhat_attach", "meta-type": "command", "arg-type": "4", "ret-type": "0" },
  {
    name: "__com.redhat_ping",
    "meta-type": "command",
    "arg-type": "0",
    "ret-type": "0",
    "allow-oob": true,
  },
  { name: "__com.redhat_pair", "meta-type": "command", "arg-type": "8", "ret-type": "str" },
  { name: "__com.redhat_pair2", "meta-type": "command", "arg-type": "8", "ret-type": "str" },
  { name: "__COM.REDHAT_DISK_GONE", "meta-type": "event", "arg-type": "9" },
  { name: "RESUME", "meta-type": "event", "arg-type": "0" },
  { name: "0", "meta-type": "object", members: [] },
  {
    name: "1",
    "meta-type": "object",
    members: [{ name: "running", type: "bool" }, { name: "status", type: "5" }],
  },
  {
    name: "2",
    "meta-type": "object",
    members: [
      { name: "file", type: "str" },
      { name: "bus", type: "int", default: null },
      { name: "legacy", type: "bool", default: null, features: ["deprecated"] },
      { name: "ref", type: "6" },
    ],
  },
  {
    name: "3",
    "meta-type": "object",
    members: [{ name: "id", type: "str" }, { name: "sizes", type: "[int]" }],
  },
  {
    name: "4",
    "meta-type": "object",
    members: [{ name: "kind", type: "7" }, { name: "id", type: "str", default: null }],
    tag: "kind",
    variants: [{ case: "disk", type: "3" }, { case: "none", type: "0" }],
  },
  {
    name: "5",
    "meta-type": "enum",
    values: ["running", "paused"],
    members: [{ name: "running" }, { name: "paused", features: ["deprecated"] }],
  } as unknown as SchemaInfo,
  {
    name: "6",
    "meta-type": "alternate",
    members: [{ type: "str" }, { type: "3" }, { type: "null" }],
  },
  { name: "7", "meta-type": "enum", values: ["disk", "none"] },
  { name: "8", "meta-type": "object", members: [{ name: "left", type: "str" }] },
  {
    name: "9",
    "meta-type": "object",
    members: [{ name: "id", type: "str" }],
    features: ["unstable"],
  },
  { name: "[3]", "meta-type": "array", "element-type": "3" },
  { name: "[int]", "meta-type": "array", "element-type": "int" },
  { name: "str", "meta-type": "builtin", "json-type": "string" },
  { name: "int", "meta-type": "builtin", "json-type": "int" },
  { name: "bool", "meta-type": "builtin", "json-type": "boolean" },
  { name: "null", "meta-type": "builtin", "json-type": "null" },
];

const info = { info: { file: "query-qmp-schema", line: 0 } };
const expected: SchemaIR = {
  protocol: "qmp",
  version: "9.1",
  qemu: "9.1.0",
  types: {
    "q_query-status-ret": {
      kind: "struct",
      data: { running: "bool", status: "q_query-status-ret-status" },
      ...info,
    },
    "q___com.redhat_drive_add-arg-ref-object": {
      kind: "struct",
      data: { id: "str", sizes: ["int"] },
      ...info,
    },
    "q___com.redhat_attach-arg": {
      kind: "union",
      base: { kind: "q___com.redhat_attach-arg-kind", id: { type: "str", optional: true } },
      discriminator: "kind",
      data: { disk: "q___com.redhat_drive_add-arg-ref-object" },
      ...info,
    },
    "q_query-status-ret-status": {
      kind: "enum",
      data: ["running", "paused"],
      values: { paused: { features: ["deprecated"] } },
      ...info,
    },
    "q___com.redhat_drive_add-arg-ref": {
      kind: "alternate",
      data: { string: "str", object: "q___com.redhat_drive_add-arg-ref-object", null: "null" },
      ...info,
    },
    "q___com.redhat_attach-arg-kind": { kind: "enum", data: ["disk", "none"], ...info },
    "q___com.redhat_pair-arg": { kind: "struct", data: { left: "str" }, ...info },
    "q___COM.REDHAT_DISK_GONE-arg": {
      kind: "struct",
      data: { id: "str" },
      features: ["unstable"],
      ...info,
    },
  },
  commands: {
    "query-status": { returns: "q_query-status-ret", ...info },
    "__com.redhat_drive_add": {
      data: {
        file: "str",
        bus: { type: "int", optional: true },
        legacy: { type: "bool", optional: true, features: ["deprecated"] },
        ref: "q___com.redhat_drive_add-arg-ref",
      },
      features: ["unstable"],
      ...info,
    },
    "__com.redhat_query-disks": { returns: ["q___com.redhat_drive_add-arg-ref-object"], ...info },
    "__com.redhat_attach": { data: "q___com.redhat_attach-arg", boxed: true, ...info },
    "__com.redhat_ping": { "allow-oob": true, ...info },
    "__com.redhat_pair": { data: "q___com.redhat_pair-arg", returns: "str", ...info },
    "__com.redhat_pair2": { data: "q___com.redhat_pair-arg", returns: "str", ...info },
  },
  events: {
    "__COM.REDHAT_DISK_GONE": { data: "q___COM.REDHAT_DISK_GONE-arg", ...info },
    RESUME: { ...info },
  },
  pragma: {},
};

Deno.test("a downstream schema without reference: predictable names, the literal it describes", () => {
  const ir = literalFromSchemaInfo(downstream, { version: "9.1", qemu: "9.1.0" });
  assert.deepEqual(ir, expected);
  // Names do not depend on anything but the reply.
  assert.deepEqual(literalFromSchemaInfo(downstream, { version: "9.1", qemu: "9.1.0" }), ir);
  // With a reference, the types it has at the same places take its names; the rest keep theirs.
  const named = literalFromSchemaInfo(downstream, {
    version: "9.1",
    qemu: "9.1.0",
    reference: qmp["7.2"],
  });
  const { "q_query-status-ret": _ret, "q_query-status-ret-status": _status, ...rest } =
    expected.types;
  assert.deepEqual(named, {
    ...expected,
    types: {
      StatusInfo: { kind: "struct", data: { running: "bool", status: "RunState" }, ...info },
      RunState: expected.types["q_query-status-ret-status"],
      ...rest,
    },
    commands: { ...expected.commands, "query-status": { returns: "StatusInfo", ...info } },
  });
});

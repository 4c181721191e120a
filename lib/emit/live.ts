/**
 * Vendoring from a live QEMU: the schema a running binary reports
 * (`query-qmp-schema`) written as a vendored module, the same `.js` value and
 * `.d.ts` literal type as `deno task vendor` writes from QAPI sources, so a
 * client can be typed by the exact binary it drives (a distribution's build
 * with its own `__com.redhat_…` commands, a release newer than the vendored
 * ones). Type names, which QEMU hides, are taken from the nearest vendored
 * version where the same type is found at the same place, and made up
 * predictably elsewhere (see `lib/introspect/to_literal.ts`).
 *
 * @example Type a client by the binary at hand
 * ```ts ignore
 * import { connect } from "../client/qmp.ts";
 * import { vendorLive } from "./live.ts";
 * const qmp = await connect("/run/qemu/vm1.qmp");
 * const module = await vendorLive(qmp);
 * await Deno.writeTextFile(`types/${module.files.value}`, module.value);
 * await Deno.writeTextFile(`types/${module.files.declaration}`, module.declaration);
 * await qmp.close();
 * ```
 *
 * @module
 */

import type { QemuVersion } from "../client/qmp.ts";
import type { SchemaInfo } from "../introspect/schema_info.ts";
import { literalFromSchemaInfo } from "../introspect/to_literal.ts";
import { launch, type LaunchOptions, qemuOptionValue } from "../launch/launch.ts";
import type { SchemaIR } from "../qapi/ir.ts";
import type { Protocol, SchemaLiteral } from "../types/literal.ts";
import { emitModule, moduleNames, type VendoredModule } from "./emit.ts";

/**
 * Options of `vendorLive`.
 *
 * @example
 * ```ts
 * import type { LiveVendorOptions } from "./live.ts";
 * const options: LiveVendorOptions = { protocol: "qsd", reference: false };
 * ```
 */
export interface LiveVendorOptions {
  /** The protocol: `qmp` (the system emulator, default) or `qsd` (the storage daemon). */
  readonly protocol?: Extract<Protocol, "qmp" | "qsd">;
  /**
   * The schema whose type names are recovered: a schema literal, or
   * `false` for made-up names only. Default: the nearest vendored version of
   * the protocol (the same `MAJOR.MINOR`, else the newest older one, else the
   * oldest).
   */
  readonly reference?: SchemaLiteral | false;
}

/**
 * A module written from a live schema: the two texts, the names to write
 * them under (the value imports its declaration as `./X.Y.d.ts`), and what
 * they were made from.
 *
 * @example
 * ```ts
 * import type { LiveModule } from "./live.ts";
 * const files: LiveModule["files"] = { value: "10.0.js", declaration: "10.0.d.ts" };
 * ```
 */
export interface LiveModule extends VendoredModule {
  /** The file names, side by side in one folder: `X.Y.js` and `X.Y.d.ts`. */
  readonly files: { readonly value: string; readonly declaration: string };
  /** The exported names: the type (`Qmp10_0`) and the value (`qmp10_0`). */
  readonly names: { readonly type: string; readonly value: string };
  /** The schema IR the module was written from. */
  readonly schema: SchemaIR;
  /** The vendored version whose names were recovered, if any. */
  readonly reference?: string;
}

/** What `vendorLive` needs of a client: its version and a raw call. */
export interface LiveSchemaSource {
  /** The server's version, from the greeting. */
  readonly version: QemuVersion;
  /** The connection, for `query-qmp-schema`. */
  readonly connection: { call(command: string, args?: object): Promise<unknown> };
}

/** Orders "MAJOR.MINOR" versions. */
const compare = (a: string, b: string) => {
  const [aMajor, aMinor] = a.split(".").map(Number) as [number, number];
  const [bMajor, bMinor] = b.split(".").map(Number) as [number, number];
  return aMajor - bMajor || aMinor - bMinor;
};

/**
 * The vendored schema of `protocol` nearest to `version`: the same version,
 * else the newest older one, else the oldest.
 *
 * @example
 * ```ts
 * import { nearestVendored } from "./live.ts";
 * const schema = await nearestVendored("qmp", "10.1");
 * console.log(schema.version); // "10.0"
 * ```
 */
export async function nearestVendored(
  protocol: Extract<Protocol, "qmp" | "qsd">,
  version: string,
): Promise<SchemaLiteral> {
  // Through `unknown`: relating every vendored literal to `SchemaLiteral`
  // cost whoever imports this module (introspect.ts, the shell) a second of
  // checking, for no check that matters here.
  const schemas =
    (protocol === "qmp"
      ? { ...(await import("../../schemas/qmp/mod.ts")).qmp }
      : { ...(await import("../../schemas/qsd/mod.ts")).qsd }) as unknown as Record<
        string,
        SchemaLiteral
      >;
  const versions = Object.keys(schemas).sort(compare);
  const older = versions.filter((v) => compare(v, version) <= 0);
  // `!`: several schemas of each protocol are vendored.
  return schemas[older.at(-1) ?? versions[0]!]!;
}

/**
 * Writes the schema IR of a live schema as a module, with a header that
 * says where it came from.
 */
function emitLive(schema: SchemaIR, version: QemuVersion, reference?: string): LiveModule {
  const module = emitModule(schema);
  const origin =
    `// Generated by qapi-ts from the live schema (query-qmp-schema) of QEMU ${schema.qemu}` +
    `${version.package ? ` (${version.package.replaceAll("\n", " ")})` : ""}` +
    `${reference ? `, type names from the vendored ${reference}` : ""}. Do not edit.`;
  const header = /^\/\/ Generated by `deno task vendor` [^\n]*$/m;
  return {
    declaration: module.declaration.replace(header, origin),
    value: module.value.replace(header, origin),
    files: { value: `${schema.version}.js`, declaration: `${schema.version}.d.ts` },
    names: moduleNames(schema.protocol, schema.version),
    schema,
    ...(reference ? { reference } : {}),
  };
}

/**
 * Asks a connected client for its server's schema (`query-qmp-schema`) and
 * writes it as a vendored module: `module.value` into `module.files.value`
 * and `module.declaration` into `module.files.declaration`, side by side,
 * then `import type { Qmp10_0 } from "./10.0.js"` types a client by it.
 *
 * @example
 * ```ts ignore
 * import { launch } from "../launch/launch.ts";
 * import { vendorLive } from "./live.ts";
 * await using qmp = await launch({ binary: "/usr/libexec/qemu-kvm" });
 * const module = await vendorLive(qmp);
 * await Deno.writeTextFile(module.files.value, module.value);
 * await Deno.writeTextFile(module.files.declaration, module.declaration);
 * ```
 */
export async function vendorLive(
  client: LiveSchemaSource,
  options: LiveVendorOptions = {},
): Promise<LiveModule> {
  const protocol = options.protocol ?? "qmp";
  const { major, minor, micro } = client.version;
  const version = `${major}.${minor}`;
  const entries = await client.connection.call("query-qmp-schema") as SchemaInfo[];
  const reference = options.reference === false
    ? undefined
    : options.reference ?? await nearestVendored(protocol, version);
  const schema = literalFromSchemaInfo(entries, {
    protocol,
    version,
    qemu: `${major}.${minor}.${micro}`,
    reference,
  });
  return emitLive(schema, client.version, reference?.version);
}

/**
 * Starts a QEMU binary with nothing attached (`-M none`), vendors its live
 * schema and quits it: `qapi-ts vendor --from-binary PATH`.
 *
 * @example
 * ```ts ignore
 * import { vendorBinary } from "./live.ts";
 * const module = await vendorBinary("/usr/libexec/qemu-kvm");
 * console.log(module.names.type, Object.keys(module.schema.commands).length);
 * ```
 */
export async function vendorBinary(
  binary: string,
  options: LiveVendorOptions & Pick<LaunchOptions, "args" | "extraArgs" | "monitorArgs"> = {},
): Promise<LiveModule> {
  const storageDaemon = options.protocol === "qsd";
  const qmp = await launch({
    binary,
    ...(storageDaemon
      ? {
        args: [],
        // The socket bound by the daemon, not pre-opened: given a pre-opened
        // socket, qemu-storage-daemon 10.0 now and then crashed (SIGSEGV)
        // before it served its monitor.
        monitorArgs: (socket: string) => [
          "--chardev",
          `socket,id=qmp,path=${qemuOptionValue(socket)},server=on,wait=off`,
          "--monitor",
          "chardev=qmp",
        ],
      }
      : {}),
    ...(options.args ? { args: options.args } : {}),
    ...(options.extraArgs ? { extraArgs: options.extraArgs } : {}),
    ...(options.monitorArgs ? { monitorArgs: options.monitorArgs } : {}),
  });
  try {
    return await vendorLive(qmp, options);
  } finally {
    await qmp.close();
  }
}

/**
 * Where each protocol's schema lives in a QEMU source tree, and the vendored
 * set: which versions and protocols `deno task vendor` writes.
 *
 * @module
 */

import type { Protocol } from "../types/literal.ts";

/**
 * The schema entry point of each protocol, relative to a QEMU source tree.
 *
 * @example
 * ```ts
 * import { schemaEntryPoints } from "./sources.ts";
 * console.log(schemaEntryPoints.qga); // "qga/qapi-schema.json"
 * ```
 */
export const schemaEntryPoints: Readonly<Record<Protocol, string>> = {
  qmp: "qapi/qapi-schema.json",
  qga: "qga/qapi-schema.json",
  qsd: "storage-daemon/qapi/qapi-schema.json",
};

/**
 * The QEMU releases vendored into `schemas/`, oldest first.
 *
 * @example
 * ```ts
 * import { vendoredVersions } from "./sources.ts";
 * console.log(vendoredVersions.at(-1)); // "10.2"
 * ```
 */
export const vendoredVersions = ["5.2", "7.2", "10.0", "10.2"] as const;

/**
 * The protocols vendored for each release.
 *
 * @example
 * ```ts
 * import { vendoredProtocols } from "./sources.ts";
 * console.log(vendoredProtocols.length); // 3
 * ```
 */
export const vendoredProtocols: readonly Protocol[] = ["qmp", "qga", "qsd"];

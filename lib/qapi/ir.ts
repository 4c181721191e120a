/**
 * The reader's intermediate representation: what `readSchema` returns after
 * parsing, resolving includes and checking a QAPI schema. It is the vendored
 * literal's shape plus where each definition came from and, on request, its
 * documentation, so the vendor can emit the literal and a diff can compare
 * two schemas without re-reading sources.
 *
 * @module
 */

import type {
  CommandDefinition,
  EventDefinition,
  Protocol,
  TypeDefinition,
} from "../schema/literal.ts";

/**
 * Where a definition was written: the file (as given or included) and the
 * 1-based line of the expression's opening brace.
 *
 * @example
 * ```ts
 * import type { SourceInfo } from "./ir.ts";
 * const where: SourceInfo = { file: "qapi/block-core.json", line: 3417 };
 * ```
 */
export interface SourceInfo {
  readonly file: string;
  readonly line: number;
}

/**
 * A definition's documentation, kept only when the reader is asked for it
 * (`{ docs: true }`): the free text, and the text for each member or value.
 *
 * @example
 * ```ts
 * import type { Documentation } from "./ir.ts";
 * const doc: Documentation = { text: "Resize a block image.", members: { size: "new size" } };
 * ```
 */
export interface Documentation {
  readonly text: string;
  readonly members?: { readonly [name: string]: string };
}

/**
 * Provenance attached to every definition of the IR.
 *
 * @example
 * ```ts
 * import type { Provenance } from "./ir.ts";
 * const p: Provenance = { info: { file: "qapi/misc.json", line: 10 } };
 * ```
 */
export interface Provenance {
  readonly info: SourceInfo;
  readonly doc?: Documentation;
}

/**
 * A checked schema: the vendored literal's three maps, each definition with
 * its provenance, plus the `pragma` settings that were in force.
 *
 * Insertion order of each map is the order of definition in the sources.
 *
 * @example
 * ```ts
 * import type { SchemaIR } from "./ir.ts";
 * const ir: SchemaIR = {
 *   protocol: "qga",
 *   version: "7.2",
 *   qemu: "7.2.0",
 *   types: {},
 *   commands: { "guest-ping": { info: { file: "qga/qapi-schema.json", line: 20 } } },
 *   events: {},
 *   pragma: {},
 * };
 * ```
 */
export interface SchemaIR {
  readonly protocol: Protocol;
  readonly version: string;
  readonly qemu: string;
  readonly types: { readonly [name: string]: TypeDefinition & Provenance };
  readonly commands: { readonly [name: string]: CommandDefinition & Provenance };
  readonly events: { readonly [name: string]: EventDefinition & Provenance };
  readonly pragma: { readonly [key: string]: unknown };
}

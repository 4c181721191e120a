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
} from "../types/literal.ts";

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
  /** The file, as named to the reader or by `include` (empty for built-in definitions). */
  readonly file: string;
  /** The 1-based line of the opening brace (0 for built-in definitions). */
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
  /** The definition's untagged text. */
  readonly text: string;
  /** Each member's (or enum value's, or branch's) description, by name. */
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
  /** Where the definition is. */
  readonly info: SourceInfo;
  /** Its documentation, when asked for. */
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
  /** The protocol the schema describes. */
  readonly protocol: Protocol;
  /** QEMU's `MAJOR.MINOR`. */
  readonly version: string;
  /** The exact QEMU version. */
  readonly qemu: string;
  /** Types by name: enums, structs, unions, alternates (and the built-in `QType`). */
  readonly types: { readonly [name: string]: TypeDefinition & Provenance };
  /** Commands by name. */
  readonly commands: { readonly [name: string]: CommandDefinition & Provenance };
  /** Events by name. */
  readonly events: { readonly [name: string]: EventDefinition & Provenance };
  /** The pragmas in force, by QAPI's names. */
  readonly pragma: { readonly [key: string]: unknown };
}

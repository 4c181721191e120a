/**
 * A small made-up schema history for testing the span case generator: two
 * versions with every kind of difference the generator turns into cases.
 *
 * @module
 */

import type { SchemaLiteral } from "../../../mod.ts";

/** The older version. */
export const older = {
  protocol: "qmp",
  version: "1.0",
  qemu: "1.0.0",
  types: {
    Driver: { kind: "enum", data: ["a", "b"] },
    Mode: { kind: "enum", data: ["fast", "slow"] },
    Opts: { kind: "struct", data: { name: "str", old: { type: "int", optional: true } } },
    BranchA: { kind: "struct", data: { x: { type: "bool", optional: true } } },
    U: {
      kind: "union",
      base: { driver: "Driver", id: { type: "str", optional: true } },
      discriminator: "driver",
      data: { a: "BranchA" },
    },
    Ref: { kind: "alternate", data: { definition: "U", reference: "str" } },
  },
  commands: {
    cmd: {
      data: {
        opts: "Opts",
        mode: { type: "Mode", optional: true },
        u: { type: "U", optional: true },
        modes: { type: ["Mode"], optional: true },
        ref: { type: "Ref", optional: true },
        name: "str",
      },
    },
    strict: { data: { must: "str" } },
    gone: {},
  },
  events: {},
} as const satisfies SchemaLiteral;

/** The newer version: values, members, a branch and an alternate branch added or removed. */
export const newer = {
  protocol: "qmp",
  version: "2.0",
  qemu: "2.0.0",
  types: {
    Driver: { kind: "enum", data: ["a", "b", "c"] },
    Mode: { kind: "enum", data: ["fast", "turbo"] },
    Opts: { kind: "struct", data: { name: "str", new: { type: "bool", optional: true } } },
    BranchA: {
      kind: "struct",
      data: { x: { type: "bool", optional: true }, y: { type: "str", optional: true } },
    },
    BranchC: { kind: "struct", data: { z: "str" } },
    U: {
      kind: "union",
      base: {
        driver: "Driver",
        id: { type: "str", optional: true },
        extra: { type: "bool", optional: true },
      },
      discriminator: "driver",
      data: { a: "BranchA", c: "BranchC" },
    },
    Ref: { kind: "alternate", data: { definition: "U", reference: "str", null: "null" } },
    StrOrNull: { kind: "alternate", data: { s: "str", n: "null" } },
  },
  commands: {
    cmd: {
      data: {
        opts: "Opts",
        mode: "Mode",
        u: { type: "U", optional: true },
        modes: { type: ["Mode"], optional: true },
        ref: { type: "Ref", optional: true },
        name: "StrOrNull",
      },
    },
    strict: { data: { must: "str", more: "str" } },
    added: {},
  },
  events: {},
} as const satisfies SchemaLiteral;

// The type-level client for the benchmark's scripts; the benchmark copies it
// beside each script with these paths made absolute.
import type { Execute, QmpEvent } from "../../lib/schema/mod.ts";
import type { Qmp10_2 } from "../../schemas/qmp/10.2.ts";
export declare const qmp: { execute: Execute<Qmp10_2> };
export type Event = QmpEvent<Qmp10_2>;

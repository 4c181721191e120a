/**
 * Events: their names, payloads, and the discriminated union of messages.
 *
 * @module
 */

import type { Empty } from "./commands.ts";
import type { MemberType } from "./members.ts";
import type { ResolveOut } from "./resolve.ts";
import type { SpanOf } from "./span.ts";
import type { Prettify } from "./prettify.ts";

/** The `events` map of a schema. */
export type EventsOf<schema> = schema extends { events: infer events } ? events : never;

/**
 * The names of a schema's events.
 *
 * @example
 * ```ts
 * import type { EventName } from "./events.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
 * const name: EventName<Qmp10_2> = "SHUTDOWN";
 * ```
 */
// An intersection with `string`, so errors name the alias (see `CommandName`).
export type EventName<schema> = EventNames<schema> & string;

/**
 * The event names of `EventName`, by schema or span.
 *
 * @internal
 */
type EventNames<schema> = schema extends SpanOf<infer schemas>
  // Common keys of the versions' maps: the events of every version.
  ? keyof EventsOf<schemas> & string
  : schema extends unknown ? keyof EventsOf<schema> & string
  : never;

/**
 * An event's `data` (open: from the server), as one flat object for hovers.
 * Events without data carry `{}`, typed as an object with no members.
 * `NoInfer` keeps the alias safe in a user's generic handler registry (see
 * `CommandArgs`).
 *
 * @example
 * ```ts
 * import type { EventData } from "./events.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
 * declare const data: EventData<Qmp10_2, "SHUTDOWN">;
 * const guest: boolean = data.guest;
 * ```
 */
export type EventData<schema, event> = EventDataOf<schema, NoInfer<event>>;

/**
 * `EventData` without the `NoInfer` guard.
 *
 * @example
 * ```ts
 * import type { EventDataOf } from "./events.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
 * declare const data: EventDataOf<Qmp10_2, "SHUTDOWN">;
 * const guest: boolean = data.guest;
 * ```
 */
export type EventDataOf<schema, event> = Prettify<
  schema extends SpanOf<infer schemas>
    // A span's event carries what any of its versions sends.
    ? (schemas extends unknown ? SingleEventData<schemas, event> : never)
    : SingleEventData<schema, event>
>;

/** @internal */
type SingleEventData<schema, event> = EventDefinitionOf<schema, event> extends { data: infer data }
  ? data extends string ? ResolveOut<schema, data>
    // Inline `data: {}`: `{}` exactly, as an event without data.
  : [keyof data] extends [never] ? Empty
  : EventMembers<schema, event>
  : Empty;

/**
 * An event's inline `data` map.
 *
 * @internal
 */
type InlineData<schema, event> = EventDefinitionOf<schema, event> extends { data: infer data }
  ? data
  : never;

/**
 * An event's definition, looked up through the cached `EventKeys` (see
 * `DefinitionOf`): distributive, so a union of names (`QmpEvent`'s) gives
 * each event's own definition.
 *
 * @internal
 */
type EventDefinitionOf<schema, event> = event extends EventKeys<schema> ? EventsOf<schema>[event]
  : never;

/**
 * The keys of a schema's `events` map, computed once per schema (a
 * conditional type is cached by its arguments).
 *
 * @internal
 */
type EventKeys<schema> = schema extends { events: infer events } ? keyof events : never;

/**
 * The data of an event whose members are written inline, named by the
 * event.
 *
 * @example
 * ```ts
 * import type { EventMembers } from "./events.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
 * declare const data: EventMembers<Qmp10_2, "SHUTDOWN">;
 * const guest: boolean = data.guest;
 * ```
 */
export type EventMembers<schema, event> = {
  -readonly [member in keyof InlineData<schema, event>]: ResolveOut<
    schema,
    MemberType<InlineData<schema, event>[member]>
  >;
};

/**
 * When an event happened: seconds and microseconds since the epoch.
 *
 * @example
 * ```ts
 * import type { EventTimestamp } from "./events.ts";
 * const at: EventTimestamp = { seconds: 1_700_000_000, microseconds: 5 };
 * ```
 */
export interface EventTimestamp {
  /** Seconds since the Unix epoch. */
  readonly seconds: number;
  /** Microseconds within the second. */
  readonly microseconds: number;
}

/**
 * One event message of the schema, discriminated by `event`.
 *
 * @example
 * ```ts
 * import type { QmpEvent } from "./events.ts";
 * import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
 * function reason(message: QmpEvent<Qmp10_2>) {
 *   if (message.event === "SHUTDOWN") return message.data.reason;
 * }
 * ```
 */
// For a span, every event some version sends (what `events()` delivers:
// a 10.2 server of a 7.2–10.2 span sends GUEST_PVSHUTDOWN), each with the
// data of the versions that send it; so a one-version client also passes
// where a client of a span that holds its version is expected. The names a
// span client subscribes to by name (`EventName`) are those of every version.
export type QmpEvent<schema, event extends string = SentEventName<schema>> = {
  [name in event]: {
    readonly event: name;
    readonly data: EventDataOf<schema, name>;
    readonly timestamp: EventTimestamp;
  };
}[event];

/**
 * The names of the events a server of the schema may send: for a span, those
 * of any of its versions (`EventName` has those of every version).
 *
 * @example
 * ```ts
 * import type { SentEventName } from "./events.ts";
 * import type { Span } from "./qmp_span.ts";
 * const name: SentEventName<Span<"7.2" | "10.2">> = "GUEST_PVSHUTDOWN";
 * ```
 */
export type SentEventName<schema> = SentEventNames<schema> & string;

/**
 * The names of `SentEventName`: each version's, distributed.
 *
 * @internal
 */
type SentEventNames<schema> = schema extends SpanOf<infer schemas>
  ? (schemas extends unknown ? keyof EventsOf<schemas> & string : never)
  : EventNames<schema>;

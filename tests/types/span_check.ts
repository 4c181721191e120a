/**
 * Version spans on real history (`deno check`): what compiles against every
 * version of a span, and what must not.
 */
import type {
  AtLeast,
  AtMost,
  Between,
  CommandArgs,
  CommandName,
  CommandReturn,
  EventData,
  EventName,
  Execute,
} from "../../lib/types/mod.ts";
import type { Span } from "../../lib/types/qmp_span.ts";
import type { Qmp7_2 } from "../../schemas/qmp/7.2.js";
import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";

type Equal<left, right> = (<value>() => value extends left ? 1 : 2) extends
  (<value>() => value extends right ? 1 : 2) ? true : false;
function assertType<_ extends true>() {}

declare const everywhere: Execute<Span<"5.2" | "7.2" | "10.0" | "10.2">>;
declare const modern: Execute<Span<"7.2" | "10.2">>;

export async function history() {
  // query-cpus is gone after 5.2; query-cpus-fast is everywhere.
  await everywhere("query-cpus-fast");
  // @ts-expect-error query-cpus is not in 7.2 and later
  await everywhere("query-cpus");
  // x-blockdev-reopen became blockdev-reopen (7.2).
  await modern("blockdev-reopen", { options: [] });
  // @ts-expect-error blockdev-reopen does not exist in 5.2
  await everywhere("blockdev-reopen", { options: [] });
  // migrate_set_speed is gone: migrate-set-parameters everywhere.
  await everywhere("migrate-set-parameters", { "max-bandwidth": 1 << 20 });
  // @ts-expect-error migrate_set_speed is not in 7.2 and later
  await everywhere("migrate_set_speed", { value: 1 });

  // Arguments: members every version knows; required where any requires.
  await modern("block_resize", { "node-name": "d", size: 1 });
  // @ts-expect-error a member only 10.2 knows is not accepted by the span
  await modern("block-commit", { device: "d", "backing-mask-protocol": true });

  // Results: the union of what the versions return.
  const status = await modern("query-status");
  assertType<Equal<typeof status.running, boolean>>();
}

// Ordered helpers over the vendored versions.
assertType<Equal<AtLeast<"10.0">, "10.0" | "10.2">>();
assertType<Equal<AtMost<"7.2">, "5.2" | "7.2">>();
assertType<Equal<Between<"7.2", "10.0">, "7.2" | "10.0">>();

// Names in a span are those of every version.
assertType<Equal<"query-cpus" extends CommandName<Span<"5.2">> ? true : false, true>>();
assertType<Equal<"query-cpus" extends CommandName<Span<"5.2" | "7.2">> ? true : false, false>>();
assertType<Equal<"SHUTDOWN" extends EventName<Span<"5.2" | "10.2">> ? true : false, true>>();
assertType<
  Equal<"GUEST_PVSHUTDOWN" extends EventName<Span<"5.2" | "10.2">> ? true : false, false>
>();
assertType<
  Equal<"GUEST_PVSHUTDOWN" extends EventName<Span<"10.0" | "10.2">> ? true : false, true>
>();
// Event data of a span: what any version sends.
type Shutdown = EventData<Span<"7.2" | "10.2">, "SHUTDOWN">;
assertType<Equal<Shutdown["guest"], boolean>>();
// Negative checks on names are real: no string index slips through.
assertType<Equal<string extends CommandName<Span<"7.2" | "10.2">> ? true : false, false>>();
assertType<Equal<string extends EventName<Span<"7.2" | "10.2">> ? true : false, false>>();
type Args = CommandArgs<Span<"7.2" | "10.2">, "block_resize">;
assertType<Equal<Args extends { size: number | bigint } ? true : false, true>>();
type Version = CommandReturn<Span<"7.2" | "10.2">, "query-version">;
assertType<Equal<Version["qemu"]["major"], number | bigint>>();

// Run-time narrowing: isAtLeast() narrows a span client to the later versions.
import type { QmpClient } from "../../lib/client/qmp.ts";
declare const client: QmpClient<Span<"7.2" | "10.2">>;
export async function narrowing() {
  // @ts-expect-error a member only 10.2 knows, before narrowing
  await client.execute("block-commit", { device: "d", "backing-mask-protocol": true });
  if (client.isAtLeast("10.0")) {
    await client.execute("block-commit", { device: "d", "backing-mask-protocol": true });
  }
  const old = {} as QmpClient<Span<"5.2" | "10.2">>;
  // @ts-expect-error query-cpus is not in 10.2
  await old.execute("query-cpus");
  if (old.isAtMost("7.2")) await old.execute("query-cpus");
}

// A union branch that is itself a union (`MigrationAddress`'s `socket`, since 8.1), across versions.
declare const recent: Execute<Span<"10.0" | "10.2">>;
export async function nestedUnions() {
  await recent("migrate", {
    channels: [{ "channel-type": "main", addr: { transport: "socket", type: "unix", path: "/m" } }],
  });
  await recent("migrate", {
    // @ts-expect-error a member of another variant of the branch union
    channels: [{ "channel-type": "main", addr: { transport: "socket", type: "unix", host: "h" } }],
  });
}

// A client of one version passes where a client of a span that holds it is
// expected; a client of a wider span does not (its server may be a version
// outside the span).
declare function fleetStatus(qmp: QmpClient<Span<"7.2" | "10.2">>): Promise<string>;
declare const newest: QmpClient<Qmp10_2>;
declare const oldest: QmpClient<Qmp7_2>;
declare const wider: QmpClient<Span<"7.2" | "10.0" | "10.2">>;
export async function spanParameters() {
  await fleetStatus(newest);
  await fleetStatus(oldest);
  // @ts-expect-error a 10.0 server is outside the span
  await fleetStatus(wider);
  // What a span client's stream delivers: the events of any version, with
  // the data of the versions that send them.
  for await (const message of client.events()) {
    if (message.event === "GUEST_PVSHUTDOWN") {
      const data: Record<string, never> = message.data;
      return data;
    }
  }
}

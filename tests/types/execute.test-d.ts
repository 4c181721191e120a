/**
 * tsd type tests of the typed `execute` on real commands of the vendored
 * schemas: every QAPI construct, calls that compile and calls that must not.
 */
import { expectAssignable, expectError, expectNotAssignable, expectType } from "tsd";
import type {
  CommandArgs,
  CommandReturn,
  Execute,
  JsonValue,
  TypeOf,
} from "../../lib/types/mod.ts";
import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
import type { Qmp5_2 } from "../../schemas/qmp/5.2.js";
import type { Qga10_2 } from "../../schemas/qga/10.2.js";
import type { Qsd10_2 } from "../../schemas/qsd/10.2.js";

declare const execute: Execute<Qmp10_2>;
declare const reject: Execute<Qmp10_2, { deprecated: "reject"; unstable: "reject" }>;

// Builtins: str, int (number, or bigint when sent), bool.
expectType<boolean>((await execute("query-status")).running);
expectType<string>((await execute("query-version")).package);
expectType<number | bigint>((await execute("query-version")).qemu.major);
expectAssignable<CommandArgs<Qmp10_2, "block_resize">>({ "node-name": "d", size: 2n ** 62n });

// Commands without data: no argument object; without returns: an empty object.
expectType<Record<string, never>>(await execute("stop"));
expectError(await execute("stop", { now: true }));

// Required, optional and missing members.
expectError(await execute("block_resize"));
expectError(await execute("block_resize", { "node-name": "disk0" }));
expectError(await execute("block_resize", { "node-name": "disk0", size: "1G" }));
expectError(await execute("block_resize", { "node-name": "disk0", size: 1, extra: 1 }));
await execute("query-named-block-nodes");
await execute("query-named-block-nodes", { flat: true });

// Enums: closed in arguments, open in results.
expectAssignable<TypeOf<Qmp10_2, "RunState">>("running");
expectAssignable<TypeOf<Qmp10_2, "RunState">>("a-state-from-the-future");
expectNotAssignable<TypeOf<Qmp10_2, "RunState", "in">>("a-state-from-the-future");

// Arrays: readonly in results, mutable arrays accepted in arguments.
expectType<string | undefined>((await execute("query-block"))[0].inserted?.image.format);
await execute("transaction", {
  actions: [
    { type: "block-dirty-bitmap-add", data: { node: "disk0", name: "bitmap0" } },
    {
      type: "blockdev-snapshot-sync",
      data: { "node-name": "disk0", "snapshot-file": "/tmp/s.qcow2" },
    },
  ],
});
expectError(await execute("transaction", { actions: [{ type: "no-such-action", data: {} }] }));

// Structs with bases: base members are there.
expectType<string>((await execute("query-cpus-fast"))[0]["qom-path"]);

// Flat unions (boxed blockdev-add), inline bases, nested unions, alternates, recursion.
await execute("blockdev-add", { driver: "null-co", "node-name": "n0" });
await execute("blockdev-add", {
  driver: "qcow2",
  "node-name": "disk0",
  file: { driver: "file", filename: "/tmp/disk.qcow2" },
  backing: null,
});
await execute("blockdev-add", { driver: "raw", "node-name": "r0", file: "disk0" });
expectError(await execute("blockdev-add", { driver: "null-co", "node-name": "n", filename: "/x" }));
expectError(await execute("blockdev-add", { driver: "file", "node-name": "n" }));
expectError(await execute("blockdev-add", { driver: "nope", "node-name": "n" }));

// QAPI any: a JSON value, not TypeScript's any.
expectType<JsonValue>(await execute("qom-get", { path: "/machine", property: "type" }));
expectError(await execute("qom-set", { path: "/m", property: "p", value: () => 1 }));

// null and alternates with null (StrOrNull).
expectAssignable<CommandArgs<Qmp10_2, "blockdev-add">>({
  driver: "qcow2",
  "node-name": "d",
  file: "f",
  backing: null,
});

// exec-oob only for allow-oob commands.
await execute("migrate-pause", undefined, { oob: true });
expectError(await execute("query-status", undefined, { oob: true }));

// Compat policy.
await execute("block-commit", { device: "d", top: "t" });
expectError(await reject("block-commit", { device: "d", top: "t" }));
await reject("block-commit", { device: "d", "top-node": "t" });
expectError(await reject("x-exit-preconfig"));

// Results of other protocols and versions.
declare const guest: Execute<Qga10_2>;
expectType<string>((await guest("guest-info")).version);
expectError(await guest("query-status"));
declare const storage: Execute<Qsd10_2>;
expectError(await storage("query-status"));
declare const old: Execute<Qmp5_2>;
await old("query-cpus");
expectError(await execute("query-cpus"));
expectType<CommandReturn<Qmp10_2, "query-status">>(await execute("query-status"));

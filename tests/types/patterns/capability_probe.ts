/**
 * Capability probing as libvirt does it: `supports()` queries on the live
 * client and on a vendored schema's index, the live schema read once, and
 * arguments checked against it before a call built at run time is sent.
 */
import type { QmpClient } from "../../../mod.ts";
import { indexLiteral, supports, validateArguments, ValidationError } from "../../../introspect.ts";
import type { SchemaInfoIndex } from "../../../introspect.ts";
import { qmp } from "../../../versions.ts";
import type { Qmp10_2 } from "../../../mod.ts";

const queries = {
  aioMaxBatch: "blockdev-add/arg-type/+file/aio-max-batch",
  ioUring: "blockdev-add/arg-type/+file/aio/^io_uring",
  migrateChannels: "migrate/arg-type/channels",
  audiodevs: "query-audiodevs",
} as const;
type Capability = keyof typeof queries;

export async function probe(client: QmpClient<Qmp10_2>): Promise<Record<Capability, boolean>> {
  const entries = await Promise.all(
    Object.entries(queries).map(async ([name, query]) =>
      [name, await client.supports(query)] as const
    ),
  );
  return Object.fromEntries(entries) as Record<Capability, boolean>;
}

export function offline(version: keyof typeof qmp): Capability[] {
  const index: SchemaInfoIndex = indexLiteral(qmp[version]);
  return (Object.keys(queries) as Capability[]).filter((name) => supports(index, queries[name]));
}

export async function checked(
  client: QmpClient<Qmp10_2>,
  command: string,
  args: Record<string, unknown>,
) {
  const index = await client.schemaInfo({ timeout: 5000 });
  try {
    validateArguments(index, command, args, {
      serverVersion: "10.2",
      policy: { deprecated: "reject" },
    });
  } catch (error) {
    if (error instanceof ValidationError) return error.message;
    throw error;
  }
  return index.commands.has(command) ? "ok" : "unknown";
}

export async function mistakes(client: QmpClient<Qmp10_2>) {
  // @ts-expect-error supports() is asynchronous on the client: a promise is always truthy
  const yes: boolean = client.supports(queries.audiodevs);
  // @ts-expect-error a version nobody vendored
  offline("9.0");
  // @ts-expect-error validateArguments needs the server's version
  validateArguments(indexLiteral(qmp["10.2"]), "stop", {}, {});
  // @ts-expect-error the index is not a schema literal
  indexLiteral(await client.schemaInfo());
  return yes;
}

/**
 * Helpers generic over the schema itself (any schema or span the client
 * accepts): library code that works with a client of any QMP version, called
 * with a client of one.
 */
import {
  connect,
  type EventName,
  type QmpClient,
  type QmpEvent,
  type Schema,
} from "../../../mod.ts";
import type { Qmp10_2 } from "../../../mod.ts";

/** The server's version as text, whatever schema the client is typed by. */
export function describe<schema extends Schema>(qmp: QmpClient<schema>): string {
  return `${qmp.version.major}.${qmp.version.minor}.${qmp.version.micro}`;
}

/** Every event's name, until the stream ends. */
export async function eventNames<schema extends Schema>(qmp: QmpClient<schema>): Promise<string[]> {
  const names: string[] = [];
  for await (const message of qmp.events()) names.push(message.event);
  return names;
}

/** Closes a client after `action`, whatever it is typed by. */
export async function using<schema extends Schema, result>(
  qmp: QmpClient<schema>,
  action: (qmp: QmpClient<schema>) => Promise<result>,
): Promise<result> {
  try {
    return await action(qmp);
  } finally {
    await qmp.close();
  }
}

/** Waits for a named event of the client's own schema. */
export function next<schema extends Schema, name extends EventName<schema>>(
  qmp: QmpClient<schema>,
  name: name,
): Promise<QmpEvent<schema, name>> {
  return qmp.waitFor(name);
}

export async function valid() {
  const qmp = await connect<Qmp10_2>("/tmp/qmp.sock");
  const version: string = describe(qmp);
  const names = await eventNames(qmp);
  const shutdown = await next(qmp, "SHUTDOWN");
  const guest: boolean = shutdown.data.guest;
  const status = await using(qmp, (client) => client.execute("query-status"));
  return { version, names, guest, running: status.running };
}

export async function invalid() {
  const qmp = await connect<Qmp10_2>("/tmp/qmp.sock");
  // @ts-expect-error not a client
  describe({});
  // @ts-expect-error wrong event name
  await next(qmp, "SHUTDOWNS");
  // @ts-expect-error unknown member of the event's data
  const reason = (await next(qmp, "SHUTDOWN")).data.no_such_member;
  // @ts-expect-error unknown command, through the callback's client
  await using(qmp, (client) => client.execute("no-such-command"));
  // @ts-expect-error ill-typed member, through the callback's client
  await using(qmp, (client) => client.execute("block_resize", { size: "1G" }));
  return reason;
}

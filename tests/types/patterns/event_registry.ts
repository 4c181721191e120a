/**
 * An event-name-generic handler registry: handlers keyed by event name, the
 * data typed by the name, dispatched from the client's event stream.
 */
import type { EventData, EventName, QmpClient, QmpEvent } from "../../../mod.ts";
import type { Qmp10_2 } from "../../../mod.ts";

type Handler<E extends EventName<Qmp10_2>> = (data: EventData<Qmp10_2, E>) => void;

const registry: { [E in EventName<Qmp10_2>]?: Handler<E>[] } = {};

export function on<E extends EventName<Qmp10_2>>(
  event: E,
  handler: (data: EventData<Qmp10_2, E>) => void,
): () => void {
  const list: Handler<E>[] = (registry[event] ??= []);
  list.push(handler);
  return () => list.splice(list.indexOf(handler), 1);
}

function dispatch<E extends EventName<Qmp10_2>>(message: QmpEvent<Qmp10_2, E>) {
  for (const handler of registry[message.event] ?? []) handler(message.data);
}

export async function pump(qmp: QmpClient<Qmp10_2>) {
  for await (const message of qmp.events()) dispatch(message);
}

export function valid() {
  on("SHUTDOWN", (data) => console.log(data.guest, data.reason));
  on("STOP", () => console.log("stopped"));
  on("JOB_STATUS_CHANGE", (data) => console.log(data.id, data.status));
  const off = on("DEVICE_DELETED", (data: { path: string }) => console.log(data.path));
  const handler: Handler<"BLOCK_JOB_COMPLETED"> = (data) => console.log(data.device);
  on("BLOCK_JOB_COMPLETED", handler);
  off();
}

export function invalid() {
  // @ts-expect-error wrong event name
  on("SHUTDOWNS", () => {});
  // @ts-expect-error unknown member of the data
  on("SHUTDOWN", (data) => console.log(data.no_such_member));
  // @ts-expect-error ill-typed use of a data member
  on("JOB_STATUS_CHANGE", (data) => data.id.toFixed());
  // @ts-expect-error the handler of another event
  on("STOP", (data: EventData<Qmp10_2, "SHUTDOWN">) => console.log(data.reason));
  const handler: Handler<"BLOCK_JOB_COMPLETED"> = (data) => console.log(data.device);
  // @ts-expect-error a handler typed for another event
  on("DEVICE_DELETED", handler);
}

/**
 * An event logger: a `switch` over every kind of `QmpEvent`, a `for await`
 * over a filtered listener, handlers written as separate functions typed by
 * `QmpEvent<Qmp10_2, name>`, and a count of events by name.
 */
import type { EventName, QmpClient, QmpEvent } from "../../../mod.ts";
import type { Qmp10_2 } from "../../../mod.ts";

type Any = QmpEvent<Qmp10_2>;

function stamp(event: Any): string {
  const { seconds, microseconds } = event.timestamp;
  return new Date(Number(seconds) * 1000 + Number(microseconds) / 1000).toISOString();
}

function onIoError(event: QmpEvent<Qmp10_2, "BLOCK_IO_ERROR">): string {
  const { device, operation, action, nospace = false, reason } = event.data;
  return `${device}: ${operation} error (${reason}), ${action}${nospace ? ", disk full" : ""}`;
}

export function line(event: Any): string {
  switch (event.event) {
    case "SHUTDOWN":
      return `shutdown by ${event.data.guest ? "guest" : "host"}: ${event.data.reason}`;
    case "RESET":
      return `reset (${event.data.reason})`;
    case "STOP":
    case "RESUME":
      return event.event.toLowerCase();
    case "BLOCK_IO_ERROR":
      return onIoError(event);
    case "DEVICE_DELETED":
      return `device ${event.data.device ?? "?"} at ${event.data.path} removed`;
    case "JOB_STATUS_CHANGE":
      return `job ${event.data.id}: ${event.data.status}`;
    case "GUEST_PANICKED":
      return `panic: ${event.data.action}${event.data.info ? ` (${event.data.info.type})` : ""}`;
    case "BALLOON_CHANGE":
      return `balloon ${Number(event.data.actual) >> 20} MiB`;
    case "RTC_CHANGE":
      return `rtc offset ${event.data.offset}`;
    default:
      return `${stamp(event)} ${event.event}`;
  }
}

export async function log(qmp: QmpClient<Qmp10_2>, signal: AbortSignal) {
  const counts = new Map<EventName<Qmp10_2>, number>();
  for await (const event of qmp.events({ signal, where: (e) => !e.event.startsWith("RTC") })) {
    counts.set(event.event, (counts.get(event.event) ?? 0) + 1);
    console.log(line(event));
  }
  return [...counts].sort(([, a], [, b]) => b - a);
}

export async function errorsOnly(qmp: QmpClient<Qmp10_2>) {
  using errors = qmp.listen(["BLOCK_IO_ERROR", "BLOCK_JOB_ERROR", "GUEST_PANICKED"], {
    where: (e) => e.event !== "BLOCK_IO_ERROR" || e.data.action === "stop",
    queueSize: 10,
  });
  const first = await errors.wait({ timeout: 1000 });
  if (first.event === "BLOCK_JOB_ERROR") return first.data.device;
  if (first.event === "GUEST_PANICKED") return first.data.action;
  return first.data["node-name"];
}

export function mistakes(event: Any) {
  switch (event.event) {
    // @ts-expect-error an event name that does not exist
    case "SHUTDOWN_COMPLETE":
      return;
    case "SHUTDOWN":
      // @ts-expect-error the data of another event
      return event.data.device;
    case "RESET":
      // @ts-expect-error `reason` is a ShutdownCause, not a number
      return event.data.reason.toFixed();
  }
  // @ts-expect-error a QmpEvent's timestamp is an object, not a number
  const when: number = event.timestamp;
  return when;
}

/**
 * Narrowing events: an exhaustive `switch` over a listener of three events
 * (a `never` check in `default`), `where` filters on data members, a
 * `waitFor` of one of several events raced, and data handed to helpers
 * typed by `EventData`.
 */
import type { EventData, QmpClient, QmpEvent } from "../../../mod.ts";
import type { Qmp10_2 } from "../../../mod.ts";

type Lifecycle = QmpEvent<Qmp10_2, "SHUTDOWN" | "RESET" | "POWERDOWN">;

function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}

export function describe(event: Lifecycle): string {
  switch (event.event) {
    case "SHUTDOWN":
      return `shutdown (${event.data.reason})`;
    case "RESET":
      return `reset by ${event.data.guest ? "guest" : "host"}`;
    case "POWERDOWN":
      return "power button";
    default:
      return assertNever(event);
  }
}

function ioError(data: EventData<Qmp10_2, "BLOCK_IO_ERROR">): boolean {
  return data.nospace === true;
}

export async function lifecycle(qmp: QmpClient<Qmp10_2>, signal: AbortSignal) {
  using events = qmp.listen(["SHUTDOWN", "RESET", "POWERDOWN"], {
    where: (event) => event.event !== "RESET" || event.data.reason !== "guest-reset",
    signal,
  });
  const lines: string[] = [];
  for await (const event of events) lines.push(describe(event));
  return lines;
}

export async function firstOf(qmp: QmpClient<Qmp10_2>) {
  const winner = await Promise.race([
    qmp.waitFor("SHUTDOWN", { history: false }),
    qmp.waitFor("BLOCK_IO_ERROR", { where: ({ data }) => ioError(data), history: false }),
  ]);
  return winner.event === "SHUTDOWN" ? winner.data.guest : winner.data.device;
}

export function mistakes(event: Lifecycle) {
  switch (event.event) {
    case "SHUTDOWN":
      return 1;
    default:
      // @ts-expect-error RESET and POWERDOWN are not handled: not exhaustive
      return assertNever(event);
  }
}

export function moreMistakes(qmp: QmpClient<Qmp10_2>) {
  qmp.listen(["SHUTDOWN", "RESET"], {
    // @ts-expect-error SHUTDOWN's data has no `device`
    where: (event) => event.event === "SHUTDOWN" && event.data.device === "x",
  });
  // @ts-expect-error the data of BLOCK_IO_ERROR is not the data of a job event
  qmp.on("BLOCK_IO_ERROR", ({ data }) => console.log(data.id));
}

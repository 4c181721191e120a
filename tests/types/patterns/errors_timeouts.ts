/**
 * Failure handling: `instanceof` on every error class, QEMU's error class
 * compared, timeouts and abort signals per call, out-of-band calls on a
 * connection negotiated with `oob`, and `Promise.all` over a batch.
 */
import {
  connect,
  ConnectionClosedError,
  ProtocolError,
  QmpError,
  TimeoutError,
} from "../../../mod.ts";
import type { CallOptions, CommandName, Qmp10_2, QmpClient } from "../../../mod.ts";

export function explain(error: unknown): string {
  if (error instanceof QmpError) {
    switch (error.errorClass) {
      case "DeviceNotFound":
        return `${error.command}: no such device (${error.desc})`;
      case "CommandNotFound":
        return `${error.command} is not in this QEMU`;
      default:
        return `${error.command}: ${error.errorClass}: ${error.desc}`;
    }
  }
  if (error instanceof TimeoutError) {
    return `${error.command}: no reply in ${error.milliseconds} ms`;
  }
  if (error instanceof ConnectionClosedError) return `closed during ${error.command ?? "nothing"}`;
  if (error instanceof ProtocolError) return `protocol: ${error.message} ${error.excerpt ?? ""}`;
  return String(error);
}

export async function tryQuery(qmp: QmpClient<Qmp10_2>, name: CommandName<Qmp10_2>) {
  try {
    return await qmp.execute("query-status", undefined, { timeout: 2000 });
  } catch (error) {
    console.error(name, explain(error));
    return undefined;
  }
}

export async function cancellable(path: string, signal: AbortSignal) {
  await using qmp = await connect<Qmp10_2>(path, { oob: true });
  const options: CallOptions = { signal, timeout: 30_000 };
  const [status, block] = await Promise.all([
    qmp.execute("query-status", {}, options),
    qmp.execute("query-block", undefined, options),
  ]);
  // migrate-pause and x-oob-test are the out-of-band commands
  await qmp.execute("migrate-pause", undefined, { oob: true, timeout: 1000 });
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("user gave up")), 500);
  const slow = qmp.execute("query-named-block-nodes", { flat: true }, {
    signal: controller.signal,
  });
  const settled = await Promise.allSettled([slow, qmp.execute("query-jobs")]);
  return { running: status.running, devices: block.length, settled: settled.length };
}

export async function mistakes(qmp: QmpClient<Qmp10_2>) {
  // @ts-expect-error query-status is not allowed out of band
  await qmp.execute("query-status", undefined, { oob: true });
  // @ts-expect-error timeout is a number of milliseconds
  await qmp.execute("query-status", undefined, { timeout: "5s" });
  // @ts-expect-error an option that does not exist
  await qmp.execute("query-status", undefined, { retries: 3 });
  try {
    await qmp.execute("stop");
  } catch (error) {
    // @ts-expect-error `error` is unknown until narrowed
    console.log(error.errorClass);
    // @ts-expect-error QmpError's class is `errorClass`, not `class`
    if (error instanceof QmpError) console.log(error.class);
  }
}

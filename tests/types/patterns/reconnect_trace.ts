/**
 * A long-running agent: a reconnecting client with queued calls, its state
 * watched, every message traced into a recorder, and a recording replayed in
 * a unit test; accept mode for a QEMU that connects to us.
 */
import {
  connect,
  type ConnectionState,
  listenQmp,
  type QmpOptions,
  replayTransport,
  type StateChange,
  TraceRecorder,
} from "../../../mod.ts";
import type { Qmp10_2 } from "../../../mod.ts";

export async function supervise(path: string) {
  const recorder = new TraceRecorder({ maxEntries: 10_000 });
  const options: QmpOptions = {
    reconnect: {
      delay: 100,
      maxDelay: 5000,
      attempts: 20,
      whileReconnecting: "queue",
      maxQueued: 100,
    },
    trace: recorder.hook,
    eventBufferSize: 500,
  };
  const qmp = await connect<Qmp10_2>(path, options);
  const history: ConnectionState[] = [];
  const off = qmp.onStateChange(({ state, reason, attempt }: StateChange) => {
    history.push(state);
    if (state === "reconnecting") console.log(`attempt ${attempt ?? 0}: ${reason ?? ""}`);
  });
  qmp.on("STOP", () => console.log("stopped"));
  const status = await qmp.execute("query-status", undefined, { timeout: 10_000 });
  const reason = await Promise.race([
    qmp.closed,
    new Promise<string>((r) => setTimeout(() => r("still up"), 1000)),
  ]);
  off();
  await qmp.close();
  return {
    status: status.status,
    history,
    reason,
    trace: recorder.toJsonLines(),
    dropped: recorder.dropped,
  };
}

export async function replay(recording: string) {
  await using qmp = await connect<Qmp10_2>(replayTransport(recording));
  const { running } = await qmp.execute("query-status");
  return running;
}

export async function accept(path: string, signal: AbortSignal) {
  await using listener = await listenQmp(path);
  await using vm = await listener.accept({ signal, reconnect: true });
  return vm.version;
}

export async function mistakes(path: string) {
  // @ts-expect-error what to do while reconnecting: "queue" or "reject"
  await connect(path, { reconnect: { whileReconnecting: "wait" } });
  const qmp = await connect<Qmp10_2>(path);
  // @ts-expect-error the state is a string, not a boolean
  if (qmp.state === true) return;
  // @ts-expect-error the trace hook is a function
  await connect(path, { trace: new TraceRecorder() });
}

/**
 * QEMU dies with the process that launched it, and its private directory
 * goes: a client process (`fixture.ts`, on Deno with QEMU 7.2 and 10.0, on
 * Node with QEMU 10.0) launches QEMU, then ends normally without `close()`,
 * exits, throws, is signalled (SIGTERM, SIGINT, SIGHUP) or killed (SIGKILL).
 * Also: an idle client does not keep its process alive, one that awaits a
 * reply or an event does.
 */
import assert from "node:assert/strict";
import { provision, realQemuSkipped } from "../provision/qemu.ts";
import { alive, eventually, exists, leaveNothing, startClient } from "./helpers.ts";

const skipped = realQemuSkipped();
const binaries = skipped ? undefined : await provision();

/** How the client process ends: a mode of the fixture, or a signal sent to it. */
interface Ending {
  readonly name: string;
  readonly mode: string;
  readonly signal?: Deno.Signal;
  /** The expected status: an exit code, or the signal that ended it. */
  readonly expect: number | Deno.Signal;
  /** Text the process prints after its report. */
  readonly output?: string;
  /**
   * True when the process runs no code on its way out (SIGKILL; an uncaught
   * exception on Deno): the directory goes shortly after instead of at once.
   */
  readonly later?: boolean;
}

const endings: readonly Ending[] = [
  { name: "ends without close()", mode: "end", expect: 0 },
  { name: "closes", mode: "close", expect: 0 },
  { name: "calls process.exit(3)", mode: "exit", expect: 3 },
  { name: "throws an uncaught exception", mode: "throw", expect: 1, later: true },
  { name: "is sent SIGTERM", mode: "wait", signal: "SIGTERM", expect: "SIGTERM" },
  { name: "is sent SIGINT", mode: "wait", signal: "SIGINT", expect: "SIGINT" },
  { name: "is sent SIGHUP", mode: "wait", signal: "SIGHUP", expect: "SIGHUP" },
  { name: "is killed (SIGKILL)", mode: "wait", signal: "SIGKILL", expect: "SIGKILL", later: true },
  {
    name: "handles SIGTERM itself (closes, exits with 7)",
    mode: "handler",
    signal: "SIGTERM",
    expect: 7,
    output: "handled\n",
  },
  { name: "awaits waitFor() (no close)", mode: "waitFor", expect: 0, output: "STOP\n" },
  { name: "iterates events() (no close)", mode: "iterate", expect: 0, output: "STOP\n" },
  { name: "awaits exited (no close)", mode: "exited", expect: 0, output: "0\n" },
];

const runs = [
  { runtime: "deno", version: "7.2" },
  { runtime: "deno", version: "10.0" },
  { runtime: "node", version: "10.0" },
] as const;

for (const { runtime, version } of runs) {
  for (const ending of endings) {
    Deno.test({
      name: `${runtime}, QEMU ${version}: a client process that ${ending.name} leaves nothing`,
      ignore: skipped,
      sanitizeResources: false,
      fn: async () => {
        const qemu = binaries![version];
        const client = await startClient(runtime, {
          QAPI_TS_MODE: ending.mode,
          QAPI_TS_QEMU: qemu.system,
          ...(qemu.dataArgs.length ? { QAPI_TS_QEMU_DATA: qemu.dataArgs[1] } : {}),
        });
        const { pid } = client.report;
        const { directory } = client.report;
        try {
          if (ending.signal) {
            // The process waits for the signal: QEMU runs, its socket is in the directory.
            assert.ok(alive(pid), "QEMU runs");
            assert.ok(exists(`${directory}/qmp.sock`), "the socket is in the directory");
            client.process.kill(ending.signal);
          }
          // A process that hangs is a failure, not a hung test.
          const hung = setTimeout(() => client.process.kill("SIGKILL"), 20_000);
          const { status, output, errors } = await client.ended.finally(() => clearTimeout(hung));
          const got = status.signal ?? status.code;
          assert.equal(got, ending.expect, `ended with ${got}; stderr:\n${errors}`);
          if (ending.output !== undefined) assert.equal(output, ending.output);
          if (!ending.later) {
            assert.ok(!exists(directory), "the directory is removed before the process ends");
          }
          assert.ok(await eventually(() => !alive(pid), 10_000), "QEMU has ended");
          assert.ok(await eventually(() => !exists(directory), 5_000), "the directory is gone");
        } finally {
          leaveNothing(pid, directory);
        }
      },
    });
  }
}

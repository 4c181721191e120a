/**
 * A user's script against the installed npm package, type-checked (never
 * run) by TypeScript 5.9 and 7 with `moduleResolution` `node16` and
 * `bundler`: every subpath resolves to its declarations, typed calls compile
 * and mistakes do not (each `@ts-expect-error` fails the check when its line
 * compiles).
 */
import {
  type CommandArgs,
  type CommandName,
  type CommandReturn,
  connect,
  type EventData,
  launch,
  type Qmp10_2,
  QmpError,
  type TypeOf,
} from "@qapi-ts/qapi-ts";
import type { AtLeast, Qmp, Span } from "@qapi-ts/qapi-ts/versions";
import { type Qmp7_2, qmp7_2 } from "@qapi-ts/qapi-ts/qmp/7.2";
import type { Qmp10_0 } from "@qapi-ts/qapi-ts/qmp/10.0";
import { qmp10_2 } from "@qapi-ts/qapi-ts/qmp/10.2";
import { qga10_2 } from "@qapi-ts/qapi-ts/qga/10.2";
import type { Qsd7_2 } from "@qapi-ts/qapi-ts/qsd/7.2";
import { connectGuestAgent, guestExec } from "@qapi-ts/qapi-ts/guest";
import { launchStorageDaemon } from "@qapi-ts/qapi-ts/storage";
import { indexLiteral, supports } from "@qapi-ts/qapi-ts/introspect";
import { countChanges, diffSchemas } from "@qapi-ts/qapi-ts/diff";

async function typedCalls(): Promise<void> {
  await using qmp = await launch<Qmp10_2>({ binary: "qemu-system-x86_64" });
  const status = await qmp.execute("query-status");
  const running: boolean = status.running;
  await qmp.execute("blockdev-add", { driver: "null-co", "node-name": "n0", size: 2n ** 40n });
  // @ts-expect-error: a misspelt member does not compile
  await qmp.execute("block_resize", { "node-nam": "n0", size: 1 });
  // @ts-expect-error: an unknown command does not compile
  await qmp.execute("query-nothing");
  const stop = await qmp.waitFor("STOP", { timeout: 1000 });
  const event: "STOP" = stop.event;
  try {
    await qmp.execute("cont");
  } catch (error) {
    if (error instanceof QmpError) console.log(error.errorClass, running, event);
  }
}

async function spans(): Promise<void> {
  const qmp = await connect<Span<"7.2" | "10.2">>("/run/qemu/qmp.sock");
  await qmp.execute("query-status");
  if (qmp.isAtLeast("10.2")) await qmp.execute("query-audiodevs");
  await qmp.close();
}

async function otherProtocols(): Promise<void> {
  const agent = await connectGuestAgent("/run/qga.sock");
  const info = await agent.execute("guest-info");
  const version: string = info.version;
  const result = await guestExec(agent, "/bin/true", []);
  console.log(version, result.exitCode);
  await using qsd = await launchStorageDaemon<Qsd7_2>();
  await qsd.execute("blockdev-add", { driver: "null-co", "node-name": "n0" });
}

type Resize = CommandArgs<Qmp10_2, "block_resize">;
const resize: Resize = { "node-name": "disk0", size: 1 << 30 };
// @ts-expect-error: size is a number or a bigint
const badResize: Resize = { "node-name": "disk0", size: "1G" };
const names: CommandName<Qmp7_2>[] = ["query-status", "blockdev-add"];
type Blocks = CommandReturn<Qmp10_0, "query-block">;
const format = (blocks: Blocks): string | undefined => blocks[0]?.inserted?.image.format;
type Shutdown = EventData<Qmp10_2, "SHUTDOWN">;
const guest = (data: Shutdown): boolean => data.guest;
type RunState = TypeOf<Qmp10_2, "RunState">;
const state: RunState = "running";
const versions: keyof Qmp = "5.2";
type Recent = AtLeast<"10.0">;
const recent: Recent[] = ["10.0", "10.2"];
const schemas = [qmp7_2.version, qmp10_2.version, qga10_2.protocol] as const;
const audio: boolean = supports(indexLiteral(qmp10_2), "query-audiodevs");
const changed: Record<string, number> = countChanges(diffSchemas(qmp7_2, qmp10_2));
console.log(
  resize,
  badResize,
  names,
  format,
  guest,
  state,
  versions,
  recent,
  schemas,
  audio,
  changed,
);
console.log(typedCalls, spans, otherProtocols);

/**
 * qapi-ts: drive QEMU over QMP (and its guest agent, and qemu-storage-daemon)
 * with every command, event and type derived at compile time from QEMU's own
 * QAPI schema.
 *
 * @example Typed calls against QMP 10.2's schema
 * ```ts
 * import type { CommandArgs, CommandReturn, Qmp } from "./mod.ts";
 * const args: CommandArgs<Qmp["10.2"], "block_resize"> = { "node-name": "disk0", size: 1 << 30 };
 * declare const status: CommandReturn<Qmp["10.2"], "query-status">;
 * console.log(args, status?.running);
 * ```
 *
 * @module
 */

export type * from "./lib/schema/mod.ts";
export type { Span } from "./lib/schema/qmp_span.ts";
export type { Qmp, QmpVersion } from "./schemas/qmp/mod.ts";
export type { Qga, QgaVersion } from "./schemas/qga/mod.ts";
export type { Qsd, QsdVersion } from "./schemas/qsd/mod.ts";
export type { CallOptions, OobCallOptions } from "./lib/protocol/options.ts";
export { connect, type QemuVersion, QmpClient, type QmpOptions } from "./lib/client/qmp.ts";
export { launch, LaunchedQmpClient, type LaunchOptions } from "./lib/launch/launch.ts";
export {
  ConnectionClosedError,
  ProtocolError,
  QmpError,
  TimeoutError,
} from "./lib/protocol/errors.ts";
export type { RawEvent, WaitOptions } from "./lib/protocol/events.ts";
export { connectGuestAgent, GuestAgent, type GuestAgentOptions } from "./lib/guest/agent.ts";
export {
  guestExec,
  type GuestExecResult,
  guestReadFile,
  guestWriteFile,
} from "./lib/guest/helpers.ts";
export { launchStorageDaemon } from "./lib/storage/daemon.ts";
export type { ConnectionOptions } from "./lib/protocol/connection.ts";
export type { Target, Transport } from "./lib/transport/transport.ts";
export {
  indexSchemaInfo,
  type SchemaInfo,
  type SchemaInfoIndex,
} from "./lib/introspect/schema_info.ts";
export { indexLiteral } from "./lib/introspect/from_literal.ts";
export { supports } from "./lib/introspect/supports.ts";
export { validateArguments, validateValue, ValidationError } from "./lib/introspect/validate.ts";
export { countChanges, diffSchemas, formatChanges, type SchemaChange } from "./lib/vendor/diff.ts";

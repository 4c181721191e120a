/**
 * qapi-ts: drive QEMU over QMP with every command, event and type derived at
 * compile time from QEMU's own QAPI schema.
 *
 * This entry point is the QMP client and the type-level API, typed by QEMU
 * 10.2's schema unless told otherwise. It loads one vendored schema (10.2);
 * other versions, spans, the guest agent, the storage daemon, the live-schema
 * tools and the schema diff are entry points of their own, so a program pays
 * only for what it imports.
 *
 * @example Typed calls against QMP 10.2's schema
 * ```ts
 * import type { CommandArgs, CommandReturn, Qmp10_2 } from "./mod.ts";
 * const args: CommandArgs<Qmp10_2, "block_resize"> = { "node-name": "disk0", size: 1 << 30 };
 * declare const status: CommandReturn<Qmp10_2, "query-status">;
 * console.log(args, status?.running);
 * ```
 *
 * @module
 */

export type * from "./lib/types/mod.ts";
export type { Qmp10_2 } from "./schemas/qmp/10.2.js";
export type { CallOptions, OobCallOptions } from "./lib/protocol/options.ts";
export {
  connect,
  type ConnectionState,
  type QemuVersion,
  QmpClient,
  type QmpOptions,
  type ReconnectOptions,
  type Schema,
  type StateChange,
} from "./lib/client/qmp.ts";
export { type AcceptOptions, listenQmp, type QmpListener } from "./lib/client/accept.ts";
export type { HandshakeOptions, Negotiated } from "./lib/client/handshake.ts";
export {
  parseTrace,
  type TraceEntry,
  type TraceHook,
  TraceRecorder,
  type TraceRecorderOptions,
} from "./lib/protocol/trace.ts";
export { type ReplayTransport, replayTransport } from "./lib/transport/replay.ts";
export type { ListenSocketOptions, ListenTarget } from "./lib/transport/listen.ts";
export type { ListenTlsOptions } from "./lib/transport/tls_listen.ts";
export {
  type InheritedFd,
  inheritedFd,
  launch,
  LaunchedQmpClient,
  type LaunchOptions,
  type PassedFd,
  qemuOptionValue,
} from "./lib/launch/launch.ts";
export {
  type AddedFd,
  addFd,
  type FdPassingClient,
  FdPassingError,
  getFd,
  sendFds,
  type SocketOptions,
} from "./lib/launch/fd_passing.ts";
export {
  ConnectionClosedError,
  ProtocolError,
  QmpError,
  TimeoutError,
} from "./lib/protocol/errors.ts";
export {
  type EventHub,
  EventListener,
  ListenerClosedError,
  type ListenerWaitOptions,
  type ListenOptions,
  type RawEvent,
  type Unsubscribe,
  type WaitOptions,
} from "./lib/protocol/events.ts";
export type { Connection, ConnectionOptions } from "./lib/protocol/connection.ts";
export type { DuplexLike, Target, Transport } from "./lib/transport/transport.ts";
export type { TlsOptions } from "./lib/transport/tls.ts";
export { ValidationError } from "./lib/introspect/validate.ts";

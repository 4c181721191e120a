/**
 * The guest agent (QGA): a client typed by the guest agent's schema, and
 * helpers for running programs and moving files in the guest.
 *
 * @example
 * ```ts ignore
 * import { connectGuestAgent, guestExec } from "./guest.ts";
 * await using agent = await connectGuestAgent("/run/qga.sock");
 * const { exitCode, stdout } = await guestExec(agent, "/bin/uname", ["-r"]);
 * console.log(exitCode, stdout);
 * ```
 *
 * @module
 */

export { connectGuestAgent, GuestAgent, type GuestAgentOptions } from "./lib/guest/agent.ts";
export {
  type AnyAgent,
  guestExec,
  type GuestExecResult,
  guestReadFile,
  guestWriteFile,
} from "./lib/guest/helpers.ts";
export type { Qga10_2 } from "./schemas/qga/10.2.js";
export type { Connection } from "./lib/protocol/connection.ts";

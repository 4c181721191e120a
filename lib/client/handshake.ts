/**
 * The QMP handshake: the greeting (with a deadline), the server's version
 * and capabilities, and `qmp_capabilities`. Every way to a QMP client goes
 * through it: `connect`, accept mode, `launch`, and each reconnection.
 *
 * @module
 */

import type { Connection } from "../protocol/connection.ts";
import { ProtocolError } from "../protocol/errors.ts";
import { startTimer, timeoutProblem } from "../protocol/options.ts";

/**
 * The server's version, from the greeting.
 *
 * @example
 * ```ts
 * import type { QemuVersion } from "./handshake.ts";
 * const version: QemuVersion = { major: 10, minor: 0, micro: 2, package: "Debian" };
 * ```
 */
export interface QemuVersion {
  /** The major version (`10` in 10.0.2). */
  readonly major: number;
  /** The minor version (`0` in 10.0.2). */
  readonly minor: number;
  /** The micro version (`2` in 10.0.2). */
  readonly micro: number;
  /** The distributor's package version (`Debian 1:10.0.2+ds-2`), often empty. */
  readonly package: string;
}

/**
 * What the handshake learnt.
 *
 * @example
 * ```ts
 * import type { Negotiated } from "./handshake.ts";
 * const negotiated: Negotiated = {
 *   version: { major: 10, minor: 0, micro: 0, package: "" },
 *   offered: ["oob"],
 *   enabled: [],
 * };
 * ```
 */
export interface Negotiated {
  /** The server's version. */
  readonly version: QemuVersion;
  /** The capabilities the server offered. */
  readonly offered: readonly string[];
  /** The capabilities enabled. */
  readonly enabled: readonly string[];
}

/**
 * Options of the handshake.
 *
 * @example
 * ```ts
 * import type { HandshakeOptions } from "./handshake.ts";
 * const options: HandshakeOptions = { oob: true, greetingTimeout: 5_000 };
 * ```
 */
export interface HandshakeOptions {
  /** Enable out-of-band execution when the server offers it. Default false. */
  readonly oob?: boolean;
  /** Milliseconds to wait for the greeting (any length; `Infinity`: no limit). Default 10 000. */
  readonly greetingTimeout?: number;
}

/** Compares a server version with `"MAJOR.MINOR"` (negative: older). */
export function compareVersion(server: QemuVersion, version: string): number {
  // A part missing from `version` compares as unordered (NaN).
  const [major = NaN, minor = NaN] = version.split(".").map(Number);
  return server.major !== major ? server.major - major : server.minor - minor;
}

/** The newest vendored QMP schema; a newer server gets a one-time warning. */
const newestVendored = "10.2";
let warnedNewer = false;

/**
 * Reads the greeting of a new connection and negotiates capabilities.
 * Rejects (leaving the connection to the caller to close) when no greeting
 * comes in time, the greeting is malformed, or `qmp_capabilities` fails.
 *
 * @example
 * ```ts ignore
 * import { negotiate } from "./handshake.ts";
 * import { Connection } from "../protocol/connection.ts";
 * import { connectSocket } from "../transport/transport.ts";
 * const connection = new Connection(await connectSocket("/tmp/qmp.sock"));
 * const { version } = await negotiate(connection, { oob: true });
 * ```
 */
export async function negotiate(
  connection: Connection,
  options: HandshakeOptions,
): Promise<Negotiated> {
  const timeout = options.greetingTimeout ?? 10_000;
  const problem = timeoutProblem("greetingTimeout", timeout);
  if (problem) throw problem;
  let cancelTimer: (() => void) | undefined;
  const greeting = await Promise.race([
    connection.greeting,
    new Promise<never>((_, reject) => {
      cancelTimer = startTimer(
        timeout,
        () => reject(new ProtocolError(`no QMP greeting within ${timeout} ms`)),
      );
    }),
  ]).finally(() => cancelTimer?.());
  const qmp = greeting["QMP"] as {
    version?: { qemu?: Partial<QemuVersion>; package?: string };
    capabilities?: unknown;
  };
  const qemu = qmp?.version?.qemu ?? {};
  const version: QemuVersion = {
    major: Number(qemu.major ?? 0),
    minor: Number(qemu.minor ?? 0),
    micro: Number(qemu.micro ?? 0),
    package: String(qmp?.version?.package ?? ""),
  };
  if (!warnedNewer && compareVersion(version, newestVendored) > 0) {
    warnedNewer = true;
    console.warn(
      `qapi-ts: QEMU ${version.major}.${version.minor} is newer than the newest vendored schema ` +
        `(${newestVendored}); its types are used, and commands added since are unknown to them.`,
    );
  }
  const offered = Array.isArray(qmp?.capabilities) ? qmp.capabilities.map(String) : [];
  const enabled = options.oob && offered.includes("oob") ? ["oob"] : [];
  await connection.call("qmp_capabilities", enabled.length ? { enable: enabled } : undefined, {
    timeout,
  });
  return { version, offered, enabled };
}

/**
 * TLS under a protocol connection: a QMP monitor whose socket chardev has
 * `tls-creds=` (QEMU's `tls-creds-x509` object). Through `node:tls` on Node
 * and on Deno alike; the server's certificate is always verified, against
 * the CA the caller names and no other (`Deno.connectTls` would also trust
 * Deno's root store, and cannot show the certificate to check it).
 *
 * The PEM texts are read here first (`node:crypto`, on either run time), so
 * that an unreadable certificate or key, or a key that does not belong to
 * the certificate, fails with a message naming the option rather than with
 * whatever the TLS library says (Deno's `node:tls` even hangs on some).
 * What QEMU's end needs beyond TLS (a record that ends each burst of
 * writes, a reason for a close before the greeting) is `tls_monitor.ts`.
 *
 * @module
 */

import { createPrivateKey, X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { checkServerIdentity, connect as tlsConnect, type ConnectionOptions } from "node:tls";
import { startTimer, timeoutProblem } from "../protocol/options.ts";
import { endBurstsOfSocket, explainEarlyClose, holdUntilHandled } from "./tls_monitor.ts";
import { fromDuplex, type Transport } from "./transport.ts";

/**
 * How to reach a monitor served over TLS: the CA that signed QEMU's server
 * certificate (`ca-cert.pem` of its `tls-creds-x509` directory) and, when
 * QEMU verifies its clients (`verify-peer=on`, QEMU's default), the client's
 * certificate and key. PEM text throughout, not file names.
 *
 * @example A client certificate for a monitor with `verify-peer=on`
 * ```ts
 * import { readFileSync } from "node:fs";
 * import type { TlsOptions } from "./tls.ts";
 * const tls: TlsOptions = {
 *   ca: readFileSync("/etc/pki/qemu/ca-cert.pem", "utf8"),
 *   cert: readFileSync("/etc/pki/qemu/client-cert.pem", "utf8"),
 *   key: readFileSync("/etc/pki/qemu/client-key.pem", "utf8"),
 *   serverName: "host1.example.org",
 * };
 * ```
 */
export interface TlsOptions {
  /**
   * The CA certificate(s) that signed the server's certificate, PEM (one
   * text may hold several). Required: the server's certificate is always
   * verified, and only against these (not the run time's root store).
   */
  readonly ca: string | readonly string[];
  /** The client certificate, PEM (with its chain, if any); goes with `key`. */
  readonly cert?: string | undefined;
  /** The client certificate's private key, PEM, not encrypted; goes with `cert`. */
  readonly key?: string | undefined;
  /**
   * The name the server's certificate must carry (a DNS name or an IP
   * address in its subjectAltName). Default: the host connected to.
   */
  readonly serverName?: string;
  /**
   * Milliseconds for the TCP connection and the TLS handshake together
   * (`Infinity`: no limit). Default 10 000. A peer that accepts the
   * connection and never answers the handshake would otherwise hold
   * `connect()` forever: its greeting deadline starts only afterwards.
   */
  readonly handshakeTimeout?: number;
}

/**
 * A TCP address with TLS: the member of `Target` that `connectTls` serves.
 *
 * @example
 * ```ts
 * import type { TlsTarget } from "./tls.ts";
 * const target: TlsTarget = { host: "127.0.0.1", port: 4444, tls: { ca: "-----BEGIN…" } };
 * ```
 */
export interface TlsTarget {
  /** The host name or IP address to connect to. */
  readonly host: string;
  /** The TCP port of the monitor's chardev. */
  readonly port: number;
  /** The certificates. */
  readonly tls: TlsOptions;
}

/** The PEM texts, checked: the CA certificates one by one, the client's pair. */
interface Credentials {
  readonly ca: string[];
  readonly cert?: string;
  readonly key?: string;
}

const pemCertificate = /-----BEGIN CERTIFICATE-----[^]*?-----END CERTIFICATE-----/g;

/** Reads the PEM options; throws an error naming the option that is wrong. */
function readCredentials(options: TlsOptions): Credentials {
  const ca = readCaCertificates(options.ca, "the server's certificate");
  const { cert, key } = options;
  if (cert === undefined && key === undefined) return { ca };
  readKeyPair(cert, key);
  return { ca, cert, key } as Credentials;
}

/**
 * The certificates of a `tls.ca` option (PEM text, or an array of them), one
 * PEM block each, every one read; throws an error naming the option when
 * there is none or one can't be read. `signed` says what the CA must have
 * signed, for the message.
 *
 * @example
 * ```ts
 * import { readCaCertificates } from "./tls.ts";
 * try {
 *   readCaCertificates("not a certificate", "QEMU's client certificate");
 * } catch (error) {
 *   console.log((error as Error).message.startsWith("tls.ca holds no PEM certificate")); // true
 * }
 * ```
 */
export function readCaCertificates(value: unknown, signed: string): string[] {
  const texts = typeof value === "string" ? [value] : value;
  if (!Array.isArray(texts) || texts.some((text) => typeof text !== "string")) {
    throw new TypeError("tls.ca must be PEM text (a string or an array of strings)");
  }
  const ca = (texts as string[]).flatMap((text) => text.match(pemCertificate) ?? []);
  if (ca.length === 0) {
    throw new Error(
      `tls.ca holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA that signed ${signed}`,
    );
  }
  ca.forEach((pem, index) => readCertificate(pem, `tls.ca (certificate ${index + 1})`));
  return ca;
}

/**
 * Checks `tls.cert` and `tls.key`: both PEM text, the key unencrypted and the
 * certificate's own; throws an error naming the option that is wrong.
 *
 * @example
 * ```ts
 * import { readKeyPair } from "./tls.ts";
 * try {
 *   readKeyPair("-----BEGIN CERTIFICATE-----", undefined);
 * } catch (error) {
 *   console.log((error as Error).message); // "tls.cert and tls.key go together: …"
 * }
 * ```
 */
export function readKeyPair(cert: unknown, key: unknown): void {
  if (typeof cert !== "string" || typeof key !== "string") {
    throw new TypeError("tls.cert and tls.key go together: give both as PEM text, or neither");
  }
  const certificate = readCertificate(cert, "tls.cert");
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    throw new Error(
      `tls.key could not be read as a PEM private key (an encrypted key is not supported): ${
        messageOf(error)
      }`,
      { cause: error },
    );
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new Error("tls.key does not match tls.cert: it is not the certificate's private key");
  }
}

function readCertificate(pem: string, option: string): X509Certificate {
  try {
    if (!/-----BEGIN CERTIFICATE-----/.test(pem)) throw new Error("no -----BEGIN CERTIFICATE-----");
    return new X509Certificate(pem);
  } catch (error) {
    throw new Error(`${option} could not be read as a PEM certificate: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

function messageOf(error: unknown): string {
  return (error as Error)?.message ?? String(error);
}

/**
 * Whether a failed handshake means the server's certificate was not
 * accepted: rustls says "invalid peer certificate"; Node names OpenSSL's
 * verification result in `code` (UNABLE_TO_VERIFY_LEAF_SIGNATURE,
 * SELF_SIGNED_CERT_IN_CHAIN, CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID…).
 */
function untrustedServer(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string" && !code.startsWith("ERR_SSL")) {
    if (/CERT|ISSUER|SIGNATURE|INVALID_CA|INVALID_PURPOSE/.test(code)) return true;
  }
  return /invalid peer certificate/i.test(messageOf(error));
}

/** The error `connectTls` rejects with for a failed connection or handshake. */
function failure(error: unknown, where: string, name: string): Error {
  if (untrustedServer(error)) {
    return new Error(
      `TLS: the server's certificate at ${where} was not trusted (${messageOf(error)}); ` +
        `tls.ca must be the CA that signed it, and it must name ${name}`,
      { cause: error },
    );
  }
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string" && !code.startsWith("ERR_")) {
    // A TCP failure, in the shape `connectSocket` gives it: "connect ECONNREFUSED host:port".
    return Object.assign(new Error(`connect ${code} ${where}`, { cause: error }), { code });
  }
  return new Error(`TLS handshake with ${where} failed: ${messageOf(error)}`, { cause: error });
}

/**
 * Connects to a monitor served over TLS and completes the handshake, over
 * `node:tls` (Deno's too). Rejects, with the underlying error as `cause`, when an option
 * is unreadable, when the server's certificate is not trusted, when the
 * handshake fails or takes longer than `handshakeTimeout`; a TCP failure
 * rejects as `connectSocket` does (`code` `ECONNREFUSED`, …).
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { connectTls } from "./tls.ts";
 * const ca = readFileSync("/etc/pki/qemu/ca-cert.pem", "utf8");
 * const transport = await connectTls({ host: "127.0.0.1", port: 4444, tls: { ca } });
 * transport.onData((chunk) => console.log(chunk.length));
 * ```
 */
export async function connectTls(target: TlsTarget): Promise<Transport> {
  const options = target.tls;
  const credentials = readCredentials(options);
  const timeout = options.handshakeTimeout ?? 10_000;
  const problem = timeoutProblem("tls.handshakeTimeout", timeout);
  if (problem) throw problem;
  const where = `${target.host}:${target.port}`;
  const name = options.serverName ?? target.host;
  const transport = await connectNodeTls(target, credentials, name, timeout, where);
  return holdUntilHandled(explainEarlyClose(transport, where, credentials.cert !== undefined));
}

function connectNodeTls(
  target: TlsTarget,
  credentials: Credentials,
  serverName: string,
  timeout: number,
  where: string,
): Promise<Transport> {
  return new Promise((resolve, reject) => {
    const options: ConnectionOptions = {
      host: target.host,
      port: target.port,
      ca: credentials.ca,
      cert: credentials.cert,
      key: credentials.key,
    };
    // SNI carries DNS names only; an IP address is checked without it.
    if (isIP(serverName)) {
      options.checkServerIdentity = (_, cert) => checkServerIdentity(serverName, cert);
    } else options.servername = serverName;
    let socket: ReturnType<typeof tlsConnect>;
    try {
      socket = tlsConnect(options);
    } catch (error) {
      return reject(failure(error, where, serverName));
    }
    const cancelTimer = startTimer(timeout, () => {
      socket.destroy();
      reject(new Error(`TLS: no connection and handshake with ${where} within ${timeout} ms`));
    });
    const onError = (error: Error) => {
      cancelTimer();
      socket.destroy();
      reject(failure(error, where, serverName));
    };
    const onClose = () =>
      onError(new Error("the server closed the connection during the handshake"));
    socket.once("error", onError);
    socket.once("close", onClose);
    socket.once("secureConnect", () => {
      cancelTimer();
      socket.off("error", onError);
      socket.off("close", onClose);
      if (!issuedByCa(socket.getPeerCertificate(true), credentials.ca)) {
        socket.destroy();
        return reject(
          failure(new UntrustedIssuer("not issued by a certificate of tls.ca"), where, serverName),
        );
      }
      socket.setNoDelay(true);
      resolve(fromDuplex(endBurstsOfSocket(socket)));
    });
  });
}

/** The server's chain as `node:tls` shows it: each certificate and its issuer's. */
interface PeerCertificate {
  readonly raw?: Uint8Array;
  readonly issuerCertificate?: PeerCertificate;
}

/** A server certificate that chains to a CA other than the caller's. */
class UntrustedIssuer extends Error {
  readonly code = "UNTRUSTED_ISSUER_CERT";
}

/**
 * Whether the server's chain holds one of `caPems`, or a certificate one of
 * them signed. The handshake verified the chain already, but against the
 * run time's root store as well as `ca` where the run time adds rather than
 * replaces (Deno does): this keeps only the caller's CA.
 *
 * @example
 * ```ts ignore
 * import { issuedByCa } from "./tls.ts";
 * console.log(issuedByCa(socket.getPeerCertificate(true), [caPem]));
 * ```
 */
export function issuedByCa(peer: PeerCertificate | undefined, caPems: readonly string[]): boolean {
  const cas = caPems.map((pem) => new X509Certificate(pem));
  const seen = new Set<PeerCertificate>();
  for (let cert = peer; cert?.raw && !seen.has(cert); cert = cert.issuerCertificate) {
    seen.add(cert);
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(cert.raw);
    } catch {
      return false;
    }
    for (const ca of cas) {
      if (certificate.fingerprint256 === ca.fingerprint256) return true;
      if (certificate.checkIssued(ca) && certificate.verify(ca.publicKey)) return true;
    }
  }
  return false;
}

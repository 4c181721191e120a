/**
 * Certificates for the TLS monitor tests, made with `openssl` in a fresh
 * directory: a CA, a server certificate for 127.0.0.1 and localhost, a
 * client certificate, and a second CA (the wrong CA) with a client
 * certificate of its own, which QEMU does not accept. The server's files are named as QEMU's `tls-creds-x509` reads
 * them from its `dir=` (`ca-cert.pem`, `server-cert.pem`, `server-key.pem`).
 *
 * GnuTLS, QEMU's TLS library, checks the extensions: the CA needs
 * `CA:TRUE` and `keyCertSign`, the server certificate `serverAuth` and the
 * addresses it is reached by, the client certificate `clientAuth`.
 *
 * @module
 */

/** The PEM texts the client side uses, and the directory QEMU reads. */
export interface TlsFixture {
  /** Holds `ca-cert.pem`, `server-cert.pem`, `server-key.pem` (and the rest). */
  readonly dir: string;
  readonly ca: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** A CA that signed neither the server's nor the client's certificate. */
  readonly otherCa: string;
  /** A private key other than the client certificate's. */
  readonly otherKey: string;
  /** A client certificate signed by the other CA, and its key. */
  readonly strangerCert: string;
  readonly strangerKey: string;
  /** Removes the directory. */
  remove(): Promise<void>;
}

/** Whether `openssl` runs here (provisioning installs it when missing). */
export async function haveOpenssl(): Promise<boolean> {
  try {
    return (await new Deno.Command("openssl", { args: ["version"], stdout: "null" }).output())
      .success;
  } catch {
    return false;
  }
}

async function openssl(dir: string, args: string[]): Promise<void> {
  const output = await new Deno.Command("openssl", {
    args,
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(
      `openssl ${args.join(" ")} failed:\n${new TextDecoder().decode(output.stderr)}`,
    );
  }
}

/** A new key and certificate request (EC P-256: quick to make, and both TLS libraries take it). */
function request(key: string, subject: string, extra: string[] = []): string[] {
  return [
    "req",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    key,
    "-subj",
    subject,
    ...extra,
  ];
}

/** A self-signed CA as GnuTLS accepts one. */
function selfSignedCa(key: string, cert: string, subject: string): string[] {
  return [
    ...request(key, subject, ["-x509", "-days", "2", "-out", cert]),
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ];
}

/** Signs `NAME.csr` with the CA `CA-cert.pem`, with `extensions` (an openssl extension file). */
async function sign(dir: string, name: string, extensions: string, ca = "ca"): Promise<void> {
  await Deno.writeTextFile(`${dir}/${name}.ext`, extensions);
  await openssl(dir, [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    `${ca}-cert.pem`,
    "-CAkey",
    `${ca}-key.pem`,
    "-CAcreateserial",
    "-days",
    "2",
    "-out",
    `${name}-cert.pem`,
    "-extfile",
    `${name}.ext`,
  ]);
}

/**
 * Makes the certificates in a new temporary directory.
 *
 * @example
 * ```ts ignore
 * import { makeTlsFixture } from "./tls_fixture.ts";
 * const fixture = await makeTlsFixture();
 * console.log(fixture.dir);
 * await fixture.remove();
 * ```
 */
export async function makeTlsFixture(): Promise<TlsFixture> {
  const dir = await Deno.makeTempDir({ prefix: "qapi-ts-tls-" });
  try {
    await openssl(dir, selfSignedCa("ca-key.pem", "ca-cert.pem", "/CN=qapi-ts test CA"));
    await openssl(dir, selfSignedCa("other-ca-key.pem", "other-ca-cert.pem", "/CN=other CA"));
    await openssl(dir, [...request("server-key.pem", "/CN=localhost"), "-out", "server.csr"]);
    await sign(
      dir,
      "server",
      "basicConstraints=critical,CA:FALSE\n" +
        "keyUsage=critical,digitalSignature,keyEncipherment\n" +
        "extendedKeyUsage=serverAuth\n" +
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
    );
    const client = "basicConstraints=critical,CA:FALSE\n" +
      "keyUsage=critical,digitalSignature,keyEncipherment\n" +
      "extendedKeyUsage=clientAuth\n";
    await openssl(dir, [...request("client-key.pem", "/CN=qapi-ts client"), "-out", "client.csr"]);
    await sign(dir, "client", client);
    await openssl(dir, [...request("stranger-key.pem", "/CN=stranger"), "-out", "stranger.csr"]);
    await sign(dir, "stranger", client, "other-ca");
    const read = (file: string) => Deno.readTextFile(`${dir}/${file}`);
    return {
      dir,
      ca: await read("ca-cert.pem"),
      clientCert: await read("client-cert.pem"),
      clientKey: await read("client-key.pem"),
      otherCa: await read("other-ca-cert.pem"),
      otherKey: await read("other-ca-key.pem"),
      strangerCert: await read("stranger-cert.pem"),
      strangerKey: await read("stranger-key.pem"),
      remove: () => Deno.remove(dir, { recursive: true }),
    };
  } catch (error) {
    await Deno.remove(dir, { recursive: true });
    throw error;
  }
}

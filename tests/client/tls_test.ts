/**
 * Monitors served over TLS (`tls-creds-x509` on the monitor's socket
 * chardev), against the real QEMU 7.2 and 10.0, with certificates made here
 * (`tls_fixture.ts`): calls and events over TLS, with and without a client
 * certificate (`verify-peer=on|off`), and the errors a user meets (a wrong
 * CA, a missing or foreign client certificate, a name the certificate does
 * not carry, a monitor without TLS, a peer that never answers the handshake,
 * unreadable or mismatched PEM).
 */
import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { connect } from "../../lib/client/qmp.ts";
import { launch, type LaunchedQmpClient, qemuOptionValue } from "../../lib/launch/launch.ts";
import { ConnectionClosedError } from "../../lib/protocol/errors.ts";
import { X509Certificate } from "node:crypto";
import { issuedByCa, type TlsOptions } from "../../lib/transport/tls.ts";
import type { Qmp7_2 } from "../../schemas/qmp/7.2.js";
import { provision, realQemuSkipped } from "../provision/qemu.ts";
import { freePort } from "./qemu_process.ts";
import { haveOpenssl, makeTlsFixture } from "./tls_fixture.ts";

const skipped = realQemuSkipped();
const openssl = await haveOpenssl();
// CI must run these tests: a missing openssl there is a failure, not a skip.
if (!openssl && Deno.env.get("CI")) throw new Error("openssl is needed by the TLS tests in CI");
const binaries = skipped ? undefined : await provision();
const fixture = openssl ? await makeTlsFixture() : undefined;
globalThis.addEventListener("unload", () => {
  if (fixture) Deno.removeSync(fixture.dir, { recursive: true });
});

/** What `connect()` rejected with (fails the test if it resolved). */
async function rejection(promise: Promise<{ close(): Promise<void> }>): Promise<Error> {
  const outcome = await promise.then(
    async (client) => {
      await client.close();
      return undefined;
    },
    (error: Error) => error,
  );
  assert.ok(outcome, "connect() should have rejected");
  return outcome;
}

/** The client's certificate and key. */
const clientCertificate = () => ({ cert: fixture!.clientCert, key: fixture!.clientKey });

for (const version of ["7.2", "10.0"] as const) {
  /**
   * QEMU with a second monitor on 127.0.0.1:port served over TLS (the
   * fixture's server certificate); `launch()`'s own monitor controls it.
   */
  const startTls = async (
    verifyPeer: boolean,
  ): Promise<{ qemu: LaunchedQmpClient<Qmp7_2>; port: number }> => {
    const port = await freePort();
    const qemu = await launch<Qmp7_2>({
      binary: binaries![version].system,
      extraArgs: [
        ...binaries![version].dataArgs,
        "-object",
        `tls-creds-x509,id=tls0,dir=${qemuOptionValue(fixture!.dir)},endpoint=server,` +
        `verify-peer=${verifyPeer ? "on" : "off"}`,
        "-chardev",
        `socket,id=tlsmon,host=127.0.0.1,port=${port},server=on,wait=off,tls-creds=tls0`,
        "-mon",
        "chardev=tlsmon,mode=control",
      ],
    });
    return { qemu, port };
  };
  const connectTls = (port: number, tls: Partial<TlsOptions>, host = "127.0.0.1") =>
    connect<Qmp7_2>({ host, port, tls: { ca: fixture!.ca, ...tls } }, { greetingTimeout: 30_000 });
  const test = (name: string, body: () => Promise<void>) =>
    Deno.test({ name: `QEMU ${version}: TLS: ${name}`, ignore: skipped || !openssl, fn: body });

  test("verify-peer=on, a client certificate: query-status, stop and its STOP event", async () => {
    const { qemu, port } = await startTls(true);
    await using _ = qemu;
    await using qmp = await connectTls(port, clientCertificate());
    assert.equal(`${qmp.version.major}.${qmp.version.minor}`, version);
    assert.equal((await qmp.execute("query-status")).status, "running");
    using stops = qmp.listen("STOP");
    await qmp.execute("stop");
    assert.equal((await stops.wait({ timeout: 5_000 })).event, "STOP");
    assert.equal((await qmp.execute("query-status")).status, "paused");
    // Calls sent together (one burst of writes) are all answered.
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () => qmp.execute("query-status", undefined, { timeout: 5_000 })),
    );
    assert.deepEqual(new Set(statuses.map((status) => status.status)), new Set(["paused"]));
  });

  test("reconnect over TLS: a lost connection is made again, with the handshake, listeners kept", async () => {
    const { qemu, port } = await startTls(true);
    await using _ = qemu;
    await using qmp = await connect<Qmp7_2>(
      { host: "127.0.0.1", port, tls: { ca: fixture!.ca, ...clientCertificate() } },
      { greetingTimeout: 30_000, reconnect: { delay: 20, maxDelay: 100 } },
    );
    const stops: string[] = [];
    qmp.on("STOP", (event) => stops.push(event.event));
    const states: string[] = [];
    const back = new Promise<void>((resolve) =>
      qmp.onStateChange(({ state }) => {
        states.push(state);
        if (state === "connected") resolve();
      })
    );
    qmp.connection.close(); // the connection underneath lost, not the client closed
    await back;
    assert.equal(states[0], "reconnecting");
    await qmp.execute("stop");
    await qmp.waitFor("STOP", { timeout: 5_000 });
    assert.deepEqual(stops, ["STOP"]);
  });

  test("verify-peer=off: a client without a certificate calls and gets events", async () => {
    const { qemu, port } = await startTls(false);
    await using _ = qemu;
    await using qmp = await connectTls(port, {});
    assert.equal((await qmp.execute("query-status")).running, true);
    await qmp.execute("stop");
    assert.equal((await qmp.waitFor("STOP", { timeout: 5_000 })).event, "STOP");
  });

  test("a wrong CA: connect() rejects, the server's certificate was not trusted", async () => {
    const { qemu, port } = await startTls(true);
    await using _ = qemu;
    const error = await rejection(
      connectTls(port, { ...clientCertificate(), ca: fixture!.otherCa }),
    );
    assert.match(
      error.message,
      new RegExp(`^TLS: the server's certificate at 127\\.0\\.0\\.1:${port} was not trusted`),
    );
    assert.ok(error.cause instanceof Error, "the TLS library's error is the cause");
    // The monitor is still there for a client that trusts the right CA.
    await using qmp = await connectTls(port, clientCertificate());
    assert.equal((await qmp.execute("query-status")).running, true);
  });

  test("verify-peer=on, no client certificate: connect() rejects at once, saying why", async () => {
    const { qemu, port } = await startTls(true);
    await using _ = qemu;
    const started = performance.now();
    const error = await rejection(connectTls(port, {}));
    const elapsed = performance.now() - started;
    assert.ok(error instanceof ConnectionClosedError, `${error}`);
    assert.match(
      error.message,
      new RegExp(
        `the server at 127\\.0\\.0\\.1:${port} closed the TLS connection before sending ` +
          "anything: it probably requires a client certificate \\(tls.cert and tls.key\\), " +
          "and none was given",
      ),
    );
    assert.ok(elapsed < 5_000, `rejected after ${elapsed.toFixed(0)} ms`);
  });

  test("verify-peer=on, a certificate of another CA: connect() rejects, saying why", async () => {
    const { qemu, port } = await startTls(true);
    await using _ = qemu;
    const error = await rejection(
      connectTls(port, { cert: fixture!.strangerCert, key: fixture!.strangerKey }),
    );
    assert.match(
      error.message,
      new RegExp(
        `the server at 127\\.0\\.0\\.1:${port} closed the TLS connection before sending ` +
          "anything: it probably did not accept the client certificate \\(tls.cert\\)",
      ),
    );
  });

  test("serverName: the name the certificate carries; another name is not trusted", async () => {
    const { qemu, port } = await startTls(true);
    await using _ = qemu;
    {
      await using qmp = await connectTls(port, { ...clientCertificate(), serverName: "localhost" });
      assert.equal((await qmp.execute("query-status")).running, true);
    }
    {
      // Reached by name: the certificate's DNS name is checked.
      await using qmp = await connectTls(port, clientCertificate(), "localhost");
      assert.equal((await qmp.execute("query-status")).running, true);
    }
    const error = await rejection(
      connectTls(port, { ...clientCertificate(), serverName: "qemu.example.org" }),
    );
    assert.match(error.message, /^TLS: the server's certificate at .* was not trusted/);
    assert.match(error.message, /it must name qemu\.example\.org/);
  });

  test("a monitor without TLS: connect() rejects, the handshake failed", async () => {
    const port = await freePort();
    await using _ = await launch<Qmp7_2>({
      binary: binaries![version].system,
      extraArgs: [
        ...binaries![version].dataArgs,
        "-chardev",
        `socket,id=plain,host=127.0.0.1,port=${port},server=on,wait=off`,
        "-mon",
        "chardev=plain,mode=control",
      ],
    });
    const error = await rejection(connectTls(port, {}));
    assert.match(error.message, new RegExp(`^TLS handshake with 127\\.0\\.0\\.1:${port} failed: `));
  });
}

Deno.test({
  name: "TLS: a peer that never answers the handshake: connect() rejects after handshakeTimeout",
  ignore: !openssl,
  fn: async () => {
    const sockets: Socket[] = [];
    const server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      const started = performance.now();
      const error = await rejection(
        connect({ host: "127.0.0.1", port, tls: { ca: fixture!.ca, handshakeTimeout: 300 } }),
      );
      assert.match(
        error.message,
        new RegExp(`^TLS: no connection and handshake with 127\\.0\\.0\\.1:${port} within 300 ms`),
      );
      assert.ok(performance.now() - started < 5_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  },
});

Deno.test({
  name: "TLS: unreadable or mismatched PEM, and a refused connection, reject clearly",
  ignore: !openssl,
  fn: async () => {
    const port = await freePort(); // nobody listens
    const attempt = (tls: TlsOptions) => rejection(connect({ host: "127.0.0.1", port, tls }));
    const { ca, clientCert: cert, clientKey: key } = fixture!;
    const cases: [TlsOptions, RegExp][] = [
      [{ ca: "" }, /^tls\.ca holds no PEM certificate/],
      [{ ca: [] }, /^tls\.ca holds no PEM certificate/],
      [
        { ca: "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n" },
        /^tls\.ca \(certificate 1\) could not be read as a PEM certificate: /,
      ],
      [{ ca, cert }, /^tls\.cert and tls\.key go together/],
      [{ ca, key }, /^tls\.cert and tls\.key go together/],
      [{ ca, cert: "garbage", key }, /^tls\.cert could not be read as a PEM certificate: /],
      [{ ca, cert: key, key }, /^tls\.cert could not be read as a PEM certificate: /],
      [{ ca, cert, key: "garbage" }, /^tls\.key could not be read as a PEM private key/],
      [{ ca, cert, key: fixture!.otherKey }, /^tls\.key does not match tls\.cert/],
      [{ ca, handshakeTimeout: -1 }, /^tls\.handshakeTimeout must be a number of milliseconds/],
    ];
    for (const [tls, expected] of cases) {
      assert.match((await attempt(tls)).message, expected, JSON.stringify(tls).slice(0, 80));
    }
    const refused = await attempt({ ca, cert, key });
    assert.equal((refused as Error & { code?: string }).code, "ECONNREFUSED");
    assert.equal(refused.message, `connect ECONNREFUSED 127.0.0.1:${port}`);
  },
});

Deno.test({
  name: "TLS: only the caller's CA is trusted, whatever the run time's root store holds",
  ignore: !openssl,
  fn: () => {
    const { ca, otherCa, clientCert, strangerCert } = fixture!;
    const chain = (pem: string) => ({ raw: new X509Certificate(pem).raw });
    // The server's chain as node:tls shows it: the leaf, then its issuer.
    const withIssuer = { ...chain(clientCert), issuerCertificate: chain(ca) };
    assert.equal(issuedByCa(chain(clientCert), [ca]), true, "signed by the CA");
    assert.equal(issuedByCa(chain(clientCert), [otherCa]), false, "signed by another CA");
    assert.equal(issuedByCa(chain(strangerCert), [ca]), false);
    assert.equal(issuedByCa(chain(strangerCert), [ca, otherCa]), true, "any of several");
    assert.equal(issuedByCa(withIssuer, [ca]), true, "the CA itself in the chain");
    assert.equal(issuedByCa(chain(ca), [ca]), true);
    assert.equal(issuedByCa(undefined, [ca]), false, "no certificate shown");
    assert.equal(issuedByCa({ raw: new Uint8Array([1, 2, 3]) }, [ca]), false, "not a certificate");
  },
});

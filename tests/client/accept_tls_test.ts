/**
 * Accept mode over TLS against the real QEMU 7.2 and 10.0: QEMU connects
 * as a TLS client (`tls-creds-x509`, `endpoint=client`) to the client's
 * listener, which is the TLS server; with `tls.ca`, only a QEMU whose
 * client certificate that CA issued is accepted.
 */
import assert from "node:assert/strict";
import { connect as netConnect } from "node:net";
import { listenQmp } from "../../lib/client/accept.ts";
import type { Qmp7_2 } from "../../schemas/qmp/7.2.js";
import { skipped, startQemu } from "./qemu_process.ts";
import { haveOpenssl, makeTlsFixture, type TlsFixture } from "./tls_fixture.ts";

const noOpenssl = !skipped && !(await haveOpenssl());

/** The chardev option that makes QEMU connect again: seconds before 9.2, milliseconds after. */
const reconnectOption = { "7.2": "reconnect=1", "10.0": "reconnect-ms=200" } as const;

/** The listener's own certificate and key (the fixture's server pair). */
async function serverPair(fixture: TlsFixture) {
  return {
    cert: await Deno.readTextFile(`${fixture.dir}/server-cert.pem`),
    key: await Deno.readTextFile(`${fixture.dir}/server-key.pem`),
  };
}

/**
 * A credentials directory for QEMU as a TLS client: the CA that signed the
 * listener's certificate, and the client pair `client` (none: no client
 * certificate).
 */
async function qemuCredentials(
  fixture: TlsFixture,
  client: "client" | "stranger" | undefined,
): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "qapi-ts-tls-client-" });
  await Deno.copyFile(`${fixture.dir}/ca-cert.pem`, `${dir}/ca-cert.pem`);
  if (client) {
    await Deno.copyFile(`${fixture.dir}/${client}-cert.pem`, `${dir}/client-cert.pem`);
    await Deno.copyFile(`${fixture.dir}/${client}-key.pem`, `${dir}/client-key.pem`);
  }
  return dir;
}

/** QEMU's arguments to connect its monitor over TLS to 127.0.0.1:`port`. */
function tlsClientArgs(version: "7.2" | "10.0", dir: string, port: number): string[] {
  return [
    "-object",
    `tls-creds-x509,id=tls0,dir=${dir},endpoint=client`,
    "-chardev",
    `socket,id=mon0,host=127.0.0.1,port=${port},tls-creds=tls0,${reconnectOption[version]}`,
    "-mon",
    "chardev=mon0,mode=control",
  ];
}

for (const version of ["7.2", "10.0"] as const) {
  Deno.test({
    name: `accept over TLS, QEMU ${version}: a QEMU with a client certificate the CA issued ` +
      "is accepted, and calls in a burst are answered",
    ignore: skipped || noOpenssl,
    async fn() {
      const fixture = await makeTlsFixture();
      const dir = await qemuCredentials(fixture, "client");
      try {
        await using listener = await listenQmp<Qmp7_2>({ host: "127.0.0.1", port: 0 }, {
          tls: { ...await serverPair(fixture), ca: fixture.ca },
        });
        const { port } = listener.address as { port: number };
        await using _qemu = await startQemu(version, tlsClientArgs(version, dir, port));
        await using qmp = await listener.accept({ signal: AbortSignal.timeout(20_000) });
        assert.equal(`${qmp.version.major}.${qmp.version.minor}`, version);
        await qmp.execute("stop");
        // Several writes at once: each burst must reach a QEMU that reads byte by byte (7.2).
        const [status, name, kvm] = await Promise.all([
          qmp.execute("query-status"),
          qmp.execute("query-name"),
          qmp.execute("query-kvm"),
        ]);
        assert.equal(status.status, "paused");
        assert.deepEqual(name, {});
        assert.equal(typeof kvm.present, "boolean");
      } finally {
        await Deno.remove(dir, { recursive: true });
        await fixture.remove();
      }
    },
  });

  Deno.test({
    name: `accept over TLS, QEMU ${version}: with tls.ca, a QEMU without a client ` +
      "certificate, or with one another CA issued, is refused; without tls.ca, any is taken",
    ignore: skipped || noOpenssl,
    async fn() {
      const fixture = await makeTlsFixture();
      const dirs: string[] = [];
      try {
        const pair = await serverPair(fixture);
        for (const client of [undefined, "stranger"] as const) {
          const dir = await qemuCredentials(fixture, client);
          dirs.push(dir);
          await using listener = await listenQmp<Qmp7_2>({ host: "127.0.0.1", port: 0 }, {
            tls: { ...pair, ca: fixture.ca },
          });
          const { port } = listener.address as { port: number };
          await using _qemu = await startQemu(version, tlsClientArgs(version, dir, port));
          // QEMU tries, and tries again: none of its connections is handed over.
          await assert.rejects(
            listener.accept({ signal: AbortSignal.timeout(2_000) }),
            (error: Error) => error.name === "TimeoutError",
            `${client ?? "no"} client certificate`,
          );
        }
        // Without tls.ca, a QEMU without a client certificate is taken.
        await using listener = await listenQmp<Qmp7_2>({ host: "127.0.0.1", port: 0 }, {
          tls: pair,
        });
        const { port } = listener.address as { port: number };
        await using _qemu = await startQemu(version, tlsClientArgs(version, dirs[0], port));
        await using qmp = await listener.accept({ signal: AbortSignal.timeout(20_000) });
        assert.equal((await qmp.execute("query-status")).running, true);
      } finally {
        for (const dir of dirs) await Deno.remove(dir, { recursive: true });
        await fixture.remove();
      }
    },
  });
}

Deno.test({
  name: "accept over TLS: a connection that never begins its handshake is closed at " +
    "tls.handshakeTimeout, and a QEMU-less accept() keeps waiting",
  ignore: skipped || noOpenssl,
  async fn() {
    const fixture = await makeTlsFixture();
    try {
      await using listener = await listenQmp<Qmp7_2>({ host: "127.0.0.1", port: 0 }, {
        tls: { ...await serverPair(fixture), ca: fixture.ca, handshakeTimeout: 300 },
      });
      const { port } = listener.address as { port: number };
      const accepted = listener.accept({ signal: AbortSignal.timeout(3_000) });
      const started = Date.now();
      const closedAfter = await new Promise<number>((resolve, reject) => {
        const socket = netConnect(port, "127.0.0.1");
        socket.on("error", () => {});
        socket.on("close", () => resolve(Date.now() - started));
        setTimeout(() => {
          socket.destroy();
          reject(new Error("the silent connection was not closed within 10 s"));
        }, 10_000);
      });
      assert.ok(closedAfter >= 250, `closed after ${closedAfter} ms`);
      await assert.rejects(accepted, (error: Error) => error.name === "TimeoutError");
    } finally {
      await fixture.remove();
    }
  },
});

Deno.test({
  name: "accept over TLS: wrong options are refused before listening, naming the option",
  ignore: noOpenssl,
  async fn() {
    const fixture = await makeTlsFixture();
    try {
      const pair = await serverPair(fixture);
      const tcp = { host: "127.0.0.1", port: 0 };
      const cases: [Parameters<typeof listenQmp>, RegExp][] = [
        [["/tmp/qapi-ts-never.sock", { tls: pair }], /tls goes with a TCP address/],
        [[tcp, { tls: { cert: pair.cert } as never }], /tls\.cert and tls\.key go together/],
        [[tcp, { tls: { cert: pair.cert, key: fixture.otherKey } }], /tls\.key does not match/],
        [[tcp, { tls: { ...pair, ca: "no PEM here" } }], /tls\.ca holds no PEM certificate/],
        [[tcp, { tls: { ...pair, handshakeTimeout: -1 } }], /tls\.handshakeTimeout/],
      ];
      for (const [args, expected] of cases) {
        await assert.rejects(listenQmp(...args), expected);
      }
    } finally {
      await fixture.remove();
    }
  },
});

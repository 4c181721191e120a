/**
 * Monitors served over TLS on Node, as a user's script against the
 * installed npm package (compiled by TypeScript, run by `node --test`):
 * certificates made with `openssl`, QEMU launched with a second monitor on
 * a TLS socket chardev, `connect()` over `node:tls` with a client
 * certificate, calls and events, pipelined calls, `serverName`, a wrong CA
 * and a missing client certificate; and accept mode over TLS (QEMU as the
 * TLS client), with and without the client certificate the listener's CA
 * issued. Against QEMU 10.0 (`QAPI_TS_QEMU`) and
 * QEMU 7.2 (`QAPI_TS_QEMU_7_2`) when given.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  connect,
  ConnectionClosedError,
  launch,
  listenQmp,
  type TlsOptions,
} from "@qapi-ts/qapi-ts";
import type { Qmp7_2 } from "@qapi-ts/qapi-ts/qmp/7.2";

const qemus = [
  {
    version: "10.0",
    binary: process.env.QAPI_TS_QEMU ?? "qemu-system-x86_64",
    dataArgs: process.env.QAPI_TS_QEMU_DATA ? ["-L", process.env.QAPI_TS_QEMU_DATA] : [],
  },
  ...(process.env.QAPI_TS_QEMU_7_2
    ? [{ version: "7.2", binary: process.env.QAPI_TS_QEMU_7_2, dataArgs: [] }]
    : []),
];

/**
 * A CA, a server certificate for 127.0.0.1 and localhost, a client
 * certificate, and another CA, in a new directory (QEMU reads `ca-cert.pem`,
 * `server-cert.pem` and `server-key.pem` there). GnuTLS wants the CA's
 * `CA:TRUE` and `keyCertSign`, and `serverAuth` and `clientAuth`.
 */
function makeCertificates(): { dir: string; read(file: string): string } {
  const dir = mkdtempSync(join(tmpdir(), "qapi-ts-node-tls-"));
  const openssl = (...args: string[]) => {
    try {
      execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
    } catch (error) {
      rmSync(dir, { recursive: true, force: true }); // a missing openssl fails the test
      throw error;
    }
  };
  const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  for (const ca of ["ca", "other-ca"]) {
    openssl(
      "req",
      "-x509",
      ...key,
      "-keyout",
      `${ca}-key.pem`,
      "-out",
      `${ca}-cert.pem`,
      "-days",
      "2",
      "-subj",
      `/CN=${ca}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    );
  }
  const usage =
    "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n";
  const extensions = {
    server: `${usage}extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n`,
    client: `${usage}extendedKeyUsage=clientAuth\n`,
  };
  for (const [name, text] of Object.entries(extensions)) {
    writeFileSync(join(dir, `${name}.ext`), text);
    openssl(
      "req",
      ...key,
      "-keyout",
      `${name}-key.pem`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name}`,
    );
    openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca-cert.pem",
      "-CAkey",
      "ca-key.pem",
      "-CAcreateserial",
      "-days",
      "2",
      "-out",
      `${name}-cert.pem`,
      "-extfile",
      `${name}.ext`,
    );
  }
  return { dir, read: (file) => readFileSync(join(dir, file), "utf8") };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

for (const qemu of qemus) {
  test(`TLS monitor on Node, QEMU ${qemu.version}: calls, events, serverName, errors`, async () => {
    const certificates = makeCertificates();
    try {
      const port = await freePort();
      const launched = await launch<Qmp7_2>({
        binary: qemu.binary,
        extraArgs: [
          ...qemu.dataArgs,
          "-object",
          `tls-creds-x509,id=tls0,dir=${certificates.dir},endpoint=server,verify-peer=on`,
          "-chardev",
          `socket,id=tlsmon,host=127.0.0.1,port=${port},server=on,wait=off,tls-creds=tls0`,
          "-mon",
          "chardev=tlsmon,mode=control",
        ],
      });
      const tls: TlsOptions = {
        ca: certificates.read("ca-cert.pem"),
        cert: certificates.read("client-cert.pem"),
        key: certificates.read("client-key.pem"),
      };
      try {
        const qmp = await connect<Qmp7_2>({ host: "127.0.0.1", port, tls });
        try {
          assert.equal(`${qmp.version.major}.${qmp.version.minor}`, qemu.version);
          assert.equal((await qmp.execute("query-status")).running, true);
          await qmp.execute("stop");
          assert.equal((await qmp.waitFor("STOP", { timeout: 5000 })).event, "STOP");
          const statuses = await Promise.all(
            Array.from(
              { length: 20 },
              () => qmp.execute("query-status", undefined, { timeout: 5000 }),
            ),
          );
          assert.ok(statuses.every((status) => status.status === "paused"));
        } finally {
          await qmp.close();
        }

        const named = await connect<Qmp7_2>({
          host: "127.0.0.1",
          port,
          tls: { ...tls, serverName: "localhost" },
        });
        assert.equal((await named.execute("query-status")).running, false);
        await named.close();

        await assert.rejects(
          connect({
            host: "127.0.0.1",
            port,
            tls: { ...tls, ca: certificates.read("other-ca-cert.pem") },
          }),
          (error: Error) => {
            assert.match(
              error.message,
              new RegExp(
                `^TLS: the server's certificate at 127\\.0\\.0\\.1:${port} was not trusted`,
              ),
            );
            assert.ok(error.cause instanceof Error);
            return true;
          },
        );

        const started = performance.now();
        await assert.rejects(
          connect({ host: "127.0.0.1", port, tls: { ca: tls.ca } }, { greetingTimeout: 30_000 }),
          (error: Error) => {
            assert.ok(error instanceof ConnectionClosedError, String(error));
            assert.match(
              error.message,
              /closed the TLS connection before sending anything: it probably requires a client certificate/,
            );
            return true;
          },
        );
        assert.ok(performance.now() - started < 5000);
      } finally {
        await launched.close();
      }
    } finally {
      rmSync(certificates.dir, { recursive: true, force: true });
    }
  });
}

for (const qemu of qemus) {
  test(`accept over TLS on Node, QEMU ${qemu.version}: only a client certificate the CA issued`, async () => {
    const certificates = makeCertificates();
    // QEMU as a TLS client reads ca-cert.pem, client-cert.pem and client-key.pem; a second
    // directory without a client certificate stands for a QEMU that has none.
    const bare = mkdtempSync(join(tmpdir(), "qapi-ts-node-tls-bare-"));
    writeFileSync(join(bare, "ca-cert.pem"), certificates.read("ca-cert.pem"));
    const reconnect = qemu.version === "7.2" ? "reconnect=1" : "reconnect-ms=200";
    const started: ChildProcess[] = [];
    const start = (dir: string, port: number) => {
      const child = spawn(qemu.binary, [
        ...qemu.dataArgs,
        "-M",
        "none",
        "-nodefaults",
        "-display",
        "none",
        "-object",
        `tls-creds-x509,id=tls0,dir=${dir},endpoint=client`,
        "-chardev",
        `socket,id=mon0,host=127.0.0.1,port=${port},tls-creds=tls0,${reconnect}`,
        "-mon",
        "chardev=mon0,mode=control",
      ], { stdio: "ignore" });
      started.push(child);
      return child;
    };
    const tls = {
      cert: certificates.read("server-cert.pem"),
      key: certificates.read("server-key.pem"),
      ca: certificates.read("ca-cert.pem"),
    };
    try {
      const refusing = await listenQmp({ host: "127.0.0.1", port: 0 }, { tls });
      try {
        start(bare, (refusing.address as { port: number }).port);
        await assert.rejects(
          refusing.accept({ signal: AbortSignal.timeout(2_000) }),
          (error: Error) => error.name === "TimeoutError",
        );
      } finally {
        refusing.close();
      }
      const listener = await listenQmp<Qmp7_2>({ host: "127.0.0.1", port: 0 }, { tls });
      try {
        start(certificates.dir, (listener.address as { port: number }).port);
        const qmp = await listener.accept({ signal: AbortSignal.timeout(20_000) });
        try {
          assert.equal(`${qmp.version.major}.${qmp.version.minor}`, qemu.version);
          await qmp.execute("stop");
          const statuses = await Promise.all(
            Array.from(
              { length: 10 },
              () => qmp.execute("query-status", undefined, { timeout: 5000 }),
            ),
          );
          assert.ok(statuses.every((status) => status.status === "paused"));
        } finally {
          await qmp.close();
        }
      } finally {
        listener.close();
      }
    } finally {
      for (const child of started) child.kill("SIGKILL");
      rmSync(bare, { recursive: true, force: true });
      rmSync(certificates.dir, { recursive: true, force: true });
    }
  });
}

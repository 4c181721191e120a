/**
 * Descriptors for QEMU, against the real QEMU 7.2 and 10.0:
 *
 * - `launch({ fds })` on Deno and Node: a qcow2 image made by `qemu-img` is
 *   opened by the client and given to QEMU with `-add-fd`; QEMU, which never
 *   sees the image's path, adds it through `/dev/fdset/N`, writes with HMP's
 *   `qemu-io`, reads it back through an NBD export, and the data is on disk
 *   once QEMU has quit (`qemu-img convert` and `check`);
 * - the same over a live connection (`addFd`, `SCM_RIGHTS` through Deno's
 *   FFI), and the clear refusal where that cannot be done (Node, Deno
 *   without `--allow-ffi`);
 * - fd set numbering, a repeated descriptor, bad descriptors refused before
 *   anything starts, and `getFd`.
 */
import assert from "node:assert/strict";
import { closeSync, openSync } from "node:fs";
import { connect } from "../../lib/client/qmp.ts";
import { inheritedFd, launch, qemuOptionValue } from "../../lib/launch/launch.ts";
import { addFd, FdPassingError, getFd, sendFds } from "../../lib/launch/fd_passing.ts";
import { buildForNode } from "../node/build.ts";
import { provision, type QemuBinaries, realQemuSkipped } from "../provision/qemu.ts";

const skipped = realQemuSkipped();
const binaries = skipped ? undefined : await provision();
const repository = new URL("../../", import.meta.url).pathname;
const size = 1 << 20;
const written = 4096;

async function run(command: string, args: string[]): Promise<string> {
  const output = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(output.stdout);
  assert.ok(
    output.success,
    `${command} ${args.join(" ")}: ${text}${new TextDecoder().decode(output.stderr)}`,
  );
  return text;
}

/** Checks a raw disk image: 4 KiB of 0x5a at offset 0, zeros after. */
async function assertWritten(raw: string): Promise<void> {
  const bytes = await Deno.readFile(raw);
  assert.equal(bytes.length, size);
  const wrong = bytes.findIndex((byte, i) => byte !== (i < written ? 0x5a : 0));
  assert.equal(wrong, -1, `byte ${wrong} is ${bytes[wrong]}`);
}

let nodeBuild: Promise<unknown> | undefined;

/** How the fixture runs: a run time and its permissions. */
type Runner = "deno" | "deno without --allow-ffi" | "node";

/** Runs `fds_fixture.ts` in a fresh folder with a fresh image; returns its report and the folder. */
async function runFixture(
  runner: Runner,
  qemu: QemuBinaries,
  mode: "launch" | "live",
  folder: string,
): Promise<Record<string, unknown>> {
  const image = `${folder}/disk0.qcow2`;
  await run(qemu.img, ["create", "-q", "-f", "qcow2", image, String(size)]);
  let command: string;
  let args: string[];
  if (runner === "node") {
    nodeBuild ??= buildForNode(["tests/launch/fds_fixture.ts"]);
    await nodeBuild;
    command = "node";
    args = [`${repository}.cache/node-build/tests/launch/fds_fixture.js`];
  } else {
    command = Deno.execPath();
    const permissions = runner === "deno"
      ? ["-A"]
      : ["--allow-read", "--allow-write", "--allow-run", "--allow-env", "--allow-net"];
    args = ["run", ...permissions, `${repository}tests/launch/fds_fixture.ts`];
  }
  const output = await new Deno.Command(command, {
    args,
    env: {
      NO_COLOR: "1",
      QAPI_TS_FD_MODE: mode,
      QAPI_TS_QEMU: qemu.system,
      QAPI_TS_QEMU_IMG: qemu.img,
      QAPI_TS_IMAGE: image,
      QAPI_TS_NBD: `${folder}/nbd.sock`,
      QAPI_TS_READ_OUT: `${folder}/read.raw`,
      ...(qemu.dataArgs.length ? { QAPI_TS_QEMU_DATA: qemu.dataArgs[1] } : {}),
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.ok(output.success, `the fixture failed (${output.code}):\n${stdout}${stderr}`);
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}

/** What the fixture saw, and the image on disk after QEMU quit, for a passed descriptor. */
async function assertThroughQemu(
  report: Record<string, unknown>,
  qemu: QemuBinaries,
  folder: string,
): Promise<void> {
  const image = `${folder}/disk0.qcow2`;
  const set = report.set as number;
  // QEMU has the image only as a descriptor in the fd set.
  const fdsets = report.fdsets as { "fdset-id": number; fds: { opaque?: string }[] }[];
  const inSet = fdsets.find((fdset) => fdset["fdset-id"] === set);
  assert.ok(inSet, JSON.stringify(fdsets));
  assert.deepEqual(inSet.fds.map((fd) => fd.opaque), ["disk0 image"]);
  assert.deepEqual(report.inSets, [image], "QEMU's descriptor in the set is the image");
  assert.ok(
    !(report.commandLine as string[]).some((arg) => arg.includes("disk0.qcow2")),
    "the image's path is not on QEMU's command line",
  );
  assert.equal(report.write, "", "HMP's qemu-io reported no error");
  // Read back through QEMU: the NBD export of the node.
  await assertWritten(`${folder}/read.raw`);
  // On disk, once QEMU has quit.
  await run(qemu.img, ["check", "-q", image]);
  await run(qemu.img, ["convert", "-f", "qcow2", "-O", "raw", image, `${folder}/disk.raw`]);
  await assertWritten(`${folder}/disk.raw`);
}

const runs = [
  { runner: "deno", version: "7.2" },
  { runner: "deno", version: "10.0" },
  { runner: "node", version: "7.2" },
  { runner: "node", version: "10.0" },
] as const;

for (const { runner, version } of runs) {
  Deno.test({
    name: `${runner}, QEMU ${version}: launch({ fds }) gives QEMU a qcow2 image it writes ` +
      `and reads through /dev/fdset/N`,
    ignore: skipped,
    fn: async () => {
      const qemu = binaries![version];
      const folder = await Deno.makeTempDir({ prefix: "qapi-ts-fds-" });
      try {
        const report = await runFixture(runner, qemu, "launch", folder);
        assert.equal(report.preopened, true, "the monitor's socket was pre-opened");
        assert.deepEqual(report.fds, [
          { fd: 4, set: 0, opaque: "disk0 image" },
          { fd: 5 },
        ]);
        assert.equal(report.secondFd, 5);
        assert.deepEqual(report.inherited, ["/dev/null"]);
        await assertThroughQemu(report, qemu, folder);
      } finally {
        await Deno.remove(folder, { recursive: true });
      }
    },
  });
}

for (const version of ["7.2", "10.0"] as const) {
  Deno.test({
    name: `deno --allow-ffi, QEMU ${version}: addFd() passes the image over the live ` +
      `connection (SCM_RIGHTS); QEMU writes and reads it through /dev/fdset/N`,
    ignore: skipped,
    fn: async () => {
      const qemu = binaries![version];
      const folder = await Deno.makeTempDir({ prefix: "qapi-ts-fds-" });
      try {
        const report = await runFixture("deno", qemu, "live", folder);
        await assertThroughQemu(report, qemu, folder);
      } finally {
        await Deno.remove(folder, { recursive: true });
      }
    },
  });
}

for (const runner of ["node", "deno without --allow-ffi"] as const) {
  Deno.test({
    name: `${runner}: addFd() refuses clearly, naming what to do instead`,
    ignore: skipped,
    fn: async () => {
      const folder = await Deno.makeTempDir({ prefix: "qapi-ts-fds-" });
      try {
        const report = await runFixture(runner, binaries!["10.0"], "live", folder);
        assert.equal(report.name, "FdPassingError");
        assert.match(
          report.refused as string,
          runner === "node" ? /needs Deno's FFI.*launch\(\{ fds \}\)/ : /run with --allow-ffi/,
        );
      } finally {
        await Deno.remove(folder, { recursive: true });
      }
    },
  });
}

Deno.test({
  name: "QEMU 10.0: fd sets as given or numbered from the lowest free id; a repeated " +
    "descriptor is inherited once; getFd, sendFds, addFd on a connect() client found by its path; " +
    "bad descriptors refused before start",
  ignore: skipped,
  fn: async () => {
    const qemu = binaries!["10.0"];
    const a = openSync("/dev/null", "r+");
    const b = openSync("/dev/zero", "r");
    const folder = await Deno.makeTempDir({ prefix: "qapi-ts-fds-" });
    const second = `${folder}/second.sock`;
    try {
      await using qmp = await launch({
        binary: qemu.system,
        extraArgs: [
          ...qemu.dataArgs,
          // A second monitor, for a client of connect() by path.
          "-chardev",
          `socket,id=second,path=${qemuOptionValue(second)},server=on,wait=off`,
          "-mon",
          "chardev=second,mode=control",
        ],
        fds: [{ fd: a, set: 0 }, { fd: b }, { fd: a, set: 5, opaque: "a,again" }, { fd: b }],
      });
      assert.deepEqual(qmp.fds, [
        { fd: 4, set: 0 },
        { fd: 5, set: 1 },
        { fd: 4, set: 5, opaque: "a,again" },
        { fd: 5, set: 2 },
      ]);
      assert.equal(inheritedFd(1), 5);
      const fdsets = await qmp.execute("query-fdsets");
      assert.deepEqual(
        fdsets.map((fdset) => [fdset["fdset-id"], fdset.fds.map((fd) => fd.opaque)]).sort(),
        [[0, [undefined]], [1, [undefined]], [2, [undefined]], [5, ["a,again"]]],
      );
      // Over the live connection: a name, then the next set QEMU picks.
      await getFd(qmp, a, "null0");
      await qmp.execute("closefd", { fdname: "null0" });
      await assert.rejects(() => qmp.execute("closefd", { fdname: "null0" }));
      const added = await addFd(qmp, b, { fdsetId: 7, opaque: "zero" });
      assert.equal(added["fdset-id"], 7);
      await sendFds(qmp, [a]);
      await qmp.execute("getfd", { fdname: "sent" });
      await qmp.execute("closefd", { fdname: "sent" });
      // Passings run one at a time: each name gets its own descriptor.
      await Promise.all(["p0", "p1", "p2"].map((name) => getFd(qmp, a, name)));
      for (const name of ["p0", "p1", "p2"]) await qmp.execute("closefd", { fdname: name });
      await assert.rejects(() => getFd(qmp, -1, "x"), TypeError);
      await assert.rejects(
        () => addFd(qmp, a, { path: "/nonexistent/qmp.sock" }),
        (error: Error) =>
          error instanceof FdPassingError && /no socket of this process is connected/.test(
            error.message,
          ),
      );
      // A client of connect(): its socket found by the path it connected to.
      await using other = await connect(second);
      await assert.rejects(() => addFd(other, a), /the connection's socket is unknown/);
      const viaPath = await addFd(other, a, { path: second, opaque: "second" });
      const sets = await other.execute("query-fdsets");
      assert.deepEqual(
        sets.find((fdset) => fdset["fdset-id"] === viaPath["fdset-id"])?.fds.map((f) => f.opaque),
        ["second"],
      );
    } finally {
      closeSync(a);
      closeSync(b);
      await Deno.remove(folder, { recursive: true });
    }
    await assert.rejects(() => launch({ fds: [{ fd: 987654 }] }), /not an open descriptor/);
    await assert.rejects(() => launch({ fds: [{ fd: 1.5 }] }), TypeError);
    await assert.rejects(() => launch({ fds: [{ fd: 0, set: -1 }] }), /set must be/);
  },
});

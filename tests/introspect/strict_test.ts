/**
 * Strict mode, capability queries and the run-time compat policy against the
 * real QEMU 7.2 and 10.0.
 */
import assert from "node:assert/strict";
import { launch } from "../../lib/launch/launch.ts";
import { ValidationError } from "../../lib/introspect/validate.ts";
import type { Qmp10_2 } from "../../schemas/qmp/10.2.js";
import { provision, realQemuSkipped } from "../provision/qemu.ts";

const skipped = realQemuSkipped();
const binaries = skipped ? undefined : await provision();
const start = (version: "7.2" | "10.0", options: { strict?: boolean; policy?: object } = {}) =>
  launch<Qmp10_2>({
    binary: binaries![version].system,
    extraArgs: binaries![version].dataArgs,
    ...options,
  });

Deno.test({
  name:
    "strict: calls QMP 10.2's types accept but live QEMU 7.2 does not know are refused before sending",
  ignore: skipped,
  fn: async () => {
    await using qmp = await start("7.2", { strict: true });
    // A command added after 7.2.
    const unknownCommand = await qmp.execute("query-audiodevs").catch((e) => e);
    assert.ok(unknownCommand instanceof ValidationError);
    assert.match(unknownCommand.message, /^query-audiodevs: expected a command this server knows/);
    assert.match(unknownCommand.message, /QEMU 7\.2\.\d+'s schema/);
    // A member added after 7.2 (block-commit's backing-mask-protocol, 9.0).
    const unknownMember = await qmp.execute("block-commit", {
      device: "d",
      "backing-mask-protocol": true,
    }).catch((e) => e);
    assert.ok(unknownMember instanceof ValidationError);
    assert.equal(unknownMember.path, "backing-mask-protocol");
    assert.equal(unknownMember.expected, "no such member");
    // Nothing was sent: the connection is fine and the calls valid in 7.2 go through.
    assert.equal((await qmp.execute("query-status")).running, true);
  },
});

Deno.test({
  name: "strict: wrong JSON type, bad enum value, missing member, wrong union branch",
  ignore: skipped,
  fn: async () => {
    await using qmp = await start("10.0", { strict: true });
    const cases: [string, unknown, RegExp][] = [
      [
        "block_resize",
        { "node-name": "d", size: "1G" },
        /block_resize: size: expected an integer, got "1G"/,
      ],
      ["blockdev-add", { driver: "nope", "node-name": "n" }, /driver: expected one of "blkdebug"/],
      [
        "block_resize",
        { "node-name": "d" },
        /block_resize: size: expected an integer, got nothing \(required\)/,
      ],
      [
        "blockdev-add",
        { driver: "null-co", "node-name": "n", filename: "/x" },
        /filename: expected no such member/,
      ],
      [
        "blockdev-add",
        { driver: "qcow2", "node-name": "q", file: { driver: "file", filename: 3 } },
        /file: expected an object or a string/,
      ],
    ];
    for (const [command, args, message] of cases) {
      const error = await qmp.connection.call("query-status").then(() =>
        (qmp.execute as (c: string, a: unknown) => Promise<unknown>)(command, args).catch((e) => e)
      );
      assert.ok(error instanceof ValidationError, `${command}: ${error}`);
      assert.match(error.message, message);
    }
  },
});

Deno.test({
  name: "compat policy at run time: strict mode refuses deprecated commands and members",
  ignore: skipped,
  fn: async () => {
    await using qmp = await start("10.0", { strict: true, policy: { deprecated: "reject" } });
    const error = await qmp.execute("block-commit", { device: "d", top: "t" }).catch((e) => e);
    assert.ok(error instanceof ValidationError);
    assert.match(error.message, /top: expected no deprecated member \(policy: reject\)/);
    // A deprecated enum value, here a union's discriminator: refused too, unsent.
    const gluster = await qmp.execute("blockdev-add", {
      driver: "gluster",
      "node-name": "g0",
      volume: "v",
      path: "p",
      server: [{ type: "inet", host: "127.0.0.1", port: "24007" }],
    } as never).catch((e) => e);
    assert.ok(gluster instanceof ValidationError, String(gluster));
    assert.match(
      gluster.message,
      /driver: expected no deprecated value \(policy: reject\), got "gluster"/,
    );
    await qmp.execute("blockdev-add", { driver: "null-co", "node-name": "n0" });
  },
});

Deno.test({
  name: "capability queries: answers that differ between QEMU 7.2 and 10.0",
  ignore: skipped,
  fn: async () => {
    await using old = await start("7.2");
    await using recent = await start("10.0");
    const queries: [string, boolean, boolean][] = [
      ["query-audiodevs", false, true],
      ["block-commit/arg-type/backing-mask-protocol", false, true],
      ["blockdev-add/arg-type/+file/aio-max-batch", true, true],
      ["blockdev-add/arg-type/+file/no-such-member", false, false],
      ["query-status/ret-type/singlestep", true, false],
      ["query-status/ret-type/status/^suspended", true, true],
      ["migrate/arg-type/detach/$deprecated", false, false],
      ["block-job-pause/$deprecated", false, false],
      ["query-block/ret-type/inserted/image/format", true, true],
      ["SHUTDOWN/arg-type/reason/^host-qmp-quit", true, true],
    ];
    for (const [query, in72, in100] of queries) {
      assert.equal(await old.supports(query), in72, `7.2: ${query}`);
      assert.equal(await recent.supports(query), in100, `10.0: ${query}`);
    }
  },
});

Deno.test({
  name: "validateReplies: real results and events fit the live schema (nothing reported)",
  ignore: skipped,
  fn: async () => {
    for (const version of ["7.2", "10.0"] as const) {
      const problems: string[] = [];
      await using qmp = await launch<Qmp10_2>({
        binary: binaries![version].system,
        extraArgs: binaries![version].dataArgs,
        strict: true,
        validateReplies: true,
        onProtocolError: (error) => problems.push(error.message),
      });
      await qmp.execute("query-status");
      await qmp.execute("blockdev-add", { driver: "null-co", "node-name": "n0", size: 1 << 20 });
      await qmp.execute("query-named-block-nodes");
      await qmp.execute("query-block");
      await qmp.execute("query-version");
      await qmp.execute("stop");
      await qmp.waitFor("STOP", { timeout: 5_000 });
      assert.deepEqual(problems, [], `QEMU ${version}`);
    }
  },
});

Deno.test({
  name: "strict: device_add (gen: false) takes device properties its schema does not list",
  ignore: skipped,
  fn: async () => {
    for (const version of ["7.2", "10.0"] as const) {
      await using qmp = await start(version, { strict: true });
      // Not refused by the validator: QEMU itself answers (there is no PCI bus under -M none).
      const fromQemu = await qmp.execute("device_add", {
        driver: "e1000",
        id: "net1",
        bus: "pci.0",
        mac: "52:54:00:12:34:56",
      }).catch((e) => e);
      assert.ok(!(fromQemu instanceof ValidationError), `${version}: ${fromQemu}`);
      assert.equal(fromQemu?.name, "QmpError", `${version}: ${fromQemu}`);
      // The listed members are still checked.
      const listed = await (qmp.execute as (c: string, a: unknown) => Promise<unknown>)(
        "device_add",
        { driver: 5, mac: "52:54:00:12:34:56" },
      ).catch((e) => e);
      assert.ok(listed instanceof ValidationError, `${version}: ${listed}`);
      assert.equal(listed.path, "driver");
    }
  },
});

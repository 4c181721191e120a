/**
 * What is left when the launching process and its watchdog are both killed
 * at once (a process group or control group killed with SIGKILL): the next
 * launch removes the directory, and only directories whose owner is gone.
 * Also the escaping of QEMU option values.
 */
import assert from "node:assert/strict";
import { markOwner, reapStale } from "../../lib/launch/cleanup.ts";
import { launch, qemuOptionValue } from "../../lib/launch/launch.ts";
import type { Qmp7_2 } from "../../schemas/qmp/7.2.js";
import { provision, realQemuSkipped } from "../provision/qemu.ts";
import { alive, eventually, exists, leaveNothing, startClient } from "./helpers.ts";

const skipped = realQemuSkipped();
const binaries = skipped ? undefined : await provision();

Deno.test("qemuOptionValue doubles every comma and nothing else", () => {
  assert.equal(qemuOptionValue("/tmp/a,b"), "/tmp/a,,b");
  assert.equal(qemuOptionValue("x,wait=on,,"), "x,,wait=on,,,,");
  assert.equal(qemuOptionValue("/plain/path=1 \\ 'q'"), "/plain/path=1 \\ 'q'");
});

/** Fields of /proc/PID/stat after the command name: start time is the 20th. */
function startTime(pid: number): string {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
}

Deno.test("reapStale removes the directories of gone owners only", async () => {
  const parent = await Deno.makeTempDir({ prefix: "qapi-ts-reap-" });
  try {
    const namespace = Deno.readLinkSync("/proc/self/ns/pid");
    // A process that has ended: its pid and start time as its owner file names them.
    const sleeper = new Deno.Command("sleep", { args: ["30"] }).spawn();
    const gone = `${namespace} ${sleeper.pid} ${startTime(sleeper.pid)}`;
    sleeper.kill("SIGKILL");
    await sleeper.status;
    const directories: Record<string, string | undefined> = {
      "qapi-ts-gone01": gone,
      // This process's pid with another start time: the pid was reused.
      "qapi-ts-reuse1": `${namespace} ${Deno.pid} 1`,
      "qapi-ts-nofile": undefined,
      "qapi-ts-othrns": `pid:[1] ${sleeper.pid} 1`,
      "qapi-ts-broken": "nonsense",
      "other-gone01": gone,
    };
    for (const [name, owner] of Object.entries(directories)) {
      await Deno.mkdir(`${parent}/${name}`);
      if (owner !== undefined) await Deno.writeTextFile(`${parent}/${name}/owner`, owner + "\n");
    }
    await Deno.mkdir(`${parent}/qapi-ts-mine01`);
    await markOwner(`${parent}/qapi-ts-mine01`);
    await reapStale(parent);
    const left = [...Deno.readDirSync(parent)].map((entry) => entry.name).sort();
    assert.deepEqual(left, [
      "other-gone01",
      "qapi-ts-broken",
      "qapi-ts-mine01",
      "qapi-ts-nofile",
      "qapi-ts-othrns",
    ]);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test({
  name: "client, watchdog and QEMU killed at once: the next launch removes the directory",
  ignore: skipped,
  sanitizeResources: false,
  fn: async () => {
    const qemu = binaries!["7.2"];
    const base = await Deno.makeTempDir({ prefix: "qapi-ts-tmpdir-" });
    const client = await startClient("deno", {
      TMPDIR: base,
      QAPI_TS_MODE: "wait",
      QAPI_TS_QEMU: qemu.system,
    });
    const { pid, directory } = client.report;
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
      const watchdog = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      for (const victim of [client.process.pid, watchdog, pid]) Deno.kill(victim, "SIGKILL");
      await client.ended;
      assert.ok(await eventually(() => !alive(pid), 5_000), "QEMU has ended");
      assert.ok(exists(directory), "nothing ran to remove the directory");
      const previous = Deno.env.get("TMPDIR");
      Deno.env.set("TMPDIR", base);
      try {
        await using qmp = await launch<Qmp7_2>({ binary: qemu.system });
        assert.ok(qmp.directory.startsWith(`${base}/qapi-ts-`));
        assert.ok(!exists(directory), "the next launch removed it");
      } finally {
        if (previous === undefined) Deno.env.delete("TMPDIR");
        else Deno.env.set("TMPDIR", previous);
      }
    } finally {
      leaveNothing(pid, directory);
      await Deno.remove(base, { recursive: true });
    }
  },
});

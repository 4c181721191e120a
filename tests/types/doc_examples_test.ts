/**
 * The types are what QEMU sends, by QEMU's own examples: every request, reply
 * and event in the doc comments of the QAPI sources of 7.2, 10.0 and 10.2
 * (read from `../shared/qapi` at test time), typed by the vendored schema of
 * the same version. A request's `execute` must compile, a reply's `return`
 * must be assignable to `CommandReturn`, an event's `data` to `EventData`.
 *
 * An example that does not check is either wrong in QEMU's documentation
 * (`docExampleExceptions`, each with its reason) or shows a fault in the
 * derived types (`knownTypeMismatches`, each with a reproduction). Both
 * tables must match exactly: an example failing for no listed reason fails
 * the test, and so does a listed one that checks again. Controls (a copy of
 * an example with a member no schema has) must fail, so the checks are live.
 *
 * The same against real QEMU 7.2 and 10.0 (`-M none`, and a PC with a few
 * devices): the reply of every read-only query it answers, checked against
 * `CommandReturn` of the vendored schema of its version.
 */
import assert from "node:assert/strict";
import { launch } from "../../lib/launch/launch.ts";
import { QmpError } from "../../lib/protocol/errors.ts";
import { provision, realQemuSkipped } from "../provision/qemu.ts";
import {
  type Check,
  type Message,
  type Protocol,
  readExamples,
  sharedQapi,
  typeCheckModules,
  writeModule,
  type WrittenModule,
} from "./doc_examples.ts";

const versions = ["7.2", "10.0", "10.2"] as const;
const protocols: readonly Protocol[] = ["qmp", "qga"];
const all = versions;
const recent = ["10.0", "10.2"] as const;

/** An example that does not check, in the versions listed. */
interface Exception {
  readonly versions: readonly string[];
  /**
   * Doc examples: the message, as `SYMBOL: KIND N` (see `Message.id`).
   * Real replies: `live MACHINE: COMMAND`.
   */
  readonly id: string;
  readonly reason: string;
}

/**
 * Examples that are wrong in QEMU's documentation itself (the text is not
 * JSON, or it disagrees with the schema of the same release), by version.
 */
export const docExampleExceptions: readonly Exception[] = [
  // Not JSON.
  {
    versions: all,
    id: "query-blockstats: reply 1",
    reason: "not JSON: commas missing after `rd_operations` and the `*_total_times_ns` members",
  },
  {
    versions: recent,
    id: "query-machines: reply 1",
    reason: "not JSON: `...` stands for further elements, but the array's `]` is missing",
  },
  {
    versions: recent,
    id: "cancel-vcpu-dirty-limit: request 1",
    reason: "not JSON: a comma after the request's closing brace",
  },
  {
    versions: ["7.2"],
    id: "NETDEV_STREAM_DISCONNECTED: event 1",
    reason: "not JSON: written with single quotes",
  },
  // Written without `->` (7.2 only; later releases add the arrows and fix them).
  {
    versions: ["7.2"],
    id: "calc-dirty-rate: request 1",
    reason: "not JSON: `'sample-pages'` is written with single quotes",
  },
  {
    versions: ["7.2"],
    id: "dumpdtb: request 1",
    reason: "not JSON: the object closes after `execute`, before its `arguments` (which " +
      "hold the required `filename`)",
  },
  {
    versions: ["7.2"],
    id: "cancel-vcpu-dirty-limit: request 1",
    reason: "not JSON: the object closes after `execute`, before its `arguments`",
  },
  {
    versions: ["7.2"],
    id: "set-vcpu-dirty-limit: request 1",
    reason: "not JSON: the object closes after `execute`, before its `arguments` (which " +
      "hold the required `dirty-rate`)",
  },
  {
    versions: ["7.2"],
    id: "query-hotpluggable-cpus: reply 1",
    reason: "not JSON: a stray `'` after the closing brace",
  },
  {
    versions: ["7.2"],
    id: "query-rocker-of-dpa-flows: reply 1",
    reason: "not JSON: the elision is written as an element, `{...more...},`",
  },
  {
    versions: ["7.2"],
    id: "query-spice: reply 1",
    reason: "not JSON: the elision is written `[ ... more channels follow ... ]`",
  },
  {
    versions: recent,
    id: "query-dirty-rate: reply 1",
    reason: "the bare result, not a reply: no `return` around it and no request before it",
  },
  {
    versions: recent,
    id: "query-dirty-rate: reply 2",
    reason: "the bare result, not a reply: no `return` around it and no request before it",
  },
  {
    versions: recent,
    id: "set-vcpu-dirty-limit: request 1",
    reason: "the request's brace closes after `execute`, leaving `arguments` outside it " +
      "(so the command is sent without its required `dirty-rate`)",
  },
  // Disagrees with the schema of the same release.
  {
    versions: all,
    id: "RTC_CHANGE: event 1",
    reason: "`data` lacks `qom-path`, required since 6.x (the example predates it)",
  },
  {
    versions: all,
    id: "query-block: reply 1",
    reason: "ImageInfo has no `backing_file` (QEMU sends `backing-filename`); `inserted` also " +
      "lacks the required `cache` (and `active`, `children`, `node-name` in later releases)",
  },
  {
    versions: all,
    id: "query-named-block-nodes: reply 1",
    reason: "ImageInfo has no `backing_file` (QEMU sends `backing-filename`); the node also " +
      "lacks the required `cache` (and `active`, `children` in later releases)",
  },
  {
    versions: all,
    id: "query-iothreads: reply 1",
    reason: "entries lack the required `poll-max-ns`, `poll-grow`, `poll-shrink`, `aio-max-batch`",
  },
  ...[2, 4, 5].map((n) => ({
    versions: all,
    id: `query-migrate: reply ${n}`,
    reason: "`ram` lacks required MigrationStats members (`mbps`, `page-size`, " +
      "`dirty-pages-rate`, `postcopy-requests`, …)",
  })),
  {
    versions: ["7.2"],
    id: "query-migrate: reply 6",
    reason: "`ram` lacks required MigrationStats members (`duplicate`, `normal`, `mbps`, …)",
  },
  {
    versions: all,
    id: "query-pci: reply 1",
    reason: "devices lack `irq_pin`, required since 5.1",
  },
  {
    versions: all,
    id: "query-sgx-capabilities: reply 1",
    reason: "`section` is not a member: SGXInfo has `sections`",
  },
  {
    versions: all,
    id: "x-query-virtio-status: reply 2",
    reason: "`disabled-legacy-check` is not a member: VirtioStatus has `disable-legacy-check`",
  },
  {
    versions: recent,
    id: "query-sev: reply 1",
    reason: "lacks `sev-type`, the discriminator SevInfo is a union on in these releases",
  },
  {
    versions: recent,
    id: "trace-event-get-state: reply 1",
    reason: "`vcpu` is not a member of TraceEventInfo any more (it is in 7.2)",
  },
  {
    versions: ["10.2"],
    id: "query-cpus-fast: reply 1",
    reason: "entries lack `qom-type`, required since 10.1",
  },
  {
    versions: recent,
    id: "migrate: request 5",
    reason: '`offset` is a uint64, written as the string "0x1000" (QEMU refuses a string there)',
  },
];

/** A fault of the derived types an example shows, with a reproduction. */
interface Mismatch extends Exception {
  /** A few lines of TypeScript that show it against the vendored schema. */
  readonly reproduction: string;
}

/**
 * Examples (documented or real) the derived types reject although QEMU sends
 * them as they are: each is a fault to fix in the types, and is taken off
 * this list when fixed (the test fails while a listed one checks).
 */
export const knownTypeMismatches: readonly Mismatch[] = [];

/** The check an example message makes, or why it makes none. */
function checkOf(message: Message): Check | string {
  if (message.syntaxError) return `not JSON: ${message.syntaxError}`;
  const value = message.value!;
  switch (message.kind) {
    case "request":
      return {
        key: message.id,
        kind: "request",
        name: message.name!,
        value: value.arguments,
        oob: "exec-oob" in value,
      };
    case "reply":
      if (!message.request) return "a reply without a request before it";
      return { key: message.id, kind: "reply", name: message.name!, value: value.return };
    case "event":
      return { key: message.id, kind: "event", name: message.name!, value: value.data ?? {} };
    case "error":
      return "an error reply: no result to check";
  }
}

/** A generated module and the version whose schema types it. */
const control = "control: an unknown member added to";

/**
 * Negative controls: a copy of the first request with arguments, the first
 * reply with an object result and the first event with data, each with a
 * member no schema has. They must fail, or the checks prove nothing.
 */
function controls(checks: readonly Check[]): Check[] {
  const made: Check[] = [];
  for (const kind of ["request", "reply", "event"] as const) {
    const check = checks.find((c) =>
      c.kind === kind && c.value !== null && typeof c.value === "object" &&
      !Array.isArray(c.value) && Object.keys(c.value).length > 0
    );
    if (!check) continue;
    made.push({
      ...check,
      key: `${control} ${check.key}`,
      value: { ...check.value as object, "no-such-member": true },
    });
  }
  return made;
}

/** The entries of both tables whose ids `belongs` accepts, by `VERSION ID`. */
function listed(belongs: (id: string) => boolean): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of [...docExampleExceptions, ...knownTypeMismatches]) {
    if (!belongs(entry.id)) continue;
    for (const version of entry.versions) found.set(`${version} ${entry.id}`, entry.reason);
  }
  return found;
}

/**
 * Compares the failing checks with the tables: every control fails, and
 * every other failure is listed, and every listed one fails.
 */
function assertAsListed(
  failing: Map<string, string>,
  expected: Map<string, string>,
  controlKeys: readonly string[],
): void {
  const missedControls = controlKeys.filter((key) => !failing.has(key));
  assert.deepEqual(missedControls, [], "every control fails to compile");
  // Failures no table lists: a QEMU doc error belongs in docExampleExceptions, a fault of
  // the types in knownTypeMismatches (with a reproduction). Listed ones that check now:
  // take them off their list.
  const unlisted = [...failing]
    .filter(([key]) => !expected.has(key) && !key.includes(control))
    .map(([key, text]) => `${key}\n    ${text.replaceAll("\n", "\n    ")}`);
  const checkingNow = [...expected.keys()].filter((key) => !failing.has(key));
  assert.deepEqual({ unlisted, checkingNow }, { unlisted: [], checkingNow: [] });
}

/** QEMU's sources are beside the repository (as for `deno task vendor --check`), or absent. */
const sourcesAbsent = (() => {
  try {
    Deno.statSync(sharedQapi);
    return false;
  } catch {
    // CI always has them: there, their absence is a failure, not a skip.
    if (Deno.env.get("CI")) {
      throw new Error(`${sharedQapi} is absent, and CI must check QEMU's examples`);
    }
    console.warn(`!!! ${sharedQapi} is absent: QEMU's documented examples are NOT checked !!!`);
    return true;
  }
})();

Deno.test({
  name: "QEMU's documented examples type-check against the vendored schemas",
  ignore: sourcesAbsent,
  fn: async () => {
    const modules: WrittenModule[] = [];
    const controlKeys: string[] = [];
    const counts = { found: 0, request: 0, reply: 0, event: 0, error: 0, elided: 0, bigint: 0 };
    const unchecked = new Map<string, string>();
    for (const version of versions) {
      for (const protocol of protocols) {
        const messages = await readExamples(version, protocol);
        counts.found += messages.length;
        const checks: Check[] = [];
        for (const message of messages) {
          counts[message.kind]++;
          const check = checkOf(message);
          if (typeof check === "string") {
            if (message.kind !== "error") unchecked.set(`${version} ${message.id}`, check);
            continue;
          }
          if (message.elided) counts.elided++;
          if (/\d{16,}/.test(message.text)) counts.bigint++;
          checks.push(check);
        }
        if (checks.length === 0) {
          console.log(`${protocol} ${version}: no examples`);
          continue;
        }
        const made = controls(checks);
        for (const c of made) controlKeys.push(`${version} ${c.key}`);
        const written = await writeModule(
          { protocol, version },
          [...checks, ...made],
          `${protocol}-${version}`,
        );
        modules.push({ ...written, version });
      }
    }
    const failing = new Map([...unchecked, ...typeCheckModules(modules)]);
    const expected = listed((id) => !id.startsWith("live "));
    const mismatches = knownTypeMismatches.filter((m) => !m.id.startsWith("live ")).length;
    console.log(
      `${counts.found} messages: ${counts.request} requests, ${counts.reply} replies, ` +
        `${counts.event} events, ${counts.error} error replies (no result to check); ` +
        `${counts.elided} checked with a trailing '...' dropped, ${counts.bigint} with integers ` +
        `beyond 2^53 as bigint; ${expected.size} listed as not checking ` +
        `(${mismatches} known type mismatches), ${controlKeys.length} controls`,
    );
    // The extraction itself: if it found far fewer, the checks would prove little.
    assert.ok(counts.request > 500 && counts.reply > 500 && counts.event > 200, "examples found");
    assertAsListed(failing, expected, controlKeys);
  },
});

/** The machines real QEMU is started as: nothing, and a PC with devices that have something to report. */
const machines: Record<string, readonly string[] | undefined> = {
  none: undefined, // `launch()`'s default: -M none -nodefaults -display none
  pc: [
    "-M",
    "pc",
    "-accel",
    "tcg",
    "-S",
    "-nodefaults",
    "-display",
    "none",
    "-smp",
    "2,maxcpus=4",
    "-m",
    "128M,slots=2,maxmem=1G",
    "-object",
    "iothread,id=io0",
    "-blockdev",
    "null-co,node-name=null0,size=1048576",
    "-device",
    "virtio-blk-pci,drive=null0,iothread=io0,id=blk0",
    "-device",
    "virtio-balloon-pci,id=balloon0",
    "-object",
    "memory-backend-ram,id=mem0,size=128M",
    "-device",
    "pc-dimm,id=dimm0,memdev=mem0",
    "-device",
    "pci-bridge,id=br0,chassis_nr=1",
    "-netdev",
    "user,id=n0",
    "-device",
    "e1000,bus=br0,addr=1,netdev=n0",
    "-chardev",
    "null,id=c0",
    "-device",
    "isa-serial,chardev=c0",
    "-device",
    "qemu-xhci",
    "-device",
    "usb-tablet",
  ],
};

/** Read-only commands that take arguments, called on the `pc` machine as well. */
const queriesWithArguments: readonly [string, Record<string, unknown>][] = [
  ["qom-list", { path: "/machine" }],
  ["qom-list", { path: "/machine/peripheral/blk0" }],
  ["qom-get", { path: "/machine", property: "type" }],
  ["qom-list-properties", { typename: "virtio-blk-pci" }],
  ["device-list-properties", { typename: "virtio-blk-pci" }],
  ["device-list-properties", { typename: "e1000" }],
  ["query-cpu-model-expansion", { type: "full", model: { name: "qemu64" } }],
  ["query-cpu-model-expansion", { type: "static", model: { name: "max" } }],
  ["x-query-virtio-status", { path: "/machine/peripheral/blk0/virtio-backend" }],
  ["x-query-virtio-status", { path: "/machine/peripheral/balloon0/virtio-backend" }],
  ["x-query-virtio-queue-status", { path: "/machine/peripheral/blk0/virtio-backend", queue: 0 }],
  ["query-stats", { target: "vm" }],
  ["query-stats", { target: "vcpu" }],
  ["query-blockstats", { "query-nodes": true }],
  ["query-named-block-nodes", { flat: true }],
  ["query-command-line-options", { option: "drive" }],
];

/** A command's members, as the vendored literal has them. */
type Members = Record<string, string | { optional?: boolean }>;

const skipped = realQemuSkipped();

Deno.test({
  name: "real QEMU 7.2 and 10.0: the reply of every read-only query it answers has its type",
  ignore: skipped,
  fn: async () => {
    const binaries = await provision();
    const modules: WrittenModule[] = [];
    const controlKeys: string[] = [];
    const refused: string[] = [];
    let answered = 0;
    for (const version of ["7.2", "10.0"] as const) {
      const module = await import(`../../schemas/qmp/${version}.js`);
      const schema = module[`qmp${version.replace(".", "_")}`];
      // Queries (read-only by QEMU's naming) that need no argument: none, or only optional ones.
      const queries = Object.entries(schema.commands as Record<string, { data?: unknown }>)
        .filter(([name, { data }]) =>
          /^(x-)?query-/.test(name) &&
          (data === undefined || (typeof data === "object" && data !== null &&
            Object.values(data as Members).every((m) => typeof m === "object" && m.optional)))
        )
        .map(([name]) => name);
      const checks: Check[] = [];
      for (const [machine, args] of Object.entries(machines)) {
        await using qmp = await launch({
          binary: binaries[version].system,
          args,
          extraArgs: binaries[version].dataArgs,
        });
        assert.equal(`${qmp.version.major}.${qmp.version.minor}`, version);
        const calls: [string, Record<string, unknown> | undefined][] = [
          ...queries.map((name) => [name, undefined] as [string, undefined]),
          ...(machine === "pc" ? queriesWithArguments : []),
        ];
        for (const [name, callArgs] of calls) {
          const key = `live ${machine}: ${name}${callArgs ? ` ${JSON.stringify(callArgs)}` : ""}`;
          try {
            const value = await qmp.connection.call(name, callArgs);
            checks.push({ key, kind: "reply", name, value });
          } catch (error) {
            if (!(error instanceof QmpError)) throw error;
            refused.push(`${version} ${key.slice(5)} (${error.errorClass})`);
          }
        }
      }
      answered += checks.length;
      const made = controls(checks);
      for (const c of made) controlKeys.push(`${version} ${c.key}`);
      const written = await writeModule(
        { protocol: "qmp", version },
        [...checks, ...made],
        `live-qmp-${version}`,
      );
      modules.push({ ...written, version });
    }
    console.log(`${answered} replies checked; refused by QEMU: ${refused.join(", ")}`);
    assert.ok(answered > 150, "real replies captured");
    assertAsListed(typeCheckModules(modules), listed((id) => id.startsWith("live ")), controlKeys);
  },
});

// A realistic QMP 10.2 script of about 70 calls. The benchmark replaces the
// import line with the client under test (the type-level `QmpClient` or the
// generated one, from source or from declarations). Integers in results are
// `number | bigint`, hence `Number(…)` before arithmetic. For the span
// variant, statements calling a command that QEMU 7.2 lacks are dropped.
import { type Event, qmp } from "./client.ts";

export async function provision(image: string) {
  await qmp.execute("blockdev-add", {
    driver: "file",
    "node-name": "file0",
    filename: image,
    aio: "threads",
    "aio-max-batch": 8,
    cache: { direct: true, "no-flush": false },
  });
  await qmp.execute("blockdev-add", {
    driver: "qcow2",
    "node-name": "disk0",
    file: "file0",
    discard: "unmap",
    "cache-size": 1 << 20,
    "l2-cache-size": 1 << 19,
    "overlap-check": "constant",
    "lazy-refcounts": true,
  });
  await qmp.execute("blockdev-add", {
    driver: "qcow2",
    "node-name": "disk1",
    file: { driver: "file", filename: `${image}.2`, locking: "off", "aio-max-batch": 4 },
    backing: null,
    "read-only": false,
    "detect-zeroes": "unmap",
  });
  await qmp.execute("blockdev-add", {
    driver: "throttle",
    "node-name": "throttled0",
    "throttle-group": "tg0",
    file: {
      driver: "qcow2",
      "node-name": "inner0",
      file: { driver: "file", filename: `${image}.3`, aio: "native", cache: { direct: true } },
      "cache-clean-interval": 600,
      "overlap-check": { template: "constant", "refcount-block": false },
      backing: { driver: "raw", file: { driver: "file", filename: `${image}.base` } },
    },
  });
  await qmp.execute("blockdev-add", {
    driver: "raw",
    "node-name": "raw0",
    file: "file0",
    offset: 4096,
    size: 1 << 24,
  });
  await qmp.execute("blockdev-add", {
    driver: "luks",
    "node-name": "crypt0",
    file: "file0",
    "key-secret": "sec0",
  });
  await qmp.execute("blockdev-add", { driver: "null-co", "node-name": "scratch", size: 1 << 30 });
  await qmp.execute("blockdev-reopen", {
    options: [{ driver: "qcow2", "node-name": "disk0", file: "file0", "read-only": true }],
  });
  await qmp.execute("block_resize", { "node-name": "disk0", size: 2 << 30 });
  await qmp.execute("block-set-write-threshold", {
    "node-name": "disk0",
    "write-threshold": 1 << 29,
  });
  await qmp.execute("blockdev-del", { "node-name": "crypt0" });
}

export async function inspect() {
  const blocks = await qmp.execute("query-block");
  const images = [];
  for (const block of blocks) {
    const image = block.inserted?.image;
    if (image === undefined) continue;
    let depth = 0;
    for (let node: typeof image | undefined = image; node; node = node["backing-image"]) depth++;
    const specific = image["format-specific"];
    const compat = specific?.type === "qcow2" ? specific.data.compat : undefined;
    images.push({
      device: block.device,
      format: image.format,
      size: Number(image["virtual-size"]),
      depth,
      compat,
      throttled: block.inserted?.group !== undefined,
      cache: block.inserted?.cache.direct,
    });
  }
  const stats = await qmp.execute("query-blockstats", { "query-nodes": true });
  const traffic = stats.map((s) => Number(s.stats.rd_bytes) + Number(s.stats.wr_bytes));
  const nodes = await qmp.execute("query-named-block-nodes", { flat: true });
  const names = nodes.map((node) => `${node["node-name"]}:${node.drv}:${node.image.filename}`);
  const blockJobs = await qmp.execute("query-block-jobs");
  const remaining = blockJobs.map((job) =>
    `${job.device}: ${Number(job.len) - Number(job.offset)}`
  );
  const status = await qmp.execute("query-status");
  const version = await qmp.execute("query-version");
  const jobs = await qmp.execute("query-jobs");
  const progress = jobs.map((job) =>
    Number(job["current-progress"]) / Math.max(1, Number(job["total-progress"]))
  );
  const cpus = await qmp.execute("query-cpus-fast");
  const threads = cpus.map((cpu) => cpu["thread-id"]);
  const kvm = await qmp.execute("query-kvm");
  const machines = await qmp.execute("query-machines");
  const commands = await qmp.execute("query-commands");
  const migration = await qmp.execute("query-migrate");
  const parameters = await qmp.execute("query-migrate-parameters");
  const capabilities = await qmp.execute("query-migrate-capabilities");
  const chardevs = await qmp.execute("query-chardev");
  const iothreads = await qmp.execute("query-iothreads");
  const memory = await qmp.execute("query-memdev");
  const schema = await qmp.execute("query-qmp-schema");
  return {
    images,
    traffic,
    names,
    remaining,
    running: status.running,
    paused: status.status === "paused",
    major: Number(version.qemu.major),
    progress,
    threads,
    kvm: kvm.enabled,
    machines: machines.filter((m) => m["is-default"]).map((m) => m.name),
    commands: commands.length,
    migrated: Number(migration.ram?.transferred ?? 0),
    migrationStatus: migration.status,
    bandwidth: parameters["max-bandwidth"],
    multifd: capabilities.some((c) => c.capability === "multifd" && c.state),
    chardevs: chardevs.map((c) => c.label),
    iothreads: iothreads.map((t) => t.id),
    memory: memory.reduce((sum, m) => sum + Number(m.size), 0),
    schemaCommands: schema.filter((entry) => entry["meta-type"] === "command").length,
  };
}

export async function objects() {
  await qmp.execute("object-add", { "qom-type": "iothread", id: "io0", "poll-max-ns": 32768 });
  await qmp.execute("object-add", { "qom-type": "memory-backend-ram", id: "mem0", size: 1 << 30 });
  await qmp.execute("object-add", {
    "qom-type": "throttle-group",
    id: "tg0",
    limits: { "iops-total": 1000, "bps-total": 1 << 26, "bps-total-max": 1 << 27 },
  });
  await qmp.execute("object-add", { "qom-type": "secret", id: "sec0", data: "password" });
  await qmp.execute("object-del", { id: "io0" });
  const list = await qmp.execute("qom-list", { path: "/objects" });
  const value = await qmp.execute("qom-get", { path: "/machine", property: "type" });
  await qmp.execute("qom-set", { path: "/objects/tg0", property: "x-iops-total", value: 500 });
  await qmp.execute("qom-list-get", { paths: ["/objects/tg0", "/machine"] });
  return [list.map((p) => `${p.name}: ${p.type}`), value];
}

export async function migrate() {
  await qmp.execute("migrate-set-parameters", {
    "max-bandwidth": 1 << 30,
    "downtime-limit": 300,
    "multifd-channels": 4,
    "tls-creds": null,
    "block-bitmap-mapping": [{
      "node-name": "disk0",
      alias: "d0",
      bitmaps: [{ name: "b0", alias: "b0" }],
    }],
  });
  await qmp.execute("migrate-set-capabilities", {
    capabilities: [{ capability: "multifd", state: true }, {
      capability: "postcopy-ram",
      state: false,
    }],
  });
  await qmp.execute("migrate", { uri: "tcp:127.0.0.1:4444" });
  await qmp.execute("migrate_cancel");
  await qmp.execute("migrate-incoming", { uri: "defer" });
}

export async function devices() {
  await qmp.execute("device_add", { driver: "virtio-blk-pci", id: "vd0", bus: "pci.0" });
  await qmp.execute("device_del", { id: "vd0" });
  await qmp.execute("netdev_add", { type: "user", id: "net0" });
  await qmp.execute("netdev_del", { id: "net0" });
  await qmp.execute("chardev-add", {
    id: "char0",
    backend: {
      type: "socket",
      data: { addr: { type: "unix", data: { path: "/tmp/c" } }, server: true },
    },
  });
  await qmp.execute("chardev-remove", { id: "char0" });
}

export async function jobs() {
  await qmp.execute("blockdev-backup", {
    "job-id": "backup0",
    device: "disk0",
    target: "scratch",
    sync: "full",
    speed: 1 << 26,
  });
  await qmp.execute("blockdev-mirror", {
    "job-id": "mirror0",
    device: "disk1",
    target: "scratch",
    sync: "top",
    "copy-mode": "write-blocking",
  });
  await qmp.execute("block-job-set-speed", { device: "mirror0", speed: 0 });
  await qmp.execute("block-job-change", {
    id: "mirror0",
    type: "mirror",
    "copy-mode": "write-blocking",
  });
  await qmp.execute("job-pause", { id: "mirror0" });
  await qmp.execute("job-resume", { id: "mirror0" });
  await qmp.execute("job-complete", { id: "mirror0" });
  await qmp.execute("job-dismiss", { id: "backup0" });
  await qmp.execute("block-stream", { "job-id": "stream0", device: "disk1", "base-node": "raw0" });
  await qmp.execute("block-commit", { "job-id": "commit0", device: "disk1", "top-node": "disk1" });
  await qmp.execute("transaction", {
    actions: [
      { type: "block-dirty-bitmap-add", data: { node: "disk0", name: "b0", persistent: true } },
      { type: "blockdev-snapshot-sync", data: { "node-name": "disk0", "snapshot-file": "/tmp/s" } },
      {
        type: "blockdev-backup",
        data: { device: "disk0", target: "scratch", sync: "incremental", bitmap: "b0" },
      },
      { type: "abort", data: {} },
    ],
    properties: { "completion-mode": "grouped" },
  });
  await qmp.execute("block-dirty-bitmap-clear", { node: "disk0", name: "b0" });
  await qmp.execute("block-dirty-bitmap-merge", {
    node: "disk0",
    target: "b0",
    bitmaps: ["b1", { node: "disk1", name: "b2" }],
  });
}

export async function lifecycle() {
  await qmp.execute("qmp_capabilities");
  await qmp.execute("stop");
  await qmp.execute("cont");
  await qmp.execute("system_reset");
  await qmp.execute("set-action", { shutdown: "pause", panic: "exit-failure" });
  await qmp.execute("human-monitor-command", { "command-line": "info status" });
  await qmp.execute("screendump", { filename: "/tmp/s.png", format: "png" });
  await qmp.execute("quit");
}

export function handle(event: Event): string {
  switch (event.event) {
    case "SHUTDOWN":
      return `shutdown by ${event.data.guest ? "guest" : "host"}: ${event.data.reason}`;
    case "JOB_STATUS_CHANGE":
      return `${event.data.id} is ${event.data.status}`;
    case "BLOCK_JOB_COMPLETED":
      return `${event.data.device}: ${event.data.offset}/${event.data.len} ${
        event.data.error ?? ""
      }`;
    case "BLOCK_JOB_READY":
      return `${event.data.device} ready at ${Number(event.data.offset)}`;
    case "BLOCK_JOB_ERROR":
      return `${event.data.device}: ${event.data.operation} ${event.data.action}`;
    case "DEVICE_DELETED":
      return `${event.data.device ?? ""} at ${event.data.path}`;
    case "MIGRATION":
      return event.data.status;
    case "BLOCK_WRITE_THRESHOLD":
      return `${event.data["node-name"]} over ${event.data["write-threshold"]}`;
    case "RESET":
      return `reset by ${event.data.guest ? "guest" : "host"}`;
    case "STOP":
    case "RESUME":
      return event.event;
    default:
      return `${event.event} at ${event.timestamp.seconds}`;
  }
}

// A realistic QMP 10.2 script of about 60 calls, checked against the
// type-level client and against plainly generated interfaces (client.ts is
// supplied per variant by bench/types/run.ts).
import { type Event, qmp } from "./client.ts";

export async function provisionDisk(image: string) {
  await qmp.execute("blockdev-add", {
    driver: "file",
    "node-name": "file0",
    filename: image,
    "aio-max-batch": 8,
    "cache": { direct: true, "no-flush": false },
  });
  await qmp.execute("blockdev-add", {
    driver: "qcow2",
    "node-name": "disk0",
    file: "file0",
    "discard": "unmap",
    "cache-size": 1 << 20,
  });
  await qmp.execute("blockdev-add", {
    driver: "qcow2",
    "node-name": "disk1",
    file: { driver: "file", filename: `${image}.2`, locking: "off" },
    backing: null,
  });
  await qmp.execute("blockdev-add", { driver: "null-co", "node-name": "scratch", size: 1 << 30 });
  await qmp.execute("block_resize", { "node-name": "disk0", size: 2 << 30 });
  await qmp.execute("block-set-write-threshold", {
    "node-name": "disk0",
    "write-threshold": 1 << 29,
  });
}

export async function inspect() {
  const blocks = await qmp.execute("query-block");
  const formats = blocks.map((block) => block.inserted?.image.format ?? "none");
  const sizes = blocks.map((block) => block.inserted?.image["virtual-size"] ?? 0);
  const nodes = await qmp.execute("query-named-block-nodes", { flat: true });
  const names = nodes.map((node) => `${node["node-name"]}:${node.drv}:${node.image.filename}`);
  const status = await qmp.execute("query-status");
  const version = await qmp.execute("query-version");
  const jobs = await qmp.execute("query-jobs");
  const progress = jobs.map((job) => job["current-progress"] / Math.max(1, job["total-progress"]));
  const cpus = await qmp.execute("query-cpus-fast");
  const threads = cpus.map((cpu) => cpu["thread-id"]);
  const kvm = await qmp.execute("query-kvm");
  const machines = await qmp.execute("query-machines");
  const commands = await qmp.execute("query-commands");
  const migration = await qmp.execute("query-migrate");
  const parameters = await qmp.execute("query-migrate-parameters");
  const chardevs = await qmp.execute("query-chardev");
  const iothreads = await qmp.execute("query-iothreads");
  return {
    formats,
    sizes,
    names,
    running: status.running,
    major: version.qemu.major,
    progress,
    threads,
    kvm: kvm.enabled,
    machines: machines.length,
    commands: commands.length,
    migrationStatus: migration.status,
    bandwidth: parameters["max-bandwidth"],
    chardevs: chardevs.map((c) => c.label),
    iothreads: iothreads.map((t) => t.id),
  };
}

export async function objects() {
  await qmp.execute("object-add", { "qom-type": "iothread", id: "io0", "poll-max-ns": 32768 });
  await qmp.execute("object-add", { "qom-type": "memory-backend-ram", id: "mem0", size: 1 << 30 });
  await qmp.execute("object-add", {
    "qom-type": "throttle-group",
    id: "tg0",
    limits: { "iops-total": 1000, "bps-total": 1 << 26 },
  });
  await qmp.execute("object-add", { "qom-type": "secret", id: "sec0", data: "password" });
  await qmp.execute("object-del", { id: "io0" });
  const list = await qmp.execute("qom-list", { path: "/objects" });
  const value = await qmp.execute("qom-get", { path: "/machine", property: "type" });
  await qmp.execute("qom-set", { path: "/objects/tg0", property: "x-iops-total", value: 500 });
  return [list.map((p) => p.name), value];
}

export async function migrate() {
  await qmp.execute("migrate-set-parameters", {
    "max-bandwidth": 1 << 30,
    "downtime-limit": 300,
    "multifd-channels": 4,
    "tls-creds": null,
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
  await qmp.execute("device_add", { driver: "virtio-blk-pci", id: "vd0", drive: "disk0" } as never);
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
  await qmp.execute("job-pause", { id: "mirror0" });
  await qmp.execute("job-resume", { id: "mirror0" });
  await qmp.execute("job-complete", { id: "mirror0" });
  await qmp.execute("job-dismiss", { id: "backup0" });
  await qmp.execute("transaction", {
    actions: [
      { type: "block-dirty-bitmap-add", data: { node: "disk0", name: "b0", persistent: true } },
      { type: "blockdev-snapshot-sync", data: { "node-name": "disk0", "snapshot-file": "/tmp/s" } },
      { type: "abort", data: {} },
    ],
    properties: { "completion-mode": "grouped" },
  });
  await qmp.execute("block-dirty-bitmap-clear", { node: "disk0", name: "b0" });
}

export async function lifecycle() {
  await qmp.execute("stop");
  await qmp.execute("cont");
  await qmp.execute("system_reset");
  await qmp.execute("set-action", { shutdown: "pause", panic: "exit-failure" });
  await qmp.execute("human-monitor-command", { "command-line": "info status" });
  await qmp.execute("screendump", { filename: "/tmp/s.ppm", format: "png" });
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
    case "BLOCK_JOB_ERROR":
      return `${event.data.device}: ${event.data.operation} ${event.data.action}`;
    case "DEVICE_DELETED":
      return `${event.data.device ?? ""} at ${event.data.path}`;
    case "MIGRATION":
      return event.data.status;
    case "BLOCK_WRITE_THRESHOLD":
      return `${event.data["node-name"]} over ${event.data["write-threshold"]}`;
    default:
      return event.event;
  }
}

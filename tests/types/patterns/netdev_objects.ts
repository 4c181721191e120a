/**
 * Networking and backends: netdev_add for user and tap networks, chardev-add
 * with a socket backend (a legacy union: members under `data`), object-add
 * of memory backends and secrets, and devices plugged on top of them.
 */
import type { CommandArgs, Qmp10_2, QmpClient } from "../../../mod.ts";

type ObjectArgs = CommandArgs<Qmp10_2, "object-add">;

export async function network(qmp: QmpClient<Qmp10_2>, forwards: Record<number, number>) {
  const hostfwd = Object.entries(forwards).map(([host, guest]) => ({
    str: `tcp::${host}-:${guest}`,
  }));
  await qmp.execute("netdev_add", {
    type: "user",
    id: "net0",
    hostfwd,
    ipv6: false,
    hostname: "vm0",
  });
  await qmp.execute("device_add", { driver: "virtio-net-pci", netdev: "net0", id: "nic0" });
  await qmp.execute("netdev_add", { type: "tap", id: "net1", ifname: "tap1", vhost: true });
  const rx = await qmp.execute("query-rx-filter", { name: "nic0" });
  return rx.map((filter) => ({
    name: filter.name,
    mac: filter["main-mac"],
    promiscuous: filter.promiscuous,
  }));
}

export async function serial(qmp: QmpClient<Qmp10_2>, path: string) {
  const { pty } = await qmp.execute("chardev-add", {
    id: "serial1",
    backend: {
      type: "socket",
      data: { addr: { type: "unix", data: { path } }, server: true, wait: false },
    },
  });
  await qmp.execute("device_add", { driver: "isa-serial", chardev: "serial1" });
  return pty;
}

export async function memory(qmp: QmpClient<Qmp10_2>, mib: number) {
  const backend: ObjectArgs = {
    "qom-type": "memory-backend-ram",
    id: "mem1",
    size: mib * 1024 * 1024,
    share: false,
  };
  await qmp.execute("object-add", backend);
  await qmp.execute("object-add", {
    "qom-type": "secret",
    id: "sec0",
    data: "letmein",
    format: "raw",
  });
  await qmp.execute("object-add", { "qom-type": "iothread", id: "io0", "poll-max-ns": 32768 });
  await qmp.execute("device_add", { driver: "pc-dimm", id: "dimm1", memdev: "mem1" });
  await qmp.execute("object-del", { id: "sec0" });
}

export async function mistakes(qmp: QmpClient<Qmp10_2>) {
  // @ts-expect-error a netdev type that does not exist
  await qmp.execute("netdev_add", { type: "bridged", id: "n" });
  // @ts-expect-error `hostfwd` is a list of { str }, not a string
  await qmp.execute("netdev_add", { type: "user", id: "n", hostfwd: "tcp::2222-:22" });
  await qmp.execute("chardev-add", {
    id: "c",
    // @ts-expect-error the legacy backend wants its members under `data`
    backend: { type: "socket", addr: { type: "unix", data: { path: "/tmp/s" } } },
  });
  // @ts-expect-error a memory backend's size is a number, not "1G"
  await qmp.execute("object-add", { "qom-type": "memory-backend-ram", id: "m", size: "1G" });
  // @ts-expect-error object-add's type member is `qom-type`
  await qmp.execute("object-add", { type: "iothread", id: "io1" });
}

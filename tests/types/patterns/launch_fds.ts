/**
 * Launching QEMU as a management tool does: arguments as an array, a disk
 * image passed as a descriptor in an fd set, option values escaped with
 * qemuOptionValue, the exit awaited, and `await using` for cleanup.
 */
import { openSync } from "node:fs";
import {
  addFd,
  FdPassingError,
  inheritedFd,
  launch,
  type LaunchOptions,
  qemuOptionValue,
} from "../../../mod.ts";
import type { Qmp10_2 } from "../../../mod.ts";

export async function boot(image: string, tap: number, name = "vm,with,commas") {
  const disk = openSync(image, "r+");
  const options: LaunchOptions = {
    binary: "qemu-system-x86_64",
    args: [
      "-machine",
      "q35,accel=kvm:tcg",
      "-m",
      "1G",
      "-name",
      qemuOptionValue(name),
      "-nographic",
    ],
    fds: [{ fd: disk, opaque: "disk0" }, { fd: tap, set: false }],
    startTimeout: 20_000,
    quitTimeout: 3000,
  };
  await using qmp = await launch<Qmp10_2>({
    ...options,
    extraArgs: ["-netdev", `tap,id=net0,fd=${inheritedFd(1)}`],
  });
  const [{ set }] = qmp.fds.filter((fd) => fd.set !== undefined);
  await qmp.execute("blockdev-add", {
    driver: "raw",
    "node-name": "disk0",
    file: { driver: "file", filename: `/dev/fdset/${set}` },
  });
  await qmp.execute("device_add", {
    driver: "virtio-blk-pci",
    drive: "disk0",
    id: "vda",
    bootindex: 1,
  });
  await qmp.execute("device_add", {
    driver: "virtio-net-pci",
    netdev: "net0",
    mac: "52:54:00:12:34:56",
  });
  console.log(`pid ${qmp.pid} in ${qmp.directory}, pre-opened: ${qmp.preopened}`);
  try {
    const { "fdset-id": id } = await addFd(qmp, openSync(`${image}.log`, "a"), { opaque: "log" });
    console.log(`log in fd set ${id}`);
  } catch (error) {
    if (!(error instanceof FdPassingError)) throw error;
  }
  await qmp.execute("cont");
  const code = await qmp.exited;
  return typeof code === "number" ? code : `killed by ${code}`;
}

export async function mistakes() {
  // @ts-expect-error arguments are an array, not one string
  await launch({ args: "-m 1G" });
  // @ts-expect-error a descriptor is a number, not a path
  await launch({ fds: [{ fd: "/tmp/disk.img" }] });
  // @ts-expect-error an option launch does not have
  await launch({ memory: 1024 });
  await using qmp = await launch<Qmp10_2>();
  // @ts-expect-error a device_add property the schema lists, of the wrong type
  await qmp.execute("device_add", { driver: "virtio-blk-pci", bus: 0 });
  // @ts-expect-error device_add without the driver
  await qmp.execute("device_add", { id: "vda" });
}

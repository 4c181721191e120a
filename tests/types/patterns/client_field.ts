/**
 * A class that stores a client as a field and exposes domain methods.
 */
import { connect, type EventData, type QmpClient } from "../../../mod.ts";
import type { Qmp10_2 } from "../../../mod.ts";

export class Machine {
  #stopped = false;
  readonly disks = new Map<string, number>();

  constructor(private readonly qmp: QmpClient<Qmp10_2>) {
    this.qmp.on("STOP", () => (this.#stopped = true));
  }

  static async open(path: string): Promise<Machine> {
    return new Machine(await connect<Qmp10_2>(path));
  }

  async running(): Promise<boolean> {
    return !this.#stopped && (await this.qmp.execute("query-status")).running;
  }

  async resize(node: string, size: number): Promise<void> {
    await this.qmp.execute("block_resize", { "node-name": node, size });
    this.disks.set(node, size);
  }

  addDisk(node: string, filename: string) {
    return this.qmp.execute("blockdev-add", {
      driver: "raw",
      "node-name": node,
      file: { driver: "file", filename },
    });
  }

  onShutdown(handler: (data: EventData<Qmp10_2, "SHUTDOWN">) => void): () => void {
    return this.qmp.on("SHUTDOWN", (event) => handler(event.data));
  }

  close(): Promise<void> {
    return this.qmp.close();
  }
}

export async function valid() {
  const machine = await Machine.open("/tmp/qmp.sock");
  await machine.resize("disk0", 1 << 30);
  await machine.addDisk("disk1", "/tmp/disk1.img");
  machine.onShutdown((data) => console.log(data.reason));
  return machine.running();
}

export class Invalid {
  constructor(readonly qmp: QmpClient<Qmp10_2>) {}

  async run() {
    // @ts-expect-error missing member
    await this.qmp.execute("block_resize", { "node-name": "disk0" });
    // @ts-expect-error ill-typed member
    await this.qmp.execute("block_resize", { size: "1G" });
    // @ts-expect-error excess member
    await this.qmp.execute("block_resize", { size: 1, bogus: true });
    // @ts-expect-error unknown command
    await this.qmp.execute("no-such-command");
    // @ts-expect-error member of another union branch
    await this.qmp.execute("blockdev-add", { driver: "raw", filename: "/tmp/x" });
    // @ts-expect-error wrong discriminator value
    await this.qmp.execute("blockdev-add", { driver: "no-such-driver" });
    // @ts-expect-error wrong event name
    this.qmp.on("SHUT_DOWN", () => {});
    // @ts-expect-error not a client
    return new Machine({});
  }
}

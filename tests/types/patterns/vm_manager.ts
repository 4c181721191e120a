/**
 * A VM manager class as an operator writes it: a launched client held as a
 * field, typed by `Qmp10_2`, with methods that hotplug disks, read the block
 * graph into a Map keyed by node name, and stop the VM.
 */
import { launch, type LaunchedQmpClient, QmpError } from "../../../mod.ts";
import type { CommandArgs, CommandReturn, Qmp10_2 } from "../../../mod.ts";

type BlockNode = CommandReturn<Qmp10_2, "query-named-block-nodes">[number];

export class VmManager {
  readonly nodes = new Map<string, BlockNode>();

  private constructor(private readonly qmp: LaunchedQmpClient<Qmp10_2>) {}

  static async start(memoryMb = 256): Promise<VmManager> {
    const qmp = await launch<Qmp10_2>({ args: ["-m", String(memoryMb), "-nodefaults"] });
    return new VmManager(qmp);
  }

  async addDisk(id: string, filename: string, readOnly = false): Promise<void> {
    const options: CommandArgs<Qmp10_2, "blockdev-add"> = {
      driver: "qcow2",
      "node-name": `${id}-fmt`,
      "read-only": readOnly,
      file: { driver: "file", filename, "node-name": `${id}-file` },
    };
    await this.qmp.execute("blockdev-add", options);
    await this.qmp.execute("device_add", {
      driver: "virtio-blk-pci",
      id,
      drive: `${id}-fmt`,
      // a device property the schema does not list
      "num-queues": 2,
    });
  }

  async removeDisk(id: string): Promise<void> {
    const deleted = this.qmp.waitFor("DEVICE_DELETED", {
      where: (event) => event.data.device === id,
      history: false,
      timeout: 10_000,
    });
    await this.qmp.execute("device_del", { id });
    await deleted;
    await this.qmp.execute("blockdev-del", { "node-name": `${id}-fmt` });
  }

  async refresh(): Promise<Map<string, BlockNode>> {
    this.nodes.clear();
    for (const node of await this.qmp.execute("query-named-block-nodes", { flat: true })) {
      if (node["node-name"]) this.nodes.set(node["node-name"], node);
    }
    return this.nodes;
  }

  async sizes(): Promise<Record<string, number>> {
    await this.refresh();
    const sizes: Record<string, number> = {};
    for (const [name, node] of this.nodes) sizes[name] = Number(node.image["virtual-size"]);
    return sizes;
  }

  async state(): Promise<string> {
    const { status, running } = await this.qmp.execute("query-status");
    return running ? "up" : status;
  }

  async stop(): Promise<number | string> {
    try {
      await this.qmp.execute("system_powerdown");
      await this.qmp.waitFor("SHUTDOWN", { timeout: 5000 });
    } catch (error) {
      if (!(error instanceof QmpError)) throw error;
      await this.qmp.execute("quit").catch(() => {});
    }
    return await this.qmp.exited;
  }

  async mistakes(): Promise<void> {
    await this.qmp.execute("blockdev-add", {
      driver: "qcow2",
      "node-name": "d",
      // @ts-expect-error a qcow2 node's file is a reference or options, not a number
      file: 3,
    });
    // @ts-expect-error device_del takes `id`, not `device`
    await this.qmp.execute("device_del", { device: "disk0" });
    // @ts-expect-error a listed device_add member of the wrong type
    await this.qmp.execute("device_add", { driver: "virtio-blk-pci", id: 7 });
    // @ts-expect-error a member of query-named-block-nodes' result that does not exist
    for (const node of await this.qmp.execute("query-named-block-nodes")) node.nodeName;
    // @ts-expect-error RunState read as a number
    if ((await this.qmp.execute("query-status")).status > 0) return;
    // @ts-expect-error the exit code is a number or a signal name, not a boolean
    const exited: boolean = await this.qmp.exited;
    console.log(exited);
  }
}

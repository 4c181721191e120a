/**
 * A qcow2 image that is corrupt in a way QEMU detects on the first read:
 * its first L1 entry points at an L2 table that is not cluster-aligned.
 *
 * @module
 */

/**
 * Creates a qcow2 image of `size` bytes at `path` with `qemu-img` and corrupts its L1 table.
 *
 * @example
 * ```ts ignore
 * import { corruptQcow2 } from "./qcow2.ts";
 * await corruptQcow2("qemu-img", "/tmp/corrupt.qcow2", 1 << 20);
 * ```
 */
export async function corruptQcow2(qemuImg: string, path: string, size: number): Promise<void> {
  const created = await new Deno.Command(qemuImg, {
    args: ["create", "-q", "-f", "qcow2", path, `${size}`],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!created.success) throw new Error(new TextDecoder().decode(created.stderr));
  const image = await Deno.readFile(path);
  const view = new DataView(image.buffer);
  // The header's l1_table_offset (big-endian, at byte 40).
  const l1 = Number(view.getBigUint64(40));
  // An L2 table at byte 512: inside the header's cluster, not aligned to one.
  view.setBigUint64(l1, 0x200n);
  await Deno.writeFile(path, image);
}

/**
 * The client side of a VNC (RFB 3.8) handshake without authentication, up
 * to the server's initialisation message: what makes QEMU report a client
 * as connected and then initialised.
 *
 * @module
 */

/** Reads exactly `length` bytes. */
async function readExactly(conn: Deno.Conn, length: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  for (let at = 0; at < length;) {
    const n = await conn.read(bytes.subarray(at));
    if (n === null) throw new Error(`VNC: the server closed after ${at} of ${length} bytes`);
    at += n;
  }
  return bytes;
}

/**
 * Runs the handshake on `conn`, a fresh connection to QEMU's VNC server
 * (`-vnc unix:PATH`, no password), up to the server's initialisation.
 *
 * @example
 * ```ts ignore
 * import { vncHandshake } from "./vnc.ts";
 * await vncHandshake(await Deno.connect({ transport: "unix", path: "/tmp/vnc.sock" }));
 * ```
 */
export async function vncHandshake(conn: Deno.Conn): Promise<void> {
  const version = new TextDecoder().decode(await readExactly(conn, 12));
  if (!version.startsWith("RFB ")) throw new Error(`VNC: not an RFB greeting: ${version}`);
  await conn.write(new TextEncoder().encode("RFB 003.008\n"));
  const [count] = await readExactly(conn, 1);
  const types = await readExactly(conn, count);
  if (!types.includes(1)) throw new Error(`VNC: no "None" security type in ${types}`);
  await conn.write(new Uint8Array([1]));
  const result = new DataView((await readExactly(conn, 4)).buffer).getUint32(0);
  if (result !== 0) throw new Error(`VNC: security result ${result}`);
  // ClientInit: share the desktop.
  await conn.write(new Uint8Array([1]));
  // ServerInit: size, pixel format (20 bytes), then the name's length and the name.
  const init = await readExactly(conn, 24);
  await readExactly(conn, new DataView(init.buffer).getUint32(20));
}

/**
 * A scripted QMP peer for fault injection: a unix socket server that greets
 * (or does what `onConnect` says) and hands each request line to a script.
 *
 * @module
 */
import { createServer, type Server, type Socket } from "node:net";

/** QEMU 10.2's greeting, with out-of-band execution offered. */
export const greeting = JSON.stringify({
  QMP: { version: { qemu: { major: 10, minor: 2, micro: 0 }, package: "" }, capabilities: ["oob"] },
}) + "\n";

/** An event's timestamp. */
export const timestamp = { seconds: 1, microseconds: 2 };

/** Starts a peer on a fresh unix socket; `script` handles each request line. */
export async function peer(
  script: (socket: Socket, request: Record<string, unknown>) => void,
  onConnect: (socket: Socket) => void = (socket) => socket.write(greeting),
): Promise<{ path: string; server: Server; done: () => Promise<void> }> {
  const directory = await Deno.makeTempDir();
  const path = `${directory}/qmp.sock`;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    let buffered = "";
    socket.on("data", (chunk) => {
      buffered += chunk.toString();
      for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        script(socket, JSON.parse(line));
      }
    });
    socket.on("error", () => {});
    onConnect(socket);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    path,
    server,
    done: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      await Deno.remove(directory, { recursive: true });
    },
  };
}

/** Answers `request` with `value`. */
export const reply = (socket: Socket, request: Record<string, unknown>, value: unknown = {}) =>
  socket.write(JSON.stringify({ return: value, id: request.id }) + "\n");

// A local QMP peer for the client-bound benchmark: greets, then answers every
// request at once with a canned query-status reply carrying the request's id.
// Runs as its own process so its CPU is not counted against the client.
import { createServer } from "node:net";

const path = Deno.args[0];
const greeting = JSON.stringify({
  QMP: { version: { qemu: { major: 10, minor: 0, micro: 0 }, package: "" }, capabilities: [] },
}) + "\n";
const server = createServer((socket) => {
  socket.write(greeting);
  let pending = "";
  socket.on("data", (chunk) => {
    const text = pending + chunk.toString();
    const end = text.lastIndexOf("\n");
    pending = text.slice(end + 1);
    let out = "";
    // The id is echoed as sent: a number or a string.
    for (const match of text.slice(0, end).matchAll(/"id":("[^"]*"|[^,}]+)/g)) {
      out += `{"return": {"status": "running", "singlestep": false, "running": true}, "id": ${
        match[1]
      }}\n`;
    }
    if (out) socket.write(out);
  });
  socket.on("error", () => {});
});
server.listen(path, () => console.log("ready"));

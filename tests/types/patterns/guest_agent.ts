/**
 * Guest agent scripts: guest-exec with guest-exec-status polled by hand,
 * file write and read with base64 done by the user, guest-get-osinfo and
 * fsinfo read with defaults, and the library's helpers beside them.
 */
import {
  connectGuestAgent,
  type GuestAgent,
  guestExec,
  guestReadFile,
  guestWriteFile,
} from "../../../guest.ts";
import type { CommandArgs, CommandReturn } from "../../../mod.ts";
import type { Qga10_2, Qga7_2 } from "../../../versions.ts";

const toBase64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));
const fromBase64 = (b64: string) =>
  new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function run(agent: GuestAgent<Qga10_2>, command: string, ...args: string[]) {
  const request: CommandArgs<Qga10_2, "guest-exec"> = { path: command, arg: args };
  request["capture-output"] = true;
  if (args.includes("--stdin")) request["input-data"] = toBase64("yes\n");
  const { pid } = await agent.execute("guest-exec", request);
  let status: CommandReturn<Qga10_2, "guest-exec-status">;
  do {
    await sleep(50);
    status = await agent.execute("guest-exec-status", { pid });
  } while (!status.exited);
  const code = status.exitcode === undefined ? -1 : Number(status.exitcode);
  return { code, out: fromBase64(status["out-data"] ?? ""), truncated: status["out-truncated"] };
}

export async function configure(socket: string) {
  await using agent = await connectGuestAgent(socket, { callTimeout: 10_000 });
  await agent.execute("guest-ping");
  const os = await agent.execute("guest-get-osinfo");
  const { name = "unknown", "version-id": versionId = "", "kernel-release": kernel } = os;
  const handle = await agent.execute("guest-file-open", { path: "/etc/motd", mode: "w+" });
  const { count } = await agent.execute("guest-file-write", {
    handle,
    "buf-b64": toBase64(`${name} ${versionId} (${kernel ?? "?"})\n`),
  });
  await agent.execute("guest-file-flush", { handle });
  await agent.execute("guest-file-seek", { handle, offset: 0, whence: "set" });
  const read = await agent.execute("guest-file-read", { handle, count: 4096 });
  await agent.execute("guest-file-close", { handle });
  const filesystems = await agent.execute("guest-get-fsinfo");
  const usage = filesystems
    .filter((fs) => fs["total-bytes"] !== undefined)
    .map((fs) => ({
      at: fs.mountpoint,
      used: Number(fs["used-bytes"] ?? 0) / Number(fs["total-bytes"]),
    }));
  const uname = await guestExec(agent, "/bin/uname", ["-a"], { timeout: 5000 });
  await guestWriteFile(agent, "/tmp/hello", new TextEncoder().encode("hello"));
  const back = new TextDecoder().decode(await guestReadFile(agent, "/tmp/hello"));
  return {
    count,
    text: fromBase64(read["buf-b64"]),
    eof: read.eof,
    usage,
    uname: uname.stdout,
    back,
  };
}

export async function oldAgent(agent: GuestAgent<Qga7_2>) {
  // A 7.2 agent still works with the helpers typed for every agent from 7.2 on.
  const { exitCode } = await guestExec(agent, "/bin/true");
  const info = await agent.execute("guest-info");
  return {
    exitCode,
    commands: info.supported_commands.filter((c) => c.enabled).map((c) => c.name),
  };
}

export async function mistakes(agent: GuestAgent<Qga10_2>, old: GuestAgent<Qga7_2>) {
  // @ts-expect-error arguments are a list of strings, not one string
  await agent.execute("guest-exec", { path: "/bin/ls", arg: "-l /" });
  // @ts-expect-error guest-file-read's handle is a number
  await agent.execute("guest-file-read", { handle: "3" });
  // @ts-expect-error whence is an enum or an integer, not "start"
  await agent.execute("guest-file-seek", { handle: 3, offset: 0, whence: "start" });
  const os = await agent.execute("guest-get-osinfo");
  // @ts-expect-error every osinfo member is optional
  const name: string = os.name;
  // @ts-expect-error capture-output's modes ("merged") came after 7.2
  await old.execute("guest-exec", { path: "/bin/ls", "capture-output": "merged" });
  // @ts-expect-error a QMP command on the guest agent
  await agent.execute("query-status");
  // @ts-expect-error the helper takes the arguments as an array
  await guestExec(agent, "/bin/ls", "-l");
  return name;
}

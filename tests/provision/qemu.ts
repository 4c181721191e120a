/**
 * Provides the real QEMU binaries the tests, the demo and the benchmarks run:
 * QEMU 7.2 from Debian bookworm (installed with apt-get when missing), and
 * QEMU 10.0 from bookworm-backports, unpacked into `.cache/qemu-10.0/`
 * without a system-wide install (a private apt configuration, `apt-get
 * download`, `dpkg -x`). Quick when everything is already there.
 *
 * `deno run -A tests/provision/qemu.ts` provisions and prints the paths.
 *
 * @module
 */

/** The binaries of one QEMU release. */
export interface QemuBinaries {
  /** `MAJOR.MINOR`. */
  readonly version: string;
  readonly system: string;
  readonly storageDaemon: string;
  readonly img: string;
  readonly guestAgent: string;
  /** Arguments that make the system emulator find its firmware and data (`-L DIR`). */
  readonly dataArgs: readonly string[];
}

const repository = new URL("../../", import.meta.url).pathname;
const backportsVersion = "1:10.0.2+ds-2+deb13u1~bpo12+1";
const backportsPackages = [
  "qemu-system-x86",
  "qemu-system-common",
  "qemu-system-data",
  "qemu-guest-agent",
  "qemu-utils",
];
const missingHelp = `QEMU could not be provided on this machine. Install it with:
  apt-get install qemu-system-x86 qemu-utils qemu-guest-agent      (QEMU 7.2, Debian bookworm)
and make bookworm-backports reachable for QEMU 10.0 (see ../shared/README.md).`;

async function run(command: string, args: string[], env?: Record<string, string>): Promise<string> {
  const output = await new Deno.Command(command, {
    args,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  if (!output.success) {
    throw new Error(
      `${command} ${args.join(" ")} failed (${output.code}):\n${
        new TextDecoder().decode(output.stderr)
      }`,
    );
  }
  return text;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Checks that a binary runs and reports the expected version. */
async function verify(binary: string, version: string): Promise<void> {
  const text = await run(binary, ["--version"]);
  if (!text.includes(` ${version}.`)) {
    throw new Error(`${binary} is not QEMU ${version}: ${text.split("\n")[0]}`);
  }
}

/** QEMU 7.2 from the system's packages, installed when missing. */
async function provideSystemQemu(): Promise<QemuBinaries> {
  const binaries: QemuBinaries = {
    version: "7.2",
    system: "/usr/bin/qemu-system-x86_64",
    storageDaemon: "/usr/bin/qemu-storage-daemon",
    img: "/usr/bin/qemu-img",
    guestAgent: "/usr/sbin/qemu-ga",
    dataArgs: [],
  };
  const present = await Promise.all(
    [binaries.system, binaries.storageDaemon, binaries.img, binaries.guestAgent].map(exists),
  );
  if (present.includes(false)) {
    console.log(
      "provision: installing QEMU 7.2 (apt-get install qemu-system-x86 qemu-utils qemu-guest-agent)",
    );
    const env = { DEBIAN_FRONTEND: "noninteractive" };
    await run("apt-get", ["update", "-qq"], env);
    await run(
      "apt-get",
      ["install", "-y", "-qq", "qemu-system-x86", "qemu-utils", "qemu-guest-agent"],
      env,
    );
  }
  await verify(binaries.system, "7.2");
  await provideTestTools();
  return binaries;
}

/**
 * Tools some tests run beside QEMU: python3 (a scripted QMP server that
 * binds a socket without listening on it, which neither Deno nor Node can),
 * openssl (the certificates of the TLS monitor tests). Installed with
 * apt-get when missing, as QEMU 7.2 is.
 */
async function provideTestTools(): Promise<void> {
  const tools = { python3: "python3", openssl: "openssl" }; // command: Debian package
  const missing: string[] = [];
  for (const [command, pkg] of Object.entries(tools)) {
    const found = await new Deno.Command("sh", {
      args: ["-c", `command -v ${command}`],
      stdout: "null",
    }).output().then((output) => output.success, () => false);
    if (!found) missing.push(pkg);
  }
  if (missing.length === 0) return;
  console.log(`provision: installing ${missing.join(", ")} (apt-get install ${missing.join(" ")})`);
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  await run("apt-get", ["update", "-qq"], env);
  await run("apt-get", ["install", "-y", "-qq", ...missing], env);
}

/** QEMU 10.0 from bookworm-backports, unpacked into the cache folder. */
async function provideBackportsQemu(): Promise<QemuBinaries> {
  const cache = `${repository}.cache/qemu-10.0`;
  const root = `${cache}/root`;
  const binaries: QemuBinaries = {
    version: "10.0",
    system: `${root}/usr/bin/qemu-system-x86_64`,
    storageDaemon: `${root}/usr/bin/qemu-storage-daemon`,
    img: `${root}/usr/bin/qemu-img`,
    guestAgent: `${root}/usr/sbin/qemu-ga`,
    dataArgs: ["-L", `${root}/usr/share/qemu`],
  };
  if (!(await exists(`${cache}/complete`))) {
    console.log(`provision: fetching QEMU 10.0 from bookworm-backports into ${cache}`);
    for (const folder of ["parts", "lists/partial", "apt/archives/partial", "debs", "root"]) {
      await Deno.mkdir(`${cache}/${folder}`, { recursive: true });
    }
    // The same mirror as the system's own sources, in a private configuration.
    let uri = "http://deb.debian.org/debian";
    try {
      const sources = await Deno.readTextFile("/etc/apt/sources.list.d/debian.sources");
      uri = /^URIs:\s*(\S+)/m.exec(sources)?.[1] ?? uri;
    } catch {
      // No deb822 sources: keep the default mirror.
    }
    await Deno.writeTextFile(
      `${cache}/parts/backports.sources`,
      `Types: deb\nURIs: ${uri}\nSuites: bookworm-backports\nComponents: main\n` +
        `Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`,
    );
    const apt = [
      "-o",
      `Dir::Etc::SourceParts=${cache}/parts`,
      "-o",
      "Dir::Etc::SourceList=/dev/null",
      "-o",
      `Dir::State::Lists=${cache}/lists`,
      "-o",
      `Dir::Cache=${cache}/apt`,
      "-o",
      "APT::Sandbox::User=root",
    ];
    await run("apt-get", [...apt, "update", "-qq"]);
    const download = new Deno.Command("apt-get", {
      args: [...apt, "download", ...backportsPackages.map((p) => `${p}=${backportsVersion}`)],
      cwd: `${cache}/debs`,
      stdout: "piped",
      stderr: "piped",
    });
    const result = await download.output();
    if (!result.success) {
      throw new Error(`apt-get download failed:\n${new TextDecoder().decode(result.stderr)}`);
    }
    for await (const entry of Deno.readDir(`${cache}/debs`)) {
      if (entry.name.endsWith(".deb")) {
        await run("dpkg", ["-x", `${cache}/debs/${entry.name}`, root]);
      }
    }
    await Deno.writeTextFile(`${cache}/complete`, backportsVersion + "\n");
  }
  await verify(binaries.system, "10.0");
  return binaries;
}

let provided: Promise<Record<"7.2" | "10.0", QemuBinaries>> | undefined;

/**
 * Provides QEMU 7.2 and 10.0 (once per process). Throws with a message
 * saying what to install when that is impossible.
 *
 * @example
 * ```ts ignore
 * import { provision } from "./qemu.ts";
 * const { "10.0": qemu } = await provision();
 * console.log(qemu.system);
 * ```
 */
export function provision(): Promise<Record<"7.2" | "10.0", QemuBinaries>> {
  provided ??= (async () => {
    try {
      const old = await provideSystemQemu();
      const recent = await provideBackportsQemu();
      return { "7.2": old, "10.0": recent };
    } catch (error) {
      throw new Error(`${(error as Error).message}\n\n${missingHelp}`);
    }
  })();
  return provided;
}

/**
 * True when the real-binary tests are switched off by `QAPI_TS_SKIP_REAL_QEMU=1`
 * (never in CI); prints a loud warning then.
 *
 * @example
 * ```ts
 * import { realQemuSkipped } from "./qemu.ts";
 * if (realQemuSkipped()) console.log("skipping");
 * ```
 */
export function realQemuSkipped(): boolean {
  if (Deno.env.get("QAPI_TS_SKIP_REAL_QEMU") !== "1") return false;
  if (Deno.env.get("CI")) throw new Error("QAPI_TS_SKIP_REAL_QEMU must not be set in CI");
  console.warn("!!! QAPI_TS_SKIP_REAL_QEMU=1: tests against real QEMU binaries are NOT run !!!");
  return true;
}

if (import.meta.main) {
  const binaries = await provision();
  for (const [version, paths] of Object.entries(binaries)) {
    console.log(`QEMU ${version}: ${paths.system}`);
  }
}

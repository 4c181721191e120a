/**
 * The test task: every step the project's checks consist of, run in order.
 *
 * Each step is a command; a failing step fails the task, but later steps still
 * run so one run reports every failure.
 *
 * @module
 */

/** One step of the test task. */
interface Step {
  /** What the step checks, as printed. */
  name: string;
  /** The command, as an argument array; `deno` means the running Deno. */
  command: string[];
  /** Skip the step (with a printed reason) when this returns a reason. */
  unless?: () => string | undefined;
}

const deno = Deno.execPath();

/** The modules of `deno.json`'s `exports`: every entry point of the package. */
const entryPoints = Object.values(
  (JSON.parse(Deno.readTextFileSync("deno.json")) as { exports: Record<string, string> }).exports,
);

function existsSync(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

const steps: Step[] = [
  // The npm packages the tests use (TypeScript, tsd, Node's types) into node_modules/: only
  // `deno install` installs them (nodeModulesDir "manual"), so the demo installs none.
  { name: "install npm packages", command: [deno, "install"] },
  { name: "format", command: [deno, "fmt", "--check"] },
  { name: "lint", command: [deno, "lint"] },
  {
    name: "provision real QEMU 7.2 and 10.0",
    command: [deno, "run", "-A", "tests/provision/qemu.ts"],
  },
  { name: "qapi reader", command: [deno, "test", "-A", "tests/qapi/"] },
  {
    name: "vendored schemas up to date",
    command: [deno, "task", "vendor", "--check"],
    unless: () => (existsSync("../shared/qapi") ? undefined : "../shared/qapi is absent"),
  },
  {
    name: "schemas emitted: round trip, declarations, a user's tree",
    command: [deno, "test", "-A", "tests/emit/"],
  },
  { name: "schema diff", command: [deno, "test", "-A", "tests/diff/"] },
  {
    name: "qapi-ts command: check, vendor, diff, shell, help (as a user runs it)",
    command: [deno, "test", "-A", "tests/cli/"],
  },
  {
    name: "doc examples (deno check --doc)",
    command: [
      deno,
      "check",
      "--doc",
      "mod.ts",
      "versions.ts",
      "guest.ts",
      "storage.ts",
      "introspect.ts",
      "diff.ts",
      "cli.ts",
      "lib/",
      "npm/",
    ],
  },
  {
    name: "package: JSR dry run (no slow types), contents, licence, outside use, README, demo",
    command: [deno, "test", "-A", "tests/package/"],
  },
  {
    name: "JSR docs: deno doc --lint on every entry point",
    command: [deno, "doc", "--lint", ...entryPoints],
  },
  {
    name: "types: exhaustive (no any), language service (TypeScript 5.9 API)",
    command: [deno, "test", "-A", "tests/types/"],
  },
  {
    name: "types: tsd",
    command: [deno, "run", "-A", "npm:tsd@0.33.0", "--files", "tests/types/*.test-d.ts"],
  },
  {
    name: "types: deno check (Deno's TypeScript)",
    command: [
      deno,
      "check",
      "tests/types/qmp_check.ts",
      "tests/types/span_check.ts",
      ".cache/exhaustive/all.ts",
    ],
  },
  {
    name: "types: tsc 5.9",
    command: [deno, "run", "-A", "npm:typescript@5.9.3/tsc", "-p", "tsconfig.json"],
  },
  {
    name: "types: tsc 7",
    command: [deno, "run", "-A", "npm:typescript@7.0.2/tsc", "-p", "tsconfig.json"],
  },
  { name: "client against real QEMU", command: [deno, "test", "-A", "tests/client/"] },
  {
    name: "protocol: framing, exact JSON, connection, deadlines, transports, hostile peers",
    command: [deno, "test", "-A", "tests/protocol/"],
  },
  {
    name: "launch: lifecycle, escaping, start-up, descriptors (real QEMU, Deno and Node)",
    command: [deno, "test", "-A", "tests/launch/"],
  },
  {
    name: "live schemas agree with the vendored ones, and vendor to the same literals",
    command: [deno, "test", "-A", "tests/introspect/"],
  },
  { name: "guest agent against real qemu-ga", command: [deno, "test", "-A", "tests/guest/"] },
  {
    name: "storage daemon against real qemu-storage-daemon",
    command: [deno, "test", "-A", "tests/storage/"],
  },
  { name: "demo", command: [deno, "test", "-A", "tests/demo_test.ts"] },
  {
    name: "npm package: pack, install, tsc 5.9/7 (node16, bundler), node --test vs real QEMU",
    command: [deno, "run", "-A", "tests/node/run.ts"],
  },
];

let failed = 0;
let passed = 0;
for (const step of steps) {
  const reason = step.unless?.();
  if (reason) {
    console.log(`\n=== ${step.name}: not run (${reason})`);
    continue;
  }
  console.log(`\n=== ${step.name}`);
  const command = step.command[0] === "deno" ? [deno, ...step.command.slice(1)] : step.command;
  const started = performance.now();
  const { code } = await new Deno.Command(command[0], { args: command.slice(1) }).spawn().status;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (code === 0) {
    passed++;
    console.log(`=== ${step.name}: ok (${seconds} s)`);
  } else {
    failed++;
    console.log(`=== ${step.name}: FAILED (exit ${code}, ${seconds} s)`);
  }
}
console.log(`\ntime: ${(performance.now() / 1000).toFixed(0)} s`);
// The closing line alone, as test runners print it.
console.log(`steps: ${passed} passed, ${failed} failed`);
Deno.exit(failed === 0 ? 0 : 1);

/**
 * The npm package as a Node user gets it: builds it (`npm/build.ts`), packs
 * it with `npm pack`, installs the tarball into a fresh Node project in a
 * temporary directory (with TypeScript 5.9 and 7 and Node's types; npm's
 * cache answers when it has them), type-checks the user's scripts
 * (`types_check.ts`, `client_test.ts`) with both compilers under
 * `moduleResolution` `node16` and `bundler`, and the package's declarations
 * under a strict user's options (`../types/strictest_options.ts`), then
 * compiles `client_test.ts`
 * and runs it with `node --test` against the real QEMU 10.0 (provisioned;
 * `tls_test.ts` against QEMU 7.2 too).
 *
 * The README's first scripts are part of it: the Node one (`main.mjs`) is
 * run as it is, the Deno one (`main.ts`) is type-checked and run as a
 * TypeScript user on Node would.
 *
 * `--keep` leaves the temporary project in place and prints its path.
 *
 * @module
 */

import { buildNpm, nodeEngines } from "../../npm/build.ts";
import { provision } from "../provision/qemu.ts";
import { strictestOptions } from "../types/strictest_options.ts";

const here = new URL("./", import.meta.url).pathname;
const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));

/** The README's code block that starts with the comment `// name`. */
function readmeScript(name: string): string {
  const start = readme.indexOf(`\n// ${name}\n`);
  const match = start < 0 ? null : /^\n[^\n]*\n([^]*?)```/.exec(readme.slice(start));
  if (!match) throw new Error(`the README has no ${name} block`);
  return match[1];
}
const keep = Deno.args.includes("--keep");

/** The user's project's development tools, pinned. */
const tools = {
  "typescript-5.9": "npm:typescript@5.9.3",
  "typescript-7": "npm:typescript@7.0.2",
  "@types/node": "20.19.43",
};

/** The two module resolutions a user's project is likely to have. */
const resolutions = {
  node16: { module: "node16", moduleResolution: "node16" },
  bundler: { module: "preserve", moduleResolution: "bundler" },
};

const started = performance.now();
const seconds = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;

async function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<string> {
  const output = await new Deno.Command(command, {
    args,
    cwd: options.cwd,
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  if (!output.success) {
    throw new Error(`${command} ${args.join(" ")} failed (exit ${output.code}):\n${text}`);
  }
  return text;
}

const temporary = await Deno.makeTempDir({ prefix: "qapi-ts-npm-" });
let failed = false;
try {
  // 1. Build and pack.
  const build = await buildNpm(`${temporary}/package`);
  const packed = JSON.parse(
    await run("npm", ["pack", "--json", "--pack-destination", temporary, build.directory], {
      cwd: temporary,
    }),
  ) as { filename: string; size: number; unpackedSize: number; entryCount: number }[];
  const { filename, size, unpackedSize, entryCount } = packed[0];
  console.log(
    `packed ${filename}: ${(size / 1024).toFixed(0)} KiB, ${
      (unpackedSize / 1024 / 1024).toFixed(1)
    } MiB unpacked, ${entryCount} files (${seconds()})`,
  );

  // 2. A fresh Node project that depends on the tarball.
  const project = `${temporary}/project`;
  await Deno.mkdir(project);
  await Deno.writeTextFile(
    `${project}/package.json`,
    JSON.stringify(
      {
        name: "qapi-ts-user",
        private: true,
        type: "module",
        engines: { node: nodeEngines },
        dependencies: { [build.manifest.name]: `file:../${filename}` },
        devDependencies: tools,
      },
      null,
      2,
    ),
  );
  for (const script of ["types_check.ts", "client_test.ts", "management_test.ts", "tls_test.ts"]) {
    await Deno.copyFile(`${here}${script}`, `${project}/${script}`);
  }
  await Deno.writeTextFile(`${project}/main.mjs`, readmeScript("main.mjs"));
  await Deno.writeTextFile(`${project}/main.ts`, readmeScript("main.ts"));
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: project });
  const installed = JSON.parse(
    await Deno.readTextFile(`${project}/node_modules/${build.manifest.name}/package.json`),
  ) as {
    version: string;
    license: string;
    dependencies?: Record<string, string>;
    exports: Record<string, unknown>;
  };
  const packageFolder = `${project}/node_modules/${build.manifest.name}/`;
  if (installed.license !== "MIT AND GPL-2.0-or-later") {
    throw new Error(`the package's licence is ${installed.license}`);
  }
  for (const file of ["LICENSE", "README.md", "schemas/COPYING", "schemas/qmp/10.2.d.ts"]) {
    await Deno.stat(`${packageFolder}${file}`).catch(() => {
      throw new Error(`${file} is not in the package`);
    });
  }
  console.log(
    `installed ${build.manifest.name}@${installed.version} with ${
      Object.keys(installed.dependencies ?? {}).length
    } dependencies (${seconds()})`,
  );

  // 3. Type-check the user's scripts: each compiler, each resolution.
  const userOptions = {
    target: "es2022",
    lib: ["es2023", "esnext.disposable"],
    types: ["node"],
    strict: true,
    noEmit: true,
    // The package's declarations are checked too, as a user's build checks them.
    skipLibCheck: false,
  };
  for (const [name, resolution] of Object.entries(resolutions)) {
    await Deno.writeTextFile(
      `${project}/tsconfig.${name}.json`,
      JSON.stringify({
        compilerOptions: { ...resolution, ...userOptions },
        files: ["types_check.ts", "client_test.ts", "management_test.ts", "tls_test.ts", "main.ts"],
      }),
    );
    for (const compiler of ["typescript-5.9", "typescript-7"]) {
      await run("node", [`node_modules/${compiler}/bin/tsc`, "-p", `tsconfig.${name}.json`], {
        cwd: project,
      });
      console.log(`${compiler.replace("-", " ")}, ${name}: type-checks (${seconds()})`);
    }
  }

  // The declarations of every subpath under a strict user's options, each
  // compiler (a re-export, unlike a bare import, fails when it can't resolve).
  const subpaths = Object.keys(installed.exports).filter((subpath) => subpath !== "./package.json");
  await Deno.writeTextFile(
    `${project}/strictest_check.ts`,
    subpaths.map((subpath, i) =>
      `export * as entry${i} from "${build.manifest.name}${subpath.slice(1)}";\n`
    ).join(""),
  );
  await Deno.writeTextFile(
    `${project}/tsconfig.strictest.json`,
    JSON.stringify({
      compilerOptions: { ...resolutions.bundler, ...strictestOptions, ...userOptions },
      files: ["strictest_check.ts"],
    }),
  );
  for (const compiler of ["typescript-5.9", "typescript-7"]) {
    await run("node", [`node_modules/${compiler}/bin/tsc`, "-p", "tsconfig.strictest.json"], {
      cwd: project,
    });
    console.log(
      `${compiler.replace("-", " ")}, the package's ${subpaths.length} subpaths under the ` +
        `strictest options: type-check (${seconds()})`,
    );
  }

  // 4. Compile the scripts as a user would and run them on Node against real QEMU.
  await run("node", [
    "node_modules/typescript-5.9/bin/tsc",
    "-p",
    "tsconfig.node16.json",
    "--noEmit",
    "false",
    "--outDir",
    "out",
  ], { cwd: project });
  const { "10.0": qemu, "7.2": oldQemu } = await provision();
  // The README's scripts launch `qemu-system-x86_64` from PATH.
  for (const script of ["main.mjs", "out/main.js"]) {
    const output = await run("node", [script], { cwd: project });
    if (!/^QEMU \d+\.\d+: running\n$/.test(output)) {
      throw new Error(`the README's script ${script} printed:\n${output}`);
    }
    console.log(`README's ${script}: ${output.trim()} (${seconds()})`);
  }
  const node = await new Deno.Command("node", {
    args: ["--test", "out/client_test.js", "out/management_test.js", "out/tls_test.js"],
    cwd: project,
    env: {
      QAPI_TS_QEMU: qemu.system,
      QAPI_TS_QEMU_7_2: oldQemu.system,
      QAPI_TS_QEMU_DATA: qemu.dataArgs[1],
      QAPI_TS_QEMU_GA: qemu.guestAgent,
      QAPI_TS_QSD: qemu.storageDaemon,
    },
  }).spawn().status;
  console.log(`node --test: exit ${node.code} (${seconds()})`);
  if (!node.success) failed = true;
} catch (error) {
  console.error((error as Error).message);
  failed = true;
} finally {
  if (keep) console.log(`kept ${temporary}`);
  else await Deno.remove(temporary, { recursive: true });
}
Deno.exit(failed ? 1 : 0);

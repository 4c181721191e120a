import assert from "node:assert/strict";
import ts from "typescript";
import { vendoredProtocols, vendoredVersions } from "../../lib/emit/sources.ts";
import { moduleNames } from "../../lib/emit/emit.ts";

const repository = new URL("../../", import.meta.url).pathname;

// Each vendored value (`.js`) is typed by the declaration beside it (`.d.ts`):
// the value, read as an `as const` literal, must be assignable to the
// declared type, for every schema. A declaration that drifted from its value
// (a member made optional that is not, a missing definition) fails here.
Deno.test("every vendored value satisfies its declared type", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const files: string[] = [];
    for (const protocol of vendoredProtocols) {
      for (const version of vendoredVersions) {
        const { type, value } = moduleNames(protocol, version);
        const script = await Deno.readTextFile(`${repository}schemas/${protocol}/${version}.js`);
        const start = script.indexOf(`export const ${value} = `);
        assert.ok(start >= 0, `${protocol}/${version}.js exports ${value}`);
        const literal = script.slice(start + `export const ${value} = `.length).trimEnd()
          .replace(/;$/, "");
        const file = `${folder}/${protocol}_${version}.ts`;
        await Deno.writeTextFile(
          file,
          `import type { ${type} } from "${repository}schemas/${protocol}/${version}.js";\n` +
            `export const value = ${literal} as const;\n` +
            `export const typed: ${type} = value;\n`,
        );
        files.push(file);
      }
    }
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ESNext,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) =>
      `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`
    );
    assert.deepEqual(diagnostics.slice(0, 5), []);
    assert.equal(files.length, vendoredProtocols.length * vendoredVersions.length);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

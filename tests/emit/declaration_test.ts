import assert from "node:assert/strict";
import ts from "typescript";
import { projectOptions } from "../types/project_options.ts";
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
    const program = checkedProgram(files);
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) =>
      `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`
    );
    assert.deepEqual(diagnostics.slice(0, 5), []);
    assert.equal(files.length, vendoredProtocols.length * vendoredVersions.length);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

// The declaration of a flat union also states, per discriminator value, the
// variant's members (`variants`, which the value leaves out). Each must be
// exactly the base's members and the branch struct's (with its bases'),
// computed here from the value, independently of the emitter (and a union
// with a branch that is a union declares none): the test writes the expected
// members as a type and checks it identical to the declared one, flattened
// (the identity relation compares members, optionality and every nested
// literal).
Deno.test("every declared union variant is its base's and branch's members, exactly", async () => {
  type Definition = Record<string, unknown>;
  const record = (value: unknown) => value as Record<string, unknown>;
  const typeOf = (ref: unknown) => typeof ref === "string" ? ref : record(ref).type as string;
  // A type literal for a JSON value, as the declaration writes it: tuples
  // readonly, a member optional when QAPI marks it so or it is conditional.
  const literal = (value: unknown, members = false): string => {
    if (Array.isArray(value)) return `readonly [${value.map((v) => literal(v)).join(", ")}]`;
    if (typeof value !== "object" || value === null) return JSON.stringify(value);
    return `{ ${
      Object.entries(value).map(([k, v]) => {
        const optional = members && typeof v === "object" && v !== null && !Array.isArray(v) &&
          ((v as Definition).optional === true || (v as Definition).if !== undefined);
        return `${JSON.stringify(k)}${optional ? "?" : ""}: ${literal(v)}`;
      }).join("; ")
    } }`;
  };
  const folder = await Deno.makeTempDir();
  try {
    const files: string[] = [];
    let unions = 0;
    for (const protocol of vendoredProtocols) {
      for (const version of vendoredVersions) {
        const { type, value } = moduleNames(protocol, version);
        const module = await import(`${repository}schemas/${protocol}/${version}.js`);
        const types = module[value].types as Record<string, Definition>;
        const structMembers = (name: string): Definition => {
          const definition = types[name];
          const base = typeof definition.base === "string" ? structMembers(definition.base) : {};
          return { ...base, ...record(definition.data) };
        };
        const checks: string[] = [];
        for (const [name, definition] of Object.entries(types)) {
          if (definition.kind !== "union") continue;
          const base = typeof definition.base === "string"
            ? structMembers(definition.base)
            : record(definition.base);
          const discriminator = types[typeOf(base[definition.discriminator as string])];
          const branches = Object.values(record(definition.data)).map((b) => types[typeOf(b)]);
          if (branches.some((b) => b.kind !== "struct")) {
            // A branch that is a union: no single members map per variant, none declared.
            checks.push(
              `export const _${checks.length}: "variants" extends keyof ${type}["types"][${
                JSON.stringify(name)
              }] ? false : true = true;`,
            );
            continue;
          }
          const variants = Object.fromEntries(
            (discriminator.data as string[]).map((v) => {
              const branch = record(definition.data)[v];
              return [v, {
                ...base,
                ...(branch === undefined ? {} : structMembers(typeOf(branch))),
              }];
            }),
          );
          const expected = `{ ${
            Object.entries(variants).map(([v, m]) => `${JSON.stringify(v)}: ${literal(m, true)}`)
              .join("; ")
          } }`;
          checks.push(
            `export const _${checks.length}: Identical<Variants<${type}, ${
              JSON.stringify(name)
            }>, ${expected}> = true;`,
          );
          unions++;
        }
        const file = `${folder}/${protocol}_${version}.ts`;
        await Deno.writeTextFile(
          file,
          `import type { ${type} } from "${repository}schemas/${protocol}/${version}.js";\n` +
            `type Identical<a, b> = (<t>() => t extends a ? 1 : 2) extends ` +
            `(<t>() => t extends b ? 1 : 2) ? true : false;\n` +
            `type Variants<schema extends { types: object }, name extends keyof schema["types"]> =\n` +
            `  schema["types"][name] extends { variants?: infer v } ? Flat<v> : never;\n` +
            `type Flat<v> = { [value in keyof v]: { [member in keyof v[value]]: v[value][member] } };\n` +
            checks.join("\n") + "\n",
        );
        files.push(file);
      }
    }
    const program = checkedProgram(files);
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) =>
      `${d.file?.fileName ?? ""}: ${
        d.file && d.start !== undefined ? d.file.text.slice(d.start, d.start + 200) : ""
      } ${ts.flattenDiagnosticMessageText(d.messageText, "\n").slice(0, 300)}`
    );
    assert.deepEqual(diagnostics.slice(0, 5), []);
    assert.ok(unions > 200, `${unions} unions checked`);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

/** A TypeScript program of `files` with the project's strict options, no emit, no global types. */
function checkedProgram(files: string[]): ts.Program {
  return ts.createProgram(files, projectOptions({ types: [], allowImportingTsExtensions: false }));
}

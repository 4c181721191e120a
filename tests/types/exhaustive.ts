/**
 * The exhaustive type check: a generated module naming, for every vendored
 * schema (every protocol and version), every command's arguments and result,
 * every event's data and every named type, and a walker (TypeScript's
 * compiler API) that resolves each one deeply and reports any `any` found.
 *
 * @module
 */

import { moduleNames } from "../../lib/emit/emit.ts";
import { vendoredProtocols, vendoredVersions } from "../../lib/emit/sources.ts";

/** The folder the generated module is written to. */
export const generatedDir = new URL("../../.cache/exhaustive/", import.meta.url).pathname;

/** Writes the generated module; returns its path and the number of aliases in it. */
export async function writeExhaustiveModule(): Promise<{ path: string; aliases: number }> {
  const lines: string[] = [
    `import type { CommandArgs, CommandReturn, EventData, TypeOf } from "../../lib/types/mod.ts";`,
  ];
  let aliases = 0;
  for (const protocol of vendoredProtocols) {
    for (const version of vendoredVersions) {
      const { type, value } = moduleNames(protocol, version);
      lines.push(`import type { ${type} } from "../../schemas/${protocol}/${version}.js";`);
      const module = await import(`../../schemas/${protocol}/${version}.js`);
      const schema = module[value];
      const emit = (kind: string, name: string, expression: string) => {
        lines.push(`export type ${type}_${kind}_${aliases++} = ${expression}; // ${name}`);
      };
      for (const name of Object.keys(schema.commands)) {
        emit("args", name, `CommandArgs<${type}, ${JSON.stringify(name)}>`);
        emit("returns", name, `CommandReturn<${type}, ${JSON.stringify(name)}>`);
      }
      for (const name of Object.keys(schema.events)) {
        emit("event", name, `EventData<${type}, ${JSON.stringify(name)}>`);
      }
      for (const name of Object.keys(schema.types)) {
        emit("type", name, `TypeOf<${type}, ${JSON.stringify(name)}>`);
        emit("input", name, `TypeOf<${type}, ${JSON.stringify(name)}, "in">`);
      }
    }
  }
  await Deno.mkdir(generatedDir, { recursive: true });
  const path = `${generatedDir}all.ts`;
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  return { path, aliases };
}

if (import.meta.main) {
  const { path, aliases } = await writeExhaustiveModule();
  console.log(`${path}: ${aliases} aliases`);
}

/**
 * Checks one generated schema: generate, read (QAPI reader), emit (the
 * vendor's emitter), write the program, check it with TypeScript's API
 * (the project's options), and walk every derived alias for `any`.
 *
 * @module
 */

import ts from "typescript";
import { moduleNames } from "../../../lib/emit/emit.ts";
import { projectOptions } from "../project_options.ts";
import { type GenerateOptions, generateSchema } from "./generate.ts";
import type { SchemaModel } from "./model.ts";
import { writeProgram } from "./program.ts";
import { qapiText, vendorModel } from "./qapi_text.ts";

const library = new URL("../../../lib/types/mod.ts", import.meta.url).pathname;
/** The folder each schema's files are written to (one subfolder per seed). */
export const fuzzDir = new URL("../../../.cache/fuzz-types/", import.meta.url).pathname;

const version = "9.9";

/** What checking one schema found. */
export interface Outcome {
  readonly seed: number;
  /** The folder with the schema (`schema.json`), its module and `program.ts`. */
  readonly dir: string;
  /** Each failure: a case that did not hold, a compiler error, an `any`, a reader error. */
  readonly failures: readonly string[];
  readonly milliseconds: number;
  /** The checker's instantiation count, where the API tells it. */
  readonly instantiations?: number;
  readonly cases: number;
}

/** Writes a model's files into `dir`: the QAPI file, the vendored module, the program. */
export async function writeSchemaFiles(
  model: SchemaModel,
  seed: number,
  dir: string,
  knownLimitations = false,
): Promise<{ program: string; aliases: readonly string[]; cases: number }> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/schema.json`, qapiText(model));
  const { declaration, value } = await vendorModel(model, version);
  await Deno.writeTextFile(`${dir}/${version}.d.ts`, declaration);
  await Deno.writeTextFile(`${dir}/${version}.js`, value);
  const { type } = moduleNames("qmp", version);
  const { text, aliases } = writeProgram(model, {
    seed,
    typeName: type,
    module: `./${version}.js`,
    library,
    knownLimitations,
  });
  await Deno.writeTextFile(`${dir}/program.ts`, text);
  return { program: `${dir}/program.ts`, aliases, cases: text.split("// case:").length - 1 };
}

/** The `// case:` line above a program line. */
function caseOf(lines: readonly string[], line: number): string {
  for (let i = line; i >= 0; i--) {
    if (lines[i].startsWith("// case: ")) return lines[i].slice("// case: ".length);
  }
  return "(no case)";
}

/** Checks a program with TypeScript's API; returns the failures. */
export function checkProgram(
  path: string,
  aliases: readonly string[],
): { failures: string[]; instantiations?: number } {
  const program = ts.createProgram([path], projectOptions({ types: [] }));
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(path)!;
  const lines = source.text.split("\n");
  const failures: string[] = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n").split("\n")[0];
    if (d.file?.fileName !== path || d.start === undefined) {
      failures.push(`${d.file?.fileName ?? "?"}: TS${d.code} ${message}`);
      continue;
    }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    failures.push(`${caseOf(lines, line)} (line ${line + 1}): TS${d.code} ${message}`);
  }
  const wanted = new Set(aliases);
  const visited = new Set<ts.Type>();
  const walk = (type: ts.Type, where: string, depth: number): void => {
    if (type.flags & ts.TypeFlags.Any) {
      failures.push(`${where}: any`);
      return;
    }
    if (visited.has(type) || depth > 30) return;
    visited.add(type);
    if (type.isUnionOrIntersection()) {
      for (const part of type.types) walk(part, where, depth + 1);
    } else if (checker.isArrayType(type) || checker.isTupleType(type)) {
      for (const element of checker.getTypeArguments(type as ts.TypeReference)) {
        walk(element, `${where}[]`, depth + 1);
      }
    } else if (type.flags & ts.TypeFlags.Object) {
      for (const property of checker.getPropertiesOfType(type)) {
        walk(checker.getTypeOfSymbol(property), `${where}.${property.name}`, depth + 1);
      }
      for (const info of checker.getIndexInfosOfType(type)) {
        walk(info.type, `${where}[key]`, depth + 1);
      }
    }
  };
  for (const statement of source.statements) {
    if (!ts.isTypeAliasDeclaration(statement) || !wanted.has(statement.name.text)) continue;
    walk(checker.getTypeAtLocation(statement.name), statement.getText(source), 0);
  }
  const counted = program as unknown as { getInstantiationCount?: () => number };
  return { failures, instantiations: counted.getInstantiationCount?.() };
}

/** Generates, writes and checks the schema of one seed. */
export function checkSeed(seed: number, options: GenerateOptions = {}): Promise<Outcome> {
  return checkModel(generateSchema(seed, options), seed, `${fuzzDir}${seed}`, options);
}

/** Writes and checks one model (generated, or a regression case) in `dir`. */
export async function checkModel(
  model: SchemaModel,
  seed: number,
  dir: string,
  options: GenerateOptions = {},
): Promise<Outcome> {
  const started = performance.now();
  let written;
  try {
    written = await writeSchemaFiles(model, seed, dir, options.knownLimitations);
  } catch (error) {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(`${dir}/schema.json`, qapiText(model));
    return {
      seed,
      dir,
      failures: [`reading or emitting the valid schema failed: ${(error as Error).message}`],
      milliseconds: performance.now() - started,
      cases: 0,
    };
  }
  const { failures, instantiations } = checkProgram(written.program, written.aliases);
  return {
    seed,
    dir,
    failures,
    milliseconds: performance.now() - started,
    instantiations,
    cases: written.cases,
  };
}

/**
 * The project's compiler options (`tsconfig.json`), for the tests that
 * build TypeScript programs and language services through the API.
 *
 * @module
 */

import ts from "typescript";

const root = new URL("../../", import.meta.url).pathname;

/**
 * `tsconfig.json`'s compiler options as the API takes them, with
 * `overrides` on top (`{ types: [] }`: no global types).
 */
export function projectOptions(overrides: ts.CompilerOptions = {}): ts.CompilerOptions {
  const { config, error } = ts.readConfigFile(`${root}tsconfig.json`, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, "\n"));
  const { options, errors } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
  if (errors.length) {
    throw new Error(
      errors.map((e) => ts.flattenDiagnosticMessageText(e.messageText, "\n")).join("\n"),
    );
  }
  return { ...options, ...overrides };
}

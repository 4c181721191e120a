/**
 * Editor latency with TypeScript 5.9's language service on a script:
 * completions of `blockdev-add`'s members and quick info of a result, cold
 * (a new service's first request) and warm (the same request after an edit
 * elsewhere in the file, as typing does).
 *
 * @module
 */

import ts from "typescript";

/** One request's latency in milliseconds. */
export interface Latency {
  /** A new language service's first request. */
  cold: number;
  /** The same request after an edit. */
  warm: number;
}

/** The requests, by name: where in the script and what the answer must contain. */
const requests = {
  "completions: blockdev-add members": {
    at: (text: string) => text.indexOf(`"l2-cache-size"`) + 1,
    run: (service: ts.LanguageService, file: string, at: number) =>
      service.getCompletionsAtPosition(file, at, {})?.entries.map((e) => e.name) ?? [],
    expect: "lazy-refcounts",
  },
  "quick info: result": {
    at: (text: string) => text.indexOf("const blocks = ") + "const ".length,
    run: (service: ts.LanguageService, file: string, at: number) => [
      ts.displayPartsToString(service.getQuickInfoAtPosition(file, at)?.displayParts),
    ],
    expect: "blocks",
  },
} as const;

/** The request names, in report order. */
export const requestNames = Object.keys(requests) as (keyof typeof requests)[];

/**
 * Times each request on `file` (a script of `folder`, with `options`).
 * Throws if an answer lacks what it must contain.
 */
export function languageService(
  folder: string,
  file: string,
  options: ts.CompilerOptions,
): Record<keyof typeof requests, Latency> {
  const timings = {} as Record<keyof typeof requests, Latency>;
  for (const name of requestNames) {
    const request = requests[name];
    let text = Deno.readTextFileSync(file);
    let version = 0;
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => options,
      getScriptFileNames: () => [file],
      getScriptVersion: (f) => (f === file ? String(version) : "0"),
      getScriptSnapshot: (f) => {
        const content = f === file ? text : ts.sys.readFile(f);
        return content === undefined ? undefined : ts.ScriptSnapshot.fromString(content);
      },
      getCurrentDirectory: () => folder,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => f === file || ts.sys.fileExists(f),
      readFile: (f) => (f === file ? text : ts.sys.readFile(f)),
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      realpath: ts.sys.realpath,
    };
    const service = ts.createLanguageService(host, ts.createDocumentRegistry());
    const at = request.at(text);
    const time = () => {
      const start = performance.now();
      const answer = request.run(service, file, at);
      const elapsed = performance.now() - start;
      if (!answer.some((a) => a.includes(request.expect))) {
        throw new Error(`${name} in ${file}: no ${request.expect} in ${answer.slice(0, 5)}`);
      }
      return elapsed;
    };
    const cold = time();
    text += "\n// an edit\n";
    version++;
    const warm = time();
    service.dispose();
    timings[name] = { cold, warm };
  }
  return timings;
}

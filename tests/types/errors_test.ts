/**
 * Readable errors and hovers: `deno check` on ten typical mistakes
 * (`errors/mistakes.ts`) and quick info on a few results, compared with
 * `errors/mistakes.snapshot`. Each error is recorded as its first line and
 * its innermost reason (where TypeScript names the member and the fault).
 * Run with `UPDATE_SNAPSHOT=1` to rewrite the snapshot after a deliberate
 * change, and read the diff.
 */
import assert from "node:assert/strict";
import ts from "typescript";
import { projectOptions } from "./project_options.ts";

const folder = new URL("./errors/", import.meta.url).pathname;
const file = `${folder}mistakes.ts`;
const snapshotFile = `${folder}mistakes.snapshot`;

/** The errors `deno check` reports: first line and innermost reason, by source line. */
async function errors(): Promise<string[]> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["check", file],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stderr) + new TextDecoder().decode(output.stdout);
  const blocks = text.split(/\n(?=TS\d+ \[ERROR\]: )/).filter((b) => /^TS\d+ \[ERROR\]/.test(b));
  return blocks.map((block) => {
    const lines = block.split("\n");
    const at = lines.find((l) => /^\s+at .*:(\d+):\d+/.test(l));
    const line = at ? /:(\d+):\d+$/.exec(at.trim())?.[1] : "?";
    // Elaboration lines are indented under the first; the source excerpt is
    // indented by two spaces after them and followed by the `~~~` marker.
    const sourceIndex = lines.findIndex((l) => /^\s*~+\s*$/.test(l)) - 1;
    const reasons = lines.slice(1, Math.max(1, sourceIndex)).filter((l) => l.trim());
    const reason = reasons.at(-1)?.trim();
    return `line ${line}: ${lines[0]}${reason ? `\n  ${reason}` : ""}`;
  });
}

/** Quick info on the names starting with `hover`. */
function hovers(): string[] {
  const text = Deno.readTextFileSync(file);
  const options = projectOptions();
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [file],
    getScriptVersion: () => "0",
    getScriptSnapshot: (name) => {
      const content = ts.sys.readFile(name);
      return content === undefined ? undefined : ts.ScriptSnapshot.fromString(content);
    },
    getCurrentDirectory: () => folder,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
  };
  const service = ts.createLanguageService(host, ts.createDocumentRegistry());
  const found: string[] = [];
  for (const match of text.matchAll(/export const (hover\w+)/g)) {
    const position = match.index! + "export const ".length;
    const info = service.getQuickInfoAtPosition(file, position);
    found.push(`hover ${match[1]}: ${ts.displayPartsToString(info?.displayParts)}`);
  }
  return found;
}

Deno.test("twelve typical mistakes and a few hovers read as the snapshot says", async () => {
  const actual = [...await errors(), ...hovers()].join("\n") + "\n";
  if (Deno.env.get("UPDATE_SNAPSHOT")) await Deno.writeTextFile(snapshotFile, actual);
  const expected = await Deno.readTextFile(snapshotFile);
  assert.equal(actual, expected);
  // The snapshot itself must hold what the issue asks for: one error per mistake, no
  // internal alias on a first line, and hovers with neither NoInfer nor intersections.
  const firstLines = actual.split("\n").filter((l) => l.startsWith("line "));
  assert.equal(firstLines.length, 12);
  for (const line of firstLines) {
    assert.doesNotMatch(
      line,
      /Members<|MembersView<|Span(Members|Object|Input)|Resolve(Ref|In|Out|NamedIn|NamedOut)?<|Definition<|UnionType</,
      line,
    );
    assert.ok(line.length < 300, `short enough to read: ${line}`);
  }
  for (const line of actual.split("\n").filter((l) => l.startsWith("hover "))) {
    assert.doesNotMatch(line, /NoInfer<|\} & \{/, line);
  }
});

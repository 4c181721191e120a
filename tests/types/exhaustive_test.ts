import assert from "node:assert/strict";
import ts from "typescript";
import { projectOptions } from "./project_options.ts";
import { writeExhaustiveModule } from "./exhaustive.ts";

Deno.test("every command, event and type of every vendored schema resolves, with no any", async () => {
  const { path, aliases } = await writeExhaustiveModule();
  const program = ts.createProgram([path], projectOptions({ types: [] }));
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(path)!;

  const visited = new Set<ts.Type>();
  const found: string[] = [];
  let resolved = 0;
  // Walks a type's structure: members, union and intersection constituents,
  // array elements. Recursive types end at the visited set.
  const walk = (type: ts.Type, where: string, depth: number): void => {
    // Checked before the visited set: \`any\` is one shared type, report every place.
    if (type.flags & ts.TypeFlags.Any) {
      found.push(where);
      return;
    }
    if (visited.has(type) || depth > 40) return;
    visited.add(type);
    resolved++;
    if (type.isUnionOrIntersection()) {
      for (const part of type.types) walk(part, where, depth + 1);
      return;
    }
    if (checker.isArrayType(type) || checker.isTupleType(type)) {
      for (const element of checker.getTypeArguments(type as ts.TypeReference)) {
        walk(element, `${where}[]`, depth + 1);
      }
      return;
    }
    if (type.flags & ts.TypeFlags.Object) {
      for (const property of checker.getPropertiesOfType(type)) {
        walk(checker.getTypeOfSymbol(property), `${where}.${property.name}`, depth + 1);
      }
      const index = checker.getIndexInfosOfType(type);
      for (const info of index) walk(info.type, `${where}[key]`, depth + 1);
    }
  };
  let checked = 0;
  for (const statement of source.statements) {
    if (!ts.isTypeAliasDeclaration(statement)) continue;
    checked++;
    const type = checker.getTypeAtLocation(statement.name);
    const comment = source.text.slice(statement.end, source.text.indexOf("\n", statement.end));
    walk(type, `${statement.name.text}${comment}`, 0);
  }
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) =>
    ts.flattenDiagnosticMessageText(d.messageText, "\n")
  );
  console.log(`${checked} aliases, ${resolved} distinct types resolved`);
  assert.equal(checked, aliases);
  assert.deepEqual(diagnostics, [], "no TS2589/TS2590 or other errors");
  assert.deepEqual(found.slice(0, 20), [], `${found.length} places resolve to any`);
});

/**
 * Every check QEMU's QAPI generator makes (`parser.py`, `expr.py`,
 * `schema.py`), each with a case of our own: the schema, and the message at
 * the line QEMU reports it. Cases that must be accepted say so.
 */

import assert from "node:assert/strict";
import { QapiError } from "../../lib/qapi/errors.ts";
import { readSchema } from "../../lib/qapi/read.ts";

/** Reads `main.json` (and the other files given) from memory; the error's text, or "ok". */
async function outcome(
  files: Record<string, string> | string,
  options: { strict?: boolean } = {},
): Promise<string> {
  const sources = typeof files === "string" ? { "main.json": files } : files;
  try {
    await readSchema("main.json", {
      version: "0.0",
      strictDocs: options.strict ?? true,
      readFile: (path) => {
        if (Object.hasOwn(sources, path)) return Promise.resolve(sources[path]);
        return Promise.reject(new Deno.errors.NotFound("No such file or directory (os error 2)"));
      },
    });
    return "ok";
  } catch (error) {
    if (error instanceof QapiError) return error.message;
    throw error;
  }
}

/** One check: a title (QEMU's check), the schema, and QEMU's message (last lines) or "ok". */
type Case = [title: string, schema: Record<string, string> | string, expected: string];

function cases(group: string, list: Case[], options: { strict?: boolean } = {}) {
  Deno.test(`QEMU's checks: ${group}`, async () => {
    const failures: string[] = [];
    for (const [title, schema, expected] of list) {
      const actual = await outcome(schema, options);
      const matches = expected === "ok"
        ? actual === "ok"
        : actual === expected || actual.endsWith("\n" + expected);
      if (!matches) failures.push(`${title}\n  expected: ${expected}\n  actual:   ${actual}`);
    }
    assert.deepEqual(failures, []);
  });
}

const doc = (symbol: string, ...lines: string[]) =>
  ["##", `# @${symbol}:`, ...lines.map((l) => (l ? `# ${l}` : "#")), "##"].join("\n") + "\n";

cases("files, includes and pragmas (parser.py)", [
  [
    "top-level expression must be an object",
    "[ 'a' ]\n",
    "main.json:1: top-level expression must be an object",
  ],
  [
    "include with another key",
    "{ 'include': 'a.json', 'x': true }\n",
    "main.json:1: invalid 'include' directive",
  ],
  [
    "include of a non-string",
    "{ 'include': [ 'a.json' ] }\n",
    "main.json:1: value of 'include' must be a string",
  ],
  [
    "include of a missing file",
    "\n{ 'include': 'gone.json' }\n",
    "main.json:2: can't read include file 'gone.json': No such file or directory",
  ],
  [
    "inclusion loop",
    {
      "main.json": "{ 'include': 'sub/a.json' }\n",
      "sub/a.json": "{ 'include': '../main.json' }\n",
    },
    "In file included from main.json:1:\nsub/a.json:1: inclusion loop for ../main.json",
  ],
  [
    "a file included twice is read once",
    {
      "main.json": "{ 'include': 'a.json' }\n{ 'include': './a.json' }\n",
      "a.json": "{ 'command': 'cmd' }\n",
    },
    "ok",
  ],
  [
    "pragma with another key",
    "{ 'pragma': {}, 'x': true }\n",
    "main.json:1: invalid 'pragma' directive",
  ],
  [
    "pragma of a non-object",
    "{ 'pragma': 'doc-required' }\n",
    "main.json:1: value of 'pragma' must be an object",
  ],
  [
    "doc-required of a non-boolean",
    "{ 'pragma': { 'doc-required': 'yes' } }\n",
    "main.json:1: pragma 'doc-required' must be boolean",
  ],
  [
    "pragma list of non-strings",
    "{ 'pragma': { 'member-name-exceptions': [ true ] } }\n",
    "main.json:1: pragma member-name-exceptions must be a list of strings",
  ],
  [
    "unknown pragma",
    "{ 'pragma': { 'doc-optional': true } }\n",
    "main.json:1: unknown pragma 'doc-optional'",
  ],
  [
    "a pragma holds for the whole schema, wherever it stands",
    "{ 'command': 'cmd_x' }\n{ 'pragma': { 'command-name-exceptions': [ 'cmd_x' ] } }\n",
    "ok",
  ],
  [
    "a pragma naming a list again replaces it",
    "{ 'pragma': { 'command-name-exceptions': [ 'cmd_x' ] } }\n" +
    "{ 'pragma': { 'command-name-exceptions': [ 'cmd_y' ] } }\n{ 'command': 'cmd_x' }\n",
    "main.json:3: name of command must not use uppercase or '_'",
  ],
  [
    "doc-required set after the definitions",
    "{ 'command': 'cmd' }\n{ 'pragma': { 'doc-required': true } }\n",
    "main.json:1: documentation comment required",
  ],
  [
    "free-form documentation right before a definition",
    "##\n# Some text.\n##\n{ 'command': 'cmd' }\n",
    "main.json:1: definition documentation required",
  ],
  [
    "definition documentation not followed by its definition",
    doc("cmd", "Text.") + "{ 'pragma': { 'doc-required': false } }\n",
    "main.json:1: documentation for 'cmd' is not followed by the definition",
  ],
  [
    "definition documentation followed by more documentation",
    doc("cmd", "Text.") + "##\n# Free text.\n##\n{ 'command': 'cmd' }\n",
    "main.json:1: documentation for 'cmd' is not followed by the definition",
  ],
  [
    "definition documentation at the end of a file",
    doc("cmd", "Text."),
    "main.json:1: documentation for 'cmd' is not followed by the definition",
  ],
]);

cases("syntax (parser.py's tokenizer and grammar)", [
  ["missing terminating quote", "{ 'command': 'cmd }\n", `main.json:1:14: missing terminating "'"`],
  ["unknown escape", "{ 'command': 'c\\md' }\n", "main.json:1:14: unknown escape \\m"],
  [
    "the one escape",
    "{ 'command': 'c\\\\d', 'gen': false }\n",
    "main.json:1: command has an invalid name",
  ],
  [
    "funny character in string",
    "{ 'command': 'cmé' }\n",
    "main.json:1:14: funny character in string",
  ],
  ["stray text", "{ 'command': cmd }\n", "main.json:1:14: stray 'cmd'"],
  ["stray after a tab", "\t{ 'command': 'cmd' } x\n", "main.json:1:22: stray 'x'"],
  ["key not a string", "{ command: 'cmd' }\n", "main.json:1:3: stray 'command'"],
  ["expected string or '}'", "{ [ 'command' ] }\n", "main.json:1:3: expected string or '}'"],
  ["expected ':'", "{ 'command', 'cmd' }\n", "main.json:1:12: expected ':'"],
  [
    "duplicate key",
    "{ 'command': 'a', 'command': 'b' }\n",
    "main.json:1:30: duplicate key 'command'",
  ],
  ["expected ',' or '}'", "{ 'command': 'cmd' 'x' }\n", "main.json:1:20: expected ',' or '}'"],
  ["expected string after ','", "{ 'command': 'cmd', }\n", "main.json:1:21: expected string"],
  [
    "expected a value or ']'",
    "{ 'enum': 'Ee', 'data': [ : ] }\n",
    "main.json:1:27: expected '{', '[', ']', string, or boolean",
  ],
  [
    "expected ',' or ']'",
    "{ 'enum': 'Ee', 'data': [ 'a' 'b' ] }\n",
    "main.json:1:31: expected ',' or ']'",
  ],
  ["expected a value", "{ 'command': }\n", "main.json:1:14: expected '{', '[', string, or boolean"],
  [
    "end of input inside an expression",
    "{ 'command': 'cmd'\n",
    "main.json:1:19: expected ',' or '}'",
  ],
  [
    "true and false",
    "{ 'command': 'cmd', 'gen': false, 'boxed': true, 'data': 'Ss' }\n" +
    "{ 'struct': 'Ss', 'data': {} }\n",
    "ok",
  ],
]);

cases("doc comment blocks (parser.py's get_doc and QAPIDoc)", [
  [
    "documentation comment must end with '##'",
    "##\n# @cmd:\n{ 'command': 'cmd' }\n",
    "main.json:3:1: documentation comment must end with '##'",
  ],
  [
    "junk after '##' at the end",
    "##\n# @cmd:\n## x\n{ 'command': 'cmd' }\n",
    "main.json:3:1: junk after '##' at end of documentation comment",
  ],
  ["missing space after #", "##\n#@cmd:\n##\n", "main.json:2:1: missing space after #"],
  [
    "junk after '##' at the start",
    "## x\n# @cmd:\n##\n",
    "main.json:1:1: junk after '##' at start of documentation comment",
  ],
  [
    "symbol line without ':'",
    "##\n# @cmd\n##\n{ 'command': 'cmd' }\n",
    "main.json:2:1: line should end with ':'",
  ],
  [
    "symbol line without a name",
    "##\n# @:\n##\n{ 'command': 'cmd' }\n",
    "main.json:2:1: name required after '@'",
  ],
  [
    "documentation line longer than 70 characters",
    doc("cmd", "x".repeat(69)) + "{ 'command': 'cmd' }\n",
    "main.json:3:1: documentation line longer than 70 characters",
  ],
  [
    "a long URL alone on its line",
    doc("cmd", `https://example.org/${"x".repeat(60)}`) + "{ 'command': 'cmd' }\n",
    "ok",
  ],
  [
    "one space between sentences",
    doc("cmd", "First sentence. Second one.") + "{ 'command': 'cmd' }\n",
    "main.json:3:18: Use two spaces between sentences\nIf this not the end of a sentence, please report a bug.",
  ],
  [
    "'e.g.' and numbered items are not sentence ends",
    doc("cmd", "Do it, e.g. Now.", "", "1. First.") + "{ 'command': 'cmd' }\n",
    "ok",
  ],
  [
    "literal blocks are exempt from the layout rules",
    doc(
      "cmd",
      "Text.",
      "",
      "::",
      "",
      `  ${"x".repeat(70)}  One. Two.`,
      "",
      ".. qmp-example::",
      "",
      '  -> { "execute": "cmd" }. Yes. Sure.',
    ) +
    "{ 'command': 'cmd' }\n",
    "ok",
  ],
  [
    "the layout rules hold again after a literal block",
    doc("cmd", "::", "", "    literal.  Fine. Fine.", "", "Prose. Again.") +
    "{ 'command': 'cmd' }\n",
    "main.json:7:9: Use two spaces between sentences\nIf this not the end of a sentence, please report a bug.",
  ],
  [
    "indented lines are not exempt outside literal blocks",
    doc("cmd", "Text.", "", `    ${"x".repeat(70)}`) + "{ 'command': 'cmd' }\n",
    "main.json:5:1: documentation line longer than 70 characters",
  ],
  [
    "'Features:' twice",
    doc("Ss", "Features:", "", "@f: F.", "", "Features:", "", "@g: G.") +
    "{ 'struct': 'Ss', 'data': {}, 'features': [ 'f', 'g' ] }\n",
    "main.json:7:1: duplicated 'Features:' line",
  ],
  [
    "'Features:' without features",
    doc("Ss", "Features:") + "{ 'struct': 'Ss', 'data': {} }\n",
    "main.json:4:1: feature descriptions expected",
  ],
  [
    "a member description after a section",
    doc("cmd", "Since: 1.0", "", "@a: A.") + "{ 'command': 'cmd', 'data': { 'a': 'int' } }\n",
    "main.json:5:1: description of '@a:' follows a section",
  ],
  [
    "a 'Note' section",
    doc("cmd", "Note: careful.") + "{ 'command': 'cmd' }\n",
    "main.json:3:1: The 'Note' section is no longer supported. Please use rST's '.. note::' or " +
    "'.. admonition:: notes' directives, or another suitable admonition instead.",
  ],
  [
    "an 'Examples' section",
    doc("cmd", "Examples: this.") + "{ 'command': 'cmd' }\n",
    "main.json:3:1: The 'Examples' section is no longer supported. Please use the " +
    "'.. qmp-example::' directive, or other suitable markup instead.",
  ],
  [
    "'@name:' in free-form documentation",
    "##\n# Text.\n# @a: no.\n##\n",
    "main.json:3:1: '@a:' not allowed in free-form documentation",
  ],
  [
    "de-indent right after the first indented line",
    doc("cmd", "@a: Text", "    more", "  less") + "{ 'command': 'cmd', 'data': { 'a': 'int' } }\n",
    "main.json:5:1: unexpected de-indent (expected at least 4 spaces)",
  ],
  [
    "de-indent later ends the section (as in QEMU)",
    doc("cmd", "@a: Text", "    more", "    more", "  plain") +
    "{ 'command': 'cmd', 'data': { 'a': 'int' } }\n",
    "ok",
  ],
  [
    "a member description ends at the next '@name:'",
    doc("cmd", "@a:", "    Text.", "@b: More.") +
    "{ 'command': 'cmd', 'data': { 'a': 'int', 'b': 'int' } }\n",
    "ok",
  ],
  [
    "an empty member description",
    doc("cmd", "@a:", "", "Since: 1.0") + "{ 'command': 'cmd', 'data': { 'a': 'int' } }\n",
    "main.json:3: text required after 'Member:'",
  ],
  [
    "an empty 'Errors:' section",
    doc("cmd", "Errors:", "", "Since: 1.0") + "{ 'command': 'cmd' }\n",
    "main.json:3: text required after 'Errors:'",
  ],
  [
    "an empty 'Since:' section",
    doc("cmd", "Since:") + "{ 'command': 'cmd' }\n",
    "main.json:3: text required after 'Since:'",
  ],
  [
    "an empty feature description",
    doc("Ss", "Features:", "", "@f:") + "{ 'struct': 'Ss', 'data': {}, 'features': [ 'f' ] }\n",
    "main.json:5: text required after 'Feature:'",
  ],
  [
    "'Returns:' twice",
    doc("cmd", "Returns: this", "", "Returns: that") + "{ 'command': 'cmd', 'returns': 'Ss' }\n",
    "main.json:5: duplicated 'Returns' section",
  ],
  [
    "'Since:' twice",
    doc("cmd", "Since: 1.0", "", "Since: 2.0") + "{ 'command': 'cmd' }\n",
    "main.json:5: duplicated 'Since' section",
  ],
  [
    "'TODO:' may repeat",
    doc("cmd", "TODO: this", "", "TODO: that") + "{ 'command': 'cmd' }\n",
    "ok",
  ],
  [
    "an empty member name",
    doc("cmd", "@: What.") + "{ 'command': 'cmd' }\n",
    "main.json:3: invalid parameter name",
  ],
  [
    "a member described twice",
    doc("cmd", "@a: One.", "@a: Two.") + "{ 'command': 'cmd', 'data': { 'a': 'int' } }\n",
    "main.json:4: 'a' parameter name duplicated",
  ],
  [
    "a feature described twice",
    doc("cmd", "Features:", "", "@f: One.", "@f: Two.") +
    "{ 'command': 'cmd', 'features': [ 'f' ] }\n",
    "main.json:6: 'f' parameter name duplicated",
  ],
]);

cases("documentation against definitions (parser.py's QAPIDoc, schema.py's connect_doc)", [
  [
    "documentation for another definition",
    doc("other", "Text.") + "{ 'command': 'cmd' }\n",
    "main.json: In command 'cmd':\nmain.json:5: documentation comment is for 'other'",
  ],
  [
    "'Returns:' on a command that returns nothing",
    doc("cmd", "Returns: nothing") + "{ 'command': 'cmd' }\n",
    "main.json:3: 'Returns' section, but command doesn't return anything",
  ],
  [
    "'Returns:' on an event",
    doc("EVT", "Returns: this") + "{ 'event': 'EVT' }\n",
    "main.json:3: 'Returns' section is only valid for commands",
  ],
  [
    "'Errors:' on a struct",
    doc("Ss", "Errors: some") + "{ 'struct': 'Ss', 'data': {} }\n",
    "main.json:3: 'Errors' section is only valid for commands",
  ],
  [
    "doc-required and no documentation",
    "{ 'pragma': { 'doc-required': true } }\n{ 'command': 'cmd' }\n",
    "main.json: In command 'cmd':\nmain.json:2: documentation comment required",
  ],
  [
    "an undocumented member",
    doc("Ss", "Text.") + "{ 'struct': 'Ss', 'data': { 'a': 'int' } }\n",
    "main.json: In struct 'Ss':\nmain.json:5: member 'a' lacks documentation",
  ],
  [
    "an undocumented enum value",
    doc("Ee", "@a: A.") + "{ 'enum': 'Ee', 'data': [ 'a', 'b' ] }\n",
    "main.json:5: value 'b' lacks documentation",
  ],
  [
    "an undocumented alternate branch",
    doc("Aa", "@a: A.") + "{ 'alternate': 'Aa', 'data': { 'a': 'int', 'b': 'bool' } }\n",
    "main.json:5: branch 'b' lacks documentation",
  ],
  [
    "an undocumented argument",
    doc("cmd", "Text.") + "{ 'command': 'cmd', 'data': { '*a': 'int' } }\n",
    "main.json:5: member 'a' lacks documentation",
  ],
  [
    "an undocumented member of a union's implicit base",
    "{ 'enum': 'Ee', 'data': [ 'a' ] }\n" + doc("Uu", "@k: K.") +
    "{ 'union': 'Uu', 'base': { 'k': 'Ee', 'x': 'int' }, 'discriminator': 'k', 'data': {} }\n",
    "main.json:6: member 'x' lacks documentation",
  ],
  [
    "documentation-exceptions",
    "{ 'pragma': { 'documentation-exceptions': [ 'Ss' ] } }\n" + doc("Ss", "Text.") +
    "{ 'struct': 'Ss', 'data': { 'a': 'int' } }\n",
    "ok",
  ],
  [
    "an undocumented feature",
    doc("cmd", "Text.") + "{ 'command': 'cmd', 'features': [ 'f' ] }\n",
    "main.json:5: feature 'f' lacks documentation",
  ],
  [
    "an undocumented feature of a member",
    doc("cmd", "@a: A.") +
    "{ 'command': 'cmd', 'data': { 'a': { 'type': 'int', 'features': [ 'f' ] } } }\n",
    "main.json:5: feature 'f' lacks documentation",
  ],
  [
    "an undocumented feature, even under documentation-exceptions",
    "{ 'pragma': { 'documentation-exceptions': [ 'cmd' ] } }\n" + doc("cmd", "Text.") +
    "{ 'command': 'cmd', 'features': [ 'f' ] }\n",
    "main.json:6: feature 'f' lacks documentation",
  ],
  [
    "a documented member that does not exist",
    doc("cmd", "@a: A.", "@b: B.") + "{ 'command': 'cmd', 'data': { 'a': 'int' } }\n",
    "main.json:4: documented member 'b' does not exist",
  ],
  [
    "documented members that do not exist",
    doc("cmd", "@b: B.", "@c: C.") + "{ 'command': 'cmd' }\n",
    "main.json:3: documented members 'b', 'c' do not exist",
  ],
  [
    "the arguments of a boxed command are documented with their type",
    doc("Ss", "@a: A.") + "{ 'struct': 'Ss', 'data': { 'a': 'int' } }\n" +
    doc("cmd", "@a: A.") + "{ 'command': 'cmd', 'data': 'Ss', 'boxed': true }\n",
    "main.json:8: documented member 'a' does not exist",
  ],
  [
    "a struct's inherited members are documented with its base",
    doc("Bb", "@a: A.") + "{ 'struct': 'Bb', 'data': { 'a': 'int' } }\n" +
    doc("Ss", "@a: A.", "@b: B.") + "{ 'struct': 'Ss', 'base': 'Bb', 'data': { 'b': 'int' } }\n",
    "main.json:8: documented member 'a' does not exist",
  ],
  [
    "a union's branches are not its members",
    doc("Ee", "@a: A.") + "{ 'enum': 'Ee', 'data': [ 'a' ] }\n" +
    doc("Uu", "@k: K.", "@a: A.") +
    "{ 'union': 'Uu', 'base': { 'k': 'Ee' }, 'discriminator': 'k', 'data': {} }\n",
    "main.json:9: documented member 'a' does not exist",
  ],
  [
    "a documented feature that does not exist",
    doc("cmd", "Features:", "", "@f: F.") + "{ 'command': 'cmd' }\n",
    "main.json:5: documented feature 'f' does not exist",
  ],
]);

cases("definitions (expr.py)", [
  [
    "no definition key",
    "{ 'data': {} }\n",
    "main.json:1: expression must have exactly one key 'enum', 'struct', 'union', 'alternate', 'command', 'event'",
  ],
  [
    "two definition keys",
    "{ 'command': 'cmd', 'event': 'EVT' }\n",
    "main.json:1: expression must have exactly one key 'enum', 'struct', 'union', 'alternate', 'command', 'event'",
  ],
  [
    "a name that is not a string",
    "{ 'command': [ 'cmd' ] }\n",
    "main.json:1: 'command' requires a string name",
  ],
  [
    "an invalid name",
    "{ 'command': 'cmd!' }\n",
    "main.json: In command 'cmd!':\nmain.json:1: command has an invalid name",
  ],
  [
    "the reserved prefix q_",
    "{ 'command': 'q_cmd' }\n",
    "main.json:1: command has an invalid name",
  ],
  [
    "Q_ is not q_",
    "{ 'pragma': { 'command-name-exceptions': [ 'Q_cmd' ] } }\n{ 'command': 'Q_cmd' }\n",
    "main.json:2: name of command must not use uppercase or '_'",
  ],
  [
    "an event in lower case",
    "{ 'event': 'Evt' }\n",
    "main.json:1: name of event must not use lowercase or '-'",
  ],
  [
    "a command with '_'",
    "{ 'command': 'my_cmd' }\n",
    "main.json:1: name of command must not use uppercase or '_'",
  ],
  [
    "command-name-exceptions",
    "{ 'pragma': { 'command-name-exceptions': [ 'my_cmd' ] } }\n{ 'command': 'my_cmd' }\n",
    "ok",
  ],
  [
    "a type not in CamelCase",
    "{ 'struct': 'SS', 'data': {} }\n",
    "main.json:1: name of struct must use CamelCase",
  ],
  [
    "a type named …List",
    "{ 'struct': 'ThingList', 'data': {} }\n",
    "main.json:1: struct name should not end in 'List'",
  ],
  [
    "prefixes",
    "{ 'struct': '__org.qemu_x-Thing', 'data': {} }\n{ 'command': '__org.qemu_x-cmd' }\n",
    "ok",
  ],
  [
    "missing keys",
    "{ 'union': 'Uu', 'data': {} }\n",
    "main.json:1: union misses keys 'base', 'discriminator'",
  ],
  [
    "unknown keys",
    "{ 'enum': 'Ee', 'data': [], 'value': true, 'x': true }\n",
    "main.json:1: enum has unknown keys 'value', 'x'\nValid keys are 'data', 'enum', 'features', 'if', 'prefix'.",
  ],
  [
    "unknown key",
    "{ 'enum': 'Ee', 'data': [], 'base': 'x' }\n",
    "main.json:1: enum has unknown key 'base'\nValid keys are 'data', 'enum', 'features', 'if', 'prefix'.",
  ],
  [
    "enum data not an array",
    "{ 'enum': 'Ee', 'data': { 'a': 'b' } }\n",
    "main.json:1: 'data' must be an array",
  ],
  [
    "enum prefix not a string",
    "{ 'enum': 'Ee', 'data': [], 'prefix': [] }\n",
    "main.json:1: 'prefix' must be a string",
  ],
  [
    "enum value without a name",
    "{ 'enum': 'Ee', 'data': [ { 'if': 'X' } ] }\n",
    "main.json:1: 'data' member misses key 'name'",
  ],
  [
    "enum value name not a string",
    "{ 'enum': 'Ee', 'data': [ [ 'a' ] ] }\n",
    "main.json:1: 'data' member requires a string name",
  ],
  ["enum values may start with a digit", "{ 'enum': 'Ee', 'data': [ '1st', '2-b' ] }\n", "ok"],
  [
    "enum value in upper case",
    "{ 'enum': 'Ee', 'data': [ 'Aa' ] }\n",
    "main.json:1: name of 'data' member 'Aa' must not use uppercase or '_'",
  ],
  [
    "member-name-exceptions for values",
    "{ 'pragma': { 'member-name-exceptions': [ 'Ee' ] } }\n{ 'enum': 'Ee', 'data': [ 'A_a' ] }\n",
    "ok",
  ],
  [
    "enum value with an unknown key",
    "{ 'enum': 'Ee', 'data': [ { 'name': 'a', 'x': true } ] }\n",
    "main.json:1: 'data' member has unknown key 'x'\nValid keys are 'features', 'if', 'name'.",
  ],
  [
    "union discriminator not a string",
    "{ 'union': 'Uu', 'base': 'Bb', 'discriminator': [], 'data': {} }\n",
    "main.json:1: 'discriminator' requires a string name",
  ],
  [
    "union data not an object",
    "{ 'union': 'Uu', 'base': 'Bb', 'discriminator': 'k', 'data': [] }\n",
    "main.json:1: 'data' must be an object",
  ],
  [
    "union branch of an array type",
    "{ 'union': 'Uu', 'base': 'Bb', 'discriminator': 'k', 'data': { 'a': [ 'Ss' ] } }\n",
    "main.json:1: 'data' member 'a' should be a type name",
  ],
  [
    "union branch with an unknown key",
    "{ 'union': 'Uu', 'base': 'Bb', 'discriminator': 'k', 'data': { 'a': { 'type': 'Ss', 'features': [] } } }\n",
    "main.json:1: 'data' member 'a' has unknown key 'features'\nValid keys are 'if', 'type'.",
  ],
  [
    "union base member in upper case",
    "{ 'union': 'Uu', 'base': { 'Kind': 'Ee' }, 'discriminator': 'Kind', 'data': {} }\n",
    "main.json:1: name of 'base' member 'Kind' must not use uppercase or '_'",
  ],
  [
    "alternate with empty data",
    "{ 'alternate': 'Aa', 'data': {} }\n",
    "main.json:1: 'data' must not be empty",
  ],
  [
    "alternate with data not an object",
    "{ 'alternate': 'Aa', 'data': [ 'int' ] }\n",
    "main.json:1: 'data' must be an object",
  ],
  [
    "alternate branch in upper case",
    "{ 'alternate': 'Aa', 'data': { 'A': 'int' } }\n",
    "main.json:1: name of 'data' member 'A' must not use uppercase or '_'",
  ],
  [
    "alternate branch of a nested array",
    "{ 'alternate': 'Aa', 'data': { 'a': [ 'int', 'str' ] } }\n",
    "main.json:1: 'data' member 'a': array type must contain single type name",
  ],
  [
    "struct data not an object",
    "{ 'struct': 'Ss', 'data': 'Tt' }\n",
    "main.json:1: 'data' should be an object or type name",
  ],
  [
    "struct base not a name",
    "{ 'struct': 'Ss', 'data': {}, 'base': { 'a': 'int' } }\n",
    "main.json:1: 'base' should be a type name",
  ],
  [
    "member in upper case",
    "{ 'struct': 'Ss', 'data': { '*Aa': 'int' } }\n",
    "main.json:1: name of 'data' member '*Aa' must not use uppercase or '_'",
  ],
  [
    "member-name-exceptions for members",
    "{ 'pragma': { 'member-name-exceptions': [ 'Ss' ] } }\n{ 'struct': 'Ss', 'data': { 'A_a': 'int' } }\n",
    "ok",
  ],
  [
    "member named u",
    "{ 'struct': 'Ss', 'data': { 'u': 'int' } }\n",
    "main.json:1: 'data' member 'u' uses reserved name",
  ],
  [
    "member named has-…",
    "{ 'struct': 'Ss', 'data': { '*has-x': 'int' } }\n",
    "main.json:1: 'data' member '*has-x' uses reserved name",
  ],
  [
    "member without a type",
    "{ 'struct': 'Ss', 'data': { 'a': { 'if': 'X' } } }\n",
    "main.json:1: 'data' member 'a' misses key 'type'",
  ],
  [
    "member of a nested array",
    "{ 'struct': 'Ss', 'data': { 'a': [ [ 'int' ] ] } }\n",
    "main.json:1: 'data' member 'a': array type must contain single type name",
  ],
  [
    "member of an object type",
    "{ 'struct': 'Ss', 'data': { 'a': { 'type': { 'b': 'int' } } } }\n",
    "main.json:1: 'data' member 'a' should be a type name or array",
  ],
  [
    "boxed without data",
    "{ 'command': 'cmd', 'boxed': true }\n",
    "main.json:1: 'boxed': true requires 'data'",
  ],
  [
    "boxed with inline data",
    "{ 'event': 'EVT', 'boxed': true, 'data': { 'a': 'int' } }\n",
    "main.json:1: 'data' should be a type name",
  ],
  [
    "returns not a type",
    "{ 'command': 'cmd', 'returns': { 'a': 'int' } }\n",
    "main.json:1: 'returns' should be a type name or array",
  ],
  [
    "returns an array of two",
    "{ 'command': 'cmd', 'returns': [ 'Ss', 'Tt' ] }\n",
    "main.json:1: 'returns': array type must contain single type name",
  ],
  [
    "arguments not an object",
    "{ 'command': 'cmd', 'data': [ 'int' ] }\n",
    "main.json:1: 'data' should be an object or type name",
  ],
  [
    "condition not an identifier",
    "{ 'command': 'cmd', 'if': 'defined(X)' }\n",
    "main.json:1: 'if' condition 'defined(X)' of command is not a valid identifier",
  ],
  [
    "condition of another type",
    "{ 'command': 'cmd', 'if': [ 'X' ] }\n",
    "main.json:1: 'if' condition of command must be a string or an object",
  ],
  [
    "condition with an unknown operator",
    "{ 'command': 'cmd', 'if': { 'either': [ 'X' ] } }\n",
    "main.json:1: 'if' condition of command has unknown key 'either'\nValid keys are 'all', 'any', 'not'.",
  ],
  [
    "condition with two operators",
    "{ 'command': 'cmd', 'if': { 'all': [ 'X' ], 'any': [ 'Y' ] } }\n",
    "main.json:1: 'if' condition of command has conflicting keys",
  ],
  [
    "condition without an operator",
    "{ 'command': 'cmd', 'if': {} }\n",
    "main.json:1: 'if' condition of command has conflicting keys",
  ],
  [
    "'any' of a non-array",
    "{ 'command': 'cmd', 'if': { 'any': 'X' } }\n",
    "main.json:1: 'any' condition of command must be an array",
  ],
  [
    "'all' of nothing",
    "{ 'command': 'cmd', 'if': { 'all': [] } }\n",
    "main.json:1: 'if' condition [] of command is useless",
  ],
  [
    "nested conditions",
    "{ 'command': 'cmd', 'if': { 'any': [ 'A', { 'not': { 'all': [ 'B', 'C' ] } } ] } }\n",
    "ok",
  ],
  [
    "condition of a member",
    "{ 'struct': 'Ss', 'data': { 'a': { 'type': 'int', 'if': 'x' } } }\n",
    "main.json:1: 'if' condition 'x' of 'data' member 'a' is not a valid identifier",
  ],
  [
    "features not an array",
    "{ 'command': 'cmd', 'features': 'f' }\n",
    "main.json:1: 'features' must be an array",
  ],
  [
    "feature without a name",
    "{ 'command': 'cmd', 'features': [ { 'if': 'X' } ] }\n",
    "main.json:1: 'features' member misses key 'name'",
  ],
  [
    "feature name not a string",
    "{ 'command': 'cmd', 'features': [ [ 'f' ] ] }\n",
    "main.json:1: 'features' member requires a string name",
  ],
  [
    "feature in upper case",
    "{ 'command': 'cmd', 'features': [ 'F' ] }\n",
    "main.json:1: name of 'features' member 'F' must not use uppercase or '_'",
  ],
  [
    "feature with an unknown key",
    "{ 'command': 'cmd', 'features': [ { 'name': 'f', 'type': 'int' } ] }\n",
    "main.json:1: 'features' member has unknown key 'type'\nValid keys are 'if', 'name'.",
  ],
  [
    "flag gen true",
    "{ 'command': 'cmd', 'gen': true }\n",
    "main.json:1: flag 'gen' may only use false value",
  ],
  [
    "flag allow-oob false",
    "{ 'command': 'cmd', 'allow-oob': false }\n",
    "main.json:1: flag 'allow-oob' may only use true value",
  ],
  [
    "allow-oob with coroutine",
    "{ 'command': 'cmd', 'allow-oob': true, 'coroutine': true }\n",
    "main.json:1: flags 'allow-oob' and 'coroutine' are incompatible",
  ],
]);

const base = "{ 'enum': 'Ee', 'data': [ 'a', 'b' ] }\n{ 'struct': 'Bb', 'data': { 'k': 'Ee' } }\n" +
  "{ 'struct': 'Aa', 'data': { 'x': 'int' } }\n";

cases("the schema (schema.py)", [
  [
    "a name defined twice",
    "{ 'command': 'cmd' }\n{ 'command': 'cmd' }\n",
    "main.json: In command 'cmd':\nmain.json:2: 'cmd' is already defined\nmain.json: In command 'cmd':\nmain.json:1: previous definition",
  ],
  [
    "a built-in type redefined",
    "{ 'struct': 'Str', 'data': {} }\n{ 'enum': 'QType', 'data': [] }\n",
    "main.json:2: enum type 'QType' is already defined",
  ],
  [
    "an unknown member type",
    "{ 'struct': 'Ss', 'data': { 'a': 'Nope' } }\n",
    "main.json:1: member 'a' uses unknown type 'Nope'",
  ],
  [
    "an unknown argument type",
    "{ 'command': 'cmd', 'data': { 'a': 'Nope' } }\n",
    "main.json:1: parameter 'a' uses unknown type 'Nope'",
  ],
  [
    "an unknown array element",
    "{ 'command': 'cmd', 'data': { 'a': [ 'Nope' ] } }\n",
    "main.json:1: command uses unknown type 'Nope'",
  ],
  [
    "an unknown base",
    "{ 'struct': 'Ss', 'base': 'Nope', 'data': {} }\n",
    "main.json:1: 'base' uses unknown type 'Nope'",
  ],
  [
    "arguments of an unknown type",
    "{ 'event': 'EVT', 'data': 'Nope' }\n",
    "main.json:1: event's 'data' uses unknown type 'Nope'",
  ],
  [
    "returns of an unknown type",
    "{ 'command': 'cmd', 'returns': 'Nope' }\n",
    "main.json:1: command's 'returns' uses unknown type 'Nope'",
  ],
  [
    "a type that is a command",
    "{ 'command': 'cmd' }\n{ 'struct': 'Ss', 'data': { 'a': 'cmd' } }\n",
    "main.json:2: member 'a' uses unknown type 'cmd'",
  ],
  [
    "an unknown base member type",
    base +
    "{ 'union': 'Uu', 'base': { 'k': 'Ee', 'y': 'Nope' }, 'discriminator': 'k', 'data': {} }\n",
    "main.json:4: base member 'y' uses unknown type 'Nope'",
  ],
  [
    "features that clash",
    "{ 'command': 'cmd', 'features': [ 'f-g', 'f_g' ] }\n",
    "main.json:1: name of 'features' member 'f_g' must not use uppercase or '_'",
  ],
  [
    "features that clash (allowed names)",
    "{ 'command': 'cmd', 'features': [ 'f', 'f' ] }\n",
    "main.json:1: feature 'f' collides with feature 'f'",
  ],
  [
    "features of a member that clash",
    "{ 'struct': 'Ss', 'data': { 'a': { 'type': 'int', 'features': [ '__x.y_f', '__x-y_f' ] } } }\n",
    "main.json:1: feature '__x-y_f' of type 'a' collides with feature '__x.y_f' of type 'a'",
  ],
  [
    "deprecated on a type",
    "{ 'struct': 'Ss', 'data': {}, 'features': [ 'deprecated' ] }\n",
    "main.json:1: feature 'deprecated' is not supported for types",
  ],
  [
    "unstable on an enum",
    "{ 'enum': 'Ee', 'data': [], 'features': [ 'unstable' ] }\n",
    "main.json:1: feature 'unstable' is not supported for types",
  ],
  [
    "deprecated on a member, a value and a command",
    "{ 'enum': 'Ee', 'data': [ { 'name': 'a', 'features': [ 'deprecated' ] } ] }\n{ 'command': 'cmd', 'data': { 'a': { 'type': 'Ee', 'features': [ 'unstable' ] } }, 'features': [ 'deprecated' ] }\n",
    "ok",
  ],
  [
    "enum values that clash",
    "{ 'enum': 'Ee', 'data': [ 'a-b', '__c.d_e', '__c-d_e' ] }\n",
    "main.json:1: value '__c-d_e' collides with value '__c.d_e'",
  ],
  [
    "enum values that differ in case only",
    "{ 'pragma': { 'member-name-exceptions': [ 'Ee' ] } }\n{ 'enum': 'Ee', 'data': [ 'a', 'A' ] }\n",
    "ok",
  ],
  [
    "a struct that contains itself through its base",
    "{ 'struct': 'Ss', 'base': 'Tt', 'data': {} }\n{ 'struct': 'Tt', 'base': 'Ss', 'data': {} }\n",
    "main.json:1: object Ss contains itself",
  ],
  [
    "a union that contains itself through a branch",
    base + "{ 'union': 'Uu', 'base': 'Bb', 'discriminator': 'k', 'data': { 'a': 'Uu' } }\n",
    "main.json:4: object Uu contains itself",
  ],
  [
    "unions that contain each other through branches",
    base + "{ 'union': 'Uu', 'base': 'Bb', 'discriminator': 'k', 'data': { 'a': 'Vv' } }\n" +
    "{ 'union': 'Vv', 'base': 'Bb', 'discriminator': 'k', 'data': { 'b': 'Uu' } }\n",
    "main.json:4: object Uu contains itself",
  ],
  [
    "a base that is a union",
    base +
    "{ 'union': 'Uu', 'base': 'Bb', 'discriminator': 'k', 'data': {} }\n{ 'struct': 'Ss', 'base': 'Uu', 'data': {} }\n",
    "main.json:5: 'base' requires a struct type, union type 'Uu' isn't",
  ],
  [
    "a base that is an enum",
    base + "{ 'struct': 'Ss', 'base': 'Ee', 'data': {} }\n",
    "main.json:4: 'base' requires a struct type, enum type 'Ee' isn't",
  ],
  [
    "members that clash",
    "{ 'struct': 'Ss', 'data': { 'a-b': 'int', '*a_b': 'int' } }\n",
    "main.json:1: name of 'data' member '*a_b' must not use uppercase or '_'",
  ],
  [
    "a member and an optional one of the same name",
    "{ 'struct': 'Ss', 'data': { 'a': 'int', '*a': 'int' } }\n",
    "main.json:1: member 'a' collides with member 'a'",
  ],
  [
    "a member that clashes with its base's",
    base + "{ 'struct': 'Ss', 'base': 'Aa', 'data': { 'x': 'str' } }\n",
    "main.json:4: member 'x' collides with member 'x' of type 'Aa'",
  ],
  [
    "a discriminator that is not a member",
    base + "{ 'union': 'Uu', 'base': 'Bb', 'discriminator': 'kind', 'data': {} }\n",
    "main.json:4: discriminator 'kind' is not a member of 'base'",
  ],
  [
    "a discriminator not an enum",
    base + "{ 'union': 'Uu', 'base': 'Aa', 'discriminator': 'x', 'data': {} }\n",
    "main.json:4: discriminator member 'x' of base type 'Aa' must be of enum type",
  ],
  [
    "an optional discriminator",
    base + "{ 'union': 'Uu', 'base': { '*k': 'Ee' }, 'discriminator': 'k', 'data': {} }\n",
    "main.json:4: discriminator member 'k' of 'base' must not be optional",
  ],
  [
    "a conditional discriminator",
    base +
    "{ 'union': 'Uu', 'base': { 'k': { 'type': 'Ee', 'if': 'X' } }, 'discriminator': 'k', 'data': {} }\n",
    "main.json:4: discriminator member 'k' of 'base' must not be conditional",
  ],
  [
    "a union without branches",
    "{ 'enum': 'Nn', 'data': [] }\n{ 'union': 'Uu', 'base': { 'k': 'Nn' }, 'discriminator': 'k', 'data': {} }\n",
    "main.json:2: union has no branches",
  ],
  [
    "a branch that is not a value",
    base + "{ 'union': 'Uu', 'base': 'Bb', 'discriminator': 'k', 'data': { 'c': 'Aa' } }\n",
    "main.json:4: branch 'c' is not a value of enum type 'Ee'",
  ],
  [
    "a branch of an unknown type",
    base + "{ 'union': 'Uu', 'base': 'Bb', 'discriminator': 'k', 'data': { 'a': 'Nope' } }\n",
    "main.json:4: branch 'a' uses unknown type 'Nope'",
  ],
  [
    "a branch of a scalar type",
    base + "{ 'union': 'Uu', 'base': 'Bb', 'discriminator': 'k', 'data': { 'a': 'int' } }\n",
    "main.json:4: branch 'a' cannot use built-in type 'int'",
  ],
  [
    "a branch member that clashes with the base",
    base +
    "{ 'struct': 'Cc', 'data': { 'k': 'int' } }\n{ 'union': 'Uu', 'base': 'Bb', 'discriminator': 'k', 'data': { 'a': 'Cc' } }\n",
    "main.json:5: member 'k' of type 'Cc' collides with member 'k' of type 'Bb'",
  ],
  [
    "a clash through a nested union's branches",
    base + "{ 'struct': 'Cc', 'data': { 'x': 'int' } }\n" +
    "{ 'union': 'Inner', 'base': { 'j': 'Ee' }, 'discriminator': 'j', 'data': { 'b': 'Cc' } }\n" +
    "{ 'union': 'Outer', 'base': { 'k': 'Ee', 'x': 'str' }, 'discriminator': 'k', 'data': { 'a': 'Inner' } }\n",
    "main.json:6: member 'x' of type 'Cc' collides with base member 'x'",
  ],
  [
    "branches may share member names",
    base +
    "{ 'struct': 'Cc', 'data': { 'x': 'str' } }\n{ 'union': 'Uu', 'base': 'Bb', 'discriminator': 'k', 'data': { 'a': 'Aa', 'b': 'Cc' } }\n",
    "ok",
  ],
  [
    "alternate branches that clash",
    "{ 'alternate': 'Aa', 'data': { '__x.y_z': 'int', '__x-y_z': 'str' } }\n",
    "main.json:1: branch '__x-y_z' collides with branch '__x.y_z'",
  ],
  [
    "an alternate branch of type any",
    "{ 'alternate': 'Aa', 'data': { 'a': 'any' } }\n",
    "main.json:1: branch 'a' cannot use built-in type 'any'",
  ],
  [
    "an alternate branch that is an alternate",
    "{ 'alternate': 'Bb', 'data': { 'a': 'int' } }\n{ 'alternate': 'Aa', 'data': { 'b': 'Bb' } }\n",
    "main.json:2: branch 'b' cannot use alternate type 'Bb'",
  ],
  [
    "alternate branches alike on the wire",
    "{ 'alternate': 'Aa', 'data': { 'a': 'int', 'b': 'number' } }\n",
    "main.json:1: branch 'b' can't be distinguished from 'a'",
  ],
  [
    "a string and a boolean",
    "{ 'alternate': 'Aa', 'data': { 'a': 'bool', 'b': 'str' } }\n",
    "main.json:1: branch 'b' can't be distinguished from 'a'",
  ],
  [
    "an enum with 'on' and a boolean",
    "{ 'enum': 'Ee', 'data': [ 'on', 'x' ] }\n{ 'alternate': 'Aa', 'data': { 'a': 'bool', 'b': 'Ee' } }\n",
    "main.json:2: branch 'b' can't be distinguished from 'a'",
  ],
  [
    "an enum and a number, a null, a list, an object",
    "{ 'enum': 'Ee', 'data': [ 'x' ] }\n{ 'struct': 'Ss', 'data': {} }\n{ 'alternate': 'Aa', 'data': { 'a': 'Ee', 'b': 'int', 'c': 'null', 'd': [ 'int' ], 'e': 'Ss' } }\n",
    "ok",
  ],
  [
    "arguments of a scalar type",
    "{ 'command': 'cmd', 'data': 'int' }\n",
    "main.json:1: command's 'data' cannot take built-in type 'int'",
  ],
  [
    "arguments of a union, unboxed",
    base +
    "{ 'union': 'Uu', 'base': 'Bb', 'discriminator': 'k', 'data': {} }\n{ 'command': 'cmd', 'data': 'Uu' }\n",
    "main.json:5: command's 'data' can take union type 'Uu' only with 'boxed': true",
  ],
  [
    "arguments of a union, boxed",
    base +
    "{ 'union': 'Uu', 'base': 'Bb', 'discriminator': 'k', 'data': {} }\n{ 'command': 'cmd', 'data': 'Uu', 'boxed': true }\n",
    "ok",
  ],
  [
    "conditional arguments, unboxed",
    "{ 'command': 'cmd', 'data': { 'a': { 'type': 'int', 'if': 'X' } } }\n",
    "main.json:1: conditional command arguments require 'boxed': true",
  ],
  [
    "conditional inherited arguments, unboxed",
    "{ 'struct': 'Bb', 'data': { 'a': { 'type': 'int', 'if': 'X' } } }\n{ 'struct': 'Ss', 'base': 'Bb', 'data': {} }\n{ 'command': 'cmd', 'data': 'Ss' }\n",
    "main.json:3: conditional command arguments require 'boxed': true",
  ],
  [
    "conditional event arguments, unboxed",
    "{ 'event': 'EVT', 'data': { 'a': { 'type': 'int', 'if': 'X' } } }\n",
    "main.json:1: conditional event arguments require 'boxed': true",
  ],
  [
    "event arguments of a union, unboxed",
    base + "{ 'union': 'Uu', 'base': 'Bb', 'discriminator': 'k', 'data': {} }\n" +
    "{ 'event': 'EVT', 'data': 'Uu' }\n",
    "main.json:5: event's 'data' can take union type 'Uu' only with 'boxed': true",
  ],
  [
    "a command named like a built-in type",
    "{ 'command': 'str' }\n",
    "main.json: In command 'str':\nmain.json:1: built-in type 'str' is already defined",
  ],
  [
    "event arguments of an alternate",
    "{ 'alternate': 'Aa', 'data': { 'a': 'int' } }\n{ 'event': 'EVT', 'data': 'Aa' }\n",
    "main.json:2: event's 'data' cannot take alternate type 'Aa'",
  ],
  [
    "returns a scalar",
    "{ 'command': 'cmd', 'returns': 'int' }\n",
    "main.json:1: command's 'returns' cannot take built-in type 'int'",
  ],
  [
    "returns a list of scalars",
    "{ 'command': 'cmd', 'returns': [ 'str' ] }\n",
    "main.json:1: command's 'returns' cannot take array type ['str']",
  ],
  [
    "command-returns-exceptions",
    "{ 'pragma': { 'command-returns-exceptions': [ 'cmd' ] } }\n{ 'command': 'cmd', 'returns': [ 'str' ] }\n",
    "ok",
  ],
  [
    "at most 64 features",
    Array.from(
      { length: 62 },
      (_, i) => `{ 'command': 'c${i}', 'features': [ 'f${i}', 'deprecated' ] }\n`,
    ).join("") +
    "{ 'command': 'last', 'features': [ 'f0', 'one-more' ] }\n",
    "main.json: In command 'last':\nmain.json:63: Maximum of 64 schema features is permitted",
  ],
  [
    "64 features",
    Array.from(
      { length: 62 },
      (_, i) => `{ 'command': 'c${i}', 'features': [ 'f${i}', 'unstable' ] }\n`,
    ).join(""),
    "ok",
  ],
]);

/**
 * `deno task diff OLD NEW [--json] [--protocol qmp|qga|qsd]`: what changed
 * between two vendored versions (`deno task diff 7.2 10.2`).
 *
 * @module
 */

import { diffSchemas, formatChanges } from "./diff.ts";
import { vendoredVersions } from "./sources.ts";

let json = false;
let protocol = "qmp";
const versions: string[] = [];
for (let i = 0; i < Deno.args.length; i++) {
  const arg = Deno.args[i];
  if (arg === "--json") json = true;
  else if (arg === "--protocol") protocol = Deno.args[++i] ?? "";
  else versions.push(arg);
}
const [older, newer] = versions;
const known = vendoredVersions as readonly string[];
if (
  !older || !newer || !known.includes(older) || !known.includes(newer) ||
  !["qmp", "qga", "qsd"].includes(protocol)
) {
  console.error(
    `usage: deno task diff OLD NEW [--json] [--protocol qmp|qga|qsd]; versions: ${
      known.join(", ")
    }`,
  );
  Deno.exit(2);
}
const load = async (version: string) =>
  (await import(`../../schemas/${protocol}/${version}.js`))[
    `${protocol}${version.replace(".", "_")}`
  ];
const changes = diffSchemas(await load(older), await load(newer));
console.log(json ? JSON.stringify(changes, null, 2) : formatChanges(changes));

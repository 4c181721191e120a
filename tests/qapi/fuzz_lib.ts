/**
 * A mutation fuzzer for the QAPI reader.
 *
 * Mutants are made from QEMU's front-end test cases and from the QEMU 10.2
 * schema (both copied into a temporary folder, so includes resolve), by byte
 * flips, insertions of characters outside the Basic Multilingual Plane, deep
 * nesting, truncation, splicing of other files, names that are keys of
 * `Object.prototype`, and `include`s of things that are not schema files
 * (folders, FIFOs, devices, symbolic-link loops, long names, large, binary
 * and invalid UTF-8 files, long include chains).
 *
 * Every mutant must be accepted or rejected with a `QapiError` whose
 * diagnostics read `FILE:LINE: message`; anything else (another exception, a
 * malformed message, an input that takes longer than the time limit) is a
 * failure.
 *
 * @module
 */

import { QapiError } from "../../lib/qapi/errors.ts";
import { readSchema } from "../../lib/qapi/read.ts";

const shared = new URL("../../../shared/", import.meta.url).pathname;

/** A seeded pseudo-random generator (mulberry32): the same seed, the same mutants. */
export class Random {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** One of the items. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** One seed file of the corpus. */
interface Seed {
  /** Where the mutant of this seed is written (beside the seed, so includes resolve). */
  readonly dir: string;
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** The temporary folder with the corpus and the include targets. */
export interface Corpus {
  readonly root: string;
  readonly seeds: readonly Seed[];
  /** Include targets, as paths relative to a seed's folder or absolute. */
  readonly tricks: readonly string[];
}

async function copyTree(from: string, to: string, seeds: Seed[], label: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) {
      await copyTree(`${from}/${entry.name}`, `${to}/${entry.name}`, seeds, label);
    } else if (entry.isFile && entry.name.endsWith(".json")) {
      const bytes = await Deno.readFile(`${from}/${entry.name}`);
      await Deno.writeFile(`${to}/${entry.name}`, bytes);
      seeds.push({ dir: to, name: `${label}/${entry.name}`, bytes });
    }
  }
}

/**
 * Copies the corpus into a new temporary folder and makes the include
 * targets. `bigBytes` is the size of the large (sparse) file to include.
 */
export async function makeCorpus(bigBytes = 40 * 1024 * 1024): Promise<Corpus> {
  const root = await Deno.makeTempDir({ prefix: "qapi-fuzz-" });
  const seeds: Seed[] = [];
  await copyTree(`${shared}qapi-tests`, `${root}/tests`, seeds, "tests");
  await copyTree(`${shared}qapi/10.2/qapi`, `${root}/qapi`, seeds, "qapi");
  seeds.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const tricks = `${root}/tricks`;
  await Deno.mkdir(`${tricks}/folder.json`, { recursive: true });
  await new Deno.Command("mkfifo", { args: [`${tricks}/fifo.json`] }).output();
  await Deno.symlink("loop.json", `${tricks}/loop.json`);
  await Deno.symlink("nowhere.json", `${tricks}/dangling.json`);
  await Deno.symlink(".", `${tricks}/d`);
  const big = await Deno.open(`${tricks}/big.json`, { write: true, create: true });
  await big.truncate(bigBytes);
  big.close();
  await Deno.writeFile(
    `${tricks}/bad-utf8.json`,
    new Uint8Array([
      ...new TextEncoder().encode("{ 'enum': 'E',\n  'data': [ '"),
      0xff,
      0xfe,
      0x27,
    ]),
  );
  const binary = new Uint8Array(4096);
  const random = new Random(7);
  for (let i = 0; i < binary.length; i++) binary[i] = random.int(256);
  await Deno.writeFile(`${tricks}/binary.json`, binary);
  // A chain of 100 files, each including the next.
  for (let i = 0; i < 100; i++) {
    const next = i < 99 ? `{ 'include': 'chain${i + 1}.json' }\n` : "";
    await Deno.writeTextFile(
      `${tricks}/chain${i}.json`,
      `${next}{ 'enum': 'Chain${i}', 'data': [] }\n`,
    );
  }
  await Deno.writeTextFile(
    `${tricks}/includes-back.json`,
    "{ 'include': '../tests/fuzz-mutant.json' }\n",
  );

  return {
    root,
    seeds,
    tricks: [
      "../tricks/folder.json",
      "../tricks",
      ".",
      "../tricks/fifo.json",
      "/dev/zero",
      "/dev/null",
      "/dev/urandom",
      "/proc/self/status",
      "../tricks/loop.json",
      "../tricks/dangling.json",
      "../tricks/nowhere.json",
      "../tricks/big.json",
      "../tricks/bad-utf8.json",
      "../tricks/binary.json",
      "../tricks/chain0.json",
      "../tricks/includes-back.json",
      "fuzz-mutant.json",
      `../tricks/${"d/".repeat(200)}chain99.json`,
      `../tricks/${"d/".repeat(3000)}chain99.json`,
      `../tricks/${"n".repeat(300)}.json`,
      `${"x/".repeat(3000)}y.json`,
      "",
    ],
  };
}

const encoder = new TextEncoder();
const astral = ["\u{1F600}", "\u{1D11E}", "\u{10FFFF}", "\u{20000}", "\u{1F4A9}\u{1F4A9}"];
const protoKeys = [
  "toString",
  "__proto__",
  "constructor",
  "hasOwnProperty",
  "valueOf",
  "isPrototypeOf",
  "__defineGetter__",
];
const keywords = [
  "enum",
  "struct",
  "union",
  "alternate",
  "command",
  "event",
  "data",
  "base",
  "discriminator",
  "include",
  "pragma",
  "if",
  "features",
  "type",
  "name",
  "boxed",
  "returns",
  "str",
  "int",
  "any",
  "null",
  "QType",
  "all",
  "any",
  "not",
  "doc-required",
  "command-name-exceptions",
  "member-name-exceptions",
];

function splice(bytes: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length - remove + insert.length);
  out.set(bytes.subarray(0, at), 0);
  out.set(insert, at);
  out.set(bytes.subarray(at + remove), at + insert.length);
  return out;
}

/** Offsets just after each newline (and 0): where a new expression may start. */
function lineStarts(bytes: Uint8Array): number[] {
  const starts = [0];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) starts.push(i + 1);
  return starts;
}

/** Offsets of quoted strings `'…'` on one line, as [start, end) including the quotes. */
function strings(bytes: Uint8Array): [number, number][] {
  const found: [number, number][] = [];
  let open = -1;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 10) open = -1;
    else if (bytes[i] === 0x27) {
      if (open < 0) open = i;
      else {
        found.push([open, i + 1]);
        open = -1;
      }
    }
  }
  return found;
}

type Mutation = (bytes: Uint8Array, random: Random, corpus: Corpus) => [Uint8Array, string];

const mutations: Record<string, Mutation> = {
  flip(bytes, random) {
    const out = bytes.slice();
    const n = 1 + random.int(8);
    for (let i = 0; i < n && out.length; i++) out[random.int(out.length)] = random.int(256);
    return [out, `flip×${n}`];
  },
  astral(bytes, random) {
    const text = new TextDecoder().decode(bytes);
    const starts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)];
    // Mostly where a line begins (a comment, a blank line, an expression), sometimes anywhere.
    const at = random.next() < 0.6 ? random.pick(starts) : random.int(text.length + 1);
    const char = random.pick(astral);
    const where = random.next() < 0.5 ? `# ${char}\n` : char;
    return [encoder.encode(text.slice(0, at) + where + text.slice(at)), `astral@${at}`];
  },
  nest(bytes, random) {
    const depth = random.pick([10, 100, 255, 256, 257, 1000, 10000, 30000]);
    const open = random.pick(["[", "{ 'a': "]);
    const close = open === "[" ? "]" : "}";
    const inner = open.repeat(depth) + "'int'" +
      close.repeat(random.next() < 0.8 ? depth : depth >> 1);
    const text = random.next() < 0.5
      ? `{ 'struct': 'Deep', 'data': { 'a': ${inner} } }\n`
      : `{ 'command': 'deep', 'if': ${"{ 'not': ".repeat(depth) + "'X'" + " }".repeat(depth)} }\n`;
    const at = random.pick(lineStarts(bytes));
    return [splice(bytes, at, 0, encoder.encode(text)), `nest${depth}`];
  },
  truncate(bytes, random) {
    const at = random.int(bytes.length + 1);
    return [bytes.slice(0, at), `truncate@${at}`];
  },
  splice(bytes, random, corpus) {
    const other = random.pick(corpus.seeds).bytes;
    const a = random.int(other.length + 1);
    const b = Math.min(other.length, a + random.int(2000));
    const at = random.int(bytes.length + 1);
    const remove = random.next() < 0.5 ? 0 : Math.min(bytes.length - at, random.int(500));
    return [splice(bytes, at, remove, other.subarray(a, b)), `splice${b - a}`];
  },
  lines(bytes, random) {
    const starts = lineStarts(bytes);
    const i = random.int(starts.length);
    const start = starts[i];
    const end = starts[i + 1] ?? bytes.length;
    if (random.next() < 0.5) {
      return [splice(bytes, start, end - start, new Uint8Array()), "dropline"];
    }
    const at = random.pick(starts);
    return [splice(bytes, at, 0, bytes.slice(start, end)), "dupline"];
  },
  protoKey(bytes, random) {
    const key = random.pick(protoKeys);
    const found = strings(bytes);
    if (found.length && random.next() < 0.6) {
      const [a, b] = random.pick(found);
      return [splice(bytes, a, b - a, encoder.encode(`'${key}'`)), `name:${key}`];
    }
    const text = random.pick([
      `{ 'pragma': { '${key}': [] } }\n`,
      `{ 'pragma': { '${key}': true } }\n`,
      `{ 'enum': 'Proto', 'data': [ '${key}' ] }\n`,
      `{ 'struct': 'Proto', 'data': { '${key}': 'int' } }\n`,
      `{ 'union': 'Proto', 'base': { 'type': 'QType' }, 'discriminator': 'type', ` +
      `'data': { '${key}': { 'type': 'Empty' } } }\n`,
      `{ '${key}': 'Proto' }\n`,
    ]);
    return [
      splice(bytes, random.pick(lineStarts(bytes)), 0, encoder.encode(text)),
      `pragma:${key}`,
    ];
  },
  union(bytes, random) {
    const text = random.pick([
      "{ 'union': 'Foo' }\n",
      "{ 'union': 'Foo', 'data': 'x' }\n",
      "{ 'union': 'Foo', 'data': [ 'a' ] }\n",
      "{ 'union': 'Foo', 'data': { 'a': [ 'int' ] } }\n",
      "{ 'union': 'Foo', 'data': { 'a': { 'type': [ 'x' ], 'if': 'A' } } }\n",
    ]);
    return [splice(bytes, random.pick(lineStarts(bytes)), 0, encoder.encode(text)), "union"];
  },
  keyword(bytes, random) {
    const found = strings(bytes);
    if (!found.length) return [bytes, "keyword(none)"];
    const [a, b] = random.pick(found);
    const word = random.pick(keywords);
    return [splice(bytes, a, b - a, encoder.encode(`'${word}'`)), `keyword:${word}`];
  },
  include(bytes, random, corpus) {
    const target = random.pick(corpus.tricks);
    const text = `{ 'include': '${target}' }\n`;
    const at = random.pick(lineStarts(bytes));
    return [splice(bytes, at, 0, encoder.encode(text)), `include:${target.slice(0, 40)}`];
  },
};

/** The names of the mutation operators. */
export const mutationNames: readonly string[] = Object.keys(mutations);

/** One mutant: its seed, what was done, and its bytes. */
export interface Mutant {
  readonly index: number;
  readonly seed: Seed;
  readonly steps: readonly string[];
  readonly bytes: Uint8Array;
  readonly lenient: boolean;
}

/** Makes mutant number `index` of a run: the same seed and index give the same mutant. */
export function makeMutant(
  corpus: Corpus,
  seed: number,
  index: number,
  skip: ReadonlySet<string> = new Set(),
): Mutant {
  const random = new Random((seed * 0x9e3779b1 + index * 0x85ebca6b) >>> 0);
  const source = random.pick(corpus.seeds);
  let bytes = source.bytes;
  const steps: string[] = [];
  const names = mutationNames.filter((n) => !skip.has(n));
  const n = 1 + random.int(3);
  for (let i = 0; i < n; i++) {
    const [out, step] = mutations[random.pick(names)](bytes, random, corpus);
    if (skip.has("include-hazards") && /^include:(\/dev\/(zero|urandom)|.*fifo|.*big)/.test(step)) {
      continue;
    }
    bytes = out;
    steps.push(step);
  }
  return { index, seed: source, steps, bytes, lenient: random.next() < 0.3 };
}

/** How one mutant ended. */
export interface Outcome {
  readonly mutant: Mutant;
  readonly result: "accepted" | "rejected" | "exception" | "bad-message" | "timeout";
  readonly ms: number;
  /** The exception or the malformed message, for failures. */
  readonly detail?: string;
}

/** Whether every diagnostic reads `FILE:LINE: message` (after include and definition context). */
export function wellFormed(error: QapiError): boolean {
  if (!error.diagnostics.length) return false;
  return error.diagnostics.every((d) => {
    if (!d.file || !Number.isInteger(d.line) || d.line < 1) return false;
    const location = `${d.file}:${d.line}`;
    return d.text.split("\n").some((line) => {
      if (!line.startsWith(location)) return false;
      return /^(:\d+)?: \S/.test(line.slice(location.length));
    });
  });
}

/** Runs one mutant through the reader (in this process) with a time limit. */
export async function runMutant(
  mutant: Mutant,
  timeoutMs: number,
): Promise<Outcome> {
  const path = `${mutant.seed.dir}/fuzz-mutant.json`;
  await Deno.writeFile(path, mutant.bytes);
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const done = await Promise.race([
      readSchema(path, { strictDocs: !mutant.lenient, version: "0.0" }).then(() =>
        "accepted" as const
      ),
      timeout,
    ]);
    const ms = performance.now() - started;
    return { mutant, result: done, ms };
  } catch (error) {
    const ms = performance.now() - started;
    if (error instanceof QapiError) {
      return wellFormed(error)
        ? { mutant, result: "rejected", ms }
        : { mutant, result: "bad-message", ms, detail: error.message.slice(0, 500) };
    }
    const detail = error instanceof Error
      ? `${error.name}: ${error.message}`.slice(0, 500)
      : String(error).slice(0, 500);
    return { mutant, result: "exception", ms, detail };
  } finally {
    clearTimeout(timer);
  }
}

/** A short label for a mutant, to reproduce it. */
export function describe(mutant: Mutant): string {
  return `#${mutant.index} ${mutant.seed.name} [${mutant.steps.join(", ")}]${
    mutant.lenient ? " lenient" : ""
  }`;
}

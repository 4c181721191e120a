/**
 * Recordings are input too (a file a test or a user hands over): mutated
 * JSON Lines either parse into entries or fail with a `SyntaxError` naming
 * the line, and any recording, replayed under a client, leaves every call
 * settled and nothing thrown out of the library (fixed seeds).
 */
import assert from "node:assert/strict";
import { Connection } from "../../lib/protocol/connection.ts";
import { parseTrace, type TraceEntry, traceLine } from "../../lib/protocol/trace.ts";
import { replayTransport } from "../../lib/transport/replay.ts";
import { random } from "./fuzz_lib.ts";

const pieces = [
  '{"QMP":{"version":{},"capabilities":[]}}',
  '{"execute":"query-status","id":1}',
  '{"execute":"stop","id":2}',
  '{"return":{},"id":1}',
  '{"return":{"status":"running"},"id":2}',
  '{"return":{},"id":"1"}',
  '{"error":{"class":"GenericError","desc":"no"},"id":2}',
  '{"event":"STOP","data":{},"timestamp":{"seconds":1,"microseconds":2}}',
  '{"id":{"nested":[1,2,3]},"return":1}',
  "[",
  "not json",
  "\u0000\uffff",
  "",
];

function recording(next: () => number): TraceEntry[] {
  return Array.from({ length: Math.floor(next() * 12) }, (_, i) => ({
    direction: next() < 0.5 ? "in" : "out",
    time: i,
    message: pieces[Math.floor(next() * pieces.length)],
  }));
}

/** The JSON Lines of a recording, with characters dropped, doubled or replaced. */
function mutated(next: () => number, text: string): string {
  const chars = [...text];
  for (let n = Math.floor(next() * 4); n > 0; n--) {
    const at = Math.floor(next() * (chars.length + 1));
    const kind = Math.floor(next() * 3);
    if (kind === 0) chars.splice(at, 1);
    else if (kind === 1) chars.splice(at, 0, chars[at] ?? "x");
    else chars[at] = '{}[]",:\n\\x0'[Math.floor(next() * 12)];
  }
  return chars.join("");
}

Deno.test("replay fuzz (fixed seed): recordings parse or fail by line, replays settle every call", async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (event: PromiseRejectionEvent) => {
    unhandled.push(event.reason);
    event.preventDefault();
  };
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  let parsed = 0;
  let refused = 0;
  let settled = 0;
  try {
    for (let seed = 1; seed <= 500; seed++) {
      const next = random(seed);
      const entries = recording(next);
      const text = mutated(next, entries.map(traceLine).join(""));
      let read: TraceEntry[] | undefined;
      try {
        read = parseTrace(text, "fuzz.jsonl");
        parsed++;
      } catch (error) {
        assert.ok(error instanceof SyntaxError, String(error));
        assert.match(error.message, /^fuzz\.jsonl:\d+: /);
        refused++;
      }
      const transport = replayTransport(read ?? entries);
      const connection = new Connection(transport, { onProtocolError: () => {} });
      const calls = ["query-status", "stop", "cont"].map((command) =>
        connection.call(command, undefined, { timeout: 50 }).then(
          () => settled++,
          () => settled++,
        )
      );
      await Promise.all(calls);
      connection.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    globalThis.removeEventListener("unhandledrejection", onUnhandled);
  }
  assert.deepEqual(unhandled, []);
  assert.equal(settled, 1500);
  assert.ok(parsed > 50 && refused > 50, `${parsed} parsed, ${refused} refused`);
});

Deno.test("a recorded message nested too deep to compare ends the replay; nothing is thrown into the client", async () => {
  const deep = "[".repeat(100_000) + "]".repeat(100_000);
  for (
    const [at, message] of [[0, `{"return":{},"id":${deep}}`], [
      2,
      `{"return":{},"id":${deep}}`,
    ]] as const
  ) {
    const entries: TraceEntry[] = [
      { direction: "in", time: 0, message: '{"QMP":{"version":{},"capabilities":[]}}' },
      { direction: "out", time: 1, message: '{"execute":"query-status","id":1}' },
      { direction: "in", time: 2, message: '{"return":{},"id":1}' },
    ];
    entries[at] = { ...entries[at], message };
    const connection = new Connection(replayTransport(entries), { onProtocolError: () => {} });
    await assert.rejects(
      connection.call("query-status"),
      (e: Error) =>
        e.name === "ConnectionClosedError" && /replay: Maximum call stack/.test(e.message),
    );
  }
});

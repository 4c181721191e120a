/**
 * A small line editor for `qapi-ts shell`, on a terminal in raw mode:
 * left/right, backspace and delete, home/end (and Ctrl-A/Ctrl-E), Ctrl-U
 * and Ctrl-K, up/down through the history, Tab to complete (or list the
 * candidates), Ctrl-C to cancel the line, Ctrl-D on an empty line to end.
 * Text printed while a line is being edited (events) goes above the prompt.
 *
 * @module
 */

import { commonPrefix, type Completion } from "./shell_complete.ts";

/**
 * The terminal the editor draws on and reads keys from.
 *
 * @example
 * ```ts
 * import type { EditorTerminal } from "./shell_editor.ts";
 * const written: string[] = [];
 * const terminal: EditorTerminal = {
 *   write: (text) => void written.push(text),
 *   read: () => Promise.resolve(null),
 *   setRaw: () => {},
 *   columns: () => 80,
 * };
 * ```
 */
export interface EditorTerminal {
  /** Writes text as is (escape sequences included). */
  write(text: string): void;
  /** The next bytes typed; null at the end of input. */
  read(): Promise<Uint8Array | null>;
  /** Switches raw mode (keys one by one, no echo) on or off. */
  setRaw(on: boolean): void;
  /** The terminal's width in columns. */
  columns(): number;
}

/**
 * The process's own terminal: standard input and output.
 *
 * @example
 * ```ts ignore
 * import { LineEditor, processTerminal } from "./shell_editor.ts";
 * const editor = new LineEditor(processTerminal(), { history: [] });
 * console.log(await editor.readLine("> "));
 * ```
 */
export function processTerminal(): EditorTerminal {
  // The raw terminal is Deno's (the interactive shell runs on Deno; the
  // same command reads scripts on Node too). Reached through globalThis so
  // the module also compiles where Deno's types are absent.
  const deno = (globalThis as { Deno?: DenoTerminal }).Deno;
  if (!deno) {
    throw new Error(
      "the interactive shell runs on Deno; on Node, give commands with --file or a pipe",
    );
  }
  const encoder = new TextEncoder();
  const buffer = new Uint8Array(4096);
  return {
    write(text) {
      let bytes = encoder.encode(text);
      while (bytes.length > 0) bytes = bytes.subarray(deno.stdout.writeSync(bytes));
    },
    async read() {
      const n = await deno.stdin.read(buffer);
      return n === null ? null : buffer.slice(0, n);
    },
    setRaw: (on) => deno.stdin.setRaw(on),
    columns: () => {
      try {
        return deno.consoleSize().columns || 80;
      } catch {
        return 80;
      }
    },
  };
}

/** What the editor uses of Deno's terminal API. */
interface DenoTerminal {
  readonly stdin: {
    read(buffer: Uint8Array): Promise<number | null>;
    setRaw(on: boolean): void;
  };
  readonly stdout: { writeSync(bytes: Uint8Array): number };
  consoleSize(): { columns: number };
}

/**
 * Options of `LineEditor`.
 *
 * @example
 * ```ts
 * import type { EditorOptions } from "./shell_editor.ts";
 * const options: EditorOptions = { history: ["query-status"] };
 * ```
 */
export interface EditorOptions {
  /** Earlier lines, oldest first; up and down walk them, and entered lines are added. */
  readonly history: string[];
  /** Completes the text before the cursor (Tab). */
  readonly complete?: (before: string) => Completion;
  /** Escapes text from outside before it is drawn (control characters). */
  readonly escape?: (text: string) => string;
}

/** A key: one character, or an escape sequence. */
type Key = string;

const keyNames: Record<string, string> = {
  "\x1b[A": "up",
  "\x1bOA": "up",
  "\x1b[B": "down",
  "\x1bOB": "down",
  "\x1b[C": "right",
  "\x1bOC": "right",
  "\x1b[D": "left",
  "\x1bOD": "left",
  "\x1b[H": "home",
  "\x1bOH": "home",
  "\x1b[1~": "home",
  "\x1b[7~": "home",
  "\x1b[F": "end",
  "\x1bOF": "end",
  "\x1b[4~": "end",
  "\x1b[8~": "end",
  "\x1b[3~": "delete",
  "\x01": "home",
  "\x05": "end",
  "\x02": "left",
  "\x06": "right",
  "\x10": "up",
  "\x0e": "down",
  "\x7f": "backspace",
  "\x08": "backspace",
  "\t": "tab",
  "\r": "enter",
  "\n": "enter",
  "\x03": "cancel",
  "\x04": "eof",
  "\x15": "kill-start",
  "\x0b": "kill-end",
  "\x0c": "redraw",
};

/**
 * Reads lines from a terminal in raw mode, with editing, history and
 * completion.
 *
 * @example
 * ```ts
 * import { LineEditor } from "./shell_editor.ts";
 * const keys = [new TextEncoder().encode("stpo\x1b[D\x1b[D\x7fo\x1b[Fp\r")];
 * const editor = new LineEditor({
 *   write: () => {},
 *   read: () => Promise.resolve(keys.shift() ?? null),
 *   setRaw: () => {},
 *   columns: () => 80,
 * }, { history: [] });
 * console.log(await editor.readLine("> ")); // "stop"
 * ```
 */
export class LineEditor {
  readonly #terminal: EditorTerminal;
  readonly #options: EditorOptions;
  readonly #decoder = new TextDecoder();
  #prompt = "";
  #chars: string[] = [];
  #cursor = 0;
  /** The first character shown when the line is wider than the terminal. */
  #scroll = 0;
  #active = false;
  #historyIndex = 0;
  #draft: string[] = [];
  #pending = "";

  /** An editor on `terminal`. */
  constructor(terminal: EditorTerminal, options: EditorOptions) {
    this.#terminal = terminal;
    this.#options = options;
  }

  /** The history, oldest first, entered lines included. */
  get history(): readonly string[] {
    return this.#options.history;
  }

  #write(text: string): void {
    this.#terminal.write(text.replace(/\r?\n/g, "\r\n"));
  }

  /**
   * Draws the prompt and the line on one terminal row. A line wider than
   * the row scrolls sideways: the part around the cursor is shown, with
   * `<` or `>` where text is hidden, so the line never wraps (a wrapped
   * line could not be redrawn from its start with `\r`). Only the shown
   * characters are measured, so a drawing costs the row's width, not the
   * line's length (a pasted megabyte would otherwise take hours).
   */
  #redraw(): void {
    const escape = this.#options.escape ?? ((text: string) => text);
    const chars = this.#chars;
    const cursor = this.#cursor;
    // Each character as shown (escaped), one column per UTF-16 unit.
    const cell = (i: number) => escape(chars[i] ?? ""); // Called for shown columns only.
    // The last column stays free: writing into it wraps on some terminals.
    const room = Math.max(8, this.#terminal.columns() - this.#prompt.length - 1);
    // The first character shown: the scroll kept, or later so that the text
    // before the cursor (and the '<' marker) fits.
    let first = cursor;
    let before = 0;
    while (first > 0) {
      const wider = before + cell(first - 1).length;
      if (wider + (first - 1 > 0 ? 1 : 0) >= room) break;
      before = wider;
      first--;
    }
    const start = Math.max(Math.min(this.#scroll, cursor), first);
    this.#scroll = start;
    const cells: string[] = [];
    let end = start;
    let used = start > 0 ? 1 : 0;
    let back = 0;
    while (end < chars.length) {
      const shown = cell(end);
      if (used + shown.length + (end + 1 < chars.length ? 1 : 0) > room) break;
      cells.push(shown);
      used += shown.length;
      if (end >= cursor) back += shown.length;
      end++;
    }
    if (end < chars.length) back++;
    const shown = `${start > 0 ? "<" : ""}${cells.join("")}${end < chars.length ? ">" : ""}`;
    this.#terminal.write(`\r\x1b[K${this.#prompt}${shown}${back > 0 ? `\x1b[${back}D` : ""}`);
  }

  /**
   * Prints `text` (one or more lines) above the line being edited, which is
   * then drawn again; or just prints it when no line is being read.
   */
  printAbove(text: string): void {
    if (!this.#active) {
      this.#write(`${text}\n`);
      return;
    }
    this.#terminal.write("\r\x1b[K");
    this.#write(`${text}\n`);
    this.#redraw();
  }

  /**
   * Reads one line after `prompt`; resolves with it (added to the history,
   * trimmed, when not blank and not the same as the last), or null when the input
   * ends (Ctrl-D on an empty line, or no more input).
   */
  async readLine(prompt: string): Promise<string | null> {
    this.#prompt = prompt;
    this.#chars = [];
    this.#cursor = 0;
    this.#scroll = 0;
    this.#historyIndex = this.#options.history.length;
    this.#draft = [];
    this.#active = true;
    this.#terminal.setRaw(true);
    try {
      this.#redraw();
      while (true) {
        // Keys typed ahead (while the last command ran) are handled first.
        // The line is drawn once for all the keys read together: a paste
        // is drawn once, not once a character.
        let handled = false;
        for (let key = this.#nextKey(); key !== undefined; key = this.#nextKey()) {
          const result = this.#handle(key);
          handled = true;
          if (result === undefined) continue;
          const entry = result?.trim();
          const history = this.#options.history;
          if (entry && history.at(-1) !== entry) history.push(entry);
          return result;
        }
        if (handled) this.#redraw();
        const bytes = await this.#terminal.read();
        if (bytes === null) {
          this.#write("\n");
          return null;
        }
        this.#pending += this.#decoder.decode(bytes, { stream: true });
      }
    } finally {
      this.#active = false;
      this.#terminal.setRaw(false);
    }
  }

  /** Takes the next key from the pending input; undefined when none is complete. */
  #nextKey(): Key | undefined {
    const text = this.#pending;
    if (text === "") return undefined;
    let length: number;
    if (text[0] !== "\x1b") length = String.fromCodePoint(text.codePointAt(0)!).length;
    else if (text.length < 2) return undefined;
    else if (text[1] !== "[" && text[1] !== "O") length = 2;
    else {
      let j = 2;
      while (j < text.length && !/[\x40-\x7e]/.test(text.charAt(j))) j++;
      if (j >= text.length) return undefined;
      length = j + 1;
    }
    this.#pending = text.slice(length);
    return text.slice(0, length);
  }

  /**
   * Handles one key: the line when it ends (null: end of input), else
   * undefined (the caller then draws the line again).
   */
  #handle(key: Key): string | null | undefined {
    const name = keyNames[key];
    const chars = this.#chars;
    switch (name) {
      case "enter":
        this.#cursor = chars.length;
        this.#redraw();
        this.#write("\n");
        return chars.join("");
      case "eof":
        if (chars.length === 0) {
          this.#write("\n");
          return null;
        }
        if (this.#cursor < chars.length) chars.splice(this.#cursor, 1);
        break;
      case "cancel":
        this.#cursor = chars.length;
        this.#redraw();
        this.#write("^C\n");
        this.#chars = [];
        this.#cursor = 0;
        this.#historyIndex = this.#options.history.length;
        break;
      case "left":
        if (this.#cursor > 0) this.#cursor--;
        break;
      case "right":
        if (this.#cursor < chars.length) this.#cursor++;
        break;
      case "home":
        this.#cursor = 0;
        break;
      case "end":
        this.#cursor = chars.length;
        break;
      case "backspace":
        if (this.#cursor > 0) chars.splice(--this.#cursor, 1);
        break;
      case "delete":
        if (this.#cursor < chars.length) chars.splice(this.#cursor, 1);
        break;
      case "kill-start":
        chars.splice(0, this.#cursor);
        this.#cursor = 0;
        break;
      case "kill-end":
        chars.splice(this.#cursor);
        break;
      case "up":
      case "down":
        this.#walkHistory(name === "up" ? -1 : 1);
        break;
      case "tab":
        this.#complete();
        break;
      case "redraw":
        this.#terminal.write("\x1b[H\x1b[2J");
        break;
      default:
        // Printable characters are typed; other control keys and sequences do nothing.
        if (/^[\p{Cc}\p{Cf}]/u.test(key) || key.startsWith("\x1b")) return undefined;
        chars.splice(this.#cursor++, 0, key);
    }
    // The view follows the cursor left at once (Home, then Right, shows the
    // line's start); the drawing moves it right as far as it must.
    this.#scroll = Math.min(this.#scroll, this.#cursor);
    return undefined;
  }

  #walkHistory(step: -1 | 1): void {
    const history = this.#options.history;
    const next = this.#historyIndex + step;
    if (next < 0 || next > history.length) return;
    if (this.#historyIndex === history.length) this.#draft = this.#chars;
    this.#historyIndex = next;
    const entry = history[next]; // None past the last: the draft.
    this.#chars = entry === undefined ? this.#draft : [...entry];
    this.#cursor = this.#chars.length;
  }

  #complete(): void {
    const before = this.#chars.slice(0, this.#cursor).join("");
    const completion = this.#options.complete?.(before);
    if (!completion || completion.candidates.length === 0) {
      this.#terminal.write("\x07");
      return;
    }
    const typed = before.slice(completion.start);
    const inserts = completion.candidates.map((c) => c.insert);
    const insert = commonPrefix(inserts); // A single one is its own common prefix.
    if (insert.length > typed.length && insert.startsWith(typed)) {
      const start = [...before.slice(0, completion.start)].length;
      const replacement = [...insert];
      this.#chars.splice(start, this.#cursor - start, ...replacement);
      this.#cursor = start + replacement.length;
      return;
    }
    this.#list(completion);
  }

  /** Lists the candidates under the line, in columns, and draws the line again. */
  #list(completion: Completion): void {
    const escape = this.#options.escape ?? ((text: string) => text);
    const entries = completion.candidates.map((c) =>
      escape(c.facts ? `${c.label} (${c.facts})` : c.label)
    );
    const width = Math.max(...entries.map((e) => e.length)) + 2;
    const perRow = Math.max(1, Math.floor(this.#terminal.columns() / width));
    const rows = Math.ceil(entries.length / perRow);
    const lines: string[] = [];
    for (let row = 0; row < rows; row++) {
      const cells: string[] = [];
      for (let column = 0; column < perRow; column++) {
        const entry = entries[column * rows + row];
        if (entry !== undefined) cells.push(entry.padEnd(width));
      }
      lines.push(cells.join("").trimEnd());
    }
    // The line stays above the list; the caller draws it again below.
    this.#write(`\n${lines.join("\n")}\n`);
  }
}

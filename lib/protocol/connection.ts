/**
 * The protocol core shared by QMP, the guest agent and the storage daemon:
 * line-delimited JSON over a transport, requests with ids, replies routed by
 * id (never by order: events and other replies may come in between), events
 * to an `EventHub`, and every failure ending pending calls instead of
 * leaving them hanging: with a peer that answers in order (QMP), an answer
 * that comes unreadable settles the call owed it (see `AnswerOrder`).
 *
 * @module
 */

import type { Transport } from "../transport/transport.ts";
import { type Deadline, Deadlines } from "./deadlines.ts";
import { AnswerOrder } from "./answer_order.ts";
import { ConnectionClosedError, ProtocolError, QmpError, TimeoutError } from "./errors.ts";
import { EventHub, type RawEvent } from "./events.ts";
import { parseJson, stringifyJson } from "./json.ts";
import { requestProblem } from "./request_limits.ts";
import { LineSplitter } from "./lines.ts";
import { type OobCallOptions, timeoutProblem } from "./options.ts";
import { callTraceHook, type TraceHook } from "./trace.ts";

/**
 * Options of a connection.
 *
 * @example
 * ```ts
 * import type { ConnectionOptions } from "./connection.ts";
 * const options: ConnectionOptions = { maxMessageBytes: 8 << 20, eventBufferSize: 100 };
 * ```
 */
export interface ConnectionOptions {
  /**
   * The largest message accepted, in bytes (UTF-8, the newline not counted),
   * enforced as bytes arrive; a larger one closes the connection. Default 64 MiB.
   */
  readonly maxMessageBytes?: number;
  /**
   * The bound, in events, of each event listener's queue (`listen`,
   * `events()`) unless it sets its own; past it the oldest unread event is
   * dropped and counted. Default 1000.
   */
  readonly eventBufferSize?: number | undefined;
  /** How many recent events `waitFor` can look back on. Default 100; 0 keeps none. */
  readonly eventHistorySize?: number;
  /**
   * Told of lines that are not JSON or not a known message (and of errors
   * without `id` no call could claim); the connection stays up. Default: `console.warn`.
   */
  readonly onProtocolError?: (error: ProtocolError) => void;
  /**
   * Called with every message in and out, with its direction and time, as
   * it passes (for logs, or a `TraceRecorder` whose recording a test can
   * replay). Default: none, and no cost.
   */
  readonly trace?: TraceHook | undefined;
  /**
   * Whether the peer answers in-band requests in the order it receives them,
   * and out-of-band ones in theirs, as QEMU's QMP monitor does (the QMP
   * clients set it). A call then never waits for an answer that came
   * unreadable: an error without `id` (QEMU's answer to a request it could
   * not parse) settles the oldest in-band request owed an answer, and a line
   * that is not JSON, not an object, a reply without a usable `id` or a
   * message of unknown shape settles the oldest request owed one, as soon
   * as it is known whether that is in-band or out-of-band (see
   * `AnswerOrder`). Default false: such lines are reported only (the guest
   * agent's channel carries stale output from before the connection; its
   * calls time out instead).
   */
  readonly repliesInOrder?: boolean;
  /**
   * The id of the first request; the next ones count up from it. A whole
   * number from 1 to 2^31 - 1; default 1. The guest agent starts at a random
   * one: its channel may still carry replies to an earlier client's
   * requests, which must not match this one's.
   */
  readonly firstId?: number;
}

/**
 * A call waiting for its reply: its promise's functions, and its deadline
 * and abort listener when it has them (most calls have neither).
 */
class Pending implements Deadline {
  /** The request's text until it is handed to the transport (or the call is abandoned). */
  request: string | undefined;
  deadline = 0;
  slot = -1;
  signal: AbortSignal | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  resolve!: (value: unknown) => void;
  reject!: (error: unknown) => void;

  constructor(
    readonly id: number,
    readonly command: string,
    readonly timeout: number,
    request: string,
    readonly oob: boolean,
  ) {
    this.request = request;
  }
}

/**
 * The calls waiting for a reply, by id. Ids are handed out in order, so a
 * call is found by its offset in an array (a reply costs no hashing, a call
 * no map entry); answered calls leave holes that are dropped from the front.
 * A call that stays unanswered while many later ones are answered would keep
 * the holes after it: once they outnumber the waiting calls, every waiting
 * call moves to a map, and the array starts again empty.
 */
class CallTable {
  #calls: (Pending | undefined)[] = [];
  #head = 0;
  /** The id of `#calls[0]`. */
  #base: number;
  #inArray = 0;
  #moved = new Map<number, Pending>();

  constructor(firstId: number) {
    this.#base = firstId;
  }

  get size(): number {
    return this.#inArray + this.#moved.size;
  }

  /** Adds a call whose id is above every id added before (ids skipped are holes). */
  add(pending: Pending): void {
    const calls = this.#calls;
    const index = pending.id - this.#base;
    while (calls.length < index) calls.push(undefined);
    calls.push(pending);
    this.#inArray++;
  }

  get(id: unknown): Pending | undefined {
    if (typeof id !== "number") return undefined;
    const index = id - this.#base;
    if (index >= this.#head && index < this.#calls.length) return this.#calls[index];
    return this.#moved.size === 0 ? undefined : this.#moved.get(id);
  }

  delete(pending: Pending): void {
    const calls = this.#calls;
    const index = pending.id - this.#base;
    if (index < this.#head || index >= calls.length) {
      this.#moved.delete(pending.id);
      return;
    }
    if (calls[index] !== pending) return;
    calls[index] = undefined;
    this.#inArray--;
    let head = this.#head;
    while (head < calls.length && calls[head] === undefined) head++;
    if (head === calls.length) {
      this.#base += calls.length;
      this.#calls = [];
      this.#head = 0;
    } else if (head >= 1024 && head * 2 >= calls.length) {
      this.#base += head;
      this.#calls = calls.slice(head);
      this.#head = 0;
    } else {
      this.#head = head;
      if (calls.length - head > 4 * this.#inArray + 4096) this.#moveAll();
    }
  }

  #moveAll(): void {
    const calls = this.#calls;
    for (let i = this.#head; i < calls.length; i++) {
      const pending = calls[i];
      if (pending !== undefined) this.#moved.set(pending.id, pending);
    }
    this.#base += calls.length;
    this.#calls = [];
    this.#head = 0;
    this.#inArray = 0;
  }

  /** Removes and returns every call. */
  clear(): Pending[] {
    const all = [...this.#moved.values()];
    for (let i = this.#head; i < this.#calls.length; i++) {
      const pending = this.#calls[i];
      if (pending !== undefined) all.push(pending);
    }
    this.#base += this.#calls.length;
    this.#calls = [];
    this.#head = 0;
    this.#inArray = 0;
    this.#moved.clear();
    return all;
  }
}

/**
 * A message-level connection. Untyped: the typed clients wrap it.
 *
 * @example
 * ```ts ignore
 * import { Connection } from "./connection.ts";
 * import { connectSocket } from "../transport/transport.ts";
 * const connection = new Connection(await connectSocket("/tmp/qmp.sock"));
 * await connection.greeting;
 * await connection.call("qmp_capabilities", {});
 * ```
 */
export class Connection {
  /** Events from the peer. */
  readonly events: EventHub;
  /** The first `{"QMP": …}` message, for protocols that send one. */
  readonly greeting: Promise<Record<string, unknown>>;
  /** Resolves when the connection has closed, with the reason. */
  readonly closed: Promise<string>;

  readonly #transport: Transport;
  // Ids are numbers from `firstId` on: QEMU echoes any JSON id.
  readonly #pending: CallTable;
  /** The deadlines of calls with a timeout, on one timer for the connection. */
  readonly #deadlines = new Deadlines<Pending>((pending) =>
    this.#abandon(pending, new TimeoutError(pending.command, pending.timeout))
  );
  /** `{"execute":"NAME"` by command: quoting a name once, not once per call. */
  readonly #prefixes = new Map<string, string>();
  readonly #onProtocolError: (error: ProtocolError) => void;
  /** The answers owed, with `repliesInOrder`. */
  readonly #order: AnswerOrder | undefined;
  readonly #trace: TraceHook | undefined;
  /** False when the event hub is shared by successive connections: its owner closes it. */
  readonly #ownsEvents: boolean;
  readonly #firstId: number;
  #nextId: number;
  #firstLine = true;
  #closeReason?: string;
  #resolveGreeting!: (greeting: Record<string, unknown>) => void;
  #rejectGreeting!: (error: unknown) => void;
  #resolveClosed!: (reason: string) => void;
  /** Lines handed to `#filter` before routing (the guest agent's resynchronisation). */
  lineFilter?: (line: string) => string | undefined;

  /**
   * Starts reading `transport`: the greeting first, then replies and events.
   * Events go to `sharedEvents` when given (a reconnecting client's hub,
   * which outlives each connection and is closed by its owner), else to a
   * hub of this connection's own, closed with it.
   */
  constructor(transport: Transport, options: ConnectionOptions = {}, sharedEvents?: EventHub) {
    this.#transport = transport;
    this.#ownsEvents = sharedEvents === undefined;
    this.events = sharedEvents ?? new EventHub({
      queueSize: options.eventBufferSize,
      historySize: options.eventHistorySize,
    });
    this.#trace = options.trace;
    this.#onProtocolError = options.onProtocolError ??
      ((error) => console.warn(`qapi-ts: ${error.message}`));
    this.#order = options.repliesInOrder === true
      ? new AnswerOrder(
        (id, why, excerpt) => this.#settleUnreadable(id, why, excerpt),
        (id) => this.#pending.get(id) !== undefined,
      )
      : undefined;
    this.greeting = new Promise((resolve, reject) => {
      this.#resolveGreeting = resolve;
      this.#rejectGreeting = reject;
    });
    // A protocol without a greeting never awaits it; don't report its rejection as unhandled.
    this.greeting.catch(() => {});
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    const firstId = options.firstId ?? 1;
    if (!Number.isSafeInteger(firstId) || firstId < 1 || firstId > maxFirstId) {
      transport.close();
      throw new RangeError(
        `firstId must be a whole number from 1 to ${maxFirstId}, not ${firstId}`,
      );
    }
    this.#firstId = this.#nextId = firstId;
    this.#pending = new CallTable(firstId);
    const maxMessageBytes = options.maxMessageBytes ?? 64 << 20;
    if (!Number.isSafeInteger(maxMessageBytes) || maxMessageBytes < 1) {
      transport.close();
      throw new RangeError(
        `maxMessageBytes must be a whole number of at least 1, not ${maxMessageBytes}`,
      );
    }
    const trace = this.#trace;
    const splitter = new LineSplitter(
      maxMessageBytes,
      trace === undefined ? (line) => this.#receive(line) : (line) => {
        // QEMU ends its lines with CRLF: the line ending is framing, not message.
        callTraceHook(trace, "in", line.endsWith("\r") ? line.slice(0, -1) : line);
        this.#receive(line);
      },
    );
    transport.onData((chunk) => {
      try {
        splitter.push(chunk);
      } catch (error) {
        // Oversized: ended, not skipped. Skipping to the line's end would read
        // without bound what a peer that never ends its line sends, and the
        // call it answers would fail anyway; closing settles every call.
        this.#onProtocolError(error as ProtocolError);
        this.#shutdown((error as Error).message);
        transport.close();
      }
    });
    transport.onClose((reason) => this.#shutdown(reason));
    transport.onDrain?.(() => {
      this.#blocked = false;
      this.#flush();
    });
  }

  /** True once closed. */
  get isClosed(): boolean {
    return this.#closeReason !== undefined;
  }

  /** Routes one line. Never throws: whatever the peer sends is checked before use. */
  #receive(line: string): void {
    try {
      this.#route(line);
    } catch (error) {
      this.#onProtocolError(
        new ProtocolError(`message could not be handled: ${(error as Error)?.message}`, line),
      );
    }
    if (this.#firstLine) {
      // A QMP server speaks first, with its greeting (which has settled the
      // promise by now): anything else first is not QMP (an HMP monitor, a
      // serial console), so a wait for the greeting ends now, not at its
      // timeout. Except an event: QEMU 10.0 sends one (RESUME) first, now and
      // then, on a connection it accepted while it started, and `launch`
      // waits for the greeting there and connects again if none comes.
      this.#firstLine = false;
      if (!this.#firstWasEvent) {
        this.#rejectGreeting(new ProtocolError("the first message is not a QMP greeting", line));
      }
    }
  }

  /** Whether the first message was an event (see `#receive`). */
  #firstWasEvent = false;

  #route(line: string): void {
    const filtered = this.lineFilter ? this.lineFilter(line) : line;
    if (filtered === undefined) return;
    let message: unknown;
    try {
      message = parseJson(filtered);
    } catch {
      return this.#unreadable("line is not JSON", filtered);
    }
    if (!isRecord(message)) return this.#unreadable("message is not a JSON object", filtered);
    const isReply = "return" in message || "error" in message;
    if (isReply && "id" in message) {
      const id = message["id"];
      // Ids are whole numbers from the first on: any other is no request's.
      if (
        !(Number.isSafeInteger(id) && (id as number) >= this.#firstId &&
          (id as number) < this.#nextId)
      ) {
        const text = typeof id === "string" ? JSON.stringify(id) : shown(id);
        return this.#unreadable(`reply with an id no request had (${text})`, filtered);
      }
      // A reply with an id: whatever QEMU could not parse before it is behind us.
      this.#unparsedRequest = false;
      const pending = this.#pending.get(id);
      // Settled first: a line kept as unclaimed may now be known to answer another call.
      if (pending) this.#pending.delete(pending);
      this.#order?.answered(id as number);
      if (!pending) return; // A reply to a call that timed out or was aborted: it settles nothing.
      if (pending.slot >= 0 || pending.signal) this.#release(pending);
      const error = message["error"];
      if ("return" in message) {
        if (!("error" in message)) return pending.resolve(message["return"]);
        // Success or failure? Neither can be trusted.
        return pending.reject(
          new ProtocolError(`${pending.command}: reply with both return and error`, filtered),
        );
      }
      if (
        isRecord(error) && typeof error["class"] === "string" && typeof error["desc"] === "string"
      ) {
        pending.reject(new QmpError(pending.command, error["class"], error["desc"]));
      } else {
        // Settled all the same: a call never waits on a reply it can't read.
        pending.reject(
          new ProtocolError(`${pending.command}: malformed error reply`, shown(error)),
        );
      }
    } else if (typeof message["event"] === "string") {
      if (this.#firstLine) this.#firstWasEvent = true;
      const { data = {}, timestamp = { seconds: 0, microseconds: 0 } } = message;
      if (!isRecord(data)) {
        this.#onProtocolError(new ProtocolError("event data is not an object", filtered));
      } else if (
        !isRecord(timestamp) || typeof timestamp["seconds"] !== "number" ||
        typeof timestamp["microseconds"] !== "number"
      ) {
        this.#onProtocolError(new ProtocolError("malformed event timestamp", filtered));
      } else {
        this.events.dispatch({
          event: message["event"],
          data,
          timestamp: timestamp as RawEvent["timestamp"],
        });
      }
    } else if ("QMP" in message) {
      const problem = greetingProblem(message["QMP"]);
      if (problem === undefined) this.#resolveGreeting(message);
      else this.#rejectGreeting(new ProtocolError(`malformed greeting: ${problem}`, filtered));
    } else if ("error" in message) {
      this.#idlessError(message["error"]);
    } else if (isReply) {
      this.#unreadable("reply without id", filtered);
    } else {
      this.#unreadable("message of unknown shape", filtered);
    }
  }

  /**
   * A line that may be the peer's answer to a request, but unreadable. It is
   * reported; with `repliesInOrder` it is also counted as an answer, and
   * settles the call it answers (see `AnswerOrder`). An event that came
   * unreadable is taken for an answer too: a call then fails that would
   * have succeeded, and its reply, when it comes, settles nothing; taking
   * no unreadable line for an answer would leave a call waiting forever.
   */
  #unreadable(what: string, line: string): void {
    this.#onProtocolError(new ProtocolError(what, line));
    this.#order?.unreadable(what, line);
  }

  /** Settles the call of a request whose answer came unreadable, if it still waits. */
  #settleUnreadable(id: number, why: string, excerpt: string | undefined): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return; // Timed out or aborted: its answer was owed all the same.
    this.#pending.delete(pending);
    this.#release(pending);
    pending.reject(new ProtocolError(`${pending.command}: ${why}`, excerpt));
  }

  /**
   * True from an error without `id` until the next reply with one: QEMU
   * answers a request it cannot parse with an error without `id`, then
   * parses the rest of that request as new input, with an error for each
   * piece it cannot parse (a thousand for a request nested too deep).
   */
  #unparsedRequest = false;

  /**
   * An error without `id`: QEMU could not parse a request. In-band requests
   * are answered in order, so the first such error answers the oldest
   * in-band request still owed an answer (its call, if it still waits,
   * would otherwise never be answered); the errors after it, up to the next
   * reply with an `id`, are about the rest of the same request and settle
   * nothing. With no request owed an answer (or without `repliesInOrder`),
   * it is only reported.
   */
  #idlessError(error: unknown): void {
    const fields = isRecord(error) ? error : {};
    const text = `${shown(fields["class"])}: ${shown(fields["desc"])}`;
    if (this.#unparsedRequest) return;
    const id = this.#order?.answeredWithoutId();
    if (id === undefined) {
      this.#onProtocolError(new ProtocolError(`error without id: ${text}`));
      return;
    }
    this.#unparsedRequest = true;
    const culprit = this.#pending.get(id);
    if (culprit === undefined) return; // The late answer to a call that timed out or was aborted.
    this.#pending.delete(culprit);
    this.#release(culprit);
    culprit.reject(
      typeof fields["class"] === "string" && typeof fields["desc"] === "string"
        ? new QmpError(culprit.command, fields["class"], fields["desc"])
        : new ProtocolError(`${culprit.command}: malformed error reply without id`, text),
    );
  }

  /** Reports a problem with what the peer sent, as the connection does itself. */
  report(error: ProtocolError): void {
    this.#onProtocolError(error);
  }

  /** Sends raw bytes or text (the guest agent's sync byte), after anything queued. */
  send(data: string | Uint8Array): void {
    if (this.#closeReason !== undefined) return;
    this.#queue.push(data);
    this.#flush();
  }

  /**
   * What waits to be written, in order from `#head`: calls (their `request`
   * text) and raw sends. A call that times out or is aborted before it is
   * written drops its text at once (never sent) and its entry at the next
   * flush, or sooner when such entries make up half the queue; nothing more
   * is handed to the transport while its buffer is full (`#blocked`, until
   * it drains).
   */
  #queue: (Pending | string | Uint8Array | undefined)[] = [];
  #head = 0;
  /** Entries of calls abandoned before they were written. */
  #abandoned = 0;
  #flushQueued = false;
  #blocked = false;

  /**
   * Queues a request; requests made in the same tick go out together (a
   * socket write per request costs more than building the request).
   */
  #write(pending: Pending): void {
    this.#queue.push(pending);
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => this.#flush());
    }
  }

  #flush(): void {
    this.#flushQueued = false;
    const queue = this.#queue;
    let head = this.#head;
    let batch = "";
    while (head < queue.length && !this.#blocked && this.#closeReason === undefined) {
      const item = queue[head];
      if (item instanceof Pending) {
        if (item.request === undefined) this.#abandoned--;
        else {
          if (this.#trace) callTraceHook(this.#trace, "out", item.request.slice(0, -1));
          batch += item.request;
          item.request = undefined;
          this.#order?.written(item.id, item.oob);
        }
      } else if (typeof item === "string") {
        if (this.#trace) callTraceHook(this.#trace, "out", item.replace(/\n$/, ""));
        batch += item;
      } else if (item !== undefined) {
        if (this.#trace) callTraceHook(this.#trace, "out", Array.from(item, byteChar).join(""));
        // Raw bytes go alone, after the text before them.
        batch = this.#put(batch);
        if (this.#blocked) break;
        this.#put(item);
      }
      queue[head++] = undefined;
      if (batch.length >= writeBatchSize) batch = this.#put(batch);
    }
    this.#put(batch);
    // The transport may have closed the connection meanwhile (a new queue).
    if (this.#queue !== queue) return;
    if (head === queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (head >= 1024 && head * 2 >= queue.length) {
      this.#queue = queue.slice(head);
      this.#head = 0;
    } else this.#head = head;
  }

  /** Drops the entries of abandoned calls, once they are half the queue. */
  #compact(): void {
    const waiting = this.#queue.length - this.#head;
    if (this.#abandoned < 1024 || this.#abandoned * 2 < waiting) return;
    this.#queue = this.#queue.slice(this.#head).filter((item) =>
      !(item instanceof Pending && item.request === undefined)
    );
    this.#head = 0;
    this.#abandoned = 0;
  }

  /** Hands data to the transport, noting a full buffer; returns an empty batch. */
  #put(data: string | Uint8Array): "" {
    if (data.length !== 0 && this.#transport.write(data) === false && this.#transport.onDrain) {
      this.#blocked = true;
    }
    return "";
  }

  /**
   * Sends a command the peer answers only when it fails (QAPI's
   * `success-response: false`: the guest agent's `guest-shutdown` and
   * `guest-suspend-*`, whose success ends the guest), without an `id`, and
   * resolves once it is handed to the transport. An error it draws comes
   * without `id` and is reported (`onProtocolError`). Refused on a connection
   * that counts its answers (`repliesInOrder`), where an answer that never
   * comes would be owed forever. Rejects as `call` does before sending.
   */
  sendWithoutReply(command: string, args?: object): Promise<void> {
    if (this.#order !== undefined) {
      return Promise.reject(
        new TypeError(`${command}: a command without reply on a connection that counts replies`),
      );
    }
    if (this.#closeReason !== undefined) {
      return Promise.reject(new ConnectionClosedError(command, this.#closeReason));
    }
    let request: string;
    try {
      request = args !== undefined && hasMembers(args)
        ? `{"execute":${JSON.stringify(command)},"arguments":${stringifyJson(args)}}\n`
        : `{"execute":${JSON.stringify(command)}}\n`;
    } catch (error) {
      return Promise.reject(error);
    }
    const problem = requestProblem(request);
    if (problem !== undefined) {
      return Promise.reject(
        new TypeError(`${command}: not sent, QEMU would refuse it: ${problem}`),
      );
    }
    this.send(request);
    return Promise.resolve();
  }

  /**
   * Sends a command and resolves with its `return` value; rejects with
   * `QmpError`, `TimeoutError`, the signal's reason, or `ConnectionClosedError`.
   */
  call(command: string, args?: object, options?: OobCallOptions): Promise<unknown> {
    if (this.#closeReason !== undefined) {
      return Promise.reject(new ConnectionClosedError(command, this.#closeReason));
    }
    let timeout = Infinity;
    let signal: AbortSignal | undefined;
    let oob = false;
    if (options !== undefined) {
      signal = options.signal;
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (options.timeout !== undefined) {
        const problem = timeoutProblem("timeout", options.timeout);
        if (problem) return Promise.reject(problem);
        timeout = options.timeout;
      }
      oob = options.oob === true;
    }
    const id = this.#nextId++;
    // Built as text: no request object to allocate and serialise as a whole.
    const key = oob ? `!${command}` : command;
    let prefix = this.#prefixes.get(key);
    if (prefix === undefined) {
      prefix = `{"${oob ? "exec-oob" : "execute"}":${JSON.stringify(command)}`;
      this.#prefixes.set(key, prefix);
    }
    let request: string;
    try {
      request = args !== undefined && hasMembers(args)
        ? `${prefix},"arguments":${stringifyJson(args)},"id":${id}}\n`
        : `${prefix},"id":${id}}\n`;
    } catch (error) {
      return Promise.reject(error); // arguments JSON can't express (a cycle): a rejection, not a throw
    }
    const problem = requestProblem(request);
    if (problem !== undefined) {
      return Promise.reject(
        new TypeError(
          `${command}: not sent, QEMU would refuse it and never answer: ${problem}`,
        ),
      );
    }
    const pending = new Pending(id, command, timeout, request, oob);
    const promise = new Promise<unknown>((resolve, reject) => {
      pending.resolve = resolve;
      pending.reject = reject;
    });
    this.#pending.add(pending);
    // One timer for all deadlines, and abort listeners only when asked for.
    if (timeout !== Infinity) this.#deadlines.add(pending, timeout);
    if (signal) {
      pending.signal = signal;
      pending.onAbort = () => this.#abandon(pending, signal.reason);
      signal.addEventListener("abort", pending.onAbort, { once: true });
    }
    this.#write(pending);
    return promise;
  }

  /** Settles a call that timed out or was aborted: its reply, if any comes, is dropped. */
  #abandon(pending: Pending, error: unknown): void {
    if (this.#pending.get(pending.id) !== pending) return;
    this.#pending.delete(pending);
    if (pending.request !== undefined) {
      // Not written yet: never will be.
      pending.request = undefined;
      this.#abandoned++;
      this.#compact();
    }
    this.#release(pending);
    pending.reject(error);
  }

  /** Takes a call's deadline and abort listener away. */
  #release(pending: Pending): void {
    if (pending.slot >= 0) this.#deadlines.remove(pending);
    if (pending.signal) {
      pending.signal.removeEventListener("abort", pending.onAbort!);
      pending.signal = pending.onAbort = undefined;
    }
  }

  #shutdown(reason: string): void {
    if (this.#closeReason !== undefined) return;
    this.#closeReason = reason;
    const calls = this.#pending.clear();
    this.#deadlines.clear();
    for (const pending of calls) {
      this.#release(pending);
      // QEMU may close the connection before it answers `quit`: that is its success.
      if (pending.command === "quit") pending.resolve({});
      else pending.reject(new ConnectionClosedError(pending.command, reason));
    }
    this.#queue = [];
    this.#head = 0;
    this.#abandoned = 0;
    this.#rejectGreeting(new ConnectionClosedError(undefined, reason));
    if (this.#ownsEvents) this.events.close(reason);
    this.#resolveClosed(reason);
  }

  /** Closes the connection; pending calls reject with `ConnectionClosedError`. */
  close(): void {
    this.#shutdown("closed by the client");
    this.#transport.close();
  }
}

/** The largest first id: far below 2^53, so that the ids after it stay exact. */
const maxFirstId = 2 ** 31 - 1;

/** Requests are handed to the transport in writes of about this many characters. */
const writeBatchSize = 64 << 10;

/** Whether an object has an own enumerable member (what `JSON.stringify` writes). */
function hasMembers(value: object): boolean {
  for (const key in value) if (Object.hasOwn(value, key)) return true;
  return false;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A value from the peer as text for a message, whatever it is. */
function shown(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return stringifyJson(value) ?? String(value);
  } catch {
    return typeof value;
  }
}

/**
 * What is wrong with a greeting's `QMP` member, or undefined. Absent fields
 * are tolerated (the client assumes defaults); present ones must have their
 * type, so no later use of them can throw.
 */
function greetingProblem(qmp: unknown): string | undefined {
  if (!isRecord(qmp)) return "QMP is not an object";
  const { version, capabilities } = qmp;
  if (version !== undefined) {
    if (!isRecord(version)) return "version is not an object";
    const { qemu } = version;
    if (qemu !== undefined) {
      if (!isRecord(qemu)) return "version.qemu is not an object";
      for (const part of ["major", "minor", "micro"]) {
        const number = qemu[part];
        if (number !== undefined && !(Number.isSafeInteger(number) && (number as number) >= 0)) {
          return `version.qemu.${part} is not a whole number`;
        }
      }
    }
    if (version["package"] !== undefined && typeof version["package"] !== "string") {
      return "version.package is not a string";
    }
  }
  if (
    capabilities !== undefined &&
    !(Array.isArray(capabilities) && capabilities.every((c) => typeof c === "string"))
  ) {
    return "capabilities is not an array of strings";
  }
  return undefined;
}

/** A byte as the character of the same code (how raw bytes appear in a trace). */
const byteChar = (byte: number): string => String.fromCharCode(byte);

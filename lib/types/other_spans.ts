/**
 * Spans of the vendored guest agent (QGA) and storage daemon (QSD) versions
 * by name. A module of its own because it imports every vendored QGA and
 * QSD schema.
 *
 * @module
 */

import type { Qga } from "../../schemas/qga/mod.ts";
import type { Qsd } from "../../schemas/qsd/mod.ts";
import type { SpanOf } from "./span.ts";

/**
 * A span of vendored guest agent versions: `QgaSpan<"5.2" | "10.2">` types a
 * client for guests whose agents are of any of those releases (guests lag:
 * old Windows guests run agents years old).
 *
 * @example
 * ```ts
 * import type { QgaSpan } from "./other_spans.ts";
 * import type { CommandName } from "./commands.ts";
 * const everywhere: CommandName<QgaSpan<"5.2" | "10.2">> = "guest-exec";
 * ```
 */
export type QgaSpan<versions extends keyof Qga> = SpanOf<Qga[versions]>;

/**
 * A span of vendored storage daemon versions: `QsdSpan<"7.2" | "10.2">`.
 *
 * @example
 * ```ts
 * import type { QsdSpan } from "./other_spans.ts";
 * import type { CommandName } from "./commands.ts";
 * const everywhere: CommandName<QsdSpan<"7.2" | "10.2">> = "blockdev-add";
 * ```
 */
export type QsdSpan<versions extends keyof Qsd> = SpanOf<Qsd[versions]>;

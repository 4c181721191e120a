/**
 * The reader's bounds. Whatever a schema holds, reading it ends in
 * acceptance or a `FILE:LINE: message` within these bounds, so memory and
 * time stay proportional to what the bounds allow.
 *
 * The defaults leave wide room around QEMU's own schemas (QEMU 10.2's QMP
 * schema: 46 files, 840 KiB in all, the largest 192 KiB, includes two deep,
 * nesting at most 8 deep).
 *
 * @module
 */

/**
 * The bounds `readSchema` applies.
 *
 * @example
 * ```ts
 * import { defaultLimits, type ReaderLimits } from "./limits.ts";
 * const small: ReaderLimits = { ...defaultLimits, maxFileBytes: 1 << 20 };
 * console.log(small.maxNesting); // 256
 * ```
 */
export interface ReaderLimits {
  /**
   * The largest schema file, in bytes. Only regular files are read (not
   * folders, FIFOs or devices), with this cap applied while reading.
   */
  readonly maxFileBytes: number;
  /** The most bytes read for one schema, over every file it includes. */
  readonly maxTotalBytes: number;
  /** The deepest nesting of `{` and `[` in an expression (a top-level object is 1). */
  readonly maxNesting: number;
  /** The longest chain of `include`s (the main file includes at depth 1). */
  readonly maxIncludeDepth: number;
  /** The most files one schema may consist of, the main file included. */
  readonly maxFiles: number;
  /**
   * The most steps the whole-schema checks may take, where a step is one
   * member, value, branch or feature looked at. Checking QEMU 10.2's QMP
   * schema takes about 7,300; the bound stops schemas built to make the
   * checks slow or large (long chains of bases, unions nested in the
   * branches of unions), which QEMU's generator would take hours over.
   */
  readonly maxCheckSteps: number;
}

/**
 * The default bounds: 4 MiB per file, 16 MiB in all, nesting 256 deep,
 * includes 32 deep, 1,024 files, 5 million check steps.
 *
 * @example
 * ```ts
 * import { defaultLimits } from "./limits.ts";
 * console.log(defaultLimits.maxFileBytes); // 4194304
 * ```
 */
export const defaultLimits: ReaderLimits = Object.freeze({
  maxFileBytes: 4 * 1024 * 1024,
  maxTotalBytes: 16 * 1024 * 1024,
  maxNesting: 256,
  maxIncludeDepth: 32,
  maxFiles: 1024,
  maxCheckSteps: 5_000_000,
});

/**
 * `8 MiB`, `300 KiB`, `17 bytes`: a byte count as people read it.
 *
 * @example
 * ```ts
 * import { formatBytes } from "./limits.ts";
 * console.log(formatBytes(8 * 1024 * 1024)); // "8 MiB"
 * ```
 */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

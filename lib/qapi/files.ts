/**
 * Reading schema files within bounds: regular files only (a folder, FIFO or
 * device is refused before it is opened, so nothing blocks or streams
 * forever), with a size cap checked before and while reading, and strict
 * UTF-8 decoding.
 *
 * @module
 */

import { closeSync, fstatSync, openSync, readSync, type Stats, statSync } from "node:fs";
import { formatBytes } from "./limits.ts";

/**
 * Why a file could not be read, worded as the system words it (`No such
 * file or directory`, `Is a directory`, `File name too long`, …) or as the
 * bounds do (`not a regular file`, `larger than 8 MiB`).
 *
 * @example
 * ```ts
 * import { ReadFailure } from "./files.ts";
 * const failure = new ReadFailure("Is a directory");
 * console.log(failure.reason); // "Is a directory"
 * ```
 */
export class ReadFailure extends Error {
  override name = "ReadFailure";
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * The system's wording of the error codes a file can fail to be read with
 * (as `strerror` words them), for errors that carry a code (`ENOENT`).
 */
const systemReasons: Readonly<Record<string, string>> = {
  EACCES: "Permission denied",
  EAGAIN: "Resource temporarily unavailable",
  EBUSY: "Device or resource busy",
  EEXIST: "File exists",
  EINVAL: "Invalid argument",
  EIO: "Input/output error",
  EISDIR: "Is a directory",
  ELOOP: "Too many levels of symbolic links",
  EMFILE: "Too many open files",
  ENAMETOOLONG: "File name too long",
  ENFILE: "Too many open files in system",
  ENODEV: "No such device",
  ENOENT: "No such file or directory",
  ENOMEM: "Cannot allocate memory",
  ENOTDIR: "Not a directory",
  ENXIO: "No such device or address",
  EOVERFLOW: "Value too large for defined data type",
  ENOSPC: "No space left on device",
  ENOTEMPTY: "Directory not empty",
  EPERM: "Operation not permitted",
  EROFS: "Read-only file system",
  ESTALE: "Stale file handle",
};

/**
 * The system's wording of a file system error (`No such file or directory`),
 * without the decoration Deno (`(os error 2): stat '…'`) or Node (`ENOENT:
 * no such file or directory, stat '…'`) adds. A read the process is not
 * allowed (Deno's permissions) is `Permission denied`.
 *
 * @example
 * ```ts
 * import { failureReason } from "./files.ts";
 * const error = Object.assign(new Error("ENOENT: no such file or directory, stat 'x'"), {
 *   code: "ENOENT",
 * });
 * console.log(failureReason(error)); // "No such file or directory"
 * console.log(failureReason(new Error("Is a directory (os error 21)"))); // "Is a directory"
 * ```
 */
export function failureReason(error: unknown): string {
  if (error instanceof ReadFailure) return error.reason;
  const message = error instanceof Error ? error.message : String(error);
  const os = /^(.*?) \(os error \d+\)/.exec(message);
  if (os) return os[1]!; // A group that is not optional.
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && Object.hasOwn(systemReasons, code)) return systemReasons[code]!;
  const name = error instanceof Error ? error.name : "";
  if (name === "NotCapable" || name === "PermissionDenied") return "Permission denied";
  const reason = message.split("\n")[0] ?? ""; // Never absent: split gives a part at least.
  return reason.length > 200 ? reason.slice(0, 200) + "…" : reason;
}

/**
 * Reads a regular file of at most `maxBytes` bytes. Throws `ReadFailure`.
 *
 * The file is checked before it is opened (opening a FIFO would wait for a
 * writer; a device may never end) and again once open; it is read with
 * synchronous calls, which a regular file answers at once, and the cap holds
 * while reading (files under `/proc` report no size and grow as they are
 * read). A path swapped for a FIFO between the check and the open is not
 * guarded against.
 *
 * @example
 * ```ts
 * import { readRegularFile } from "./files.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "{ 'command': 'stop' }\n");
 * console.log((await readRegularFile(path, 1024)).length); // 22
 * ```
 */
export function readRegularFile(path: string, maxBytes: number): Promise<Uint8Array> {
  try {
    return Promise.resolve(readRegularFileSync(path, maxBytes));
  } catch (error) {
    return Promise.reject(error);
  }
}

function readRegularFileSync(path: string, maxBytes: number): Uint8Array {
  const tooLarge = () => new ReadFailure(`larger than ${formatBytes(maxBytes)}`);
  const checkInfo = (info: Stats) => {
    if (info.isDirectory()) throw new ReadFailure("Is a directory");
    if (!info.isFile()) throw new ReadFailure("not a regular file");
    if (info.size > maxBytes) throw tooLarge();
    return info.size;
  };
  try {
    checkInfo(statSync(path));
    const fd = openSync(path, "r");
    try {
      const size = checkInfo(fstatSync(fd));
      const chunks: Uint8Array[] = [];
      let total = 0;
      // The reported size, and one more byte to see the end; then more if it grows.
      let want = size + 1;
      for (;;) {
        const chunk = new Uint8Array(Math.min(Math.max(want, 4096), maxBytes + 1 - total));
        let filled = 0;
        let n = 0;
        while (
          filled < chunk.length &&
          (n = readSync(fd, chunk, filled, chunk.length - filled, null)) > 0
        ) {
          filled += n;
        }
        total += filled;
        if (total > maxBytes) throw tooLarge();
        chunks.push(chunk.subarray(0, filled));
        if (n === 0) break;
        want = 1 << 20;
      }
      if (chunks.length === 1) return chunks[0]!;
      const bytes = new Uint8Array(total);
      let offset = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, offset);
        offset += chunk.length;
      }
      return bytes;
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw error instanceof ReadFailure ? error : new ReadFailure(failureReason(error));
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Decodes UTF-8 strictly; for bytes that are not UTF-8, returns the offset
 * of the first bad one instead.
 *
 * @example
 * ```ts
 * import { decodeUtf8 } from "./files.ts";
 * console.log(decodeUtf8(new Uint8Array([0x61, 0x0a]))); // "a\n"
 * console.log(decodeUtf8(new Uint8Array([0x61, 0xff]))); // { invalidAt: 1 }
 * ```
 */
export function decodeUtf8(bytes: Uint8Array): string | { invalidAt: number } {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return { invalidAt: firstInvalidUtf8(bytes) };
  }
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!; // i < bytes.length
    if (b < 0x80) {
      i++;
      continue;
    }
    let length: number, min: number, max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2, min = 0x80;
    else if (b === 0xe0) length = 3, min = 0xa0;
    else if (b === 0xed) length = 3, min = 0x80, max = 0x9f; // no surrogates
    else if (b >= 0xe1 && b <= 0xef) length = 3, min = 0x80;
    else if (b === 0xf0) length = 4, min = 0x90;
    else if (b >= 0xf1 && b <= 0xf3) length = 4, min = 0x80;
    else if (b === 0xf4) length = 4, min = 0x80, max = 0x8f; // up to U+10FFFF
    else return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      const [lo, hi] = k === 1 ? [min, max] : [0x80, 0xbf];
      if (c === undefined || c < lo || c > hi) return i;
    }
    i += length;
  }
  return bytes.length;
}

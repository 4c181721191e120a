/**
 * A few bytes of 16-bit x86 code run as a PC's firmware (`-bios`): what a
 * guest does to cause the events only a guest can (write the clock, report
 * a panic, arm a watchdog, reset, suspend, read a disk), without a guest OS. The CPU
 * starts at the image's last 16 bytes in real mode, with its code segment's
 * base at the image's first byte: a jump there runs the program.
 *
 * @module
 */

/** The image size QEMU takes for a PC's firmware: a multiple of 64 KiB. */
const imageSize = 0x10000;

/** Machine code of the instructions the programs use, in real mode. */
export const x86 = {
  /** `out PORT, AL` with AL = `value`, through DX (any port). */
  out8: (port: number, value: number): number[] => [
    0xba, // mov dx, port
    port & 0xff,
    port >> 8,
    0xb0, // mov al, value
    value,
    0xee, // out dx, al
  ],
  /** `out PORT, AX` with AX = `value`. */
  out16: (port: number, value: number): number[] => [
    0xba,
    port & 0xff,
    port >> 8,
    0xb8, // mov ax, value
    value & 0xff,
    value >> 8,
    0xef, // out dx, ax
  ],
  /** `out PORT, EAX` with EAX = `value`. */
  out32: (port: number, value: number): number[] => [
    0xba,
    port & 0xff,
    port >> 8,
    0x66, // operand size: 32 bits
    0xb8, // mov eax, value
    ...[0, 8, 16, 24].map((shift) => (value >>> shift) & 0xff),
    0x66,
    0xef, // out dx, eax
  ],
  /** Writes `value` into CMOS register `index` (the clock's registers and memory). */
  cmosWrite: (index: number, value: number): number[] => [
    ...x86.out8(0x70, index),
    ...x86.out8(0x71, value),
  ],
  /**
   * Skips the `body` once CMOS register `index` is non-zero, and sets it
   * before running it: the body runs once, although a reset restarts the program.
   */
  once: (index: number, body: number[]): number[] => {
    const tail = [...x86.cmosWrite(index, 1), ...body];
    return [
      ...x86.out8(0x70, index),
      0xe4, // in al, 0x71
      0x71,
      0x84, // test al, al
      0xc0,
      0x75, // jnz over the tail
      tail.length,
      ...tail,
    ];
  },
  /** Writes a PCI configuration register (32 bits) of bus 0. */
  pciWrite32: (device: number, fn: number, register: number, value: number): number[] => [
    ...x86.out32(0xcf8, (0x80000000 | (device << 11) | (fn << 8) | register) >>> 0),
    ...x86.out32(0xcfc, value),
  ],
  /** Halts for good: `cli; hlt; jmp hlt`. */
  halt: [0xfa, 0xf4, 0xeb, 0xfd],
};

/**
 * Enables the PC's (i440FX) ACPI power management registers at I/O port
 * 0x600, as firmware does: the PM1 control register is then at 0x604.
 */
export const enablePowerManagement: number[] = [
  // PIIX4 function 3: the I/O base (PMBA), then its enable bit (PMREGMISC).
  ...x86.pciWrite32(1, 3, 0x40, 0x601),
  ...x86.pciWrite32(1, 3, 0x80, 1),
];

/**
 * A firmware image running `program` (then halting for good).
 *
 * @example
 * ```ts
 * import { firmware, x86 } from "./firmware.ts";
 * const image = firmware(x86.cmosWrite(0, 0x30)); // the clock's seconds: RTC_CHANGE
 * console.log(image.length); // 65536
 * ```
 */
export function firmware(program: readonly number[]): Uint8Array {
  const code = [...program, ...x86.halt];
  const resetVector = imageSize - 16;
  if (code.length > resetVector) throw new RangeError(`a program of ${code.length} bytes`);
  const image = new Uint8Array(imageSize).fill(0xf4);
  image.set(code, 0);
  // At the reset vector: jmp near to offset 0 (relative to the next instruction, wrapping).
  const relative = (0x10000 - (resetVector + 3)) & 0xffff;
  image.set([0xe9, relative & 0xff, relative >> 8], resetVector);
  return image;
}

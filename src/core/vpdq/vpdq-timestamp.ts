/**
 * Frame timestamps as the reference prints them. vpdq-hash-video computes
 * `float(frameNumber) / float(fps)` in 32-bit float (vpdq/cpp/vpdq/cpp/hashing/hasher.h, the
 * feature constructor) and writes it with `std::fixed << setprecision(3)` (io/vpdqio.cpp). glibc
 * rounds the exact binary value half to even, so 0.0625 prints "0.062" where JavaScript's
 * toFixed(3) gives "0.063". This module reproduces both steps exactly.
 */

/** The reference's timestamp: frame number over frame rate, both as float32, in float32. */
export function frameTimestamp(frameNumber: number, fps: number): number {
  return Math.fround(Math.fround(frameNumber) / Math.fround(fps));
}

/**
 * `value` with exactly three decimals, rounded half to even on its exact binary value, as C's
 * printf("%.3f") does with glibc. Non-negative finite values only (timestamps).
 */
export function formatTimestamp(value: number): string {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`a timestamp must be a finite number >= 0, got ${value}`);
  }

  // Write value = mantissa / 2^shift exactly; doubling a double is exact until it is an integer.
  let mantissa = value;
  let shift = 0n;
  while (!Number.isInteger(mantissa)) {
    mantissa *= 2;
    shift += 1n;
  }

  const scaled = BigInt(mantissa) * 1000n;
  const denominator = 1n << shift;
  let units = scaled / denominator;
  const twiceRemainder = (scaled % denominator) * 2n;
  if (twiceRemainder > denominator || (twiceRemainder === denominator && units % 2n === 1n)) {
    units += 1n;
  }

  const digits = units.toString().padStart(4, '0');
  return `${digits.slice(0, -3)}.${digits.slice(-3)}`;
}

/**
 * The running-sum box filter of the PDQ reference (notes A.5; ThreatExchange
 * pdq/cpp/downscaling `box1DFloat`), in two shapes: along one row, and down many columns at
 * once as rows stream in.
 *
 * Bit-exactness depends on doing the reference's exact float operations in its order: a float
 * running sum, add-then-subtract while the window slides, divide by the number of samples
 * inside the window. A window of full width w reaches `half − 1` samples right and `w − half`
 * left, half = floor((w + 2) / 2).
 */

/** Jarosz window for a dimension going down to 64: ceil(n / 128) (reference: (n+127)/128). */
export function jaroszWindow(n: number): number {
  return Math.floor((n + 127) / 128);
}

/** Half-window of the reference box: floor((w + 2) / 2). */
export function boxHalf(w: number): number {
  return (w + 2) >> 1;
}

/**
 * Box of width `w` along one row of `n` floats. Writes every output into `out`, or, with
 * `need`, only the outputs at indices where need[o] is 1 (the sum still runs over all).
 */
export function boxRow(
  input: Float32Array,
  out: Float32Array,
  n: number,
  w: number,
  need?: Uint8Array,
): void {
  const half = boxHalf(w);
  let sum = 0;
  let count = 0;
  let r = 0;
  let l = 0;
  let o = 0;

  // Phase 1: fill the right half of the first window, no output.
  for (let k = 0; k < half - 1; k++) {
    sum = Math.fround(sum + input[r++]);
    count++;
  }

  // Phase 2: grow the window until it is full.
  for (let k = 0; k < w - half + 1; k++, o++) {
    sum = Math.fround(sum + input[r++]);
    count++;
    if (need === undefined || need[o] === 1) out[o] = sum / count;
  }

  // Phase 3: slide (add first, then subtract).
  for (let k = 0; k < n - w; k++, o++) {
    sum = Math.fround(Math.fround(sum + input[r++]) - input[l++]);
    if (need === undefined || need[o] === 1) out[o] = sum / count;
  }

  // Phase 4: shrink at the right edge.
  for (let k = 0; k < half - 1; k++, o++) {
    sum = Math.fround(sum - input[l++]);
    count--;
    if (need === undefined || need[o] === 1) out[o] = sum / count;
  }
}

/**
 * Box of height `w` down `width` columns of a `rows`-row image, fed one row at a time. Every
 * column runs the exact operation sequence of {@link boxRow}; doing all columns per row keeps
 * memory access sequential and needs only `w + 1` rows of storage instead of a full buffer.
 *
 * Use: write row r into `inputRow()`, call `push()`; it returns the index of the output row now
 * in `out`, or −1. After the last row, call `drain()` until it returns −1.
 */
export class ColumnBox {
  /** The latest output row. */
  readonly out: Float32Array;

  private readonly ring: Float32Array[] = [];
  private readonly sums: Float32Array;
  private readonly half: number;
  private r = 0;
  private o = 0;
  private count = 0;
  private drained = 0;

  constructor(
    private readonly width: number,
    private readonly rows: number,
    private readonly w: number,
  ) {
    this.half = boxHalf(w);
    this.sums = new Float32Array(width);
    this.out = new Float32Array(width);
    for (let k = 0; k <= w; k++) this.ring.push(new Float32Array(width));
  }

  /** Starts a new image of the same geometry. */
  reset(): void {
    this.sums.fill(0);
    this.r = 0;
    this.o = 0;
    this.count = 0;
    this.drained = 0;
  }

  /** Where the caller writes the next input row. */
  inputRow(): Float32Array {
    return this.ring[this.r % (this.w + 1)];
  }

  /** Consumes the row written into inputRow(); returns the output row index, or −1. */
  push(): number {
    const { sums, out, width, half, w } = this;
    const r = this.r++;
    const input = this.ring[r % (w + 1)];

    if (r < half - 1) {
      for (let c = 0; c < width; c++) sums[c] += input[c];
      this.count++;
      return -1;
    }

    if (r < w) {
      const count = ++this.count;
      for (let c = 0; c < width; c++) {
        const s = Math.fround(sums[c] + input[c]);
        sums[c] = s;
        out[c] = s / count;
      }
      return this.o++;
    }

    const old = this.ring[(r - w) % (w + 1)];
    const count = this.count;
    for (let c = 0; c < width; c++) {
      // An assignment's value is the unrounded double, so round explicitly before dividing.
      const s = Math.fround(Math.fround(sums[c] + input[c]) - old[c]);
      sums[c] = s;
      out[c] = s / count;
    }
    return this.o++;
  }

  /** Emits the trailing output rows (phase 4) one per call; −1 when all rows are out. */
  drain(): number {
    const { sums, out, width, half, w } = this;
    if (this.drained >= half - 1) return -1;

    const old = this.ring[(this.rows - w + this.drained++) % (w + 1)];
    const count = --this.count;
    for (let c = 0; c < width; c++) {
      const s = Math.fround(sums[c] - old[c]);
      sums[c] = s;
      out[c] = s / count;
    }
    return this.o++;
  }
}

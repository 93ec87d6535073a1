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

/** Rows filtered together by {@link boxRows}: independent running sums overlap in the CPU. */
export const ROW_BATCH = 4;

/**
 * Box of width `w` along 4 rows of `n` floats at once (rows at offsets 0, n, 2n, 3n of `input`
 * and `out`). Each row's running sum is one long chain of dependent float operations; doing
 * four chains in one loop lets the CPU overlap them, which is most of this filter's speed. With
 * `need`, only outputs at indices where need[o] is 1 are written (the sums still visit every
 * sample: their rounding is part of the result).
 */
export function boxRows(
  input: Float32Array,
  out: Float32Array,
  n: number,
  w: number,
  need?: Uint8Array,
): void {
  if (need === undefined) boxRowsAll(input, out, n, w);
  else boxRowsAt(input, out, n, w, need);
}

function boxRowsAll(input: Float32Array, out: Float32Array, n: number, w: number): void {
  const half = boxHalf(w);
  const [b, c, d] = [n, 2 * n, 3 * n];
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let count = 0;
  let r = 0;
  let l = 0;
  let o = 0;

  // Phase 1: fill the right half of the first window, no output.
  for (let k = 0; k < half - 1; k++, r++) {
    s0 = Math.fround(s0 + input[r]);
    s1 = Math.fround(s1 + input[b + r]);
    s2 = Math.fround(s2 + input[c + r]);
    s3 = Math.fround(s3 + input[d + r]);
    count++;
  }

  // Phase 2: grow the window until it is full.
  for (let k = 0; k < w - half + 1; k++, r++, o++) {
    count++;
    out[o] = (s0 = Math.fround(s0 + input[r])) / count;
    out[b + o] = (s1 = Math.fround(s1 + input[b + r])) / count;
    out[c + o] = (s2 = Math.fround(s2 + input[c + r])) / count;
    out[d + o] = (s3 = Math.fround(s3 + input[d + r])) / count;
  }

  // Phase 3: slide (add first, then subtract).
  for (let k = 0; k < n - w; k++, r++, l++, o++) {
    out[o] = (s0 = Math.fround(Math.fround(s0 + input[r]) - input[l])) / count;
    out[b + o] = (s1 = Math.fround(Math.fround(s1 + input[b + r]) - input[b + l])) / count;
    out[c + o] = (s2 = Math.fround(Math.fround(s2 + input[c + r]) - input[c + l])) / count;
    out[d + o] = (s3 = Math.fround(Math.fround(s3 + input[d + r]) - input[d + l])) / count;
  }

  // Phase 4: shrink at the right edge.
  for (let k = 0; k < half - 1; k++, l++, o++) {
    count--;
    out[o] = (s0 = Math.fround(s0 - input[l])) / count;
    out[b + o] = (s1 = Math.fround(s1 - input[b + l])) / count;
    out[c + o] = (s2 = Math.fround(s2 - input[c + l])) / count;
    out[d + o] = (s3 = Math.fround(s3 - input[d + l])) / count;
  }
}

function boxRowsAt(input: Float32Array, out: Float32Array, n: number, w: number, need: Uint8Array) {
  const half = boxHalf(w);
  const [b, c, d] = [n, 2 * n, 3 * n];
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let count = 0;
  let r = 0;
  let l = 0;
  let o = 0;

  for (let k = 0; k < half - 1; k++, r++) {
    s0 = Math.fround(s0 + input[r]);
    s1 = Math.fround(s1 + input[b + r]);
    s2 = Math.fround(s2 + input[c + r]);
    s3 = Math.fround(s3 + input[d + r]);
    count++;
  }

  for (let k = 0; k < w - half + 1; k++, r++, o++) {
    count++;
    s0 = Math.fround(s0 + input[r]);
    s1 = Math.fround(s1 + input[b + r]);
    s2 = Math.fround(s2 + input[c + r]);
    s3 = Math.fround(s3 + input[d + r]);
    if (need[o] === 1) writeFour(out, o, n, s0 / count, s1 / count, s2 / count, s3 / count);
  }

  for (let k = 0; k < n - w; k++, r++, l++, o++) {
    s0 = Math.fround(Math.fround(s0 + input[r]) - input[l]);
    s1 = Math.fround(Math.fround(s1 + input[b + r]) - input[b + l]);
    s2 = Math.fround(Math.fround(s2 + input[c + r]) - input[c + l]);
    s3 = Math.fround(Math.fround(s3 + input[d + r]) - input[d + l]);
    if (need[o] === 1) writeFour(out, o, n, s0 / count, s1 / count, s2 / count, s3 / count);
  }

  for (let k = 0; k < half - 1; k++, l++, o++) {
    count--;
    s0 = Math.fround(s0 - input[l]);
    s1 = Math.fround(s1 - input[b + l]);
    s2 = Math.fround(s2 - input[c + l]);
    s3 = Math.fround(s3 - input[d + l]);
    if (need[o] === 1) writeFour(out, o, n, s0 / count, s1 / count, s2 / count, s3 / count);
  }
}

function writeFour(
  out: Float32Array,
  o: number,
  n: number,
  a: number,
  b: number,
  c: number,
  d: number,
) {
  out[o] = a;
  out[n + o] = b;
  out[2 * n + o] = c;
  out[3 * n + o] = d;
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

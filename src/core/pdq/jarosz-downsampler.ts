/**
 * Full-resolution luma → the 64×64 float image PDQ hashes (notes A.5; ThreatExchange
 * pdq/cpp/downscaling `jaroszFilterFloat` then `decimateFloat`).
 *
 * The reference filters two full-size float buffers four times (rows, columns, rows, columns)
 * and then samples 64×64 points. This streams the same arithmetic instead: each image row is
 * turned into luma, filtered along the row, pushed into a column filter that needs only a few
 * rows of memory, and so on, so that the image is read once and no full-size buffer exists.
 * The second pass only divides where the decimation will sample, and only the 64 sampled
 * columns go through the last column filter; every value that reaches the 64×64 grid is
 * computed with exactly the reference's float operations in the reference's order.
 */
import { ColumnBox, ROW_BATCH, boxRows, jaroszWindow } from './box-filter.js';
import { lumaRow, type PixelChannels } from './pdq-luma.js';

/** Geometry of a decoded pixel buffer. */
export interface PixelLayout {
  readonly width: number;
  readonly height: number;
  readonly channels: PixelChannels;
  /** Bytes from one row's start to the next; at least width × channels. */
  readonly stride: number;
  /** Luma is the first byte of each pixel (grey images), not the RGB formula. */
  readonly grey: boolean;
}

/** Decimation sample index: trunc(((i + 0.5) · n) / 64), in double as the reference does. */
function sampleIndex(i: number, n: number): number {
  return Math.trunc(((i + 0.5) * n) / 64);
}

/** Reusable buffers for one image size; video frames of one size reuse them all. */
class DownsamplePlan {
  /** ROW_BATCH rows of luma, and the same rows after the first row filter. */
  readonly lumaRows: Float32Array;
  readonly pass1Rows: Float32Array;
  /** ROW_BATCH first-pass output rows waiting for the second row filter, and its output. */
  readonly waiting: Float32Array;
  readonly pass2Rows: Float32Array;
  waitingCount = 0;
  readonly needCol: Uint8Array;
  readonly pickCols: Int32Array;
  readonly pickRows: Int32Array;
  readonly box1: ColumnBox;
  readonly box2: ColumnBox;
  readonly wx: number;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.wx = jaroszWindow(width);
    const wy = jaroszWindow(height);
    this.lumaRows = new Float32Array(ROW_BATCH * width);
    this.pass1Rows = new Float32Array(ROW_BATCH * width);
    this.waiting = new Float32Array(ROW_BATCH * width);
    this.pass2Rows = new Float32Array(ROW_BATCH * width);
    this.needCol = new Uint8Array(width);
    this.pickCols = new Int32Array(64);
    this.pickRows = new Int32Array(64);
    for (let i = 0; i < 64; i++) {
      this.pickCols[i] = sampleIndex(i, width);
      this.pickRows[i] = sampleIndex(i, height);
      this.needCol[this.pickCols[i]] = 1;
    }
    this.box1 = new ColumnBox(width, height, wy);
    this.box2 = new ColumnBox(64, height, wy);
  }

  reset(): void {
    this.box1.reset();
    this.box2.reset();
    this.waitingCount = 0;
  }
}

let cachedPlan: DownsamplePlan | undefined;

function planFor(width: number, height: number): DownsamplePlan {
  if (cachedPlan === undefined || cachedPlan.width !== width || cachedPlan.height !== height) {
    cachedPlan = new DownsamplePlan(width, height);
  } else {
    cachedPlan.reset();
  }
  return cachedPlan;
}

/**
 * Copies the luma of an exactly 64×64 image into `out` unfiltered: the reference's plain hash
 * skips the filter at that size (its dihedral hash does not).
 */
export function lumaTo64Unfiltered(pixels: Uint8Array, layout: PixelLayout, out: Float32Array) {
  const line = new Float32Array(64);
  for (let r = 0; r < 64; r++) {
    lumaRow(pixels, r * layout.stride, 64, layout.channels, layout.grey, line);
    out.set(line, r * 64);
  }
}

/** Two Jarosz passes over the luma of `pixels`, decimated into `out` (64×64, row-major). */
export function jaroszTo64(pixels: Uint8Array, layout: PixelLayout, out: Float32Array): void {
  const plan = planFor(layout.width, layout.height);
  const { width, height } = layout;

  // Pass 1 along rows, ROW_BATCH rows at a time, each row then fed down the columns.
  for (let r0 = 0; r0 < height; r0 += ROW_BATCH) {
    const rows = Math.min(ROW_BATCH, height - r0);
    for (let i = 0; i < rows; i++) {
      const { channels, grey } = layout;
      lumaRow(pixels, (r0 + i) * layout.stride, width, channels, grey, plan.lumaRows, i * width);
    }
    boxRows(plan.lumaRows, plan.pass1Rows, width, plan.wx);
    for (let i = 0; i < rows; i++) {
      plan.box1.inputRow().set(plan.pass1Rows.subarray(i * width, (i + 1) * width));
      queueForPass2(plan, plan.box1.push(), out);
    }
  }
  while (queueForPass2(plan, plan.box1.drain(), out));
  secondRowPass(plan, out);

  while (emit(plan, plan.box2.drain(), out));
}

/** Queues a first-pass output row (index `o`, −1 for none) for the second row filter. */
function queueForPass2(plan: DownsamplePlan, o: number, out: Float32Array): boolean {
  if (o < 0) return false;

  plan.waiting.set(plan.box1.out, plan.waitingCount * plan.width);
  if (++plan.waitingCount === ROW_BATCH) secondRowPass(plan, out);
  return true;
}

/** Pass 2 along the queued rows (sampled columns only), then down the 64 sampled columns. */
function secondRowPass(plan: DownsamplePlan, out: Float32Array): void {
  const { box2, pass2Rows, pickCols, width } = plan;
  boxRows(plan.waiting, pass2Rows, width, plan.wx, plan.needCol);

  for (let i = 0; i < plan.waitingCount; i++) {
    const next = box2.inputRow();
    for (let j = 0; j < 64; j++) next[j] = pass2Rows[i * width + pickCols[j]];
    emit(plan, box2.push(), out);
  }
  plan.waitingCount = 0;
}

/** Copies a finished output row of the last filter into every grid row that samples it. */
function emit(plan: DownsamplePlan, o: number, out: Float32Array): boolean {
  if (o < 0) return false;

  const { pickRows, box2 } = plan;
  for (let i = 0; i < 64; i++) {
    if (pickRows[i] === o) out.set(box2.out, i * 64);
  }
  return true;
}

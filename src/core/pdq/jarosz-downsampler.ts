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
import { ColumnBox, boxRow, jaroszWindow } from './box-filter.js';
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
  readonly lumaLine: Float32Array;
  readonly pass2Line: Float32Array;
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
    this.lumaLine = new Float32Array(width);
    this.pass2Line = new Float32Array(width);
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
  const { box1, box2 } = plan;

  for (let r = 0; r < layout.height; r++) {
    lumaRow(pixels, r * layout.stride, layout.width, layout.channels, layout.grey, plan.lumaLine);
    boxRow(plan.lumaLine, box1.inputRow(), layout.width, plan.wx);
    secondPass(plan, box1.push(), out);
  }
  while (secondPass(plan, box1.drain(), out));

  while (emit(plan, box2.drain(), out));
}

/** Feeds one first-pass output row (index `o`, −1 for none) through the second pass. */
function secondPass(plan: DownsamplePlan, o: number, out: Float32Array): boolean {
  if (o < 0) return false;

  const { box1, box2, pass2Line, pickCols } = plan;
  boxRow(box1.out, pass2Line, plan.width, plan.wx, plan.needCol);
  const next = box2.inputRow();
  for (let j = 0; j < 64; j++) next[j] = pass2Line[pickCols[j]];
  emit(plan, box2.push(), out);
  return true;
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

/**
 * Unit tests of the PDQ core. The streaming downsampler is checked against a plain port of the
 * reference's steps (full-size float buffers, rows then columns twice, then decimation; notes
 * A.3–A.8) on random images of awkward sizes, layouts and window widths; bit-exactness against
 * the reference binaries themselves is in test/pdq-reference.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKhienError } from '../../errors/index.js';
import { boxHalf, jaroszWindow } from './box-filter.js';
import { dctToHash } from './pdq-bits.js';
import { dct64To16 } from './pdq-dct.js';
import { dihedralDct } from './pdq-dihedral.js';
import { toPdqHex } from './pdq-hash.js';
import {
  isLowQuality,
  pdqDihedralFromPixels,
  pdqFromPixels,
  PDQ_LOW_QUALITY_THRESHOLD,
} from './pdq-hasher.js';
import type { PixelChannels } from './pdq-luma.js';
import { pdqQuality } from './pdq-quality.js';

/** Seeded pseudo-random bytes with some structure, so quality is not always 100. */
function randomImage(width: number, height: number, channels: number, stride: number, seed = 1) {
  let x = seed;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
  const px = new Uint8Array(stride * height);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width * channels; c++)
      px[r * stride + c] = (next() >> 2) + ((r * 3 + c) & 127);
  }
  return px;
}

/** The reference's 1-D box (notes A.5), with a stride: the four phases, float running sum. */
function box1D(
  inp: Float32Array,
  out: Float32Array,
  start: number,
  n: number,
  stride: number,
  w: number,
) {
  const half = boxHalf(w);
  let sum = 0;
  let count = 0;
  let r = start;
  let l = start;
  let o = start;
  for (let k = 0; k < half - 1; k++, r += stride) {
    sum = Math.fround(sum + inp[r]);
    count++;
  }
  for (let k = 0; k < w - half + 1; k++, r += stride, o += stride) {
    sum = Math.fround(sum + inp[r]);
    count++;
    out[o] = sum / count;
  }
  for (let k = 0; k < n - w; k++, r += stride, l += stride, o += stride) {
    sum = Math.fround(Math.fround(sum + inp[r]) - inp[l]);
    out[o] = sum / count;
  }
  for (let k = 0; k < half - 1; k++, l += stride, o += stride) {
    sum = Math.fround(sum - inp[l]);
    count--;
    out[o] = sum / count;
  }
}

/** Plain port of the reference pipeline with full-size buffers. */
function plainPdq(
  px: Uint8Array,
  w: number,
  h: number,
  ch: number,
  stride: number,
  filter64: boolean,
) {
  const R = Math.fround(0.299);
  const G = Math.fround(0.587);
  const B = Math.fround(0.114);
  const buf1 = new Float32Array(w * h);
  const buf2 = new Float32Array(w * h);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const p = r * stride + c * ch;
      buf1[r * w + c] =
        ch <= 2
          ? px[p]
          : Math.fround(
              Math.fround(Math.fround(R * px[p]) + Math.fround(G * px[p + 1])) +
                Math.fround(B * px[p + 2]),
            );
    }
  }
  const grid = new Float32Array(4096);
  if (w === 64 && h === 64 && !filter64) {
    grid.set(buf1);
  } else {
    const wx = jaroszWindow(w);
    const wy = jaroszWindow(h);
    for (let pass = 0; pass < 2; pass++) {
      for (let r = 0; r < h; r++) box1D(buf1, buf2, r * w, w, 1, wx);
      for (let c = 0; c < w; c++) box1D(buf2, buf1, c, h, w, wy);
    }
    for (let i = 0; i < 64; i++) {
      for (let j = 0; j < 64; j++) {
        grid[i * 64 + j] =
          buf1[Math.trunc(((i + 0.5) * h) / 64) * w + Math.trunc(((j + 0.5) * w) / 64)];
      }
    }
  }
  const dct = new Float32Array(256);
  dct64To16(grid, dct);
  return { hash: toPdqHex(dctToHash(dct)), quality: pdqQuality(grid), dct };
}

const CASES: Array<[number, number, PixelChannels, number]> = [
  [5, 5, 3, 0],
  [7, 300, 1, 0],
  [64, 64, 3, 0],
  [64, 64, 4, 5],
  [129, 130, 4, 0],
  [257, 511, 3, 7],
  [333, 129, 2, 0],
  [640, 480, 3, 0],
  [1030, 70, 1, 3],
];

describe('pdqFromPixels', () => {
  for (const [w, h, ch, pad] of CASES) {
    it(`equals the plain reference pipeline on ${w}×${h}×${ch}, row padding ${pad}`, () => {
      const stride = w * ch + pad;
      const px = randomImage(w, h, ch, stride, w * h + ch);
      const want = plainPdq(px, w, h, ch, stride, false);
      const got = pdqFromPixels(px, w, h, ch, { stride });
      assert.equal(toPdqHex(got.hash), want.hash);
      assert.equal(got.quality, want.quality);

      const wantDih = plainPdq(px, w, h, ch, stride, true);
      const dih = pdqDihedralFromPixels(px, w, h, ch, { stride });
      assert.equal(toPdqHex(dih.hashes[0]), wantDih.hash);
      assert.equal(dih.quality, wantDih.quality);
    });
  }

  it('gives the same answer twice (buffers reused between calls)', () => {
    const px = randomImage(200, 150, 3, 600);
    const a = pdqFromPixels(px, 200, 150, 3);
    pdqFromPixels(randomImage(90, 91, 1, 90), 90, 91, 1);
    const b = pdqFromPixels(px, 200, 150, 3);
    assert.deepEqual(b, a);
  });

  it('hashes images under 5 pixels on a side to zeros with quality 0', () => {
    for (const [w, h] of [
      [4, 100],
      [100, 4],
      [1, 1],
    ]) {
      const px = randomImage(w, h, 3, w * 3);
      const r = pdqFromPixels(px, w, h, 3);
      assert.equal(toPdqHex(r.hash), '0'.repeat(64));
      assert.equal(r.quality, 0);
      const d = pdqDihedralFromPixels(px, w, h, 3);
      assert.equal(d.hashes.length, 8);
      assert.ok(d.hashes.every((x) => toPdqHex(x) === '0'.repeat(64)));
    }
  });

  it('uses the grey value as luma when asked, which can differ from the RGB formula', () => {
    const grey = randomImage(100, 80, 1, 100, 5);
    const rgb = new Uint8Array(grey.length * 3);
    for (let i = 0; i < grey.length; i++) rgb.fill(grey[i], i * 3, i * 3 + 3);
    assert.deepEqual(
      pdqFromPixels(rgb, 100, 80, 3, { grey: true }),
      pdqFromPixels(grey, 100, 80, 1),
    );
  });

  it('rejects a buffer too short for its geometry', () => {
    assert.throws(
      () => pdqFromPixels(new Uint8Array(10), 10, 10, 3),
      (err: unknown) => isKhienError(err, 'KHIEN_ERR_INVALID_ARGUMENT'),
    );
  });

  it('flags quality below 50 as low', () => {
    assert.equal(PDQ_LOW_QUALITY_THRESHOLD, 50);
    assert.equal(isLowQuality(49), true);
    assert.equal(isLowQuality(50), false);
    assert.equal(pdqFromPixels(new Uint8Array(100 * 100).fill(128), 100, 100, 1).quality, 0);
  });
});

describe('dihedral DCT variants', () => {
  const block = new Float32Array(256).map((_, i) => Math.sin(i * 1.7) * 100);
  const apply = (v: number, a: Float32Array) => {
    const out = new Float32Array(256);
    dihedralDct(a, v, out);
    return out;
  };

  it('compose like the dihedral group (rot90 twice = rot180, flips are involutions)', () => {
    assert.deepEqual(apply(1, apply(1, block)), apply(2, block));
    assert.deepEqual(apply(1, apply(2, block)), apply(3, block));
    assert.deepEqual(apply(1, apply(3, block)), block);
    for (const flip of [4, 5, 6, 7]) assert.deepEqual(apply(flip, apply(flip, block)), block);
    assert.deepEqual(apply(4, apply(5, block)), apply(2, block));
  });
});

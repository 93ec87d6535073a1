/**
 * The reference command-line tool's pre-resize (notes A.2; ThreatExchange pdq/cpp/io/pdqio.cpp,
 * CImg `resize(512, 512)` with its default nearest-neighbour interpolation): an image wider
 * or taller than 512 becomes exactly 512×512, aspect ratio not kept, a side ≤ 512 repeated.
 * Only the `cli512` mode uses it, to reproduce `pdq-photo-hasher` output.
 */
import type { PixelChannels } from './pdq-luma.js';

export const CLI_SQUASH_SIZE = 512;

/** A decoded image: tightly packed rows unless `stride` says otherwise. */
export interface PixelImage {
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: PixelChannels;
  stride?: number;
}

/** True when the CLI would squash an image of this size. */
export function needsCliSquash(width: number, height: number): boolean {
  return width > CLI_SQUASH_SIZE || height > CLI_SQUASH_SIZE;
}

/**
 * Squashes to 512×512 when the CLI would, else returns the input. Output pixel (x, y) is input
 * (floor(x·W/512), floor(y·H/512)): the top-left-aligned sample, exact in double.
 */
export function cliSquash512(image: PixelImage): PixelImage {
  const { width, height, channels } = image;
  if (!needsCliSquash(width, height)) return image;

  const n = CLI_SQUASH_SIZE;
  const stride = image.stride ?? width * channels;
  const out = new Uint8Array(n * n * channels);
  const srcX = new Int32Array(n);
  for (let x = 0; x < n; x++) srcX[x] = Math.floor((x * width) / n) * channels;

  for (let y = 0; y < n; y++) {
    const row = Math.floor((y * height) / n) * stride;
    for (let x = 0, o = y * n * channels; x < n; x++, o += channels) {
      for (let c = 0; c < channels; c++) out[o + c] = image.pixels[row + srcX[x] + c];
    }
  }
  return { pixels: out, width: n, height: n, channels };
}

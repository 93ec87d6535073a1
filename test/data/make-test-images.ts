/**
 * Generates the small benign test images under test/data/images: smooth synthetic patterns
 * (gradients, waves and seeded noise; nothing photographic) in every format and colour layout
 * `khien hash` must decode like the reference. Run once with `npx tsx
 * test/data/make-test-images.ts`; the images are committed, and their expected hashes
 * (expected.csv, expected-dihedral.csv) come from Meta's C++ reference run on them (see
 * test/data/README.md). Re-running rewrites the images; JPEG/WebP/AVIF encoders may change
 * bytes between sharp versions, after which the expectations must be taken again.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

const OUT = join(import.meta.dirname, 'images');

/** A deterministic xorshift generator, so the noise is the same on every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** RGB pattern: diagonal gradients, waves, a checker band, a bright disc, a little noise. */
function pattern(width: number, height: number, seed = 7): Uint8Array {
  const rand = rng(seed);
  const px = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / width;
      const v = y / height;
      const wave =
        Math.sin(u * 9 + v * 4) * 50 + Math.cos(v * 13 - u * 3) * 40 + Math.sin(u * 60) * 25;
      const disc = (u - 0.62) ** 2 + (v - 0.4) ** 2 < 0.03 ? 70 : 0;
      const band = v > 0.7 && v < 0.85 ? ((Math.floor(u * 24) + Math.floor(v * 48)) % 2) * 60 : 0;
      const n = (rand() - 0.5) * 16;
      const o = (y * width + x) * 3;
      px[o] = clamp(110 + 90 * u + wave + disc - band + n);
      px[o + 1] = clamp(60 + 120 * v - wave * 0.5 + disc + band + n);
      px[o + 2] = clamp(200 - 100 * u * v + wave * 0.3 + n);
    }
  }
  return px;
}

const clamp = (x: number): number => Math.max(0, Math.min(255, Math.round(x)));

const raw = (px: Uint8Array, width: number, height: number, channels: 1 | 2 | 3 | 4) =>
  sharp(Buffer.from(px), { raw: { width, height, channels } });

function toGrey(rgb: Uint8Array): Uint8Array {
  const g = new Uint8Array(rgb.length / 3);
  for (let i = 0; i < g.length; i++)
    g[i] = clamp((rgb[i * 3] + rgb[i * 3 + 1] * 2 + rgb[i * 3 + 2]) / 4);
  return g;
}

/** RGBA whose alpha fades to 0 on the left while the colour underneath stays the pattern. */
function withAlphaRamp(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    out.set(rgb.subarray(i * 3, i * 3 + 3), i * 4);
    out[i * 4 + 3] = clamp(((i % width) / width) * 2 * 255);
  }
  return out;
}

/**
 * 16-bit RGB PNG whose high bytes are the 8-bit pattern and whose low bytes are noise, written
 * by hand (IHDR bit depth 16, filter 0 on every row, big-endian samples).
 */
function png16(rgb: Uint8Array, width: number, height: number): Buffer {
  const rand = rng(99);
  const rowBytes = 1 + width * 6;
  const scan = Buffer.alloc(rowBytes * height);
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < width * 3; i++) {
      const o = y * rowBytes + 1 + i * 2;
      scan[o] = rgb[y * width * 3 + i];
      scan[o + 1] = Math.floor(rand() * 256);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 16;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(scan)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/** A plain BMP (BITMAPINFOHEADER, 24-bit bottom-up or 32-bit top-down), written by hand. */
function bmp(rgb: Uint8Array, width: number, height: number, bits: 24 | 32): Buffer {
  const bpp = bits / 8;
  const rowBytes = Math.ceil((width * bpp) / 4) * 4;
  const buf = Buffer.alloc(54 + rowBytes * height);
  buf.write('BM', 0, 'ascii');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(54, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(width, 18);
  buf.writeInt32LE(bits === 32 ? -height : height, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(bits, 28);
  buf.writeUInt32LE(rowBytes * height, 34);
  for (let y = 0; y < height; y++) {
    const fileRow = bits === 32 ? y : height - 1 - y;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const o = 54 + fileRow * rowBytes + x * bpp;
      buf[o] = rgb[i + 2];
      buf[o + 1] = rgb[i + 1];
      buf[o + 2] = rgb[i];
      if (bits === 32) buf[o + 3] = 255;
    }
  }
  return buf;
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const [w, h] = [320, 240];
  const rgb = pattern(w, h);
  const files: Record<string, Buffer | Promise<Buffer>> = {
    'pattern-rgb.png': raw(rgb, w, h, 3).png().toBuffer(),
    'pattern-baseline.jpg': raw(rgb, w, h, 3).jpeg({ quality: 85 }).toBuffer(),
    'pattern-progressive.jpg': raw(rgb, w, h, 3)
      .jpeg({ quality: 80, progressive: true })
      .toBuffer(),
    'pattern-exif-orient6.jpg': raw(rgb, w, h, 3)
      .jpeg({ quality: 85 })
      .withMetadata({ orientation: 6 })
      .toBuffer(),
    'pattern-cmyk.jpg': raw(rgb, w, h, 3).toColourspace('cmyk').jpeg({ quality: 90 }).toBuffer(),
    'pattern-grey.png': raw(toGrey(rgb), w, h, 1).toColourspace('b-w').png().toBuffer(),
    'pattern-grey.jpg': raw(toGrey(rgb), w, h, 1).toColourspace('b-w').jpeg().toBuffer(),
    'pattern-rgba.png': raw(withAlphaRamp(rgb, w, h), w, h, 4)
      .png()
      .toBuffer(),
    'pattern-palette.png': raw(rgb, w, h, 3).png({ palette: true, colours: 64 }).toBuffer(),
    'pattern-16bit.png': png16(rgb, w, h),
    'pattern-lossless.webp': raw(rgb, w, h, 3).webp({ lossless: true }).toBuffer(),
    'pattern-lossy.webp': raw(rgb, w, h, 3).webp({ quality: 80 }).toBuffer(),
    'pattern.tiff': raw(rgb, w, h, 3).tiff({ compression: 'lzw' }).toBuffer(),
    'pattern.gif': raw(rgb, w, h, 3).gif({ colours: 128 }).toBuffer(),
    'pattern.avif': raw(rgb, w, h, 3).avif({ quality: 70 }).toBuffer(),
    'pattern-24bit.bmp': bmp(rgb, w, h, 24),
    'pattern-32bit-topdown.bmp': bmp(rgb, w, h, 32),
    'wide-900x600.jpg': raw(pattern(900, 600, 3), 900, 600, 3)
      .jpeg({ quality: 80 })
      .toBuffer(),
    'strip-3x600.png': raw(pattern(3, 600, 5), 3, 600, 3)
      .png()
      .toBuffer(),
    'exact-64x64.png': raw(pattern(64, 64, 11), 64, 64, 3)
      .png()
      .toBuffer(),
    'small-5x5.png': raw(pattern(5, 5, 13), 5, 5, 3)
      .png()
      .toBuffer(),
    'tiny-4x4.png': raw(pattern(4, 4, 17), 4, 4, 3)
      .png()
      .toBuffer(),
    'flat-128.png': raw(new Uint8Array(40 * 30 * 3).fill(128), 40, 30, 3)
      .png()
      .toBuffer(),
  };
  for (const [name, data] of Object.entries(files)) writeFileSync(join(OUT, name), await data);
  console.log(`wrote ${Object.keys(files).length} images to ${OUT}`);
}

await main();

/**
 * The image edge: what the decoder hands the PDQ core, and the coded errors for bad input
 * (truncated files, type liars, unknown formats, byte and pixel limits) instead of zero hashes
 * or crashes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { parsePdqHex, pdqDistance, toPdqHex } from '../src/core/pdq/pdq-hash.js';
import { pdqFromPixels } from '../src/core/pdq/pdq-hasher.js';
import { isKhienError, type ErrorCode } from '../src/errors/index.js';
import { hashImage } from '../src/media/image-hasher.js';

const IMAGES = join('test', 'data', 'images');
const file = (name: string): Buffer => readFileSync(join(IMAGES, name));
const cut = (bytes: Buffer, fraction: number): Buffer =>
  bytes.subarray(0, Math.floor(bytes.length * fraction));

async function rejectsWith(input: Buffer | string, code: ErrorCode, opts = {}): Promise<void> {
  await assert.rejects(hashImage(input, opts), (err: unknown) => {
    assert.ok(isKhienError(err), `expected a KhienError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

/** A PNG that declares `width`×`height` but carries almost no data (a decompression bomb). */
function pngDeclaring(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlib.crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('image decoding for PDQ', () => {
  it('scales 16-bit samples to 8 bits instead of keeping the low byte as the reference does', async () => {
    const sixteen = await hashImage(file('pattern-16bit.png'));
    const eight = await hashImage(file('pattern-rgb.png'));
    assert.equal(sixteen.pdq, eight.pdq);
    assert.equal(sixteen.quality, eight.quality);
    // The reference's low-byte value for this file (test/data/README.md) is far away.
    const reference = parsePdqHex(
      '637f3b871f60fd8b0d2c343645d5587c392c221a980489526f8edd6bb097c1fb',
    );
    assert.ok(pdqDistance(parsePdqHex(sixteen.pdq), reference) > 64);
  });

  it('decodes RLE4 BMP like its uncompressed copy (unlike the reference CImg reader)', async () => {
    const rle = await hashImage(file('bmp-pal4-rle4.bmp'));
    const plain = await hashImage(file('bmp-pal4.bmp'));
    assert.equal(rle.pdq, plain.pdq);
    assert.equal(rle.quality, plain.quality);
  });

  it('ignores EXIF orientation', async () => {
    const tagged = await hashImage(file('pattern-exif-orient6.jpg'));
    const plain = await hashImage(file('pattern-baseline.jpg'));
    assert.equal(tagged.pdq, plain.pdq);
    assert.equal(tagged.width, 320);
    assert.equal(tagged.height, 240);
  });

  it('reports size, format and the file digests', async () => {
    const bytes = file('pattern-rgb.png');
    const s = await hashImage(bytes);
    assert.equal(s.format, 'png');
    assert.deepEqual([s.width, s.height], [320, 240]);
    assert.equal(
      s.md5,
      '' + (await import('node:crypto')).createHash('md5').update(bytes).digest('hex'),
    );
    assert.match(s.sha1, /^[0-9a-f]{40}$/);
    assert.match(s.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(await hashImage(join(IMAGES, 'pattern-rgb.png')), s);
  });

  it('hashes the colour under transparent pixels, not a composite', async () => {
    const rgba = await hashImage(file('pattern-rgba.png'));
    const rgb = await hashImage(file('pattern-rgb.png'));
    assert.equal(rgba.pdq, rgb.pdq);
  });

  it('treats an RGB image whose pixels are all grey as grey (luma = grey value)', async () => {
    // grey-as-rgb.png hashes 2 bits differently with the RGB luma formula; the reference (its
    // expected.csv line) takes the grey value, because ImageMagick hands it over as a PGM.
    const { data, info } = await sharp(file('grey-as-rgb.png'))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const rgbFormula = pdqFromPixels(data, info.width, info.height, 3);
    const greyValue = pdqFromPixels(data, info.width, info.height, 3, { grey: true });
    assert.notEqual(toPdqHex(rgbFormula.hash), toPdqHex(greyValue.hash));
    assert.equal((await hashImage(file('grey-as-rgb.png'))).pdq, toPdqHex(greyValue.hash));
  });
});

describe('bad image input gets a coded error', () => {
  const formats = [
    'pattern-baseline.jpg',
    'pattern-progressive.jpg',
    'pattern-rgb.png',
    'pattern-lossy.webp',
    'pattern.gif',
    'pattern.tiff',
    'pattern-24bit.bmp',
    'bmp-pal8-rle.bmp',
    'bmp-pal4-rle4.bmp',
    'pattern.avif',
  ];
  for (const name of formats) {
    it(`truncated ${name} → KHIEN_ERR_IMAGE_CORRUPT`, async () => {
      await rejectsWith(cut(file(name), 0.5), 'KHIEN_ERR_IMAGE_CORRUPT');
      await rejectsWith(cut(file(name), 0.9), 'KHIEN_ERR_IMAGE_CORRUPT');
    });
  }

  it('a GIF closed properly but cut inside its first frame → KHIEN_ERR_IMAGE_CORRUPT', async () => {
    // libvips fills the missing rows; ImageMagick (the reference's decoder) refuses the file.
    const gif = file('pattern.gif');
    let p = 13 + (gif[10] & 0x80 ? 3 << ((gif[10] & 7) + 1) : 0);
    while (gif[p] === 0x21) {
      p += 2; // an extension: introducer, label, sub-blocks, terminator
      while (gif[p] !== 0) p += gif[p] + 1;
      p++;
    }
    assert.equal(gif[p], 0x2c, 'the first image descriptor');
    p += 10 + (gif[p + 9] & 0x80 ? 3 << ((gif[p + 9] & 7) + 1) : 0) + 1;
    const blocks: number[] = [];
    for (; gif[p] !== 0; p += gif[p] + 1) blocks.push(p);
    const half = blocks[Math.floor(blocks.length / 2)];
    const closed = Buffer.concat([gif.subarray(0, half), Buffer.from([0x00, 0x3b])]);
    await rejectsWith(closed, 'KHIEN_ERR_IMAGE_CORRUPT');
    await hashImage(gif); // the whole file still hashes
  });

  it('a file whose signature lies about its body → KHIEN_ERR_IMAGE_CORRUPT', async () => {
    const png = Buffer.from('\x89PNG\r\n\x1a\n', 'latin1');
    await rejectsWith(
      Buffer.concat([png, file('pattern-baseline.jpg')]),
      'KHIEN_ERR_IMAGE_CORRUPT',
    );
    const jpeg = Buffer.from([0xff, 0xd8, 0xff]);
    await rejectsWith(Buffer.concat([jpeg, Buffer.alloc(600, 7)]), 'KHIEN_ERR_IMAGE_CORRUPT');
  });

  it('anything not a supported image → KHIEN_ERR_IMAGE_UNSUPPORTED', async () => {
    await rejectsWith(Buffer.from('just some text, not a picture'), 'KHIEN_ERR_IMAGE_UNSUPPORTED');
    await rejectsWith(Buffer.alloc(0), 'KHIEN_ERR_IMAGE_UNSUPPORTED');
    await assert.rejects(hashImage(Buffer.alloc(0)), /got an empty file$/);
    await assert.rejects(hashImage(Buffer.from('text')), /got an unrecognised signature$/);
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>';
    await rejectsWith(Buffer.from(svg), 'KHIEN_ERR_IMAGE_UNSUPPORTED');
  });

  it('over the byte limit → KHIEN_ERR_IMAGE_TOO_LARGE, from bytes or from a path', async () => {
    const limits = { maxBytes: 1000, maxPixels: 1e9 };
    await rejectsWith(file('pattern-rgb.png'), 'KHIEN_ERR_IMAGE_TOO_LARGE', { limits });
    await rejectsWith(join(IMAGES, 'pattern-rgb.png'), 'KHIEN_ERR_IMAGE_TOO_LARGE', { limits });
  });

  it('over the pixel limit → KHIEN_ERR_IMAGE_TOO_LARGE before decoding (bombs)', async () => {
    const started = Date.now();
    await rejectsWith(pngDeclaring(40000, 40000), 'KHIEN_ERR_IMAGE_TOO_LARGE');
    // Past libpng's own ceiling (it refuses before any metadata), still too large, not corrupt.
    await rejectsWith(pngDeclaring(2147483647, 2147483647), 'KHIEN_ERR_IMAGE_TOO_LARGE');
    assert.ok(Date.now() - started < 5000, 'the header alone must be enough');
    const limits = { maxBytes: 1e9, maxPixels: 320 * 240 - 1 };
    await rejectsWith(file('pattern-24bit.bmp'), 'KHIEN_ERR_IMAGE_TOO_LARGE', { limits });
    await rejectsWith(file('pattern-baseline.jpg'), 'KHIEN_ERR_IMAGE_TOO_LARGE', { limits });
  });

  it('a missing file → KHIEN_ERR_NOT_FOUND', async () => {
    await rejectsWith(join(IMAGES, 'no-such-file.png'), 'KHIEN_ERR_NOT_FOUND');
    await rejectsWith(IMAGES, 'KHIEN_ERR_NOT_FOUND');
  });
});

/**
 * The first frame of a GIF as the PDQ reference sees it. The reference loads GIFs through
 * CImg, which has ImageMagick split the file into one PNG per frame, each at the frame's own
 * size, and stacks them (CImg `load_gif_external`, appended along z): the first slice is the
 * first frame at its top-left corner, padded with zeros to the largest frame's width and
 * height. libvips instead renders the first frame onto the whole logical screen. The two agree
 * whenever the first frame covers the screen and no frame is larger, which is almost always;
 * otherwise Khiên rebuilds the reference's slice from libvips' render.
 */

/** A rectangle on the GIF canvas. */
export interface FrameRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Every image descriptor's rectangle, in file order (stops quietly at a malformed block). */
export function gifFrameRects(bytes: Uint8Array): FrameRect[] {
  const u16 = (at: number) => bytes[at] | (bytes[at + 1] << 8);
  const rects: FrameRect[] = [];
  let p = 13;
  if (bytes[10] & 0x80) p += 3 * (1 << ((bytes[10] & 7) + 1)); // global colour table

  while (p < bytes.length) {
    const block = bytes[p];
    if (block === 0x2c) {
      if (p + 10 > bytes.length) break;
      rects.push({ left: u16(p + 1), top: u16(p + 3), width: u16(p + 5), height: u16(p + 7) });
      const flags = bytes[p + 9];
      p += 10;
      if (flags & 0x80) p += 3 * (1 << ((flags & 7) + 1)); // local colour table
      p += 1; // LZW minimum code size
    } else if (block === 0x21) {
      p += 2; // extension introducer and label
    } else {
      break; // trailer, or garbage
    }
    while (p < bytes.length && bytes[p] !== 0) p += bytes[p] + 1; // data sub-blocks
    p++;
  }
  return rects;
}

/** The size of the reference's first slice: the largest frame width and height. */
export function referenceSliceSize(rects: readonly FrameRect[]): { width: number; height: number } {
  let width = 0;
  let height = 0;
  for (const r of rects) {
    width = Math.max(width, r.width);
    height = Math.max(height, r.height);
  }
  return { width, height };
}

/**
 * The reference's first slice from libvips' render of frame 0 onto the canvas: the frame's
 * rectangle (clipped to the canvas) copied to the top-left of a zeroed `size` buffer.
 */
export function referenceSlice(
  canvas: Uint8Array,
  canvasWidth: number,
  canvasHeight: number,
  channels: number,
  frame: FrameRect,
  size: { width: number; height: number },
): Uint8Array {
  const left = Math.min(frame.left, canvasWidth);
  const top = Math.min(frame.top, canvasHeight);
  const w = Math.min(frame.width, canvasWidth - left, size.width);
  const h = Math.min(frame.height, canvasHeight - top, size.height);
  const out = new Uint8Array(size.width * size.height * channels);
  for (let y = 0; y < h; y++) {
    const from = ((top + y) * canvasWidth + left) * channels;
    out.set(canvas.subarray(from, from + w * channels), y * size.width * channels);
  }
  return out;
}

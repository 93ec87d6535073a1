/**
 * The PDQ index snapshot format: encode a MihPdqIndex to bytes and decode it back without
 * rebuilding the slot tables, so a 10M-hash index loads as fast as its file can be read and
 * checked. The core only converts between an index and byte arrays; src/index-io reads and
 * writes files. All numbers are little-endian 32-bit words; every section is whole words.
 *
 * Layout (format version 2; version 1 had one offset per bucket instead of the directory):
 *   header, 16 words: magic "KHIENPDQ" (2 words), version, header words (16 + 2·slots),
 *     base count, pending count, slot count, base dead count, payload checksum, header
 *     checksum (over the header with this word zero), 6 reserved zero words;
 *   slot table: start bit and width of each slot;
 *   payload: base ids, base hashes (8 words each), dead bitmap, per slot its 2^(w−5) bucket
 *     bitmap words, 2^(w−5) + 1 group starts and `count` entry words (see mih-base.ts),
 *     pending ids, pending hashes.
 * Decoding checks magic, version, length, both checksums and the tables' invariants (group
 * starts ascending from 0 to count, positions below count, each group's entries in bucket order
 * and each one's bucket marked in the bitmap, ids strictly ascending), each failure with its own
 * code, so a damaged or foreign file is refused instead of answering wrongly.
 */
import { KhienError } from '../../errors/index.js';
import type { ErrorCode } from '../../errors/index.js';
import { groupCount, POSITION_BITS, POSITION_MASK, type MihBase } from './mih-base.js';
import { MihPdqIndex, type MihOptions } from './mih-pdq-index.js';
import { PACKED_WORDS, unpackPdq } from './packed-hash.js';
import { MAX_SLOT_WIDTH, type SlotLayout } from './slot-layout.js';
import { SnapshotChecksum } from './snapshot-checksum.js';

export const SNAPSHOT_VERSION = 2;
const MAGIC = [0x4549484b, 0x5144504e]; // the bytes "KHIENPDQ" read as little-endian words
const HEADER_WORDS = 16;
const H = { version: 2, headerWords: 3, count: 4, pending: 5, slots: 6, dead: 7, sum: 8, hsum: 9 };

function fail(code: ErrorCode, message: string, details: Record<string, unknown> = {}): never {
  throw new KhienError(code, message, details);
}

function littleEndian(): boolean {
  return new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
}

/** The payload sections of an index, in file order (views, not copies, except where mutable). */
function payloadOf(index: MihPdqIndex): Uint32Array[] {
  const base = index.currentBase();
  const pending = index.pendingEntries();
  const sections = [base.ids.subarray(0, base.count)];
  sections.push(base.hashes.subarray(0, base.count * PACKED_WORDS), base.dead.slice());
  for (let i = 0; i < base.layout.widths.length; i++) {
    sections.push(base.bitmaps[i], base.groupStarts[i], base.entries[i].subarray(0, base.count));
  }
  sections.push(pending.ids, pending.hashes);
  return sections;
}

/** The snapshot of `index` as byte chunks to be written one after another. */
export function encodePdqSnapshot(index: MihPdqIndex): Uint8Array[] {
  if (!littleEndian()) fail('KHIEN_ERR_INTERNAL', 'index snapshots need a little-endian machine');
  const base = index.currentBase();
  const sections = payloadOf(index);
  const sum = new SnapshotChecksum();
  for (const s of sections) sum.update(s);

  const slots = base.layout.widths.length;
  const header = new Uint32Array(HEADER_WORDS + 2 * slots);
  header.set(MAGIC, 0);
  header[H.version] = SNAPSHOT_VERSION;
  header[H.headerWords] = header.length;
  header[H.count] = base.count;
  header[H.pending] = sections[sections.length - 2].length;
  header[H.slots] = slots;
  header[H.dead] = base.deadCount;
  header[H.sum] = sum.digest();
  base.layout.starts.forEach((start, i) => {
    header[HEADER_WORDS + 2 * i] = start;
    header[HEADER_WORDS + 2 * i + 1] = base.layout.widths[i];
  });
  const hsum = new SnapshotChecksum();
  hsum.update(header);
  header[H.hsum] = hsum.digest();
  return [header, ...sections].map((s) => new Uint8Array(s.buffer, s.byteOffset, s.byteLength));
}

/** Reads and checks the header; returns it and the layout. */
function readHeader(words: Uint32Array): [Uint32Array, SlotLayout] {
  if (words.length < HEADER_WORDS || words[0] !== MAGIC[0] || words[1] !== MAGIC[1]) {
    fail('KHIEN_ERR_INDEX_SNAPSHOT_FOREIGN', 'not a Khiên PDQ index snapshot: wrong magic');
  }
  if (words[H.version] !== SNAPSHOT_VERSION) {
    fail(
      'KHIEN_ERR_INDEX_SNAPSHOT_VERSION',
      `index snapshot format version ${words[H.version]}, this build reads ${SNAPSHOT_VERSION}`,
      { version: words[H.version] },
    );
  }
  const slots = words[H.slots];
  const headerWords = words[H.headerWords];
  if (slots < 1 || slots > 64 || headerWords !== HEADER_WORDS + 2 * slots) {
    fail('KHIEN_ERR_INDEX_SNAPSHOT_CORRUPT', 'index snapshot header is inconsistent');
  }
  if (words.length < headerWords) fail('KHIEN_ERR_INDEX_SNAPSHOT_TRUNCATED', 'header cut short');
  const header = words.slice(0, headerWords);
  header[H.hsum] = 0;
  const hsum = new SnapshotChecksum();
  hsum.update(header);
  if (hsum.digest() !== words[H.hsum]) {
    fail('KHIEN_ERR_INDEX_SNAPSHOT_CORRUPT', 'index snapshot header fails its checksum');
  }
  return [header, readLayout(header, slots)];
}

function readLayout(header: Uint32Array, slots: number): SlotLayout {
  const starts: number[] = [];
  const widths: number[] = [];
  let end = 0;
  for (let i = 0; i < slots; i++) {
    const [start, width] = [header[HEADER_WORDS + 2 * i], header[HEADER_WORDS + 2 * i + 1]];
    if (start < end || width < 5 || width > MAX_SLOT_WIDTH || start + width > 256) {
      fail('KHIEN_ERR_INDEX_SNAPSHOT_CORRUPT', `index snapshot slot ${i} is out of range`);
    }
    starts.push(start);
    widths.push(width);
    end = start + width;
  }
  return { starts, widths };
}

/** Cuts the payload into sections of the sizes the header gives. */
function sectionsOf(words: Uint32Array, header: Uint32Array, layout: SlotLayout): Uint32Array[] {
  const count = header[H.count];
  const pending = header[H.pending];
  const sizes = [count, count * PACKED_WORDS, Math.ceil(count / 32) || 1];
  for (const w of layout.widths) sizes.push(groupCount(w), groupCount(w) + 1, count);
  sizes.push(pending, pending * PACKED_WORDS);
  const total = header.length + sizes.reduce((a, b) => a + b, 0);
  if (words.length < total) {
    fail('KHIEN_ERR_INDEX_SNAPSHOT_TRUNCATED', `index snapshot has ${words.length * 4} bytes`, {
      expectedBytes: total * 4,
    });
  }
  if (words.length > total) {
    fail('KHIEN_ERR_INDEX_SNAPSHOT_CORRUPT', 'index snapshot has bytes after its end');
  }
  let at = header.length;
  return sizes.map((size) => {
    const s = words.subarray(at, at + size);
    at += size;
    return s;
  });
}

/** Checks invariants a search relies on to stay in bounds and exact. */
function checkTables(base: MihBase): void {
  const bad = (what: string): never =>
    fail('KHIEN_ERR_INDEX_SNAPSHOT_CORRUPT', `index snapshot ${what} is inconsistent`);
  for (let p = 1; p < base.count; p++) if (base.ids[p] <= base.ids[p - 1]) bad('id order');
  for (let i = 0; i < base.bitmaps.length; i++) {
    const sound = slotTableSound(base.bitmaps[i], base.groupStarts[i], base.entries[i], base.count);
    if (!sound) bad(`slot ${i}`);
  }
}

/** Group starts run from 0 to count; in each group, bucket bits ascend and are all marked. */
function slotTableSound(
  bitmaps: Uint32Array,
  starts: Uint32Array,
  entries: Uint32Array,
  count: number,
): boolean {
  if (starts[0] !== 0 || starts[bitmaps.length] !== count) return false;
  for (let g = 0; g < bitmaps.length; g++) {
    const [bitmap, begin, end] = [bitmaps[g], starts[g], starts[g + 1]];
    if (end < begin) return false;
    let previous = 0;
    for (let k = begin; k < end; k++) {
      const bit = entries[k] >>> POSITION_BITS;
      if (bit < previous || ((bitmap >>> bit) & 1) === 0) return false;
      if ((entries[k] & POSITION_MASK) >= count) return false;
      previous = bit;
    }
  }
  return true;
}

/**
 * Decodes a snapshot held in `bytes` (4-byte aligned). The index's base arrays are views of
 * `bytes`, so put it on a SharedArrayBuffer to let worker threads search it without a copy.
 */
export function decodePdqSnapshot(bytes: Uint8Array, options: MihOptions = {}): MihPdqIndex {
  if (bytes.byteOffset % 4 !== 0) fail('KHIEN_ERR_INTERNAL', 'snapshot bytes must be aligned');
  if (bytes.byteLength % 4 !== 0 && bytes.byteLength >= HEADER_WORDS * 4) {
    fail('KHIEN_ERR_INDEX_SNAPSHOT_TRUNCATED', 'index snapshot length is not whole words');
  }
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
  const [header, layout] = readHeader(words);
  const sections = sectionsOf(words, header, layout);
  const sum = new SnapshotChecksum();
  for (const s of sections) sum.update(s);
  if (sum.digest() !== header[H.sum]) {
    fail('KHIEN_ERR_INDEX_SNAPSHOT_CORRUPT', 'index snapshot fails its checksum');
  }

  const [ids, hashes, dead] = sections;
  const slots = layout.widths.length;
  const slotSection = (i: number, part: number) => sections[3 + 3 * i + part];
  const bitmaps = Array.from({ length: slots }, (_, i) => slotSection(i, 0));
  const groupStarts = Array.from({ length: slots }, (_, i) => slotSection(i, 1));
  const entries = Array.from({ length: slots }, (_, i) => slotSection(i, 2));
  const count = header[H.count];
  const base: MihBase = {
    layout,
    count,
    hashes,
    ids,
    bitmaps,
    groupStarts,
    entries,
    dead,
    deadCount: 0,
  };
  base.deadCount = countBits(dead);
  checkTables(base);

  const index = MihPdqIndex.fromBase(base, options);
  const [pendingIds, pendingHashes] = sections.slice(-2);
  for (let k = 0; k < pendingIds.length; k++) {
    index.add(pendingIds[k], unpackPdq(pendingHashes, k * PACKED_WORDS));
  }
  return index;
}

function countBits(words: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < words.length; i++) {
    let x = words[i];
    while (x !== 0) {
      x &= x - 1;
      n++;
    }
  }
  return n;
}

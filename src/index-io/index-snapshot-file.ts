/**
 * Index snapshot files: the edge around the core's snapshot codec (src/core/index/pdq-snapshot.ts).
 * Saving writes a temporary file beside the target, syncs it and renames it over the target, so
 * a crash leaves either the old snapshot or the new one, never half of one. Loading reads the
 * file straight into a SharedArrayBuffer, which the decoded index uses in place: no copy, and
 * worker threads can search the same memory.
 */
import { closeSync, fsyncSync, openSync, readSync, renameSync, statSync, writeSync } from 'node:fs';
import { unlinkSync } from 'node:fs';
import { KhienError } from '../errors/index.js';
import type { MihOptions, MihPdqIndex } from '../core/index/mih-pdq-index.js';
import { decodePdqSnapshot, encodePdqSnapshot } from '../core/index/pdq-snapshot.js';

/** Writes the snapshot of `index` to `path` atomically; returns the bytes written. */
export function savePdqSnapshot(path: string, index: MihPdqIndex): number {
  const chunks = encodePdqSnapshot(index);
  const temp = `${path}.tmp-${process.pid}`;
  const fd = openSync(temp, 'w');
  let total = 0;
  try {
    for (const chunk of chunks) total += writeAll(fd, chunk);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(temp);
    throw err;
  }
  closeSync(fd);
  renameSync(temp, path);
  return total;
}

function writeAll(fd: number, chunk: Uint8Array): number {
  let at = 0;
  while (at < chunk.byteLength) at += writeSync(fd, chunk, at, chunk.byteLength - at);
  return at;
}

/** Reads the snapshot at `path` into shared memory and decodes it. */
export function loadPdqSnapshot(path: string, options: MihOptions = {}): MihPdqIndex {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (err) {
    throw new KhienError(
      'KHIEN_ERR_NOT_FOUND',
      `no index snapshot at ${path}`,
      { path },
      {
        cause: err,
      },
    );
  }
  const bytes = new Uint8Array(new SharedArrayBuffer(Math.max(size, 4)), 0, size);
  const fd = openSync(path, 'r');
  try {
    let at = 0;
    while (at < size) {
      const n = readSync(fd, bytes, at, Math.min(size - at, 1 << 30), at);
      if (n === 0) break;
      at += n;
    }
  } finally {
    closeSync(fd);
  }
  try {
    return decodePdqSnapshot(bytes, options);
  } catch (err) {
    if (err instanceof KhienError) err.details.path = path;
    throw err;
  }
}

/**
 * Loads expected PDQ values in the fixture CSV shapes (`file,mode,hash,quality` and
 * `file,mode,orig,…,flipminus1,quality`) and compares hashImage against them. Shared by the
 * fixture test (../shared/fixtures, reference output) and the repo's own test/data images.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePdqHex, pdqDistance } from '../src/core/pdq/pdq-hash.js';
import { hashImage, type PdqMode } from '../src/media/image-hasher.js';

/** One expected line: the plain hash, and the 8 dihedral hashes when known. */
export interface Expected {
  file: string;
  mode: PdqMode;
  hash: string;
  quality: number;
  dihedral?: string[];
  dihedralQuality?: number;
}

/** Reads both CSVs and joins them on (file, mode). */
export function loadExpected(plainCsv: string, dihedralCsv: string): Expected[] {
  const plain = csvRows(plainCsv).map(([file, mode, hash, quality]) => ({
    file,
    mode: mode as PdqMode,
    hash,
    quality: Number(quality),
  }));
  const dihedral = new Map(csvRows(dihedralCsv).map((r) => [`${r[0]}|${r[1]}`, r]));
  return plain.map((e) => {
    const d = dihedral.get(`${e.file}|${e.mode}`);
    return d === undefined ? e : { ...e, dihedral: d.slice(2, 10), dihedralQuality: Number(d[10]) };
  });
}

function csvRows(path: string): string[][] {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  return lines.slice(1).map((line) => line.split(','));
}

/** What hashImage gave against what was expected, bit distances included. */
export interface Comparison {
  expected: Expected;
  hash: string;
  quality: number;
  distance: number;
  dihedral: string[];
  dihedralQuality: number;
  /** Largest distance over the 8 dihedral hashes (0 when none expected). */
  dihedralDistance: number;
}

/** Hashes `dir/expected.file` in the expected mode, with dihedral hashes. */
export async function compare(dir: string, expected: Expected): Promise<Comparison> {
  const s = await hashImage(join(dir, expected.file), { mode: expected.mode, dihedral: true });
  const dihedral = s.dihedral ?? [];
  const want = expected.dihedral ?? [];
  const distances = want.map((h, i) => pdqDistance(parsePdqHex(h), parsePdqHex(dihedral[i])));
  return {
    expected,
    hash: s.pdq,
    quality: s.quality,
    distance: pdqDistance(parsePdqHex(s.pdq), parsePdqHex(expected.hash)),
    dihedral,
    dihedralQuality: s.dihedralQuality ?? -1,
    dihedralDistance: Math.max(0, ...distances),
  };
}

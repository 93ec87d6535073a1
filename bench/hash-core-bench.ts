/**
 * `npm run bench:hash-core`: speed of the pure PDQ core (pdqFromPixels) on synthetic RGB24
 * frames, the hot path of both photo hashing and vPDQ. Prints milliseconds per frame and
 * nanoseconds per pixel (median of the rounds, process CPU time, so other load on a shared
 * machine distorts it less than wall time would).
 *
 *   tsx bench/hash-core-bench.ts [--rounds N]
 */
import { parseArgs } from 'node:util';
import { pdqDihedralFromPixels, pdqFromPixels } from '../src/core/pdq/pdq-hasher.js';

const SIZES: Array<[string, number, number]> = [
  ['SD 640×480', 640, 480],
  ['HD 1280×720', 1280, 720],
  ['Full HD 1920×1080', 1920, 1080],
  ['12 MP photo 4000×3000', 4000, 3000],
];

function frame(width: number, height: number): Uint8Array {
  const px = new Uint8Array(width * height * 3);
  for (let i = 0; i < px.length; i++) px[i] = (Math.imul(i, 2654435761) >>> 24) ^ (i >> 9);
  return px;
}

function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function main(): void {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' } } });
  const rounds = Math.max(1, Number(values.rounds));

  for (const [label, w, h] of SIZES) {
    const px = frame(w, h);
    pdqFromPixels(px, w, h, 3); // warm-up
    const plain: number[] = [];
    const dihedral: number[] = [];
    for (let r = 0; r < rounds; r++) {
      plain.push(cpuMs(() => pdqFromPixels(px, w, h, 3)));
      dihedral.push(cpuMs(() => pdqDihedralFromPixels(px, w, h, 3)));
    }
    const ms = median(plain);
    const nsPerPixel = (ms * 1e6) / (w * h);
    console.log(
      `${label.padEnd(24)} plain ${ms.toFixed(1).padStart(7)} ms/frame ` +
        `(${nsPerPixel.toFixed(1)} ns/px), dihedral ${median(dihedral).toFixed(1)} ms/frame`,
    );
  }
}

main();

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BruteForcePdqIndex } from '../index/brute-force-pdq-index.js';
import { MihPdqIndex } from '../index/mih-pdq-index.js';
import type { PdqIndex } from '../index/signal-index.js';
import { pdqDistance, toPdqHex, type PdqHash } from '../pdq/pdq-hash.js';
import type { VpdqFeature } from './vpdq-feature.js';
import { VpdqIndex } from './vpdq-index.js';
import { HMA_VPDQ_OPTIONS, type VpdqMatchOptions } from './vpdq-match-policy.js';

/** A small deterministic generator, so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomHash(next: () => number): PdqHash {
  return Uint16Array.from({ length: 16 }, () => Math.floor(next() * 65536));
}

function flipBits(hash: PdqHash, count: number, next: () => number): PdqHash {
  const out = Uint16Array.from(hash);
  const bits = new Set<number>();
  while (bits.size < count) bits.add(Math.floor(next() * 256));
  for (const bit of bits) out[bit >> 4] ^= 1 << (bit & 15);
  return out;
}

function video(hashes: PdqHash[], qualities: number[] = []): VpdqFeature[] {
  return hashes.map((hash, i) => ({
    frameNumber: i * 30,
    quality: qualities[i] ?? 100,
    hash,
    timestamp: i,
  }));
}

/** The oracle: HMA's semantics spelled out over every pair, with no index. */
function bruteForce(query: VpdqFeature[], banked: VpdqFeature[], o: VpdqMatchOptions) {
  const prepare = (fs: VpdqFeature[]) => {
    const byHex = new Map<string, PdqHash>();
    for (const f of fs) if (f.quality >= o.qualityThreshold) byHex.set(toPdqHex(f.hash), f.hash);
    return [...byHex.values()];
  };
  const q = prepare(query);
  const c = prepare(banked);
  const near = (a: PdqHash, side: PdqHash[]) =>
    side.some((b) => pdqDistance(a, b) <= o.maxDistance);
  const qm = q.filter((a) => near(a, c)).length;
  const cm = c.filter((b) => near(b, q)).length;
  return { query: (100 * qm) / q.length, banked: (100 * cm) / c.length, qm, cm };
}

/** The same cases over each PDQ index: the brute-force oracle and the multi-index one. */
const INDEXES: [string, () => PdqIndex][] = [
  ['brute force', () => new BruteForcePdqIndex()],
  ['multi-index hashing', () => new MihPdqIndex()],
];

for (const [indexName, createIndex] of INDEXES) {
  describe(`VpdqIndex over ${indexName}`, () => {
    test('percentages and decisions equal a brute-force computation', () => {
      const next = rng(7);
      const bank = new VpdqIndex(createIndex);
      const videos: VpdqFeature[][] = [];
      for (let v = 0; v < 6; v++) {
        const frames = Array.from({ length: 20 + v * 3 }, () => randomHash(next));
        frames.push(frames[0], frames[1]); // repeats count once
        const qualities = frames.map((_, i) => (i % 7 === 3 ? 30 : 100)); // some too poor to use
        videos.push(video(frames, qualities));
        bank.add(v, videos[v]);
      }

      // Query: most frames of video 2 within 0..40 bits, some of video 4, some noise.
      const source2 = videos[2].map((f) => f.hash);
      const query = video([
        ...source2.slice(0, 18).map((h, i) => flipBits(h, (i * 7) % 41, next)),
        ...videos[4].slice(0, 4).map((f) => flipBits(f.hash, 10, next)),
        randomHash(next),
        randomHash(next),
      ]);

      const results = bank.search(query);
      assert.deepEqual(
        results.map((r) => r.videoId).sort(),
        [2, 4],
        'only videos sharing a matching frame are reported',
      );
      for (const r of results) {
        const expected = bruteForce(query, videos[r.videoId], HMA_VPDQ_OPTIONS);
        assert.equal(r.queryMatchPercent, expected.query, `video ${r.videoId} query%`);
        assert.equal(r.bankedMatchPercent, expected.banked, `video ${r.videoId} banked%`);
        assert.equal(r.queryMatchedFrames, expected.qm);
        assert.equal(r.bankedMatchedFrames, expected.cm);
        assert.equal(r.isMatch, expected.query >= 80 && expected.banked >= 0);
      }
      assert.equal(results.find((r) => r.videoId === 4)?.isMatch, false);
    });

    test('a query that is a subset of a banked video matches at 100%', () => {
      const next = rng(11);
      const frames = Array.from({ length: 40 }, () => randomHash(next));
      const bank = new VpdqIndex(createIndex);
      bank.add(9, video(frames));

      const clip = video(frames.slice(10, 20).map((h) => flipBits(h, 12, next)));
      const [result] = bank.search(clip);
      assert.equal(result.videoId, 9);
      assert.equal(result.isMatch, true);
      assert.equal(result.queryMatchPercent, 100);
      assert.equal(result.bankedMatchPercent, 25);
      assert.equal(result.queryDistinctFrames, 10);
      assert.equal(result.bankedDistinctFrames, 40);
    });

    test('thresholds are configurable and the distance bound is inclusive', () => {
      const next = rng(3);
      const frames = Array.from({ length: 10 }, () => randomHash(next));
      const strict = { ...HMA_VPDQ_OPTIONS, bankedMatchPercent: 50 };
      const bank = new VpdqIndex(createIndex, strict);
      bank.add(1, video(frames));

      const at31 = video(frames.slice(0, 4).map((h) => flipBits(h, 31, next)));
      const [r] = bank.search(at31);
      assert.equal(r.queryMatchPercent, 100);
      assert.equal(r.bankedMatchPercent, 40);
      assert.equal(r.isMatch, false, '40% of the banked video is under the 50% asked');

      const at32 = video(frames.slice(0, 4).map((h) => flipBits(h, 32, next)));
      assert.deepEqual(bank.search(at32), []);
    });

    test('segments follow the matching stretches of the query', () => {
      const next = rng(5);
      const frames = Array.from({ length: 10 }, () => randomHash(next));
      const bank = new VpdqIndex(createIndex);
      bank.add(1, video(frames));

      // Frames 0-2 match, 3-4 do not, 5 is too poor to count, 6-7 match.
      const hashes = [...frames.slice(0, 3), randomHash(next), randomHash(next), frames[5]];
      hashes.push(frames[6], frames[7]);
      const query = video(hashes, [100, 100, 100, 100, 100, 10, 100, 100]);
      const [r] = bank.search(query);
      assert.deepEqual(
        r.segments.map((s) => [s.firstFrame, s.lastFrame, s.start, s.end, s.frames]),
        [
          [0, 60, 0, 2, 3],
          [180, 210, 6, 7, 2],
        ],
      );
      assert.equal(r.queryMatchPercent, (100 * 5) / 7);
    });

    test('removed videos stop matching; an empty query matches nothing', () => {
      const next = rng(9);
      const frames = Array.from({ length: 5 }, () => randomHash(next));
      const bank = new VpdqIndex(createIndex);
      bank.add(1, video(frames));
      bank.add(2, video(frames));
      assert.equal(bank.search(video(frames)).length, 2);
      assert.equal(bank.remove(1), true);
      assert.equal(bank.remove(1), false);
      assert.deepEqual(
        bank.search(video(frames)).map((r) => r.videoId),
        [2],
      );
      assert.deepEqual(bank.search(video(frames, [0, 0, 0, 0, 0])), []);
    });

    test('out-of-range options are refused with what was expected', () => {
      const make = (o: Partial<VpdqMatchOptions>) =>
        new VpdqIndex(createIndex, { ...HMA_VPDQ_OPTIONS, ...o });
      assert.throws(
        () => make({ maxDistance: 64 }),
        /maxDistance must be an integer 0..63, got 64/,
      );
      assert.throws(() => make({ queryMatchPercent: 101 }), /queryMatchPercent/);
    });
  });
}

/**
 * The vPDQ match policy, with HMA's semantics as defaults (python-threatexchange
 * extensions/vpdq: vpdq_index.VPDQIndex.query and vpdq_util.prepare_vpdq_feature):
 *
 * 1. each side keeps its frames of quality >= 50, then drops repeated hashes (first kept);
 * 2. a query frame matches when any frame of the banked video is within distance 31;
 * 3. query% = matched distinct query frames / distinct query frames, and banked% the same from
 *    the banked video's side;
 * 4. the video matches when query% >= 80 and banked% >= 0.
 *
 * The 80% applies to the query (the uploaded video), as HMA decides; the vPDQ README's prose puts
 * it on the other side. docs/vpdq.md explains the choice.
 */
import { KhienError } from '../../errors/index.js';
import { toPdqHex } from '../pdq/pdq-hash.js';
import type { VpdqFeature } from './vpdq-feature.js';

/** The knobs of a vPDQ comparison. */
export interface VpdqMatchOptions {
  /** Largest Hamming distance at which two frames match (inclusive), 0..63. */
  readonly maxDistance: number;
  /** Frames below this PDQ quality are ignored on both sides, 0..100. */
  readonly qualityThreshold: number;
  /** Share of the query's distinct frames that must match, 0..100. */
  readonly queryMatchPercent: number;
  /** Share of the banked video's distinct frames that must match, 0..100. */
  readonly bankedMatchPercent: number;
}

/** HMA's defaults: distance 31, quality 50, 80% of the query, 0% of the banked video. */
export const HMA_VPDQ_OPTIONS: VpdqMatchOptions = Object.freeze({
  maxDistance: 31,
  qualityThreshold: 50,
  queryMatchPercent: 80,
  bankedMatchPercent: 0,
});

/** Checks each option's range; KHIEN_ERR_INVALID_ARGUMENT names the first that is out. */
export function checkVpdqMatchOptions(options: VpdqMatchOptions): VpdqMatchOptions {
  const ranges: [keyof VpdqMatchOptions, number, number, boolean][] = [
    ['maxDistance', 0, 63, true],
    ['qualityThreshold', 0, 100, true],
    ['queryMatchPercent', 0, 100, false],
    ['bankedMatchPercent', 0, 100, false],
  ];
  for (const [name, min, max, integer] of ranges) {
    const value = options[name];
    const ok = Number.isFinite(value) && value >= min && value <= max;
    if (!ok || (integer && !Number.isInteger(value))) {
      const kind = integer ? 'an integer' : 'a number';
      throw new KhienError(
        'KHIEN_ERR_INVALID_ARGUMENT',
        `${name} must be ${kind} ${min}..${max}, got ${value}`,
        { [name]: value },
      );
    }
  }
  return options;
}

/**
 * The frames that take part in matching: quality >= threshold, then the first frame of each
 * distinct hash (HMA's index path filters before it de-duplicates).
 */
export function distinctGoodFrames(
  features: readonly VpdqFeature[],
  qualityThreshold: number,
): VpdqFeature[] {
  const seen = new Set<string>();
  const kept: VpdqFeature[] = [];
  for (const feature of features) {
    if (feature.quality < qualityThreshold) continue;
    const hex = toPdqHex(feature.hash);
    if (seen.has(hex)) continue;
    seen.add(hex);
    kept.push(feature);
  }
  return kept;
}

/** 100 × matched / total as a double, 0 when there is nothing to match (as the reference). */
export function matchPercent(matched: number, total: number): number {
  return total === 0 ? 0 : (100 * matched) / total;
}

/**
 * HMA's decision. An empty side (no frame left after filtering) never matches: HMA's index
 * returns nothing then.
 */
export function isVpdqMatch(
  queryPercent: number,
  bankedPercent: number,
  queryFrames: number,
  bankedFrames: number,
  options: VpdqMatchOptions,
): boolean {
  if (queryFrames === 0 || bankedFrames === 0) return false;
  return queryPercent >= options.queryMatchPercent && bankedPercent >= options.bankedMatchPercent;
}

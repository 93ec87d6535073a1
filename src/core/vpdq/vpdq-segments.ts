/**
 * Where in the query a banked video was found: maximal runs of consecutive query frames that
 * match, each with its first and last frame and timestamp, in the manner of Project Arachnid's
 * Shield API. Frames below the quality threshold carry no evidence either way, so they neither
 * end nor start a run; a frame of good quality that does not match ends it.
 */
import { toPdqHex } from '../pdq/pdq-hash.js';
import type { VpdqFeature } from './vpdq-feature.js';

/** A stretch of the query that matches a banked video. */
export interface VpdqSegment {
  readonly firstFrame: number;
  readonly lastFrame: number;
  /** Seconds, as the frames' timestamps. */
  readonly start: number;
  readonly end: number;
  /** Number of matching query frames in the stretch (repeats included). */
  readonly frames: number;
}

/**
 * The matching runs of `query` (in frame order), given the hex hashes of its distinct frames
 * that matched and the quality threshold used for matching.
 */
export function matchedSegments(
  query: readonly VpdqFeature[],
  matchedHexes: ReadonlySet<string>,
  qualityThreshold: number,
): VpdqSegment[] {
  const ordered = [...query].sort((a, b) => a.frameNumber - b.frameNumber);
  const segments: VpdqSegment[] = [];
  let first: VpdqFeature | null = null;
  let last: VpdqFeature | null = null;
  let frames = 0;

  const close = () => {
    if (first !== null && last !== null) segments.push(segment(first, last, frames));
    first = last = null;
    frames = 0;
  };

  for (const feature of ordered) {
    if (feature.quality < qualityThreshold) continue;
    if (!matchedHexes.has(toPdqHex(feature.hash))) {
      close();
      continue;
    }
    first ??= feature;
    last = feature;
    frames++;
  }
  close();
  return segments;
}

function segment(first: VpdqFeature, last: VpdqFeature, frames: number): VpdqSegment {
  return {
    firstFrame: first.frameNumber,
    lastFrame: last.frameNumber,
    start: first.timestamp,
    end: last.timestamp,
    frames,
  };
}

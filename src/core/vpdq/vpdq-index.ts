/**
 * Matching a query video against many banked videos at once. Every distinct good frame of every
 * banked video goes into one PDQ range index (the PdqIndex interface, so the fast multi-index
 * hashing index drops in); a query runs one range search per distinct query frame and counts,
 * per banked video, which query frames and which banked frames took part in a match. This is the
 * candidate stage of HMA's VPDQIndex (a FAISS range search per frame), which gives the same
 * percentages as brute force over the de-duplicated frame sets.
 */
import { KhienError } from '../../errors/index.js';
import type { PdqIndex } from '../index/signal-index.js';
import { toPdqHex } from '../pdq/pdq-hash.js';
import type { VpdqFeature } from './vpdq-feature.js';
import {
  checkVpdqMatchOptions,
  distinctGoodFrames,
  HMA_VPDQ_OPTIONS,
  isVpdqMatch,
  matchPercent,
  type VpdqMatchOptions,
} from './vpdq-match-policy.js';
import { matchedSegments, type VpdqSegment } from './vpdq-segments.js';

/** The comparison of a query with one banked video that shares at least one matching frame. */
export interface VpdqVideoMatch {
  readonly videoId: number;
  /** HMA's decision under the index's options. */
  readonly isMatch: boolean;
  readonly queryMatchPercent: number;
  readonly bankedMatchPercent: number;
  readonly queryMatchedFrames: number;
  readonly queryDistinctFrames: number;
  readonly bankedMatchedFrames: number;
  readonly bankedDistinctFrames: number;
  /** The stretches of the query that match, in order. */
  readonly segments: VpdqSegment[];
}

interface BankedVideo {
  readonly frameIds: number[];
}

interface FrameRef {
  readonly videoId: number;
  readonly slot: number;
}

/** Per-video tallies gathered during one query. */
interface Tally {
  readonly queryHexes: Set<string>;
  readonly bankedSlots: Set<number>;
}

/** A bank of vPDQ signals searchable by video, over any PdqIndex. */
export class VpdqIndex {
  readonly options: VpdqMatchOptions;
  private readonly frames: PdqIndex;
  private readonly videos = new Map<number, BankedVideo>();
  private readonly refs = new Map<number, FrameRef>();
  private nextFrameId = 0;

  /** `createIndex` makes the PDQ index holding the banked frames. */
  constructor(createIndex: () => PdqIndex, options: VpdqMatchOptions = HMA_VPDQ_OPTIONS) {
    this.options = checkVpdqMatchOptions(options);
    this.frames = createIndex();
  }

  /** Number of banked videos. */
  get size(): number {
    return this.videos.size;
  }

  /** Banks `features` under `videoId` (replacing what was there). */
  add(videoId: number, features: readonly VpdqFeature[]): void {
    this.remove(videoId);
    const good = distinctGoodFrames(features, this.options.qualityThreshold);
    const frameIds: number[] = [];
    for (let slot = 0; slot < good.length; slot++) {
      const id = this.allocateFrameId();
      this.frames.add(id, good[slot].hash);
      this.refs.set(id, { videoId, slot });
      frameIds.push(id);
    }
    this.videos.set(videoId, { frameIds });
  }

  /** Removes a banked video; false when it was not there. */
  remove(videoId: number): boolean {
    const video = this.videos.get(videoId);
    if (video === undefined) return false;
    for (const id of video.frameIds) {
      this.frames.remove(id);
      this.refs.delete(id);
    }
    this.videos.delete(videoId);
    return true;
  }

  /**
   * Every banked video sharing at least one matching frame with `query`, best query% first,
   * each with HMA's decision, both percentages and the matching segments of the query.
   */
  search(query: readonly VpdqFeature[]): VpdqVideoMatch[] {
    const good = distinctGoodFrames(query, this.options.qualityThreshold);
    const tallies = this.tally(good);

    const results: VpdqVideoMatch[] = [];
    for (const [videoId, tally] of tallies) {
      results.push(this.result(videoId, tally, query, good.length));
    }
    return results.sort(
      (a, b) => b.queryMatchPercent - a.queryMatchPercent || a.videoId - b.videoId,
    );
  }

  private tally(good: readonly VpdqFeature[]): Map<number, Tally> {
    const tallies = new Map<number, Tally>();
    for (const frame of good) {
      const hex = toPdqHex(frame.hash);
      for (const hit of this.frames.search(frame.hash, this.options.maxDistance)) {
        const ref = this.refs.get(hit.id);
        if (ref === undefined) continue;
        let tally = tallies.get(ref.videoId);
        if (tally === undefined) {
          tally = { queryHexes: new Set(), bankedSlots: new Set() };
          tallies.set(ref.videoId, tally);
        }
        tally.queryHexes.add(hex);
        tally.bankedSlots.add(ref.slot);
      }
    }
    return tallies;
  }

  private result(
    videoId: number,
    tally: Tally,
    query: readonly VpdqFeature[],
    queryDistinct: number,
  ): VpdqVideoMatch {
    const bankedDistinct = this.videos.get(videoId)?.frameIds.length ?? 0;
    const queryPercent = matchPercent(tally.queryHexes.size, queryDistinct);
    const bankedPercent = matchPercent(tally.bankedSlots.size, bankedDistinct);
    const o = this.options;
    return {
      videoId,
      isMatch: isVpdqMatch(queryPercent, bankedPercent, queryDistinct, bankedDistinct, o),
      queryMatchPercent: queryPercent,
      bankedMatchPercent: bankedPercent,
      queryMatchedFrames: tally.queryHexes.size,
      queryDistinctFrames: queryDistinct,
      bankedMatchedFrames: tally.bankedSlots.size,
      bankedDistinctFrames: bankedDistinct,
      segments: matchedSegments(query, tally.queryHexes, o.qualityThreshold),
    };
  }

  private allocateFrameId(): number {
    if (this.nextFrameId > 0xffffffff) {
      throw new KhienError('KHIEN_ERR_INTERNAL', 'the vPDQ index ran out of 32-bit frame ids');
    }
    return this.nextFrameId++;
  }
}

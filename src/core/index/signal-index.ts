/**
 * The interfaces every match index implements. Ids are the caller's unsigned 32-bit integers
 * (a banked signal's row id); the index keeps no other metadata. Indexes are pure: no I/O.
 * Implementations live beside this file; one shared test suite runs them all against brute force.
 */
import type { PdqHash } from '../pdq/pdq-hash.js';

/** One banked hash within range of a query. */
export interface RangeMatch {
  readonly id: number;
  readonly distance: number;
}

/** A range match of one of a query's dihedral variants (0 = original, reference order). */
export interface DihedralMatch extends RangeMatch {
  readonly variant: number;
}

/** An exact range index over 256-bit PDQ hashes. */
export interface PdqIndex {
  /** Number of live (added and not removed) entries. */
  readonly size: number;
  /** Adds `hash` under `id`; matchable as soon as this returns. Re-adding an id replaces it. */
  add(id: number, hash: PdqHash): void;
  /** Removes `id`; false when it was not present. Stops matching as soon as this returns. */
  remove(id: number): boolean;
  /** Every live entry within `maxDistance` (0..63) of `query`: no misses, no false hits. */
  search(query: PdqHash, maxDistance: number): RangeMatch[];
  /**
   * Every live entry within `maxDistance` of any of the `variants` (up to 8), each reported
   * once with its smallest distance and the variant that gave it.
   */
  searchAny(variants: readonly PdqHash[], maxDistance: number): DihedralMatch[];
}

/** An exact-match index over fixed-length digests (MD5, SHA-1, SHA-256). */
export interface DigestIndex {
  readonly size: number;
  add(id: number, digest: Uint8Array): void;
  remove(id: number): boolean;
  /** Ids whose digest equals `digest`. */
  lookup(digest: Uint8Array): number[];
}

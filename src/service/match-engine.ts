/**
 * MatchEngine: the in-memory side of matching. It holds every confirmed signal in one PDQ index
 * and one exact index per digest type, plus, per signal id, its type and bank, packed in typed
 * arrays (a million signals cost a few MB here on top of the indexes). Entry details are read
 * from the store only for the few hits, which also re-checks that the entry is still confirmed.
 */
import { ExactDigestIndex } from '../core/index/exact-digest-index.js';
import { MihPdqIndex } from '../core/index/mih-pdq-index.js';
import { PACKED_WORDS, packPdqInto } from '../core/index/packed-hash.js';
import type { DigestIndex, DihedralMatch, PdqIndex } from '../core/index/signal-index.js';
import { parsePdqHex, type PdqHash } from '../core/pdq/pdq-hash.js';
import type { CandidateHit } from '../core/policy/match-policy.js';
import { hexBytes } from './signal-input.js';
import type { SignalType, Verdicts } from './types.js';

type DigestType = 'md5' | 'sha1' | 'sha256';

/**
 * Runs PDQ searches off the event loop (src/index-io/search-lane.ts, a worker thread), with the
 * same answers as `index.searchAny`.
 */
export interface PdqSearchOffload {
  search(
    index: MihPdqIndex,
    variants: readonly PdqHash[],
    maxDistance: number,
  ): Promise<DihedralMatch[]>;
  close(): Promise<void>;
}

/** Makes the indexes the engine holds; the fast PDQ index drops in here. */
export interface IndexFactory {
  pdq(): PdqIndex;
  digest(type: DigestType): DigestIndex;
  /** Bulk build from ids and packed hashes (PACKED_WORDS per id), for the load at start. */
  buildPdq?(ids: Uint32Array, packed: Uint32Array): PdqIndex;
}

const DIGEST_BYTES = { md5: 16, sha1: 20, sha256: 32 } as const;

/** The multi-index-hashing PDQ index (exact) and hash-table digest indexes. */
export const DEFAULT_INDEX_FACTORY: IndexFactory = {
  pdq: () => new MihPdqIndex(),
  digest: (type) => new ExactDigestIndex(DIGEST_BYTES[type]),
  buildPdq: (ids, packed) => MihPdqIndex.build(ids, packed),
};

const TYPE_CODES: readonly SignalType[] = ['pdq', 'md5', 'sha1', 'sha256'];

/** What a match reports about the entry behind a signal; cached per signal id. */
export interface HitInfo {
  readonly entryId: string;
  readonly verdicts: Verdicts;
  readonly confirmations: number;
}

/** Entries remembered for hits; the oldest are forgotten first. */
const HIT_CACHE_SIZE = 100_000;

/**
 * How long a cached hit is trusted. Changes made through this process invalidate at once and
 * status changes elsewhere arrive through the sync; this bounds what neither sees (another
 * process adding a confirmation to an already confirmed entry changes no status).
 */
const HIT_CACHE_MS = 5000;

/** A confirmed signal as the engine indexes it. */
export interface IndexedSignal {
  readonly id: number;
  readonly type: SignalType;
  readonly value: string;
  readonly bankId: string;
}

export class MatchEngine {
  private pdq: PdqIndex;
  private readonly digests: Record<DigestType, DigestIndex>;
  private typeOf = new Uint8Array(1024);
  private bankOf = new Uint16Array(1024);
  private readonly bankIds: string[] = [''];
  private readonly bankIndex = new Map<string, number>();
  private readonly hits = new Map<number, { info: HitInfo; at: number }>();
  private offload: PdqSearchOffload | null = null;

  /** `enabled: false` (CLI commands that never match) makes adds and removes no-ops. */
  constructor(
    private readonly factory: IndexFactory = DEFAULT_INDEX_FACTORY,
    private readonly enabled = true,
  ) {
    this.pdq = factory.pdq();
    this.digests = {
      md5: factory.digest('md5'),
      sha1: factory.digest('sha1'),
      sha256: factory.digest('sha256'),
    };
  }

  /** False when built for a process that never matches (adds are dropped). */
  get isEnabled(): boolean {
    return this.enabled;
  }

  /** Live signals in the engine. */
  get size(): number {
    return (
      this.pdq.size + this.digests.md5.size + this.digests.sha1.size + this.digests.sha256.size
    );
  }

  /**
   * A loader for an empty engine: PDQ hashes are packed straight into typed arrays as they
   * come (no per-signal objects kept) and built into the index in one go by `finish()`, far
   * faster than a million single adds; digests are added as they come.
   */
  bulkLoader(): { add(signal: IndexedSignal): void; finish(): number } {
    if (!this.factory.buildPdq || this.size > 0 || !this.enabled) {
      let n = 0;
      return { add: (sig) => (this.add(sig), n++), finish: () => n };
    }
    const build = this.factory.buildPdq;
    let ids: Uint32Array = new Uint32Array(1 << 16);
    let packed: Uint32Array = new Uint32Array(ids.length * PACKED_WORDS);
    let n = 0;
    let others = 0;
    const add = (sig: IndexedSignal): void => {
      if (sig.type !== 'pdq') {
        this.add(sig);
        others += 1;
        return;
      }
      if (n === ids.length) [ids, packed] = [grown(ids, 2 * n), grown(packed, 2 * packed.length)];
      ids[n] = sig.id;
      packPdqInto(parsePdqHex(sig.value), packed, n * PACKED_WORDS);
      this.track(sig);
      n += 1;
    };
    const finish = (): number => {
      this.pdq = build(ids.subarray(0, n), packed.subarray(0, n * PACKED_WORDS));
      return n + others;
    };
    return { add, finish };
  }

  /** Makes the signal matchable (replacing any earlier value of the same id). */
  add(signal: IndexedSignal): void {
    if (!this.enabled) return;
    this.hits.delete(signal.id);
    this.remove(signal.id);
    this.grow(signal.id);
    if (signal.type === 'pdq') this.pdq.add(signal.id, parsePdqHex(signal.value));
    else this.digests[signal.type].add(signal.id, hexBytes(signal.value));
    this.track(signal);
  }

  private track(signal: IndexedSignal): void {
    this.grow(signal.id);
    this.typeOf[signal.id] = TYPE_CODES.indexOf(signal.type) + 1;
    this.bankOf[signal.id] = this.internBank(signal.bankId);
  }

  /** The cached entry behind a hit signal, if any. */
  cachedHit(id: number): HitInfo | undefined {
    const cached = this.hits.get(id);
    if (cached === undefined || performance.now() - cached.at > HIT_CACHE_MS) return undefined;
    return cached.info;
  }

  /** Remembers the entry behind a hit signal (forgotten when the signal or entry changes). */
  cacheHit(id: number, info: HitInfo): void {
    if (!this.enabled || this.typeOf[id] === 0) return;
    if (this.hits.size >= HIT_CACHE_SIZE) this.hits.delete(this.hits.keys().next().value!);
    this.hits.delete(id);
    this.hits.set(id, { info, at: performance.now() });
  }

  /** Forgets cached entry details (an entry's status, confirmations or verdicts changed). */
  invalidate(id: number): void {
    this.hits.delete(id);
  }

  /** Stops the signal matching; false when it was not in the engine. */
  remove(id: number): boolean {
    this.hits.delete(id);
    const code = id < this.typeOf.length ? this.typeOf[id] : 0;
    if (code === 0) return false;
    const type = TYPE_CODES[code - 1];
    if (type === 'pdq') this.pdq.remove(id);
    else this.digests[type].remove(id);
    this.typeOf[id] = 0;
    return true;
  }

  /** Searches PDQ queries through `offload` from now on (null: on the calling thread). */
  useSearchOffload(offload: PdqSearchOffload | null): void {
    this.offload = offload;
  }

  /** Hits of one PDQ query (with its dihedral variants, if given) within `maxDistance`. */
  searchPdq(variants: readonly PdqHash[], maxDistance: number): CandidateHit[] {
    const raw =
      variants.length === 1
        ? this.pdq.search(variants[0], maxDistance).map((m) => ({ ...m, variant: 0 }))
        : this.pdq.searchAny(variants, maxDistance);
    return this.toCandidates(raw);
  }

  /** searchPdq, through the search offload when there is one (the HTTP match path). */
  async searchPdqOffloaded(
    variants: readonly PdqHash[],
    maxDistance: number,
  ): Promise<CandidateHit[]> {
    if (this.offload === null || !(this.pdq instanceof MihPdqIndex)) {
      return this.searchPdq(variants, maxDistance);
    }
    return this.toCandidates(await this.offload.search(this.pdq, variants, maxDistance));
  }

  private toCandidates(raw: readonly DihedralMatch[]): CandidateHit[] {
    return raw.map((m) => ({
      signalId: m.id,
      bankId: this.bankIds[this.bankOf[m.id]],
      distance: m.distance,
      variant: m.variant,
    }));
  }

  /** Hits of one digest query (exact). */
  searchDigest(type: DigestType, hex: string): CandidateHit[] {
    return this.digests[type].lookup(hexBytes(hex)).map((id) => ({
      signalId: id,
      bankId: this.bankIds[this.bankOf[id]],
      distance: 0,
      variant: 0,
    }));
  }

  private internBank(bankId: string): number {
    let i = this.bankIndex.get(bankId);
    if (i === undefined) {
      i = this.bankIds.push(bankId) - 1;
      this.bankIndex.set(bankId, i);
    }
    return i;
  }

  private grow(id: number): void {
    if (id < this.typeOf.length) return;
    let n = this.typeOf.length;
    while (n <= id) n *= 2;
    const types = new Uint8Array(n);
    types.set(this.typeOf);
    const banks = new Uint16Array(n);
    banks.set(this.bankOf);
    this.typeOf = types;
    this.bankOf = banks;
  }
}

function grown(a: Uint32Array, length: number): Uint32Array {
  const out = new Uint32Array(length);
  out.set(a);
  return out;
}

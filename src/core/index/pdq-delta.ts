/**
 * PdqDelta: the insertion buffer in front of a MihBase. New hashes land here and are matchable
 * as soon as `add` returns; a search scans the whole buffer (a few thousand hashes, tens of
 * microseconds) until compaction moves them into the base.
 */
import { PACKED_WORDS, packPdqInto } from './packed-hash.js';
import type { PdqHash } from '../pdq/pdq-hash.js';

export class PdqDelta {
  /** Slots used, live or removed. */
  count = 0;
  /** Live entries. */
  live = 0;
  hashes = new Uint32Array(64 * PACKED_WORDS);
  ids = new Uint32Array(64);
  dead = new Uint8Array(64);
  private readonly positions = new Map<number, number>();

  /** True when `id` is live here. */
  has(id: number): boolean {
    return this.positions.has(id);
  }

  /** Appends `hash` under `id` (the caller has removed any earlier entry of `id`). */
  add(id: number, hash: PdqHash): void {
    if (this.count === this.ids.length) this.grow();
    packPdqInto(hash, this.hashes, this.count * PACKED_WORDS);
    this.ids[this.count] = id;
    this.positions.set(id, this.count);
    this.count++;
    this.live++;
  }

  /** Removes `id`; false when it is not live here. */
  remove(id: number): boolean {
    const p = this.positions.get(id);
    if (p === undefined) return false;
    this.positions.delete(id);
    this.dead[p] = 1;
    this.live--;
    return true;
  }

  /** Live entries as [id, position] pairs in ascending id order. */
  liveSortedById(): Array<[number, number]> {
    return [...this.positions].sort((a, b) => a[0] - b[0]);
  }

  private grow(): void {
    const size = this.ids.length * 2;
    const hashes = new Uint32Array(size * PACKED_WORDS);
    hashes.set(this.hashes);
    const ids = new Uint32Array(size);
    ids.set(this.ids);
    const dead = new Uint8Array(size);
    dead.set(this.dead);
    [this.hashes, this.ids, this.dead] = [hashes, ids, dead];
  }
}

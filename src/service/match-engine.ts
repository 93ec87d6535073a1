/**
 * MatchEngine: the in-memory side of matching. Placeholder surface; filled in below.
 */
import type { DigestIndex, PdqIndex } from '../core/index/signal-index.js';

/** Makes the indexes the engine holds; the fast PDQ index drops in here. */
export interface IndexFactory {
  pdq(): PdqIndex;
  digest(type: 'md5' | 'sha1' | 'sha256'): DigestIndex;
}

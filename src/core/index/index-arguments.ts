/**
 * Argument checks shared by every index, so all implementations refuse the same bad input with
 * the same coded error (KHIEN_ERR_INVALID_ARGUMENT) and the same wording.
 */
import { KhienError } from '../../errors/index.js';
import { PDQ_WORDS, type PdqHash } from '../pdq/pdq-hash.js';

/** Largest radius any index accepts; the match threshold is 31, the reference MIH stops at 63. */
export const MAX_SEARCH_DISTANCE = 63;

/** Most dihedral variants a query may carry (the 8 symmetries of the square). */
export const MAX_VARIANTS = 8;

function invalid(message: string, details: Record<string, unknown>): KhienError {
  return new KhienError('KHIEN_ERR_INVALID_ARGUMENT', message, details);
}

/** The largest id an index holds: ids are the caller's unsigned 32-bit row ids. */
export const MAX_INDEX_ID = 0xffffffff;

export function checkId(id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > MAX_INDEX_ID) {
    throw invalid(`an index id must be an integer 0..${MAX_INDEX_ID}, got ${String(id)}`, { id });
  }
}

/** The search radius must be an integer 0..63. */
export function checkMaxDistance(maxDistance: number): void {
  if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > MAX_SEARCH_DISTANCE) {
    throw invalid(
      `max_distance must be an integer 0..${MAX_SEARCH_DISTANCE}, got ${String(maxDistance)}`,
      { maxDistance },
    );
  }
}

/** A PDQ hash must be a Uint16Array of 16 words. */
export function checkPdqHash(hash: PdqHash): void {
  if (!(hash instanceof Uint16Array) || hash.length !== PDQ_WORDS) {
    const got = hash instanceof Uint16Array ? `${hash.length} words` : typeof hash;
    throw invalid(`a PDQ hash must be a Uint16Array of ${PDQ_WORDS} words, got ${got}`, {});
  }
}

/** A dihedral query carries 1..8 hashes. */
export function checkVariants(variants: readonly PdqHash[]): void {
  if (!Array.isArray(variants) || variants.length < 1 || variants.length > MAX_VARIANTS) {
    const got = Array.isArray(variants) ? `${variants.length}` : typeof variants;
    throw invalid(`a dihedral query needs 1..${MAX_VARIANTS} variants, got ${got}`, {});
  }
  for (const v of variants) checkPdqHash(v);
}

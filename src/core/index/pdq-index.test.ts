import { runPdqIndexSuite } from './pdq-index-suite.js';
import { BruteForcePdqIndex } from './brute-force-pdq-index.js';
import { MihPdqIndex } from './mih-pdq-index.js';
import { PACKED_WORDS, packPdqInto } from './packed-hash.js';
import type { PdqHash } from '../pdq/pdq-hash.js';

type Entries = ReadonlyArray<readonly [number, PdqHash]>;

function packed(entries: Entries): [Uint32Array, Uint32Array] {
  const ids = Uint32Array.from(entries, ([id]) => id);
  const hashes = new Uint32Array(entries.length * PACKED_WORDS);
  entries.forEach(([, hash], i) => packPdqInto(hash, hashes, i * PACKED_WORDS));
  return [ids, hashes];
}

function added<T extends { add(id: number, hash: PdqHash): void }>(index: T, entries: Entries): T {
  for (const [id, hash] of entries) index.add(id, hash);
  return index;
}

runPdqIndexSuite('brute force', (entries) => added(new BruteForcePdqIndex(), entries));

runPdqIndexSuite('MIH built in bulk', (entries) => MihPdqIndex.build(...packed(entries)));

runPdqIndexSuite('MIH 11 slots, built', (entries) =>
  MihPdqIndex.build(...packed(entries), { slots: 11 }),
);

runPdqIndexSuite('MIH 12 slots, added one by one (delta only)', (entries) =>
  added(new MihPdqIndex({ slots: 12, deltaLimit: 1e9 }), entries),
);

runPdqIndexSuite('MIH with live compaction in slices', (entries) =>
  added(new MihPdqIndex({ deltaLimit: 64, slicesPerWrite: 1 }), entries),
);

runPdqIndexSuite('MIH added then compacted', (entries) => {
  const index = added(new MihPdqIndex({ deltaLimit: 1e9 }), entries);
  index.compact();
  return index;
});

runPdqIndexSuite('MIH 16 slots × 16 bits (the reference layout)', (entries) =>
  MihPdqIndex.build(...packed(entries), { slots: 16, slotWidth: 16 }),
);

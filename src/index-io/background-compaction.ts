/**
 * Drives a MihPdqIndex's compaction in the background: one slice per turn of the event loop
 * (setImmediate), so queries and other callbacks run between slices and none waits for a
 * rebuild. Writes to the index also advance a pending compaction a slice at a time; this job
 * finishes it when the index is otherwise idle. Start it after bulk writes, or on a timer.
 */
import type { MihPdqIndex } from '../core/index/mih-pdq-index.js';

/** Runs slices until no compaction is pending; resolves with the number of slices run. */
export function runBackgroundCompaction(index: MihPdqIndex): Promise<number> {
  return new Promise((resolve, reject) => {
    let slices = 0;
    const step = (): void => {
      try {
        slices++;
        if (index.compactStep()) resolve(slices);
        else setImmediate(step);
      } catch (err) {
        reject(err);
      }
    };
    setImmediate(step);
  });
}

/**
 * What every use case module shares: the store, the frozen config, the clock, the match engine,
 * the bank directory and the image hasher. KhienService builds one and passes it down.
 */
import type { Config } from '../config/index.js';
import type { Store } from '../store/open-store.js';
import type { BankDirectory } from './bank-directory.js';
import type { HashImage } from './image-hashing.js';
import type { MatchEngine } from './match-engine.js';
import type { MatchRecorder } from './match-recorder.js';

export interface ServiceContext {
  readonly store: Store;
  readonly config: Config;
  readonly engine: MatchEngine;
  readonly banks: BankDirectory;
  readonly recorder: MatchRecorder;
  readonly hashImage: HashImage | undefined;
  /** The current time as stored: ISO 8601 UTC. */
  now(): string;
}

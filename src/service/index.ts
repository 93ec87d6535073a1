/**
 * The application service: import KhienService and its types from here.
 */
export { KhienService, type KhienServiceDeps } from './khien-service.js';
export type { HashImage, ImageSignals } from './image-hashing.js';
export { DEFAULT_INDEX_FACTORY, type IndexFactory } from './match-engine.js';
export * from './types.js';

// libs/scoring: the pure TypeScript engine. No Nest, no TypeORM, no I/O.
export * from './signals';
export * from './reasons';
export * from './policy';
export * from './engine/types';
export { assess, fuse, DETECTORS } from './engine/engine';
export type { Detector, DetectorOutput } from './detectors/detector';
export { fitTypingProfile, typingAnomaly } from './typing';
export type { KeyTiming, TypingProfile } from './typing';

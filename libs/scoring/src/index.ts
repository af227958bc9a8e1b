// libs/scoring: the pure TypeScript engine. No Nest, no TypeORM, no I/O.
export * from './reasons';
export * from './policy';
export * from './types';
export { assess, fuse, DETECTORS } from './engine/engine';
export type { Detector, DetectorOutput } from './detectors/detector';
export {
  fitTypingProfile,
  keyTimingsFromField,
  typingAnomaly,
  learnTypingProfile,
  parseTypingAccountProfile,
  typingState,
  type TypingProfileState,
} from './typing';
export type { KeyTiming, TypingProfile, TypingAccountProfile } from './typing';
export {
  inputModality,
  learnModalTypingProfile,
  parseModalTypingProfile,
  typingProfileFor,
  activeTypingModalities,
  TYPING_MODALITIES,
} from './modality';
export type { InputModality, TypingModality, PointerModality, ModalTypingProfile } from './modality';
export { learnPointerProfile, parsePointerProfile, pointerFeatures, pointerBotTraits } from './pointer';
export type { PointerAccountProfile, PointerFeatures } from './pointer';
export { deviceSimilarity, matchDevice, deviceStatusOf, type DeviceCandidate } from './device/device-match';
export { distanceKm, isHostingNetwork, HOSTING_ASNS } from './network/geo';
export { networkPrefix } from './network/prefix';
export { canonicalIp, parseIp, parseCidr, formatIp, embeddedIpv4, type ParsedIp, type ParsedCidr } from './network/ip';

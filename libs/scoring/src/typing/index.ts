export * from './typing-model';
export * from './key-timings';
export * from './typing-risk';
export * from './typing-state';
export * from './typing-calibration';

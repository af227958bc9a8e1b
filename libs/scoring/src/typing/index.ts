export * from './typing-detector';
export * from './key-timings';
export * from './typing-risk';
export * from './typing-state';

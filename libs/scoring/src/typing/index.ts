export * from './typing-detector';

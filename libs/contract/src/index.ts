// libs/contract: the wire shapes of the public API, in plain TypeScript with no imports, so the
// browser SDK, the console and the standalone client can compile them in.
export * from './signals';
export * from './risk';
export * from './reason-details';
export * from './feedback';
export * from './webhooks';
export * from './users';
export * from './errors';
export * from './admin';

export * from './keys';
export * from './pseudonym';
export * from './request-token';
export * from './ids';
export * from './passwords';
export * from './sealed-secrets';
export * from './documents';

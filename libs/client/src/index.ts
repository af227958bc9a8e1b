export * from './types';
export * from './client';
export * from './middleware';
export * from './webhooks';

export * from './pointer-features';
export * from './pointer-profile';

export * from './login-scorer.module';
export * from './login-scorer';
export * from './bundle-writer';
export * from './bundle-resolver';
export * from './velocity.store';
export * from './learning';
export * from './network/network-intel';
export * from './network/network-intel.service';

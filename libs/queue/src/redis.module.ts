import { Global, Module } from '@nestjs/common';
import { RedisConnections } from './redis-connections';

/** The process's one RedisConnections. Global; each app imports it once. Needs the global ConfigModule. */
@Global()
@Module({ providers: [RedisConnections], exports: [RedisConnections] })
export class RedisModule {}

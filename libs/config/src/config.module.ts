import { Global, Module, type DynamicModule } from '@nestjs/common';
import { KizukiConfig } from './config.schema';

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: KizukiConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: KizukiConfig, useValue: config }], exports: [KizukiConfig] };
  }
}

import { Injectable } from '@nestjs/common';
import { BundleRepository, KeyedBatcher, type StoredBundle } from '@kizuki/database';
import type { ReceivedBundle } from '@kizuki/queue';

const WRITE_WINDOW_MS = 5;

/**
 * Stores received SDK bundles, idempotently (a bundle stored twice is stored once). The bundles
 * written in the same 5 ms are one statement per tenant: at 1,000 collects/s PostgreSQL committed
 * ~350 batches a second of ~3 bundles; nothing waits on these writes but a score that overtook
 * its bundle (rare). One per process, shared by ingest jobs and by scores that store a bundle
 * themselves, so both join the same batches.
 */
@Injectable()
export class BundleWriter {
  private readonly writer: KeyedBatcher<StoredBundle>;

  constructor(bundles: BundleRepository) {
    this.writer = new KeyedBatcher((tenantId, items) => bundles.insertMany(tenantId, items), 100, WRITE_WINDOW_MS);
  }

  async store(data: ReceivedBundle): Promise<void> {
    await this.writer.add(data.tenantId, {
      id: data.bundleId,
      receivedAt: new Date(data.receivedAt),
      ip: data.ip,
      userAgent: data.userAgent,
      origin: data.origin,
      payload: data.bundle,
    });
  }
}

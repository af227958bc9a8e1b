import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Injection token of the DataSource the console's heavy reads use (DATABASE_READ_URL). */
export const CONSOLE_READ_DB = Symbol('CONSOLE_READ_DB');

/**
 * The console's reads (login lists, details, dashboard, IP summary, back-test) go to a replica
 * when DATABASE_READ_URL names one, so an analyst's week-long dashboard does not compete with
 * logins for the primary. A replica that cannot be reached is not an outage of the console: the
 * read is made on the primary instead (and logged once a minute at most). Writes always go to the
 * primary; a replica shows them after its replication lag.
 */
@Injectable()
export class ConsoleReads implements OnApplicationShutdown {
  private readonly logger = new Logger(ConsoleReads.name);
  private lastWarning = 0;
  private connecting?: Promise<boolean>;
  private lastConnectFailure = 0;
  /** After the replica failed to connect or answer, reads stay on the primary this long before it is tried again. */
  static readonly RETRY_AFTER_MS = 30_000;

  constructor(
    readonly primary: DataSource,
    @Inject(CONSOLE_READ_DB) readonly replica: DataSource,
  ) {}

  /** Runs `read` on the replica, or on the primary when the replica is unreachable (or is the primary). */
  async run<T>(read: (db: DataSource) => Promise<T>): Promise<T> {
    if (this.replica === this.primary || !(await this.replicaUsable())) return read(this.primary);
    try {
      return await read(this.replica);
    } catch (e) {
      if (isConnectionFailure(e)) {
        // the pool existed but the replica went away: back to the primary for RETRY_AFTER_MS, so
        // each read does not wait out a connect timeout first
        this.lastConnectFailure = Date.now();
        this.warnUnreachable(e);
        return read(this.primary);
      }
      // a standby cancels a query that conflicts with the replay of the primary's changes: the
      // primary answers it (the replica stays in use)
      if (isRecoveryConflict(e)) return read(this.primary);
      throw e;
    }
  }

  /**
   * Connects the replica's pool on first use (a replica down at boot must not stop the api);
   * false while it cannot, and for RETRY_AFTER_MS after it failed to connect or answer.
   */
  private async replicaUsable(): Promise<boolean> {
    if (Date.now() - this.lastConnectFailure < ConsoleReads.RETRY_AFTER_MS) return false;
    if (this.replica.isInitialized) return true;
    if (!this.connecting) {
      this.connecting = this.replica.initialize().then(
        () => true,
        (e: unknown) => {
          this.lastConnectFailure = Date.now();
          this.warnUnreachable(e);
          return false;
        },
      );
      void this.connecting.finally(() => (this.connecting = undefined));
    }
    return this.connecting;
  }

  private warnUnreachable(e: unknown): void {
    if (Date.now() - this.lastWarning < 60_000) return;
    this.lastWarning = Date.now();
    this.logger.warn({ msg: 'read replica unreachable: console reads go to the primary', err: String(e) });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.replica !== this.primary && this.replica.isInitialized) await this.replica.destroy();
  }
}

/** Errors that say the server could not be reached or went away, not that the query was wrong. */
export function isConnectionFailure(e: unknown): boolean {
  const err = e as { code?: string; driverError?: { code?: string }; message?: string };
  const code = err?.driverError?.code ?? err?.code ?? '';
  return (
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE)$/.test(code) ||
    /^(08|57P0[1-3])/.test(code) || // connection exceptions; admin/crash shutdown, cannot connect now
    code === '3D000' || // database does not exist (a replica being rebuilt)
    /timeout exceeded when trying to connect|Connection terminated/i.test(err?.message ?? '')
  );
}

/** A standby cancelled the query for a conflict with recovery (SQLSTATE 40001 from a hot standby). */
export function isRecoveryConflict(e: unknown): boolean {
  const err = e as { code?: string; driverError?: { code?: string }; message?: string };
  return (err?.driverError?.code ?? err?.code) === '40001' && /conflict with recovery/i.test(err?.message ?? '');
}

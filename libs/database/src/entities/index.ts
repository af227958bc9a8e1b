// TypeORM entities mirroring migrations/ (synchronize is off everywhere: the migrations are the
// schema). Column types are explicit so the mapping does not depend on emitted metadata.
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

@Entity('tenants')
export class TenantEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text', { array: true }) origins!: string[];
  @Column('jsonb') policy!: Record<string, unknown>;
  @Column('jsonb') retention!: Record<string, unknown>;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text') kind!: 'publishable' | 'secret';
  @Column('text') prefix!: string;
  @Column('text') hash!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'expires_at', nullable: true }) expiresAt!: Date | null;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
  @Column('timestamptz', { name: 'last_used_at', nullable: true }) lastUsedAt!: Date | null;
}

@Entity('admins')
export class AdminEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text') email!: string;
  @Column('text') role!: 'admin' | 'analyst' | 'viewer';
  @Column('text', { name: 'password_hash' }) passwordHash!: string;
  @Column('text', { name: 'totp_secret', nullable: true }) totpSecret!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

@Entity('accounts')
export class AccountEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'user_hash' }) userHash!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'last_seen_at' }) lastSeenAt!: Date;
  @Column('int', { name: 'login_count' }) loginCount!: number;
  @Column('int', { name: 'trusted_logins' }) trustedLogins!: number;
  @Column('jsonb', { name: 'typing_profile', nullable: true }) typingProfile!: unknown | null;
  @Column('jsonb', { name: 'pointer_profile', nullable: true }) pointerProfile!: unknown | null;
  @Column('text', { array: true }) countries!: string[];
  @Column('text', { array: true }) languages!: string[];
  /** IPv4 /24 / IPv6 /48 networks of trusted logins, most recently used last (≤ 20) */
  @Column('text', { array: true }) networks!: string[];
  @Column('jsonb', { name: 'last_login', nullable: true }) lastLogin!: { at: number; country: string | null; lat: number | null; lon: number | null } | null;
}

@Entity('devices')
export class DeviceEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'visitor_id' }) visitorId!: string;
  @Column('text', { name: 'storage_id', nullable: true }) storageId!: string | null;
  @Column('jsonb') components!: Record<string, unknown>;
  @Column('text') status!: 'new' | 'fraud';
  @Column('timestamptz', { name: 'first_seen_at' }) firstSeenAt!: Date;
  @Column('timestamptz', { name: 'last_seen_at' }) lastSeenAt!: Date;
}

@Entity('account_devices')
export class AccountDeviceEntity {
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid', { name: 'account_id' }) accountId!: string;
  @PrimaryColumn('uuid', { name: 'device_id' }) deviceId!: string;
  @Column('text') status!: 'new' | 'pending' | 'trusted' | 'fraud';
  @Column('int') logins!: number;
  @Column('timestamptz', { name: 'first_seen_at' }) firstSeenAt!: Date;
  @Column('timestamptz', { name: 'last_seen_at' }) lastSeenAt!: Date;
}

@Entity('signal_bundles')
export class SignalBundleEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
  @Column('inet', { nullable: true }) ip!: string | null;
  @Column('text', { name: 'user_agent', nullable: true }) userAgent!: string | null;
  @Column('text', { nullable: true }) origin!: string | null;
  @Column('jsonb') payload!: unknown;
}

@Entity('assessments')
export class AssessmentEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'idempotency_key' }) idempotencyKey!: string;
  @Column('uuid', { name: 'account_id' }) accountId!: string;
  @Column('uuid', { name: 'device_id', nullable: true }) deviceId!: string | null;
  @Column('uuid', { name: 'bundle_id', nullable: true }) bundleId!: string | null;
  @Column('text') event!: string;
  @Column('text') status!: 'attempted' | 'succeeded' | 'failed';
  @Column('text') decision!: 'allow' | 'challenge' | 'deny';
  @Column('text', { name: 'policy_decision' }) policyDecision!: 'allow' | 'challenge' | 'deny';
  @Column('boolean') shadow!: boolean;
  @Column('smallint') score!: number;
  @Column('jsonb') scores!: Record<string, number | null>;
  @Column('jsonb') reasons!: { code: string; detail: string }[];
  @Column('text', { name: 'device_status', nullable: true }) deviceStatus!: string | null;
  @Column('inet', { nullable: true }) ip!: string | null;
  @Column('text', { nullable: true }) country!: string | null;
  @Column('int', { nullable: true }) asn!: number | null;
  @Column('text', { name: 'user_agent', nullable: true }) userAgent!: string | null;
  @Column('text', { nullable: true }) label!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

@Entity('feedback')
export class FeedbackEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('uuid', { name: 'assessment_id' }) assessmentId!: string;
  @Column('text') label!: 'legit' | 'fraud' | 'challenge_passed' | 'challenge_failed';
  @Column('text') source!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

@Entity('list_entries')
export class ListEntryEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text') list!: 'allow' | 'deny';
  @Column('text') kind!: 'ip' | 'cidr' | 'device' | 'user' | 'asn' | 'country';
  @Column('text') value!: string;
  @Column('text', { nullable: true }) comment!: string | null;
  @Column('timestamptz', { name: 'expires_at', nullable: true }) expiresAt!: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

export const ENTITIES = [
  TenantEntity,
  ApiKeyEntity,
  AdminEntity,
  AccountEntity,
  DeviceEntity,
  AccountDeviceEntity,
  SignalBundleEntity,
  AssessmentEntity,
  FeedbackEntity,
  ListEntryEntity,
];

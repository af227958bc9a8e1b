import { Module } from '@nestjs/common';
import { AuditLog } from './audit-log.service';
import { PseudonymService } from './pseudonym.service';

/** What the api's public (/v1) and console (/admin/api) sides share: the pseudonymiser and the audit log. */
@Module({ providers: [PseudonymService, AuditLog], exports: [PseudonymService, AuditLog] })
export class CommonModule {}

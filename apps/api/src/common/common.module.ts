import { Module } from '@nestjs/common';
import { AuditLog } from './audit-log.service';
import { DisplayLabels } from './display-labels.service';
import { PseudonymService } from './pseudonym.service';

/** What the api's /v1 and /admin/api sides share: the pseudonymiser, display labels, the audit log. */
@Module({
  providers: [PseudonymService, DisplayLabels, AuditLog],
  exports: [PseudonymService, DisplayLabels, AuditLog],
})
export class CommonModule {}

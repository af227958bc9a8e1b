import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AuditLog } from '../../common/audit-log.service';
import { AdminApi, ApiErrors } from '../../docs/api-schemas';
import { AuditQueryDto } from '../admin.dto';
import { Admin, AdminGuard, Roles } from '../auth/admin.guard';
import type { AdminPrincipal } from '../auth/admin-session.service';
import { decodeCursor, keysetPage } from '../cursor';

const PAGE = 100;

@AdminApi()
@Controller('admin/api/audit')
@UseGuards(AdminGuard)
@Roles('admin')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  @ApiOperation({ summary: 'Audit log of console changes, newest first' })
  @ApiErrors(400)
  async list(@Admin() p: AdminPrincipal, @Query() q: AuditQueryDto) {
    const rows = await this.audit.list(p.tenantId, PAGE + 1, decodeCursor(q.cursor));
    return keysetPage(rows, PAGE, (r) => ({ at: new Date(r.createdAt).toISOString(), id: r.id }));
  }
}

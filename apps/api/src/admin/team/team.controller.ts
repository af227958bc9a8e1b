import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AdminApi, ApiErrors } from '../../docs/api-schemas';
import { InviteDto, RoleDto } from '../admin.dto';
import { Admin, AdminGuard, Roles } from '../auth/admin.guard';
import type { AdminPrincipal } from '../auth/admin-session.service';
import { TeamService } from './team.service';

@AdminApi()
@Controller('admin/api/team')
@UseGuards(AdminGuard)
@Roles('admin')
export class TeamController {
  constructor(private readonly team: TeamService) {}

  @Get()
  @ApiOperation({ summary: 'Team members' })
  async list(@Admin() p: AdminPrincipal) {
    return { items: await this.team.list(p.tenantId) };
  }

  @Post()
  @ApiOperation({ summary: 'Invite a member (one-time password shown once)' })
  @ApiErrors(400, 409)
  @HttpCode(201)
  invite(@Admin() p: AdminPrincipal, @Body() dto: InviteDto) {
    return this.team.invite(p, dto);
  }

  @Patch(':id')
  @ApiOperation({ summary: "Change a member's role" })
  @ApiErrors(400, 404, 409)
  setRole(@Admin() p: AdminPrincipal, @Param('id') id: string, @Body() dto: RoleDto) {
    return this.team.setRole(p, id, dto);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Remove a member' })
  @ApiErrors(404, 409)
  remove(@Admin() p: AdminPrincipal, @Param('id') id: string) {
    return this.team.remove(p, id);
  }
}

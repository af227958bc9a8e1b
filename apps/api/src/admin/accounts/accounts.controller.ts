import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { AdminApi, ApiErrors } from '../../docs/api-schemas';
import { Admin, AdminGuard, Roles } from '../auth/admin.guard';
import type { AdminPrincipal } from '../auth/admin-session.service';
import { AccountsService } from './accounts.service';

class AccountLookupDto {
  @IsString() @Length(1, 512) user!: string;
}

@AdminApi()
@Controller('admin/api/accounts')
@UseGuards(AdminGuard)
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get('lookup')
  @ApiOperation({ summary: "Find an account by the customer's user id" })
  @ApiErrors(400, 404)
  lookup(@Admin() p: AdminPrincipal, @Query() q: AccountLookupDto) {
    return this.accounts.lookup(p, q.user);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An account: profile state, devices, recent logins' })
  @ApiErrors(404)
  account(@Admin() p: AdminPrincipal, @Param('id') id: string) {
    return this.accounts.account(p, id);
  }

  @Post(':id/devices/:deviceId/:verdict')
  @ApiOperation({ summary: "Trust or report one of the account's devices" })
  @ApiErrors(404)
  @Roles('admin', 'analyst')
  @HttpCode(200)
  deviceVerdict(
    @Admin() p: AdminPrincipal,
    @Param('id') id: string,
    @Param('deviceId') deviceId: string,
    @Param('verdict') verdict: string,
  ) {
    return this.accounts.deviceVerdict(p, id, deviceId, verdict);
  }

  @Post(':id/reset-profile')
  @ApiOperation({ summary: "Reset the account's typing and pointer profile" })
  @ApiErrors(404)
  @Roles('admin', 'analyst')
  @HttpCode(200)
  resetProfile(@Admin() p: AdminPrincipal, @Param('id') id: string) {
    return this.accounts.resetProfile(p, id);
  }
}

import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AdminApi, ApiErrors } from '../../docs/api-schemas';
import { ListEntryDto } from '../admin.dto';
import { Admin, AdminGuard, Roles } from '../auth/admin.guard';
import type { AdminPrincipal } from '../auth/admin-session.service';
import { ListsService } from './lists.service';

@AdminApi()
@Controller('admin/api/lists')
@UseGuards(AdminGuard)
export class ListsController {
  constructor(private readonly lists: ListsService) {}

  @Get()
  @ApiOperation({ summary: 'Allow and deny list entries' })
  async entries(@Admin() p: AdminPrincipal) {
    return { items: await this.lists.entries(p) };
  }

  @Post()
  @ApiOperation({ summary: 'Add a list entry (sends list.changed)' })
  @ApiErrors(400)
  @Roles('admin', 'analyst')
  @HttpCode(201)
  add(@Admin() p: AdminPrincipal, @Body() dto: ListEntryDto) {
    return this.lists.add(p, dto);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Remove a list entry (sends list.changed)' })
  @ApiErrors(404)
  @Roles('admin', 'analyst')
  remove(@Admin() p: AdminPrincipal, @Param('id') id: string) {
    return this.lists.remove(p, id);
  }
}

import { Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { DATABASE, DomainError } from '@vulgraad/contracts';
import type { Database } from '@vulgraad/database';
import { Public, Roles } from '../auth/auth.decorators';
import { ApiController } from '../common/api-controller';
import { LiveService } from '../live/live.service';
import { AuditRepository } from './audit.repository';

@ApiController('api/audit', 'audit')
export class AuditController {
  constructor(private readonly audit: AuditRepository) {}

  @Roles('admin')
  @Get()
  @ApiOperation({ summary: 'Who changed what, newest first' })
  @ApiQuery({ name: 'actor', required: false })
  @ApiQuery({ name: 'action', required: false, description: 'prefix, e.g. plan.edit' })
  @ApiQuery({ name: 'targetType', required: false })
  @ApiQuery({ name: 'targetId', required: false })
  @ApiQuery({ name: 'before', required: false })
  @ApiQuery({ name: 'limit', required: false })
  list(
    @Query('actor') actor?: string,
    @Query('action') action?: string,
    @Query('targetType') targetType?: string,
    @Query('targetId') targetId?: string,
    @Query('before') before?: string,
    @Query('limit') limit?: string,
  ) {
    const beforeDate = before ? new Date(before) : undefined;
    if (beforeDate && Number.isNaN(beforeDate.getTime())) throw new DomainError('validation', 'before must be an ISO-8601 time', 'before');
    return this.audit.list({ actor, action, targetType, targetId, before: beforeDate, limit: Math.min(Math.max(Number(limit) || 100, 1), 1000) });
  }
}

@ApiController('api/health', 'health')
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly live: LiveService,
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Whether the gateway can reach its database' })
  async health(): Promise<{ status: 'ok'; database: string; liveContainers: number }> {
    try {
      await this.db.query('SELECT 1');
    } catch {
      throw new DomainError('unavailable', 'the database does not answer');
    }
    return { status: 'ok', database: this.db.kind, liveContainers: this.live.registry.size };
  }
}

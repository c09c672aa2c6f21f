import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@vulgraad/contracts';
import type { AuthUser } from '../auth/roles';
import { AuditRepository } from './audit.repository';

/** Writes one audit line per change a person made. */
@Injectable()
export class AuditService {
  constructor(
    private readonly repository: AuditRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async record(user: AuthUser | null, action: string, target: { type: string; id: string | null }, detail: Record<string, unknown> = {}): Promise<void> {
    await this.repository.append({
      at: this.clock.now(),
      actor: user?.username ?? 'system',
      actorRole: user?.role ?? null,
      action,
      targetType: target.type,
      targetId: target.id,
      detail,
    });
  }
}

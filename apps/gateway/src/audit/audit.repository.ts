import { Inject, Injectable } from '@nestjs/common';
import { DATABASE } from '@vulgraad/contracts';
import type { Database } from '@vulgraad/database';

export interface AuditEntry {
  at: Date;
  actor: string;
  actorRole: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  detail: Record<string, unknown>;
}

/** -- Params: $1 at, $2 actor, $3 actor_role, $4 action, $5 target_type, $6 target_id, $7 detail jsonb */
const INSERT = `
  INSERT INTO audit_log (at, actor, actor_role, action, target_type, target_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`;
/** -- Params: $1 actor, $2 action prefix, $3 target type, $4 target id, $5 before, $6 limit */
const SELECT = `
  SELECT at, actor, actor_role, action, target_type, target_id, detail FROM audit_log
  WHERE ($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR action LIKE $2 || '%')
    AND ($3::text IS NULL OR target_type = $3) AND ($4::text IS NULL OR target_id = $4)
    AND ($5::timestamptz IS NULL OR at < $5)
  ORDER BY at DESC, id DESC LIMIT $6`;

/** The audit log: who changed what through the gateway, and when. */
@Injectable()
export class AuditRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async append(entry: AuditEntry): Promise<void> {
    await this.db.query(INSERT, [entry.at, entry.actor, entry.actorRole, entry.action, entry.targetType, entry.targetId, JSON.stringify(entry.detail)]);
  }

  async list(filter: { actor?: string; action?: string; targetType?: string; targetId?: string; before?: Date; limit?: number }): Promise<AuditEntry[]> {
    const { rows } = await this.db.query<{
      at: Date;
      actor: string;
      actor_role: string | null;
      action: string;
      target_type: string | null;
      target_id: string | null;
      detail: Record<string, unknown> | string;
    }>(SELECT, [filter.actor ?? null, filter.action ?? null, filter.targetType ?? null, filter.targetId ?? null, filter.before ?? null, Math.min(filter.limit ?? 100, 1000)]);
    return rows.map((r) => ({
      at: r.at instanceof Date ? r.at : new Date(String(r.at)),
      actor: r.actor,
      actorRole: r.actor_role,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      detail: typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, unknown>) : r.detail,
    }));
  }
}

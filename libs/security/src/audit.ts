import { userInfo } from 'node:os';
import type { Queryable } from '@vulgraad/database';

/** -- Params: $1 actor, $2 action, $3 target_type, $4 target_id, $5 detail jsonb */
const INSERT = `INSERT INTO audit_log (at, actor, actor_role, action, target_type, target_id, detail) VALUES (now(), $1, 'cli', $2, $3, $4, $5::jsonb)`;

/** Who runs a command-line change: `cli:<operating-system user>`. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}

/**
 * One line in audit_log for a change made outside the gateway (the
 * registration CLI, credential commands): who, when, what. Never pass a
 * secret in detail.
 */
export async function recordAudit(db: Queryable, entry: { actor: string; action: string; targetType: string; targetId: string | null; detail?: Record<string, unknown> }): Promise<void> {
  await db.query(INSERT, [entry.actor, entry.action, entry.targetType, entry.targetId, JSON.stringify(entry.detail ?? {})]);
}

import { Inject, Injectable } from '@nestjs/common';
import { DATABASE } from '@vulgraad/contracts';
import type { Database } from '@vulgraad/database';
import type { Role } from './roles';

/** A user as stored, hash included (never leaves the server). */
export interface UserRecord {
  id: string;
  username: string;
  displayName: string | null;
  role: Role;
  districts: string[] | null;
  /** A driver's truck. */
  vehicleId: string | null;
  passwordHash: string;
  active: boolean;
  tokenVersion: number;
  lastLoginAt: Date | null;
  createdAt: Date;
}

const COLUMNS = `id, username, display_name, role, districts, vehicle_id, password_hash, active, token_version, last_login_at, created_at`;
/** -- Params: $1 username */
const BY_NAME = `SELECT ${COLUMNS} FROM users WHERE username = $1`;
/** -- Params: $1 id */
const BY_ID = `SELECT ${COLUMNS} FROM users WHERE id = $1`;
const ALL = `SELECT ${COLUMNS} FROM users ORDER BY username`;
/** -- Params: $1 username, $2 display_name, $3 role, $4 districts text[], $5 password_hash, $6 vehicle_id. Nothing when the name is taken. */
const INSERT = `
  INSERT INTO users (username, display_name, role, districts, password_hash, vehicle_id) VALUES ($1, $2, $3, $4::text[], $5, $6)
  ON CONFLICT (username) DO NOTHING RETURNING ${COLUMNS}`;
/**
 * -- Params: $1 id, $2 display_name (null = keep), $3 role (null = keep), $4 set districts?, $5 districts,
 * $6 password_hash (null = keep), $7 active (null = keep), $8 set vehicle_id?, $9 vehicle_id. Any change to what a token grants raises token_version.
 */
const UPDATE = `
  UPDATE users SET
    display_name = coalesce($2, display_name),
    role = coalesce($3, role),
    districts = CASE WHEN $4::bool THEN $5::text[] ELSE districts END,
    password_hash = coalesce($6, password_hash),
    active = coalesce($7, active),
    vehicle_id = CASE WHEN $8::bool THEN $9::text ELSE vehicle_id END,
    token_version = token_version + CASE WHEN $3 IS NOT NULL OR $4::bool OR $6 IS NOT NULL OR $7 IS NOT NULL OR $8::bool THEN 1 ELSE 0 END,
    updated_at = now()
  WHERE id = $1 RETURNING ${COLUMNS}`;
/** -- Params: $1 id, $2 at */
const TOUCH_LOGIN = `UPDATE users SET last_login_at = $2 WHERE id = $1`;

interface Row {
  id: string;
  username: string;
  display_name: string | null;
  role: Role;
  districts: string[] | null;
  vehicle_id: string | null;
  password_hash: string;
  active: boolean;
  token_version: number;
  last_login_at: Date | null;
  created_at: Date;
}

const toRecord = (r: Row): UserRecord => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  districts: r.districts,
  vehicleId: r.vehicle_id,
  passwordHash: r.password_hash,
  active: r.active,
  tokenVersion: r.token_version,
  lastLoginAt: r.last_login_at === null ? null : new Date(r.last_login_at),
  createdAt: new Date(r.created_at),
});

export interface UserChanges {
  displayName?: string | null;
  role?: Role;
  /** undefined = keep; null = every district. */
  districts?: string[] | null;
  passwordHash?: string;
  active?: boolean;
  /** undefined = keep. */
  vehicleId?: string | null;
}

@Injectable()
export class UsersRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async findByUsername(username: string): Promise<UserRecord | null> {
    const row = (await this.db.query<Row>(BY_NAME, [username])).rows[0];
    return row ? toRecord(row) : null;
  }

  async findById(id: string): Promise<UserRecord | null> {
    const row = (await this.db.query<Row>(BY_ID, [id])).rows[0];
    return row ? toRecord(row) : null;
  }

  async list(): Promise<UserRecord[]> {
    return (await this.db.query<Row>(ALL)).rows.map(toRecord);
  }

  /** Null when the user name is taken. */
  async create(user: { username: string; displayName: string | null; role: Role; districts: string[] | null; passwordHash: string; vehicleId?: string | null }): Promise<UserRecord | null> {
    const row = (await this.db.query<Row>(INSERT, [user.username, user.displayName, user.role, user.districts, user.passwordHash, user.vehicleId ?? null])).rows[0];
    return row ? toRecord(row) : null;
  }

  async update(id: string, changes: UserChanges): Promise<UserRecord | null> {
    const row = (
      await this.db.query<Row>(UPDATE, [
        id,
        changes.displayName ?? null,
        changes.role ?? null,
        changes.districts !== undefined,
        changes.districts ?? null,
        changes.passwordHash ?? null,
        changes.active ?? null,
        changes.vehicleId !== undefined,
        changes.vehicleId ?? null,
      ])
    ).rows[0];
    return row ? toRecord(row) : null;
  }

  async touchLogin(id: string, at: Date): Promise<void> {
    await this.db.query(TOUCH_LOGIN, [id, at]);
  }
}

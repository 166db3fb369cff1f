import { sql, type Kysely, type Migration } from 'kysely';

/** Sessions with rotating refresh tokens, login lockout, and API tokens for scripts (docs/security.md). */
export const identity: Migration = {
  async up(db: Kysely<unknown>) {
    // One row per login: the refresh-token family. Access tokens carry its id (`sid`).
    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('revoked_at', 'timestamptz')
      .addColumn('revoked_reason', 'text')
      .execute();
    await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();
    // Only hashes are stored; a used token stays, so presenting it again is recognised as theft.
    await db.schema
      .createTable('refresh_tokens')
      .addColumn('token_hash', 'char(64)', (c) => c.primaryKey())
      .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
      .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .addColumn('used_at', 'timestamptz')
      .execute();
    await db.schema
      .createIndex('refresh_tokens_session_id')
      .on('refresh_tokens')
      .column('session_id')
      .execute();
    // Keyed by the name typed, known user or not, so the lock does not tell which names exist.
    await db.schema
      .createTable('login_failures')
      .addColumn('username', 'text', (c) => c.primaryKey())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('locked_until', 'timestamptz')
      .addColumn('last_failure_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'char(16)', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('scopes', 'jsonb', (c) => c.notNull())
      .addColumn('secret_hash', 'char(64)', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('expires_at', 'timestamptz')
      .addColumn('revoked_at', 'timestamptz')
      .execute();
    await db.schema.createIndex('api_tokens_user_id').on('api_tokens').column('user_id').execute();
    // Listing users of a jurisdiction is a prefix search.
    await db.schema
      .createIndex('users_jurisdiction')
      .on('users')
      .expression(sql`jurisdiction text_pattern_ops`)
      .execute();
  },
};

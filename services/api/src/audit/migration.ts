import { sql, type Kysely, type Migration } from 'kysely';
import { API_SCHEMA } from '../schema';
import { GENESIS_HASH } from './chain';
import { AUDIT_WRITER } from './store';

/**
 * The hash-chained audit log (docs/audit.md): append-only at the database level. The API appends as
 * AUDIT_WRITER, which may only INSERT and SELECT the log; triggers refuse UPDATE, DELETE and TRUNCATE to
 * every role, the owner included. `audit_head` is the checkpoint of the last entry (seq, hash).
 */
export const auditLogMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('audit_log')
      .addColumn('seq', 'bigint', (c) => c.primaryKey().check(sql`seq > 0`))
      .addColumn('at', 'timestamptz', (c) => c.notNull())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('client_ip', 'text')
      .addColumn('actor', 'text')
      .addColumn('role', 'text')
      .addColumn('jurisdiction', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target', 'text')
      .addColumn('round_id', 'text')
      .addColumn('branch_id', 'text')
      .addColumn('scope', 'text')
      .addColumn('payload_digest', 'char(64)')
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('problem', 'text')
      .addColumn('prev_hash', 'char(64)', (c) => c.notNull())
      .addColumn('hash', 'char(64)', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor', 'seq']).execute();
    await db.schema.createIndex('audit_log_branch').on('audit_log').columns(['branch_id', 'seq']).execute();
    await db.schema
      .createTable('audit_head')
      .addColumn('id', 'boolean', (c) =>
        c
          .primaryKey()
          .defaultTo(true)
          .check(sql`id`),
      )
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('hash', 'char(64)', (c) => c.notNull())
      .execute();
    await sql`INSERT INTO audit_head (id, seq, hash) VALUES (true, 0, ${GENESIS_HASH})`.execute(db);

    await sql`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP;
      END $$`.execute(db);
    await sql`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db);
    await sql`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`.execute(db);
    // The head only moves forward, one entry at a time, and never goes away.
    await sql`
      CREATE FUNCTION audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'UPDATE' OR NEW.seq <> OLD.seq + 1 THEN
          RAISE EXCEPTION 'the audit head only advances by one (% refused)', TG_OP;
        END IF;
        RETURN NEW;
      END $$`.execute(db);
    await sql`
      CREATE TRIGGER audit_head_forward BEFORE UPDATE OR DELETE ON audit_head
      FOR EACH ROW EXECUTE FUNCTION audit_head_forward()`.execute(db);
    await sql`
      CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
      FOR EACH STATEMENT EXECUTE FUNCTION audit_head_forward()`.execute(db);

    // Roles are cluster-wide and several databases may migrate at once: create it once, quietly.
    await sql`
      DO $$ BEGIN
        CREATE ROLE ${sql.id(AUDIT_WRITER)} NOLOGIN;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`.execute(db);
    // The API's own user must be able to SET ROLE to it (a superuser always can).
    await sql`
      DO $$ BEGIN
        IF NOT pg_has_role(current_user, ${sql.lit(AUDIT_WRITER)}, 'MEMBER') THEN
          GRANT ${sql.id(AUDIT_WRITER)} TO CURRENT_USER;
        END IF;
      END $$`.execute(db);
    await sql`GRANT USAGE ON SCHEMA ${sql.id(API_SCHEMA)} TO ${sql.id(AUDIT_WRITER)}`.execute(db);
    await sql`REVOKE ALL ON audit_log, audit_head FROM PUBLIC, ${sql.id(AUDIT_WRITER)}`.execute(db);
    await sql`GRANT SELECT, INSERT ON audit_log TO ${sql.id(AUDIT_WRITER)}`.execute(db);
    await sql`GRANT SELECT, UPDATE ON audit_head TO ${sql.id(AUDIT_WRITER)}`.execute(db);
  },
};

/**
 * Commands opened before they run (docs/audit.md, "Opened before, completed after"): an opening entry has
 * no status yet, and the outcome entry names the opening it completes. At most one outcome per opening;
 * an outcome always follows its opening. Adding the columns rewrites no row: the triggers stay untouched.
 */
export const auditOutcomeMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`ALTER TABLE audit_log ALTER COLUMN status DROP NOT NULL`.execute(db);
    await sql`
      ALTER TABLE audit_log
        ADD COLUMN outcome_of bigint CHECK (outcome_of > 0 AND outcome_of < seq),
        ADD CONSTRAINT audit_log_outcome_has_status CHECK (outcome_of IS NULL OR status IS NOT NULL)`.execute(
      db,
    );
    await sql`CREATE UNIQUE INDEX audit_log_outcome_of ON audit_log (outcome_of)`.execute(db);
  },
};

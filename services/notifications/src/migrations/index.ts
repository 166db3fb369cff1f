import { createConsumerTables } from '@fivestar/platform';
import { sql, type Kysely, type Migration } from 'kysely';

/** Listed in code so they run the same from sources, compiled output and bundles. */
export const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await createConsumerTables(db);
      await db.schema
        .createTable('recipients')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('jurisdiction', 'text', (c) => c.notNull())
        .addColumn('active', 'boolean', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .execute();
      // Fan-out looks recipients up by role, then prefix-tests the jurisdiction.
      await db.schema
        .createIndex('recipients_role_idx')
        .on('recipients')
        .columns(['role', 'jurisdiction'])
        .execute();
      await db.schema
        .createTable('notices')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('round_id', 'text')
        .addColumn('branch_id', 'text')
        .addColumn('work_key', 'text')
        .addColumn('escalation_level', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('read_at', 'timestamptz')
        // One notice per event and recipient, however often the event arrives.
        .addUniqueConstraint('notices_event_user_key', ['event_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('notices_inbox_idx')
        .on('notices')
        .expression(sql`user_id, created_at DESC, id DESC`)
        .execute();
    },
  },
  '0002_webhook_deliveries': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('webhooks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('jurisdiction', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('wecom', 'dingtalk')`))
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createTable('deliveries')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c
            .notNull()
            .defaultTo('pending')
            .check(sql`status IN ('pending', 'sent', 'failed', 'dead')`),
        )
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'timestamptz')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('sent_at', 'timestamptz')
        // Exactly-once effect: one post per event and webhook, however often the event arrives.
        .addUniqueConstraint('deliveries_event_webhook_key', ['event_id', 'webhook_id'])
        .execute();
      // The worker polls due rows; the admin lists by status.
      await db.schema
        .createIndex('deliveries_due_idx')
        .on('deliveries')
        .columns(['next_attempt_at'])
        .where(sql.ref('status'), 'in', ['pending', 'failed'])
        .execute();
      await db.schema
        .createIndex('deliveries_status_idx')
        .on('deliveries')
        .columns(['status', 'id'])
        .execute();
    },
  },
  '0003_archive_preferences_user_deliveries': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('notices').addColumn('archived_at', 'timestamptz').execute();
      await db.schema
        .createTable('preferences')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text')
        .addColumn('mobile', 'text')
        .addColumn('kinds', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      // Deliveries also carry email / SMS to a user (a notice sent at once, or a daily digest).
      await sql`
        ALTER TABLE deliveries
          ALTER COLUMN webhook_id DROP NOT NULL,
          ALTER COLUMN kind DROP NOT NULL,
          ADD COLUMN channel text NOT NULL DEFAULT 'webhook'
            CHECK (channel IN ('webhook', 'email', 'sms')),
          ADD COLUMN user_id text,
          ADD COLUMN address text,
          ADD CONSTRAINT deliveries_target_check CHECK (
            CASE channel WHEN 'webhook' THEN webhook_id IS NOT NULL
            ELSE user_id IS NOT NULL AND address IS NOT NULL END),
          -- Exactly-once effect: one message per event (or digest day), user and channel.
          ADD CONSTRAINT deliveries_event_user_channel_key UNIQUE (event_id, user_id, channel)`.execute(db);
    },
  },
  '0004_fault_alerts': {
    async up(db: Kysely<unknown>) {
      // The failing activities of branches' workflows (system.activity_failing), until recovered.
      await db.schema
        .createTable('branch_faults')
        .addColumn('workflow_id', 'text', (c) => c.notNull())
        .addColumn('activity_id', 'text', (c) => c.notNull())
        .addColumn('branch_id', 'text', (c) => c.notNull())
        .addColumn('county_code', 'text', (c) => c.notNull())
        .addColumn('cause', 'text', (c) => c.notNull())
        .addColumn('alert_id', 'text', (c) => c.notNull())
        .addColumn('recovered_at', 'timestamptz')
        .addPrimaryKeyConstraint('branch_faults_pkey', ['workflow_id', 'activity_id'])
        .execute();
      await db.schema.createIndex('branch_faults_alert_idx').on('branch_faults').column('alert_id').execute();
      await db.schema
        .createIndex('branch_faults_open_idx')
        .on('branch_faults')
        .columns(['county_code', 'cause'])
        .where(sql.ref('recovered_at'), 'is', null)
        .execute();
      // The administrators' alert of a county and cause while any of its faults is open: one notice each.
      await db.schema
        .createTable('fault_alerts')
        .addColumn('county_code', 'text', (c) => c.notNull())
        .addColumn('cause', 'text', (c) => c.notNull())
        .addColumn('alert_id', 'text', (c) => c.notNull())
        .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('fault_alerts_pkey', ['county_code', 'cause'])
        .execute();
    },
  },
};

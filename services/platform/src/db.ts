import { Kysely, type Migration, Migrator, PostgresDialect, sql } from 'kysely';
import { Pool } from 'pg';
import type { Logger } from './logger';

export function createDb<DB>(databaseUrl: string, schema: string, max = 10): Kysely<DB> {
  // Each service works inside its own schema; unqualified names resolve there.
  const pool = new Pool({ connectionString: databaseUrl, max, options: `-c search_path=${schema},public` });
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Creates the service's schema and applies its migrations. Migrations are listed in code (not read from
 * a folder) so they work the same from TypeScript sources, compiled output and bundles.
 */
export async function migrate<DB>(
  db: Kysely<DB>,
  schema: string,
  migrations: Record<string, Migration>,
  log: Logger,
): Promise<void> {
  await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(db);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
  });
  const { error, results } = await migrator.migrateToLatest();
  for (const r of results ?? [])
    log.info({ migration: r.migrationName, status: r.status, schema }, 'migration');
  if (error) throw error;
}

/** Creates the database named in `databaseUrl` when it does not exist yet. */
export async function ensureDatabase(databaseUrl: string, log: Logger): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const pool = new Pool({ connectionString: url.toString(), max: 1 });
  try {
    const { rowCount } = await pool.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await pool.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      log.info({ database: name }, 'database created');
    }
  } finally {
    await pool.end();
  }
}

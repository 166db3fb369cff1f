import { Kysely, type Migration, Migrator, PostgresDialect, sql } from 'kysely';
import { Pool } from 'pg';
import { createLogger, type Logger } from './logger';

let defaultLog: Logger | undefined;

/**
 * A kysely instance on a pg pool working inside `schema`. A connection the server drops (a restart, a
 * failover, `pg_terminate_backend`) is logged and dropped from the pool, never an unhandled `error` event
 * (see guardPool): a query in flight on it fails and its caller retries; the next query opens a new one.
 */
export function createDb<DB>(databaseUrl: string, schema: string, max = 10, log?: Logger): Kysely<DB> {
  // Each service works inside its own schema; unqualified names resolve there.
  const pool = new Pool({ connectionString: databaseUrl, max, options: `-c search_path=${schema},public` });
  guardPool(pool, (log ?? (defaultLog ??= createLogger('db'))).child({ schema }));
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Listens to every `error` a pg pool or its clients can emit, so that none ends the process. An idle
 * client that dies is removed by the pool, which then emits `error`; a client checked out (a query or a
 * transaction in flight) emits `error` on itself, after failing its queries: the pool drops it when it
 * is released. Both are logged once, as a warning.
 */
export function guardPool(pool: Pool, log: Logger): Pool {
  const logged = new WeakSet<object>();
  const warn = (err: unknown) => {
    if (typeof err === 'object' && err !== null) {
      if (logged.has(err)) return;
      logged.add(err);
    }
    // Not the error itself: the pool hangs its client (connection settings included) on it.
    const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
    log.warn(
      { code, error: String(message ?? err) },
      'database connection lost; the pool opens a new one when needed',
    );
  };
  pool.on('error', warn);
  pool.on('connect', (client) => client.on('error', warn));
  return pool;
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
  const pool = guardPool(new Pool({ connectionString: url.toString(), max: 1 }), log);
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

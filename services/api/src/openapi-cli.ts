/**
 * `npm run openapi`: writes docs/openapi.json from the routes' declarations (test/openapi.test.ts fails
 * while the checked-in file differs from what the code declares).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { createDb, runCli } from '@fivestar/platform';
import { createApp } from './gateway/app';
import { tokenIssuer } from './identity';
import type { ApiDeps } from './gateway/deps';
import { DEFAULT_IDENTITY } from './identity';
import { buildOpenApiDocument } from './gateway/openapi';
import { API_SCHEMA, type ApiDatabase } from './schema';

runCli('openapi', async (config, log) => {
  // Declaring the routes uses no dependency: the pool never connects, NATS and Temporal are never asked.
  const db = createDb<ApiDatabase>(config.databaseUrl, API_SCHEMA, 1);
  const inert = { db, log, tokens: tokenIssuer(Buffer.alloc(32)), identity: DEFAULT_IDENTITY };
  try {
    createApp(inert as unknown as ApiDeps);
  } finally {
    await db.destroy();
  }
  const file = path.resolve(__dirname, '../../../docs/openapi.json');
  const text = await format(JSON.stringify(buildOpenApiDocument()), {
    ...(await resolveConfig(file)),
    filepath: file,
  });
  await writeFile(file, text);
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
});

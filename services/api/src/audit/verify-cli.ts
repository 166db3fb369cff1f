/**
 * `npm run audit:verify`: checks the whole audit chain; prints OK, or FAILED (exit code 1) with every bad
 * entry; then the commands left pending (opened, no outcome), if any.
 */
import { createDb, runCli } from '@fivestar/platform';
import { API_SCHEMA, type ApiDatabase } from '../schema';
import { auditDb } from './store';
import { formatVerify, verifyChain } from './verify';

runCli('audit-verify', async (config) => {
  const db = createDb<ApiDatabase>(config.databaseUrl, API_SCHEMA, 1);
  try {
    const result = await verifyChain(auditDb(db));
    process.stdout.write(`${formatVerify(result)}\n`);
    if (!result.ok) process.exitCode = 1;
  } finally {
    await db.destroy();
  }
});

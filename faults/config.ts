/**
 * The private instance's settings, as faults/env.sh exported them, and the suite's bounds. The suite
 * refuses to start without that environment: it drops its database and kills its processes, so it must
 * be certain they are its own.
 */
import path from 'node:path';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite with npm run faults (faults/faults.sh)`);
  return value;
}

if (process.env.FAULTS_PRIVATE !== '1') {
  throw new Error('the private environment is missing: run the suite with npm run faults (faults/faults.sh)');
}

export const ROOT = path.resolve(__dirname, '..');
export const VAR = required('FIVESTAR_VAR');
if (path.resolve(VAR) !== path.join(ROOT, 'var', 'faults')) throw new Error(`unexpected FIVESTAR_VAR ${VAR}`);
export const DATABASE_URL = required('DATABASE_URL');
export const DATABASE_NAME = decodeURIComponent(new URL(DATABASE_URL).pathname.slice(1));
if (DATABASE_NAME !== 'fivestar_faults') throw new Error(`unexpected private database ${DATABASE_NAME}`);
export const NATS_URL = required('NATS_URL');
export const TEMPORAL_ADDRESS = required('TEMPORAL_ADDRESS');
export const TEMPORAL_NAMESPACE = required('TEMPORAL_NAMESPACE');
export const API_PORT = Number(required('API_PORT'));
export const BASE_URL = `http://127.0.0.1:${API_PORT}`;

export const PROCESSES = ['worker', 'tasks', 'notifications', 'ranking', 'api'] as const;
export type ProcessName = (typeof PROCESSES)[number];
export const ENTRY: Record<ProcessName, string> = {
  worker: 'workflows/dist/worker.js',
  tasks: 'services/tasks/dist/main.js',
  notifications: 'services/notifications/dist/main.js',
  ranking: 'services/ranking/dist/main.js',
  api: 'services/api/dist/main.js',
};
/** Where each process answers /ready and /health (the API on its own port; docs/running.md). */
export const HEALTH_URL: Record<ProcessName, string> = {
  worker: `http://127.0.0.1:${required('WORKER_HEALTH_PORT')}`,
  tasks: `http://127.0.0.1:${required('TASKS_HEALTH_PORT')}`,
  notifications: `http://127.0.0.1:${required('NOTIFICATIONS_HEALTH_PORT')}`,
  ranking: `http://127.0.0.1:${required('RANKING_HEALTH_PORT')}`,
  api: BASE_URL,
};
/** Every port the private instance listens on: all must be free (or ours) before it starts. */
export const PRIVATE_PORTS: Record<string, number> = {
  api: API_PORT,
  nats: Number(new URL(NATS_URL).port),
  temporal: Number(TEMPORAL_ADDRESS.split(':')[1]),
  'temporal UI': Number(required('TEMPORAL_UI_PORT')),
  ...Object.fromEntries(
    (['worker', 'tasks', 'notifications', 'ranking'] as const).map((p) => [
      `${p} health`,
      Number(new URL(HEALTH_URL[p]).port),
    ]),
  ),
};

/** The API's bound on every request (docs/api.md, "Bounded answers"), and what the suite allows above it. */
export const REQUEST_BOUND_MS = 10_000;
export const BOUND_MARGIN_MS = 2_000;
/** The client gives up on one request after this long (then sends it again: same Idempotency-Key). */
export const CLIENT_TIMEOUT_MS = 20_000;
/** A command is sent again (same key) on 503, network errors and timeouts for at most this long. */
export const COMMAND_BUDGET_MS = 180_000;
/** How long a killed process has to come back on its own (supervision) before it counts as not restarted. */
export const RESTART_WAIT_MS = Number(process.env.FAULTS_RESTART_WAIT_MS ?? 45_000);
/** How long NATS and Temporal stay stopped, and the table lock held. */
export const OUTAGE_MS = Number(process.env.FAULTS_OUTAGE_MS ?? 20_000);
export const LOCK_MS = Number(process.env.FAULTS_LOCK_MS ?? 15_000);
/** How long the system has to converge after a fault before the window counts as not converged. */
export const CONVERGE_TIMEOUT_MS = Number(process.env.FAULTS_CONVERGE_TIMEOUT_MS ?? 240_000);

export const COUNTY = '411099';
export const TOWNSHIP = '411099100';
export const PASSWORD = 'demo-password-2026';

/** Process configuration from the environment, with defaults for the local machine. */
export interface Config {
  databaseUrl: string;
  natsUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  logLevel: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fivestar',
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
    temporalAddress: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? 'fivestar',
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? 'fivestar-cycle',
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}

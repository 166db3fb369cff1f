import { runProcess } from '@fivestar/platform';
import { identitySettingsFromEnv } from './identity';
import { DEFAULT_CONSOLE_DIR } from './gateway/console';
import { edgeSettingsFromEnv } from './gateway/limits';
import { startApiService } from './service';

runProcess('api', (config, log) =>
  startApiService({
    config,
    log,
    port: Number(process.env.API_PORT ?? 8080),
    host: process.env.API_HOST,
    jwtSecret: process.env.JWT_SECRET,
    identity: identitySettingsFromEnv(),
    edge: edgeSettingsFromEnv(),
    // CONSOLE_DIR= (empty) runs the API without the web console.
    consoleDir: process.env.CONSOLE_DIR ?? DEFAULT_CONSOLE_DIR,
    requestBoundMs: process.env.FIVESTAR_REQUEST_BOUND_MS
      ? Number(process.env.FIVESTAR_REQUEST_BOUND_MS)
      : undefined,
  }),
);

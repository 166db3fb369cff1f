import { runProcess } from '@fivestar/platform';
import { identitySettingsFromEnv } from './identity';
import { edgeSettingsFromEnv } from './limits';
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
  }),
);

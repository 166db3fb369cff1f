import { createLogger, loadConfig, onShutdown } from '@fivestar/platform';
import { startApiService } from './service';

const log = createLogger('api');
startApiService({
  config: loadConfig(),
  log,
  port: Number(process.env.API_PORT ?? 8080),
  host: process.env.API_HOST,
  jwtSecret: process.env.JWT_SECRET,
})
  .then((svc) => onShutdown(log, () => svc.stop()))
  .catch((err) => {
    log.fatal({ err }, 'api failed to start');
    process.exit(1);
  });

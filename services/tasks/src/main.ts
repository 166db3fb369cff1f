import { createLogger, loadConfig, onShutdown } from '@fivestar/platform';
import { startTasksService } from './service';

const config = loadConfig();
const log = createLogger('tasks', config.logLevel);

startTasksService({ config, log })
  .then((svc) => onShutdown(log, () => svc.stop()))
  .catch((err) => {
    log.fatal({ err }, 'tasks service failed to start');
    process.exit(1);
  });

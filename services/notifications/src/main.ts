import { createLogger, loadConfig, onShutdown } from '@fivestar/platform';
import { startNotificationsService } from './service';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger('notifications', config.logLevel);
  const service = await startNotificationsService({ config, log });
  onShutdown(log, () => service.stop());
}

main().catch((err) => {
  createLogger('notifications').fatal({ err }, 'notifications service failed to start');
  process.exit(1);
});

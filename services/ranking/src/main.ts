import { createLogger, loadConfig, onShutdown } from '@fivestar/platform';
import { startRankingService } from './service';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger('ranking', config.logLevel);
  const service = await startRankingService({ config, log });
  onShutdown(log, () => service.stop());
}

main().catch((err) => {
  createLogger('ranking').fatal({ err }, 'ranking service failed to start');
  process.exit(1);
});

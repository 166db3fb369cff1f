import { runProcess } from '@fivestar/platform';
import { startNotificationsService } from './service';

runProcess('notifications', (config, log) => startNotificationsService({ config, log }));

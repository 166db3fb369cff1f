import { runProcess } from '@fivestar/platform';
import { startTasksService } from './service';

runProcess('tasks', (config, log) => startTasksService({ config, log }));

/** `node dist/rebuild.js`: replays the event stream into the notification model. Stop the service first. */
import { runRebuild } from '@fivestar/platform';
import { SCHEMA, type NotificationsDB } from './db';
import { rebuildNotifications } from './service';

runRebuild<NotificationsDB>('notifications', SCHEMA, rebuildNotifications);

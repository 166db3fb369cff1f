export { startNotificationsService, rebuildNotifications } from './service';
export { handleEvent, truncateModel } from './handlers';
export { inbox, markRead } from './queries';
export { noticeFor, formatBeijingTime, type NoticeDraft } from './notices';
export { migrations } from './migrations';
export * from './db';

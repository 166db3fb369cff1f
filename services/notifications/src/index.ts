export { startNotificationsService, rebuildNotifications, type NotificationsServiceOptions } from './service';
export { handleEvent, handleEventWithoutDeliveries, truncateModel } from './handlers';
export { listDeliveries, listWebhooks, retryDelivery, upsertWebhook } from './admin';
export {
  backoffMs,
  deliverDue,
  enqueueDeliveries,
  startDeliveryWorker,
  DEFAULT_DELIVERY_OPTIONS,
  type DeliveryOptions,
} from './deliveries';
export * from './channels';
export { inbox, markRead } from './queries';
export { noticeFor, formatBeijingTime, type NoticeDraft } from './notices';
export { migrations } from './migrations';
export * from './db';

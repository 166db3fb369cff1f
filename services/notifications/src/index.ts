export { startNotificationsService, rebuildNotifications, type NotificationsServiceOptions } from './service';
export { handleEvent, handleEventWithoutDeliveries, truncateModel } from './handlers';
export { listDeliveries, listWebhooks, retryDelivery, upsertWebhook } from './admin';
export {
  backoffMs,
  deliverDue,
  enqueueDeliveries,
  loggingUserChannels,
  startDeliveryWorker,
  DEFAULT_DELIVERY_OPTIONS,
  type DeliveryChannels,
  type DeliveryOptions,
  type UserChannels,
} from './deliveries';
export { dayBounds, digestMessage, type DigestItem } from './digest';
export { sendDigests } from './digests';
export { preferences, setPreferences } from './preferences';
export * from './channels';
export * from './webhook-targets';
export { archive, inbox, markRead } from './queries';
export { noticeFor, type NoticeDraft, type NoticeGroup } from './notices';
export { faultNoticeText } from './faults';
export { migrations } from './migrations';
export * from './db';

import type {
  DeliveryStatus,
  EscalationLevel,
  ExtraChannel,
  NotificationPreferences,
  Role,
  WebhookKind,
} from '@fivestar/contracts';
import type { ConsumerTables } from '@fivestar/platform';
import type { ColumnType, Generated } from 'kysely';

export const SCHEMA = 'notifications';

export type { NoticeKind } from '@fivestar/contracts';
import type { NoticeKind } from '@fivestar/contracts';

/** Timestamps are written as ISO strings (from event.occurredAt) and read back as Dates. */
type Timestamp = ColumnType<Date, string, string>;
type KindPreferences = NotificationPreferences['kinds'];

/** The service's own copy of the directory's users (from `directory.user_upserted`). */
export interface RecipientsTable {
  user_id: string;
  name: string;
  role: Role;
  jurisdiction: string;
  active: boolean;
  /** occurredAt of the upsert applied last: an older upsert never overwrites a newer one. */
  updated_at: Timestamp;
}

export interface NoticesTable {
  id: Generated<string>;
  event_id: string;
  user_id: string;
  kind: NoticeKind;
  title: string;
  body: string;
  round_id: string | null;
  branch_id: string | null;
  work_key: string | null;
  escalation_level: EscalationLevel | null;
  created_at: Timestamp;
  read_at: ColumnType<Date | null, string | null | undefined, string | null>;
  archived_at: ColumnType<Date | null, string | null | undefined, string | null>;
}

/** A WeCom/DingTalk group robot of a township or county (configured by an admin). */
export interface WebhooksTable {
  id: string;
  jurisdiction: string;
  kind: WebhookKind;
  url: string;
  active: boolean;
  created_at: ColumnType<Date, string | undefined, never>;
  updated_at: ColumnType<Date, string | undefined, string>;
}

/** How a delivery goes out: to a group robot, or to one user by email or SMS. */
export type DeliveryChannel = 'webhook' | ExtraChannel;

/**
 * One message out: an event to one webhook, an event to one user by email or SMS, or a user's daily
 * digest (`event_id` = `digest/<day>`, no kind). (event_id, webhook_id) and (event_id, user_id, channel)
 * are unique: however often the event arrives (or a digest is asked for), one row only, and a sent row
 * is never sent again.
 */
export interface DeliveriesTable {
  id: Generated<string>;
  event_id: string;
  channel: ColumnType<DeliveryChannel, DeliveryChannel | undefined, never>;
  webhook_id: string | null;
  user_id: ColumnType<string | null, string | null | undefined, never>;
  /** The email address or mobile number as it was when the row was made. */
  address: ColumnType<string | null, string | null | undefined, never>;
  kind: NoticeKind | null;
  title: string;
  body: string;
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: ColumnType<Date | null, string | null | undefined, string | null>;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: ColumnType<Date, string | undefined, never>;
  sent_at: ColumnType<Date | null, string | null | undefined, string | null>;
}

/** A user's notification preferences: user settings, not derived from events (a rebuild keeps them). */
export interface PreferencesTable {
  user_id: string;
  email: string | null;
  mobile: string | null;
  /** NotificationPreferences['kinds'], written as JSON text. */
  kinds: ColumnType<KindPreferences, string, string>;
  updated_at: ColumnType<Date, string | undefined, string>;
}

/** A failing activity of a branch's workflow (system.activity_failing) and the alert it counts in. */
export interface BranchFaultsTable {
  workflow_id: string;
  activity_id: string;
  branch_id: string;
  /** The branch's county: alerts are one per county and cause. */
  county_code: string;
  /** faultCause(): `calendar:<id>:<year>` or `activity:<type>`. */
  cause: string;
  /** The alert (fault_alerts.alert_id) it was counted in. */
  alert_id: string;
  recovered_at: ColumnType<Date | null, string | null | undefined, string | null>;
}

/**
 * The open alert of a county and cause: its administrators' notices carry `alert_id` (the id of the
 * failing event that opened it) as their event id, so each hears of it once. Deleted when its last fault
 * recovers; a later failure opens a new one.
 */
export interface FaultAlertsTable {
  county_code: string;
  cause: string;
  alert_id: string;
  opened_at: Timestamp;
}

export interface NotificationsTables {
  recipients: RecipientsTable;
  notices: NoticesTable;
  webhooks: WebhooksTable;
  deliveries: DeliveriesTable;
  preferences: PreferencesTable;
  branch_faults: BranchFaultsTable;
  fault_alerts: FaultAlertsTable;
}

export type NotificationsDB = NotificationsTables & ConsumerTables;

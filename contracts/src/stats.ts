import { z } from 'zod';
import { FaultsResult } from './faults';

// ---- service stats (every read-model service answers `fivestar.svc.<service>.stats`) ------------

/** The services that consume the event stream into a read model (started by the platform's kit). */
export const READ_MODEL_SERVICES = ['tasks', 'notifications', 'ranking'] as const;
export const ReadModelServiceName = z.enum(READ_MODEL_SERVICES);
export type ReadModelServiceName = z.infer<typeof ReadModelServiceName>;

export const StatsRequest = z.object({});
export type StatsRequest = z.input<typeof StatsRequest>;

const Count = z.number().int().nonnegative();
/** A position in the stream: the consumer's own sequence and the stream's. */
const SequencePair = z.object({ consumerSeq: Count, streamSeq: Count });

/** What the consumer runner counted since the process started. */
export const HandlerCounters = z.object({
  /** Events whose effect was applied. */
  applied: Count,
  /** Events skipped because their id had been applied before (redelivery, replay). */
  duplicates: Count,
  /** Handler failures; each is retried with backoff until the delivery limit. */
  failedAttempts: Count,
  /** Messages parked in the dead-letter list: poison (invalid) or failing on the last delivery. */
  deadLettered: Count,
});
export type HandlerCounters = z.infer<typeof HandlerCounters>;

/** One durable consumer: JetStream's consumer info (nats-server 2.9 fields) and the runner's counters. */
export const ConsumerStats = z.object({
  durable: z.string(),
  streamLastSeq: Count,
  delivered: SequencePair,
  ackFloor: SequencePair,
  /** Lag: messages of the stream not yet delivered to the consumer (num_pending). */
  lag: Count,
  /** Delivered, not acknowledged yet. */
  ackPending: Count,
  redelivered: Count,
  handler: HandlerCounters,
});
export type ConsumerStats = z.infer<typeof ConsumerStats>;

export const DeadLetterError = z.object({
  /** Null when the message was not even an event with an id (poison). */
  eventId: z.string().nullable(),
  message: z.string(),
  at: z.string(),
});
export type DeadLetterError = z.infer<typeof DeadLetterError>;

export const ServiceStats = z.object({
  service: ReadModelServiceName,
  /** When this service started in its process, and the process's uptime. */
  startedAt: z.string(),
  uptimeSeconds: z.number().nonnegative(),
  consumers: z.array(ConsumerStats),
  /** The service's dead-letter table: every row ever parked, and the latest one. */
  deadLetters: z.object({ total: Count, lastError: DeadLetterError.nullable() }),
});
export type ServiceStats = z.infer<typeof ServiceStats>;

/** GET /api/admin/stats: every read-model service, answering or not (one silent service fails nothing). */
export const AdminStatsEntry = z.discriminatedUnion('reachable', [
  z.object({ service: ReadModelServiceName, reachable: z.literal(true), stats: ServiceStats }),
  z.object({ service: ReadModelServiceName, reachable: z.literal(false), error: z.string() }),
]);
export type AdminStatsEntry = z.infer<typeof AdminStatsEntry>;
export const AdminStatsResult = z.object({
  services: z.array(AdminStatsEntry),
  /** Branches whose workflow keeps failing in the caller's jurisdiction (null: the ledger did not answer). */
  faults: FaultsResult.nullable(),
});
export type AdminStatsResult = z.infer<typeof AdminStatsResult>;

import {
  CN_MAINLAND_CALENDAR,
  DEFAULT_CALENDAR_ID,
  WorkCalendar,
  type CalendarInForce,
} from '@fivestar/contracts';
import { callEndpoint } from './endpoints';
import type { Logger } from './logger';
import type { NatsConnection } from './nats';

export interface CalendarCopy {
  calendar: WorkCalendar;
  /** The API's revision of it (0: bundled data only). */
  revision: number;
}

export interface CalendarSourceOptions {
  /** How long a copy is used before it is asked for again. */
  ttlMs?: number;
  /** How long one request may take. */
  timeoutMs?: number;
  clock?: () => number;
}

/**
 * The working-day calendar in force, as the API keeps it in the database (`fivestar.svc.calendar.get`),
 * copied per process and asked for again after `ttlMs` or whenever a caller needs a newer revision (a
 * year just loaded). When the API does not answer, the last copy serves; with none yet, `get` throws.
 */
export class CalendarSource {
  private readonly copies = new Map<string, CalendarCopy & { at: number }>();
  /** When `current` last asked in the background, so a silent API is asked once per interval. */
  private readonly asked = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly timeoutMs: number;
  private readonly clock: () => number;

  constructor(
    private readonly nc: NatsConnection,
    private readonly log: Logger,
    opts: CalendarSourceOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 30_000;
    this.timeoutMs = opts.timeoutMs ?? 3000;
    this.clock = opts.clock ?? Date.now;
  }

  /** The calendar `id`, at least as new as `minRevision`. */
  async get(id: string = DEFAULT_CALENDAR_ID, minRevision = 0): Promise<CalendarCopy> {
    const held = this.copies.get(id);
    if (held && held.revision >= minRevision && this.clock() - held.at < this.ttlMs) return held;
    try {
      const answer: CalendarInForce = await callEndpoint(this.nc, 'calendar', 'get', { id }, this.timeoutMs);
      const copy = {
        calendar: WorkCalendar.parse({ id: answer.id, years: answer.years }),
        revision: answer.revision,
        at: this.clock(),
      };
      this.copies.set(id, copy);
      return copy;
    } catch (err) {
      if (held && held.revision >= minRevision) {
        this.log.warn({ err, calendarId: id }, '工作日历暂无法更新，沿用已有数据 / calendar refresh failed');
        return held;
      }
      throw err;
    }
  }

  /**
   * A synchronous view for code that counts per row (task lights, bulletins): the last copy of the
   * mainland calendar (the bundled data until the first answer), refreshed in the background.
   */
  current(id: string = DEFAULT_CALENDAR_ID): WorkCalendar {
    const held = this.copies.get(id);
    const now = this.clock();
    if ((!held || now - held.at >= this.ttlMs) && now - (this.asked.get(id) ?? -Infinity) >= this.ttlMs) {
      this.asked.set(id, now);
      void this.get(id).catch(() => undefined);
    }
    if (held) return held.calendar;
    return id === DEFAULT_CALENDAR_ID ? CN_MAINLAND_CALENDAR : WorkCalendar.parse({ id, years: {} });
  }
}

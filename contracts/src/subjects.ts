import type { EventType } from './events';

export const EVENT_STREAM = 'FIVESTAR_EVENTS';
export const EVENT_SUBJECT_PREFIX = 'fivestar.evt';
export const EVENT_SUBJECTS = `${EVENT_SUBJECT_PREFIX}.>`;

/** `round.started` → `fivestar.evt.round.started` */
export function eventSubject(type: EventType): string {
  return `${EVENT_SUBJECT_PREFIX}.${type}`;
}

export function serviceSubject(service: ServiceName, endpoint: string): string {
  return `fivestar.svc.${service}.${endpoint}`;
}

export type ServiceName = 'tasks' | 'notifications' | 'ranking' | 'directory' | 'calendar';

import pino, { type DestinationStream, type Logger } from 'pino';

/** What never reaches a log line: credentials at the top level, one level down, and in HTTP headers. */
const REDACTED_PATHS = [
  ...[
    'password',
    'currentPassword',
    'newPassword',
    'initialPassword',
    'token',
    'refreshToken',
    'cookie',
  ].flatMap((key) => [key, `*.${key}`]),
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

/**
 * Structured JSON logs; credentials are redacted wherever they appear. `destination` defaults to
 * stdout (tests hand a stream to read what was logged).
 */
export function createLogger(
  service: string,
  level = process.env.LOG_LEVEL ?? 'info',
  destination?: DestinationStream,
): Logger {
  const options = { name: service, level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };

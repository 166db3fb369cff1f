import pino, { type Logger } from 'pino';

/** Structured JSON logs; credentials are redacted wherever they appear. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'refreshToken',
        '*.refreshToken',
        'currentPassword',
        '*.currentPassword',
        'newPassword',
        '*.newPassword',
        'initialPassword',
        '*.initialPassword',
        'authorization',
        '*.authorization',
        'req.headers.authorization',
        'req.headers.cookie',
      ],
      censor: '[redacted]',
    },
  });
}

export type { Logger };

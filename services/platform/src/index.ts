export * from './config';
export * from './logger';
export * from './db';
export * from './nats';
export * from './events';
export * from './consumer';
export * from './endpoints';
export * from './process';

export { startTasksService, type TasksServiceOptions } from './service';
export { handleEvent } from './handlers';
export { listTasks, type ListTasksQuery, type ListOptions } from './queries';
export { migrations } from './migrations';
export { computeLight, isOverdue, yellowSecondsFromEnv, DEFAULT_YELLOW_SECONDS } from './light';
export { SCHEMA, type TasksDatabase, type TasksDb, type TasksTable } from './schema';

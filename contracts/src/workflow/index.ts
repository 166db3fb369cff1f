/**
 * The workflow client contract: workflow ids, inputs, Update/Query/Signal definitions and their answers,
 * search attributes and rejection types. Shared by the worker (workflows/) and its callers (the API, the
 * CLI, tests, benchmarks), so no caller imports the worker. A subpath of its own (`@fivestar/contracts/workflow`)
 * because it loads the Temporal SDK, which the console's browser bundle must not.
 */
export * from './definitions';
export * from './search-attributes';
export * from './rejections';

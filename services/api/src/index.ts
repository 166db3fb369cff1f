export { startApiService, type ApiServiceOptions } from './service';
export { createApp } from './gateway/app';
export { migrations } from './migrations';
export { API_SCHEMA, type ApiDatabase } from './schema';
export { COMMUNITY_NAMES, demoCounty, DEMO_PASSWORD, VILLAGE_NAMES, type DemoCounty } from './directory/demo';
export { loadDirectory, publishDirectory, PUBLISH_CONCURRENCY } from './directory/events';
export { writeDirectory, type DirectoryUser } from './directory/store';
export { hashPassword } from './identity/sessions';
export {
  localEvidenceStore,
  LocalDiskEvidenceStore,
  missingEvidenceUploads,
  type EvidenceStore,
} from './evidence';
export { catalogsInForce, seedDefaultCatalogs } from './catalogs';

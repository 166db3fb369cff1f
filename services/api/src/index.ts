export { startApiService, type ApiServiceOptions } from './service';
export { createApp } from './app';
export { migrations } from './migrations';
export { API_SCHEMA, type ApiDatabase } from './schema';
export { demoCounty, DEMO_PASSWORD, type DemoCounty } from './demo';
export { loadDirectory, publishDirectory, writeDirectory, type DirectoryUser } from './directory';
export { hashPassword } from './auth';
export {
  localEvidenceStore,
  LocalDiskEvidenceStore,
  missingEvidenceUploads,
  type EvidenceStore,
} from './evidence';
export { catalogsInForce, seedDefaultCatalogs } from './catalogs';

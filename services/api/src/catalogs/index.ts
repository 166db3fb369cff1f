/** Catalog import and export: JSON and the Excel template (see docs/catalogs.md). */
export { type CatalogError, type CatalogParseResult, formatPath } from './errors';
export { catalogToJson, checkCatalogValue, parseCatalogJson } from './json';
export { blankTemplate, catalogToWorkbook, parseCatalogWorkbook, SHEET } from './excel';
export {
  exportCatalog,
  importCatalog,
  parseCatalogUpload,
  templateFile,
  JSON_CONTENT_TYPE,
  XLSX_CONTENT_TYPE,
  type CatalogFile,
  type CatalogFormat,
  type ImportOptions,
} from './files';
export { catalogDigest, checkNewVersion, type StoredVersion, type VersionCheck } from './versions';
export {
  catalogExists,
  catalogsInForce,
  getCatalog,
  listCatalogs,
  previewImport,
  seedDefaultCatalogs,
  storeCatalog,
  SYSTEM_USER,
  type ImportOutcome,
} from './store';

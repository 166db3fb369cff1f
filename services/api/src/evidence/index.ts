/** Evidence files (佐证材料): a content-addressed store, type and size limits, metadata (docs/evidence.md). */
export {
  defaultEvidenceDir,
  localEvidenceStore,
  LocalDiskEvidenceStore,
  sha256Of,
  type EvidenceStore,
} from './store';
export {
  ACCEPTED_TYPES,
  ACCEPTED_TYPES_TEXT,
  declaredTypeAgrees,
  EVIDENCE_MAX_BYTES,
  sniffEvidenceType,
  zipEntryNames,
  type EvidenceType,
} from './types';
export {
  evidenceDownload,
  listEvidence,
  missingEvidenceUploads,
  recordEvidence,
  type EvidenceItem,
  type NewEvidence,
} from './metadata';

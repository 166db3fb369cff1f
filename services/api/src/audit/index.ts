export { auditCommands } from './middleware';
export { auditLogMigration } from './migration';
export {
  AUDIT_WRITER,
  auditDb,
  auditEntries,
  auditPage,
  fromRow,
  type AuditDb,
  type AuditFilter,
} from './store';
export { formatVerify, verifyChain } from './verify';

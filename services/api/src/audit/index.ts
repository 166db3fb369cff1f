export { auditCommands, type CommandAudit } from './middleware';
export { auditLogMigration, auditOutcomeMigration } from './migration';
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

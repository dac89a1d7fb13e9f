/**
 * Test helpers for Groundcrew's scaffolder actions and backends: run a handler as the scaffolder
 * would, record what it logged and audited, and point a test backend's config at a sandbox. Import
 * from `@groundcrew/plugin-infra-node/testUtils` in tests.
 *
 * @packageDocumentation
 */
export { actionContext, recordingLogger, runAction } from './actions';
export { recordingAuditor } from './recordingAuditor';
export type { RecordedAuditEvent } from './recordingAuditor';
export {
  createTestDatabase,
  TEST_POSTGRES_ENV,
  testDatabaseKinds,
} from './testDatabases';
export type { TestDatabase, TestDatabaseKind } from './testDatabases';
export { startServicesBackend } from './servicesBackend';
export { sandboxAppConfig } from './sandboxAppConfig';
export { permissionPolicy } from './permissionPolicy';
export type { PermissionAsk } from './permissionPolicy';
export type { SandboxEndpoints } from './sandboxAppConfig';

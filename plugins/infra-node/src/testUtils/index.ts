/**
 * Test helpers for Groundcrew's scaffolder actions: run a handler as the scaffolder would, and
 * record what it logged and audited. Import from `@groundcrew/plugin-infra-node/testUtils` in tests.
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

export {
  RUNWAY_API_VERSION,
  RUNWAY_KINDS,
  RUNWAY_DEPLOYMENT_STRATEGIES,
  RUNWAY_DEFAULT_ROLLOUT_TRAFFIC_PERCENTAGES,
  RUNWAY_SERVICE_NAME_PATTERN,
  runwayManifestSchema,
  runwayRolloutSteps,
} from './runwayManifestSchema';
export type {
  RunwayKind,
  RunwayManifest,
  RunwayManifestInput,
  RunwayCloudRunManifest,
  RunwayKubernetesManifest,
  RunwayEnvironmentVariable,
} from './runwayManifestSchema';
export {
  RUNWAY_MANIFEST_SCHEMA_ID,
  parseRunwayManifest,
  validateRunwayManifest,
  stringifyRunwayManifest,
  formatRunwayProblem,
} from './parseRunwayManifest';
export type {
  RunwayManifestProblem,
  RunwayManifestResult,
} from './parseRunwayManifest';
export { runwayManifestJsonSchema } from './runwayManifestJsonSchema';

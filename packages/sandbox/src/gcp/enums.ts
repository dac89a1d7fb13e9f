/**
 * The enums the imitation answers with, by value name and number as the
 * clients' protos define them. The REST clients ask for numbers
 * (`$alt=json;enum-encoding=int`); a request without it gets the names, as
 * Google does.
 */
export type EnumTable = Readonly<Record<string, number>>;

/** google.cloud.resourcemanager.v3.Project.State (Folder.State and Organization.State are the same). */
export const RESOURCE_STATE = {
  STATE_UNSPECIFIED: 0,
  ACTIVE: 1,
  DELETE_REQUESTED: 2,
} as const;

/** google.api.serviceusage.v1.State */
export const SERVICE_STATE = {
  STATE_UNSPECIFIED: 0,
  DISABLED: 1,
  ENABLED: 2,
} as const;

/** google.container.v1.Operation.Status (also OperationProgress.status) */
export const CONTAINER_OPERATION_STATUS = {
  STATUS_UNSPECIFIED: 0,
  PENDING: 1,
  RUNNING: 2,
  DONE: 3,
  ABORTING: 4,
} as const;

/** google.container.v1.Operation.Type (the ones the imitation runs) */
export const CONTAINER_OPERATION_TYPE = {
  TYPE_UNSPECIFIED: 0,
  CREATE_CLUSTER: 1,
  DELETE_CLUSTER: 2,
} as const;

/** google.container.v1.Cluster.Status */
export const CLUSTER_STATUS = {
  STATUS_UNSPECIFIED: 0,
  PROVISIONING: 1,
  RUNNING: 2,
  RECONCILING: 3,
  STOPPING: 4,
  ERROR: 5,
  DEGRADED: 6,
} as const;

/** google.container.v1.NodePool.Status */
export const NODE_POOL_STATUS = {
  STATUS_UNSPECIFIED: 0,
  PROVISIONING: 1,
  RUNNING: 2,
  RUNNING_WITH_ERROR: 3,
  RECONCILING: 4,
  STOPPING: 5,
  ERROR: 6,
} as const;

/** google.container.v1.ReleaseChannel.Channel */
export const RELEASE_CHANNEL = {
  UNSPECIFIED: 0,
  RAPID: 1,
  REGULAR: 2,
  STABLE: 3,
  EXTENDED: 4,
} as const;

/** google.cloud.run.v2.TrafficTargetAllocationType */
export const RUN_TRAFFIC_TYPE = {
  TRAFFIC_TARGET_ALLOCATION_TYPE_UNSPECIFIED: 0,
  TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST: 1,
  TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION: 2,
} as const;

/** google.cloud.run.v2.Condition.State */
export const RUN_CONDITION_STATE = {
  STATE_UNSPECIFIED: 0,
  CONDITION_PENDING: 1,
  CONDITION_RECONCILING: 2,
  CONDITION_FAILED: 3,
  CONDITION_SUCCEEDED: 4,
} as const;

/** google.cloud.run.v2.Condition.Severity */
export const RUN_CONDITION_SEVERITY = {
  SEVERITY_UNSPECIFIED: 0,
  ERROR: 1,
  WARNING: 2,
  INFO: 3,
} as const;

/** google.cloud.run.v2.IngressTraffic */
export const RUN_INGRESS = {
  INGRESS_TRAFFIC_UNSPECIFIED: 0,
  INGRESS_TRAFFIC_ALL: 1,
  INGRESS_TRAFFIC_INTERNAL_ONLY: 2,
  INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER: 3,
  INGRESS_TRAFFIC_NONE: 4,
} as const;

/** google.api.LaunchStage */
export const LAUNCH_STAGE = {
  LAUNCH_STAGE_UNSPECIFIED: 0,
  UNIMPLEMENTED: 6,
  PRELAUNCH: 7,
  EARLY_ACCESS: 1,
  ALPHA: 2,
  BETA: 3,
  GA: 4,
  DEPRECATED: 5,
} as const;

export type EnumStyle = 'int' | 'name';

/** What the request asked for: gax adds `$alt=json;enum-encoding=int`. */
export function enumStyleOf(query: URLSearchParams): EnumStyle {
  return (query.get('$alt') ?? '').includes('enum-encoding=int')
    ? 'int'
    : 'name';
}

export function encodeEnum<T extends EnumTable>(
  table: T,
  value: keyof T & string,
  style: EnumStyle,
): number | string {
  return style === 'int' ? table[value] : value;
}

/** A request's enum value (a name or a number) as its name; undefined when unknown. */
export function decodeEnum<T extends EnumTable>(
  table: T,
  value: unknown,
): (keyof T & string) | undefined {
  if (typeof value === 'string' && value in table) {
    return value as keyof T & string;
  }
  if (typeof value === 'number') {
    const found = Object.entries(table).find(([, n]) => n === value);
    return found?.[0] as (keyof T & string) | undefined;
  }
  return undefined;
}

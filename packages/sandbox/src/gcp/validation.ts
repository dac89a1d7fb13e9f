import type { FieldViolation } from './errors';

/** projects.proto: 6 to 30 lowercase letters, digits or hyphens; starts with a letter; no trailing hyphen. */
export const PROJECT_ID_RE = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** projects.proto: 4 to 30 of letters, digits, hyphen, quotes, space, exclamation point. */
const DISPLAY_NAME_RE = /^[A-Za-z0-9\-'" !]{4,30}$/;

/*
 * Labels, as Resource Manager's labels documentation states them (the
 * proto comment is stricter and forbids underscores): keys start with a
 * lowercase letter; keys and values use lowercase letters, digits,
 * underscores and dashes; at most 63 characters; at most 64 labels.
 */
const LABEL_KEY_RE = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE_RE = /^[a-z0-9_-]{0,63}$/;
const MAX_LABELS = 64;

export function projectIdViolations(
  projectId: unknown,
  field: string,
): FieldViolation[] {
  if (typeof projectId !== 'string' || projectId === '') {
    return [{ field, description: 'The project ID must be specified.' }];
  }
  if (!PROJECT_ID_RE.test(projectId)) {
    return [
      {
        field,
        description: `The project ID "${projectId}" is invalid: it must be 6 to 30 lowercase ASCII letters, digits, or hyphens, start with a letter, and not end with a hyphen.`,
      },
    ];
  }
  return [];
}

export function displayNameViolations(
  displayName: unknown,
  field: string,
): FieldViolation[] {
  if (displayName === undefined || displayName === '') return [];
  if (typeof displayName !== 'string' || !DISPLAY_NAME_RE.test(displayName)) {
    return [
      {
        field,
        description:
          'The display name must be 4 to 30 characters: letters, digits, hyphen, single-quote, double-quote, space, and exclamation point.',
      },
    ];
  }
  return [];
}

export function labelViolations(
  labels: unknown,
  field: string,
): FieldViolation[] {
  if (labels === undefined) return [];
  if (!labels || typeof labels !== 'object' || Array.isArray(labels)) {
    return [{ field, description: 'Labels must be a map of strings.' }];
  }
  const out: FieldViolation[] = [];
  const entries = Object.entries(labels as Record<string, unknown>);
  if (entries.length > MAX_LABELS) {
    out.push({
      field,
      description: `No more than ${MAX_LABELS} labels can be associated with a resource.`,
    });
  }
  for (const [k, v] of entries) {
    if (!LABEL_KEY_RE.test(k)) {
      out.push({
        field: `${field}[${k}]`,
        description: `Label key "${k}" is invalid: it must start with a lowercase letter and contain only lowercase letters, digits, underscores and dashes (at most 63 characters).`,
      });
    }
    if (typeof v !== 'string' || !LABEL_VALUE_RE.test(v)) {
      out.push({
        field: `${field}[${k}]`,
        description: `Label value "${String(
          v,
        )}" is invalid: it must contain only lowercase letters, digits, underscores and dashes (at most 63 characters).`,
      });
    }
  }
  return out;
}

/** `organizations/<n>` or `folders/<n>` */
export function isParentName(parent: unknown): parent is string {
  return (
    typeof parent === 'string' && /^(organizations|folders)\/\d+$/.test(parent)
  );
}

/** A service name as Service Usage takes it: a DNS name (`container.googleapis.com`). */
export function isServiceName(s: unknown): s is string {
  return (
    typeof s === 'string' &&
    s.length <= 253 &&
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(s)
  );
}

/** GKE cluster and node pool names: lowercase letters, digits, hyphens; starts with a letter; at most 40. */
export const CLUSTER_NAME_RE = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;

/** Regions the imitation knows; a zone is a region and `-a`…`-f`. */
export const REGIONS = [
  'asia-east1',
  'asia-northeast1',
  'asia-south1',
  'asia-southeast1',
  'australia-southeast1',
  'europe-north1',
  'europe-west1',
  'europe-west2',
  'europe-west3',
  'europe-west4',
  'northamerica-northeast1',
  'southamerica-east1',
  'us-central1',
  'us-east1',
  'us-east4',
  'us-west1',
  'us-west2',
];

export function isLocation(location: string): boolean {
  if (REGIONS.includes(location)) return true;
  const zone = /^(.+)-[a-f]$/.exec(location);
  return !!zone && REGIONS.includes(zone[1]);
}

export function regionOf(location: string): string {
  return REGIONS.includes(location)
    ? location
    : location.replace(/-[a-f]$/, '');
}

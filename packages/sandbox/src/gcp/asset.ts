import { createHash } from 'node:crypto';
import { GcpApi, GcpCall, GcpRoute, send } from './api';
import { iamDenied } from './access';
import { gcpError, invalidArgument } from './errors';
import type { ClusterRecord, ProjectRecord, RunServiceRecord } from './types';
import type { GcpStore } from './store';
import { PROJECT_ID_RE } from './validation';

/*
 * Cloud Asset Inventory v1 `searchAllResources` (googleapis google/cloud/asset/v1/asset_service.proto,
 * assets.proto `ResourceSearchResult`): `GET /v1/{scope=*\/*}:searchAllResources` with `assetTypes`
 * (repeated: one query parameter each, RE2 patterns), `pageSize` (default 10, capped at 500),
 * `pageToken`, `readMask` (FieldMask: comma-separated top-level fields of ResourceSearchResult,
 * camelCase or snake_case, `*` for all; an unknown field is INVALID_ARGUMENT). Served: the
 * projects, their enabled services, GKE clusters and Cloud Run services under an organization, a
 * folder or a project.
 */

const PERMISSION = 'cloudasset.assets.searchAllResources';
const RM = '//cloudresourcemanager.googleapis.com';

/** The asset types the imitation holds resources of. */
export const ASSET_TYPES = {
  project: 'cloudresourcemanager.googleapis.com/Project',
  service: 'serviceusage.googleapis.com/Service',
  cluster: 'container.googleapis.com/Cluster',
  runService: 'run.googleapis.com/Service',
} as const;

const SERVED: readonly string[] = Object.values(ASSET_TYPES);

/**
 * Types Google's search supports of which the imitation holds none: a pattern that matches only
 * these is valid (and finds nothing), one that matches no supported type is INVALID_ARGUMENT.
 */
const KNOWN_UNSERVED = [
  'artifactregistry.googleapis.com/Repository',
  'bigquery.googleapis.com/Dataset',
  'cloudresourcemanager.googleapis.com/Folder',
  'cloudresourcemanager.googleapis.com/Organization',
  'compute.googleapis.com/Disk',
  'compute.googleapis.com/Instance',
  'compute.googleapis.com/Network',
  'container.googleapis.com/NodePool',
  'iam.googleapis.com/ServiceAccount',
  'pubsub.googleapis.com/Topic',
  'run.googleapis.com/Job',
  'run.googleapis.com/Revision',
  'secretmanager.googleapis.com/Secret',
  'sqladmin.googleapis.com/Instance',
  'storage.googleapis.com/Bucket',
];

const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 500;

/** A `ResourceSearchResult` in proto3 JSON (lowerCamelCase, Timestamps as RFC 3339 strings). */
export interface ResourceSearchResult {
  name: string;
  assetType: string;
  project: string;
  folders: string[];
  organization: string;
  displayName: string;
  location: string;
  labels: Record<string, string>;
  state?: string;
  createTime?: string;
  updateTime?: string;
  additionalAttributes?: Record<string, unknown>;
  parentFullResourceName: string;
  parentAssetType: string;
}

/**
 * The top-level fields of `ResourceSearchResult` (assets.proto), which a read mask may name. The
 * imitation fills the ones in {@link ResourceSearchResult}; the others are valid and absent.
 */
const RESULT_FIELDS = new Set([
  'name',
  'assetType',
  'project',
  'folders',
  'organization',
  'displayName',
  'description',
  'location',
  'labels',
  'networkTags',
  'kmsKey',
  'kmsKeys',
  'createTime',
  'updateTime',
  'state',
  'additionalAttributes',
  'parentFullResourceName',
  'versionedResources',
  'attachedResources',
  'relationships',
  'tagKeys',
  'tagValues',
  'tagValueIds',
  'tags',
  'effectiveTags',
  'enrichments',
  'parentAssetType',
  'sccSecurityMarks',
]);

/** The fields a read mask selects; undefined (no mask, or `*`): every field the imitation has. */
function readMaskFields(mask: string): Set<string> | undefined {
  const paths = mask
    .split(',')
    .map(p => p.trim())
    .filter(Boolean);
  if (paths.length === 0 || paths.includes('*')) return undefined;
  const out = new Set<string>();
  for (const path of paths) {
    const camel = path.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (!RESULT_FIELDS.has(camel)) {
      throw invalidArgument(
        [
          {
            field: 'read_mask',
            description: `"${path}" is not a field of ResourceSearchResult.`,
          },
        ],
        `Invalid read_mask: ${path}`,
      );
    }
    out.add(camel);
  }
  return out;
}

/** Where a page starts: the project's index in the store, and the results of it already given. */
interface Cursor {
  project: number;
  skip: number;
  /** Hash of the other request fields: Google requires them unchanged between pages. */
  request: string;
}

/** Asset Inventory's timestamps have seconds granularity (`nanos` always 0). */
function timestamp(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The selected types: every pattern must match at least one type Google supports. */
function selectedTypes(patterns: string[]): Set<string> {
  if (patterns.length === 0) return new Set(SERVED);
  const out = new Set<string>();
  patterns.forEach((pattern, i) => {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch {
      re = /$^/;
    }
    const matched = [...SERVED, ...KNOWN_UNSERVED].filter(t => re.test(t));
    if (matched.length === 0) {
      throw invalidArgument(
        [
          {
            field: `asset_types[${i}]`,
            description: `"${pattern}" matches no supported asset type.`,
          },
        ],
        `Invalid asset type: ${pattern}`,
      );
    }
    for (const t of matched) if (SERVED.includes(t)) out.add(t);
  });
  return out;
}

function parseScope(type: string, id: string): string {
  const scope = `${type}/${id}`;
  const ok =
    ((type === 'organizations' || type === 'folders') && /^\d+$/.test(id)) ||
    (type === 'projects' && (PROJECT_ID_RE.test(id) || /^\d+$/.test(id)));
  if (!ok) {
    throw invalidArgument(
      [
        {
          field: 'scope',
          description:
            'The scope must be projects/{PROJECT_ID}, projects/{PROJECT_NUMBER}, folders/{FOLDER_NUMBER} or organizations/{ORGANIZATION_NUMBER}.',
        },
      ],
      `Invalid scope: ${scope}`,
    );
  }
  return scope;
}

function parseCursor(token: string, request: string): Cursor {
  if (!token) return { project: 0, skip: 0, request };
  let c: Partial<Cursor> = {};
  try {
    c = JSON.parse(Buffer.from(token, 'base64url').toString());
  } catch {
    // Answered below.
  }
  const valid =
    Number.isInteger(c.project) &&
    Number.isInteger(c.skip) &&
    c.project! >= 0 &&
    c.skip! >= 0;
  if (!valid) throw gcpError('INVALID_ARGUMENT', 'Invalid page token.');
  if (c.request !== request) {
    throw gcpError(
      'INVALID_ARGUMENT',
      'The request parameters must be the same as those of the request that returned the page token.',
    );
  }
  return c as Cursor;
}

function cursorToken(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/** What one search reads from the store, indexed once per request. */
class SearchIndex {
  private readonly clusters = new Map<string, ClusterRecord[]>();
  private readonly runServices = new Map<string, RunServiceRecord[]>();

  constructor(private readonly store: GcpStore) {
    for (const c of store.state.clusters) push(this.clusters, c.project, c);
    for (const r of store.state.runServices) {
      push(this.runServices, r.project, r);
    }
  }

  /** The folders above a parent (nearest first) and its organization. */
  ancestors(parent: string): { folders: string[]; organization: string } {
    const chain = this.store.containerAncestry(parent);
    return {
      folders: chain.filter(r => r.startsWith('folders/')),
      organization: chain.find(r => r.startsWith('organizations/')) ?? '',
    };
  }

  /** The project's results of the selected types, in a stable order. */
  resultsOf(p: ProjectRecord, types: Set<string>): ResourceSearchResult[] {
    const { folders, organization } = this.ancestors(p.parent);
    const projectName = `projects/${p.number}`;
    const projectFull = `${RM}/${projectName}`;
    const base = {
      project: projectName,
      folders,
      organization,
      parentFullResourceName: projectFull,
      parentAssetType: ASSET_TYPES.project,
    };
    const out: ResourceSearchResult[] = [];
    if (types.has(ASSET_TYPES.project)) {
      const parentType = p.parent.startsWith('folders/')
        ? 'Folder'
        : 'Organization';
      out.push({
        ...base,
        name: projectFull,
        assetType: ASSET_TYPES.project,
        displayName: p.displayName,
        location: 'global',
        labels: { ...p.labels },
        state: p.state,
        createTime: timestamp(p.createTime),
        updateTime: timestamp(p.updateTime),
        additionalAttributes: { projectId: p.projectId },
        parentFullResourceName: `${RM}/${p.parent}`,
        parentAssetType: `cloudresourcemanager.googleapis.com/${parentType}`,
      });
    }
    // A project scheduled for deletion serves nothing.
    if (p.state !== 'ACTIVE') return out;
    if (types.has(ASSET_TYPES.service)) {
      for (const s of [...p.services].sort()) {
        out.push({
          ...base,
          name: `//serviceusage.googleapis.com/${projectName}/services/${s}`,
          assetType: ASSET_TYPES.service,
          displayName: s,
          location: 'global',
          labels: {},
          state: 'ENABLED',
        });
      }
    }
    if (types.has(ASSET_TYPES.cluster)) {
      for (const c of this.clusters.get(p.projectId) ?? []) {
        out.push({
          ...base,
          name: `//container.googleapis.com/projects/${p.projectId}/locations/${c.location}/clusters/${c.name}`,
          assetType: ASSET_TYPES.cluster,
          displayName: c.name,
          location: c.location,
          labels: { ...c.resourceLabels },
          state: c.status,
          createTime: timestamp(c.createTime),
        });
      }
    }
    if (types.has(ASSET_TYPES.runService)) {
      for (const r of this.runServices.get(p.projectId) ?? []) {
        out.push({
          ...base,
          name: `//run.googleapis.com/projects/${p.projectId}/locations/${r.location}/services/${r.name}`,
          assetType: ASSET_TYPES.runService,
          displayName: r.name,
          location: r.location,
          labels: { ...r.labels },
          createTime: timestamp(r.createTime),
          updateTime: timestamp(r.updateTime),
        });
      }
    }
    return out;
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function searchAllResources(api: GcpApi, call: GcpCall) {
  const { params, query } = call.ctx;
  const scope = parseScope(params.scopeType, params.scopeId);
  const patterns = query.getAll('assetTypes');
  const types = selectedTypes(patterns);
  const text = query.get('query') ?? '';
  if (text.trim()) {
    throw invalidArgument([
      {
        field: 'query',
        description:
          'The sandbox imitation supports no query statement: select by scope and asset types.',
      },
    ]);
  }
  const store = api.store;
  const scopeProject =
    params.scopeType === 'projects' ? store.project(params.scopeId) : undefined;
  const exists = {
    projects: () => scopeProject !== undefined,
    folders: () => store.folder(scope) !== undefined,
    organizations: () => store.organization(scope) !== undefined,
  }[params.scopeType as 'projects' | 'folders' | 'organizations']();
  const resource = scopeProject ? `projects/${scopeProject.projectId}` : scope;
  if (
    !exists ||
    !store.canSee(call.principal, resource) ||
    (call.principal.deniedPermissions ?? []).includes(PERMISSION)
  ) {
    throw iamDenied(PERMISSION, scope);
  }

  const readMask = query.get('readMask') ?? '';
  const fields = readMaskFields(readMask);
  const request = createHash('sha256')
    .update(JSON.stringify([scope, patterns, text, readMask]))
    .digest('base64url')
    .slice(0, 16);
  const cursor = parseCursor(query.get('pageToken') ?? '', request);
  const requested = Number(query.get('pageSize') ?? 0);
  const size =
    Number.isInteger(requested) && requested > 0
      ? Math.min(requested, MAX_PAGE_SIZE)
      : DEFAULT_PAGE_SIZE;

  const index = new SearchIndex(store);
  const inScope = (p: ProjectRecord) => {
    if (scopeProject) return p === scopeProject;
    const { folders, organization } = index.ancestors(p.parent);
    return organization === scope || folders.includes(scope);
  };
  const projects = store.state.projects;
  const results: ResourceSearchResult[] = [];
  let next: Cursor | undefined;
  let skip = cursor.skip;
  for (let i = cursor.project; i < projects.length; i++) {
    if (!inScope(projects[i])) continue;
    const found = index.resultsOf(projects[i], types);
    if (skip >= found.length) {
      skip = 0;
      continue;
    }
    if (results.length === size) {
      // Full: the token points at the next result there is, so no page comes back empty.
      next = { project: i, skip, request };
      break;
    }
    const take = found.slice(skip, skip + size - results.length);
    results.push(...take);
    skip += take.length;
    if (skip < found.length) {
      next = { project: i, skip, request };
      break;
    }
    skip = 0;
  }
  const masked = fields
    ? results.map(r =>
        Object.fromEntries(
          Object.entries(r).filter(([key]) => fields.has(key)),
        ),
      )
    : results;
  send(call, {
    ...(masked.length ? { results: masked } : {}),
    ...(next ? { nextPageToken: cursorToken(next) } : {}),
  });
}

export function assetRoutes(api: GcpApi): GcpRoute[] {
  return [
    {
      method: 'GET',
      pattern: '/v1/{scopeType}/{scopeId}:searchAllResources',
      handler: c => searchAllResources(api, c),
    },
  ];
}

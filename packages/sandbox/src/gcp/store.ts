import { randomBytes } from 'node:crypto';
import type {
  BillingAccountRecord,
  ClusterRecord,
  FolderRecord,
  GcpFixture,
  GcpPrincipal,
  GcpState,
  OperationRecord,
  OrganizationRecord,
  ProjectRecord,
  RunRevisionRecord,
  RunServiceRecord,
} from './types';

/** The Kubernetes version the imitation's clusters report (as the Kubernetes imitation's /version). */
export const GKE_VERSION = '1.31.4-gke.1000';

/** First generated project number; demo projects use smaller ones. */
const FIRST_GENERATED_NUMBER = 400_000_000_000;

export function nowIso(): string {
  return new Date().toISOString();
}

function emptyState(): GcpState {
  return {
    principals: [],
    organizations: [],
    folders: [],
    projects: [],
    billingAccounts: [],
    clusters: [],
    runServices: [],
    runRevisions: [],
    operations: [],
    sequence: 0,
  };
}

/** A Cloud Run uid (a UUID, as Cloud Run gives services and revisions). */
export function newUid(): string {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(
    16,
    20,
  )}-${h.slice(20)}`;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}

/** Fills the defaults of a fixture's records. */
export function normalizeFixture(
  fixture: GcpFixture,
  nextNumber: () => string,
): Omit<GcpState, 'operations' | 'sequence'> {
  const now = nowIso();
  return {
    principals: (fixture.principals ?? []).map(p => ({
      token: p.token,
      member: p.member,
      visible: [...(p.visible ?? [])],
      billingAccounts: [...(p.billingAccounts ?? [])],
      ...(p.deniedPermissions?.length
        ? { deniedPermissions: [...p.deniedPermissions] }
        : {}),
    })),
    organizations: (fixture.organizations ?? []).map(
      (o): OrganizationRecord => ({
        displayName: o.name,
        directoryCustomerId: `C0${o.name.replace(/\D/g, '')}`,
        createTime: now,
        ...o,
      }),
    ),
    folders: (fixture.folders ?? []).map(
      (f): FolderRecord => ({ displayName: f.name, createTime: now, ...f }),
    ),
    projects: (fixture.projects ?? []).map(
      (p): ProjectRecord => ({
        displayName: p.projectId,
        labels: {},
        state: 'ACTIVE',
        createTime: now,
        updateTime: now,
        revision: 1,
        billingAccountName: '',
        services: [],
        ...p,
        number: p.number ?? nextNumber(),
        iamPolicy: {
          version: 1,
          bindings: [],
          revision: 1,
          ...(p.iamPolicy ?? {}),
        },
      }),
    ),
    billingAccounts: (fixture.billingAccounts ?? []).map(
      (b): BillingAccountRecord => ({
        displayName: b.name,
        open: true,
        parent: '',
        currencyCode: 'USD',
        ...b,
      }),
    ),
    clusters: (fixture.clusters ?? []).map(
      (c): ClusterRecord => ({
        id: randomBytes(16).toString('hex'),
        description: '',
        status: 'RUNNING',
        statusMessage: '',
        createTime: now,
        nodePools: [
          {
            name: 'default-pool',
            machineType: 'e2-standard-4',
            diskSizeGb: 100,
            initialNodeCount: 3,
            status: 'RUNNING',
            version: GKE_VERSION,
          },
        ],
        releaseChannel: 'REGULAR',
        privateNodes: false,
        resourceLabels: {},
        network: 'default',
        subnetwork: 'default',
        currentMasterVersion: GKE_VERSION,
        endpoint: '',
        kubernetesName: '',
        ...c,
      }),
    ),
    runServices: (fixture.runServices ?? []).map(
      (r): RunServiceRecord => ({
        uid: newUid(),
        description: '',
        generation: 1,
        observedGeneration: r.generation ?? 1,
        labels: {},
        annotations: {},
        createTime: now,
        updateTime: now,
        creator: '',
        lastModifier: r.creator ?? '',
        ingress: 'INGRESS_TRAFFIC_ALL',
        traffic: [{ type: 'LATEST', revision: '', percent: 100, tag: '' }],
        trafficStatuses: r.traffic ?? [
          { type: 'LATEST', revision: '', percent: 100, tag: '' },
        ],
        latestCreatedRevision: '',
        latestReadyRevision: r.latestCreatedRevision ?? '',
        ready: 'SUCCEEDED',
        conditionMessage: '',
        lastTransitionTime: r.updateTime ?? now,
        urlHash: randomBytes(5).toString('hex'),
        ...r,
      }),
    ),
    runRevisions: (fixture.runRevisions ?? []).map(
      (r): RunRevisionRecord => ({
        uid: newUid(),
        generation: 1,
        createTime: now,
        creator: '',
        ready: 'SUCCEEDED',
        conditionMessage: '',
        ...r,
      }),
    ),
  };
}

function upsert<T>(list: T[], items: T[], key: (t: T) => string): void {
  for (const item of items) {
    const i = list.findIndex(x => key(x) === key(item));
    if (i >= 0) list[i] = item;
    else list.push(item);
  }
}

export const clusterKey = (c: {
  project: string;
  location: string;
  name: string;
}) => `${c.project}/${c.location}/${c.name}`;

export const runRevisionKey = (r: {
  project: string;
  location: string;
  service: string;
  name: string;
}) => `${r.project}/${r.location}/${r.service}/${r.name}`;

/**
 * The GCP imitation's state in memory: organizations, folders, projects
 * (with billing link, enabled services and IAM policy), billing accounts,
 * principals, clusters, Cloud Run services and revisions, and operations. Handlers change records in place and
 * call `changed()`, which tells the listeners (persistence).
 */
export class GcpStore {
  state: GcpState = emptyState();
  private fixture: GcpFixture = {};
  private readonly listeners = new Set<() => void>();

  /** Tells listeners that the state changed. */
  changed(): void {
    for (const l of this.listeners) l();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sets the fixture `reset` returns to, and resets. */
  setFixture(fixture: GcpFixture): void {
    this.fixture = clone(fixture);
    this.reset();
  }

  /** Back to the fixture (operations are forgotten). */
  reset(): void {
    this.state = emptyState();
    this.merge(this.fixture);
  }

  /** Adds (or replaces, by name) the fixture's records in the current state. */
  merge(fixture: GcpFixture): void {
    const n = normalizeFixture(fixture, () => this.nextNumber());
    const s = this.state;
    upsert(s.principals, n.principals, p => p.token);
    upsert(s.organizations, n.organizations, o => o.name);
    upsert(s.folders, n.folders, f => f.name);
    upsert(s.projects, n.projects, p => p.projectId);
    upsert(s.billingAccounts, n.billingAccounts, b => b.name);
    upsert(s.clusters, n.clusters, clusterKey);
    upsert(s.runServices, n.runServices, clusterKey);
    upsert(s.runRevisions, n.runRevisions, runRevisionKey);
    this.changed();
  }

  /** The whole state, for persistence. */
  snapshot(): GcpState {
    return clone(this.state);
  }

  /** Replaces the state by a snapshot (from `<stateDir>/gcp.json`). */
  restore(state: GcpState): void {
    this.state = { ...emptyState(), ...clone(state) };
  }

  nextSequence(): number {
    this.state.sequence += 1;
    return this.state.sequence;
  }

  nextNumber(): string {
    const taken = new Set(this.state.projects.map(p => p.number));
    for (;;) {
      const n = String(FIRST_GENERATED_NUMBER + this.nextSequence());
      if (!taken.has(n)) return n;
    }
  }

  principal(token: string): GcpPrincipal | undefined {
    return this.state.principals.find(p => p.token === token);
  }

  /** A project by id or number. */
  project(idOrNumber: string): ProjectRecord | undefined {
    return this.state.projects.find(
      p => p.projectId === idOrNumber || p.number === idOrNumber,
    );
  }

  folder(name: string): FolderRecord | undefined {
    return this.state.folders.find(f => f.name === name);
  }

  organization(name: string): OrganizationRecord | undefined {
    return this.state.organizations.find(o => o.name === name);
  }

  billingAccount(name: string): BillingAccountRecord | undefined {
    return this.state.billingAccounts.find(b => b.name === name);
  }

  cluster(
    project: string,
    location: string,
    name: string,
  ): ClusterRecord | undefined {
    return this.state.clusters.find(
      c => c.project === project && c.location === location && c.name === name,
    );
  }

  runService(
    project: string,
    location: string,
    name: string,
  ): RunServiceRecord | undefined {
    return this.state.runServices.find(
      r => r.project === project && r.location === location && r.name === name,
    );
  }

  /** The service's revisions, newest first. */
  runRevisions(service: RunServiceRecord): RunRevisionRecord[] {
    return this.state.runRevisions
      .filter(
        r =>
          r.project === service.project &&
          r.location === service.location &&
          r.service === service.name,
      )
      .sort(
        (a, b) =>
          b.createTime.localeCompare(a.createTime) ||
          b.name.localeCompare(a.name),
      );
  }

  operation(name: string): OperationRecord | undefined {
    return this.state.operations.find(o => o.name === name);
  }

  /** The resource and every ancestor up to its organization: `projects/x`, `folders/1`, `organizations/1`. */
  ancestry(resource: string): string[] {
    if (resource.startsWith('projects/')) {
      const p = this.project(resource.slice('projects/'.length));
      return p ? this.projectAncestry(p) : [];
    }
    return this.containerAncestry(resource);
  }

  /** The project (by id) and its folders and organization, without looking the project up. */
  projectAncestry(p: ProjectRecord): string[] {
    return [`projects/${p.projectId}`, ...this.containerAncestry(p.parent)];
  }

  /** A folder or organization and the folders / organization above it, nearest first. */
  containerAncestry(resource: string): string[] {
    const out: string[] = [];
    let current: string | undefined = resource;
    while (current && out.length < 32 && !out.includes(current)) {
      if (current.startsWith('folders/')) {
        const f = this.folder(current);
        if (!f) break;
        out.push(f.name);
        current = f.parent;
      } else {
        if (this.organization(current)) out.push(current);
        break;
      }
    }
    return out;
  }

  /** Whether the principal sees the resource (it, or an ancestor, is in their `visible`). */
  canSee(principal: GcpPrincipal, resource: string): boolean {
    return this.ancestry(resource).some(r => principal.visible.includes(r));
  }

  /**
   * Whether the principal sees the project: {@link GcpStore.canSee} for a record in hand (a search
   * over 10,000 projects must not look each one up again).
   */
  canSeeProject(principal: GcpPrincipal, p: ProjectRecord): boolean {
    return this.projectAncestry(p).some(r => principal.visible.includes(r));
  }

  /** A project the principal sees, by id or number. */
  visibleProject(
    principal: GcpPrincipal,
    idOrNumber: string,
  ): ProjectRecord | undefined {
    const p = this.project(idOrNumber);
    return p && this.canSeeProject(principal, p) ? p : undefined;
  }
}

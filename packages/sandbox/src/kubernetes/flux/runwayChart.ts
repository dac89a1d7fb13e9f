import type { KubeObject } from '../types';

/**
 * The Runway chart (`runway-service`) as the imitation's `runway-charts`
 * HelmRepository serves it: its values schema (the checks a chart's
 * values.schema.json makes) and its templates (Deployment(s), Service(s) and a
 * Gateway API HTTPRoute). The values contract is issue #10's; see
 * docs/content/sandbox.md.
 */
export const RUNWAY_CHART = 'runway-service';
/** The chart version whose values contract this module implements. */
export const RUNWAY_CHART_VERSION = '1.4.0';

/**
 * True for a chart version the imitation holds templates for: the 1.4 line,
 * or no version (Flux then takes the latest, `*`). Other versions of the chart
 * keep the plain behaviour (Ready, nothing rendered).
 */
export function isRenderedVersion(version: unknown): boolean {
  if (version === undefined || version === '' || version === '*') return true;
  return typeof version === 'string' && /^1\.4\.\d+$/.test(version);
}

type Obj = Record<string, unknown>;

export interface VaultRef {
  path: string;
  key: string;
}

export interface EnvVar {
  name: string;
  value?: string;
  vault?: VaultRef;
}

export interface Probe {
  path: string;
  initialDelaySeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
}

export interface ImageRef {
  repository: string;
  tag: string;
}

/** The chart's values after validation. */
export interface RunwayValues {
  service: string;
  release: string;
  stage: string;
  image: ImageRef;
  containerPort: number;
  replicas: { min: number; max: number };
  resources?: Obj;
  env: EnvVar[];
  probes: { startup?: Probe; liveness?: Probe };
  serviceAccountName?: string;
  registrationTokenSecret?: string;
  canary?: {
    enabled: boolean;
    weight: number;
    replicas: number;
    image?: ImageRef;
  };
  route?: {
    hostnames: string[];
    gateway: { name: string; namespace?: string };
  };
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

const isObj = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/**
 * Schema checks in the manner of Helm's values.schema.json validation: every
 * problem is one `- <value path>: <description>` line.
 */
class Checker {
  readonly errors: string[] = [];

  private fail(path: string, message: string) {
    this.errors.push(`- ${path || '(root)'}: ${message}`);
  }

  private type(path: string, v: unknown, expected: string): boolean {
    const given = typeName(v);
    const ok =
      given === expected || (expected === 'number' && given === 'integer');
    if (!ok)
      this.fail(path, `Invalid type. Expected: ${expected}, given: ${given}`);
    return ok;
  }

  /** The value at `key` of `obj`, checked for presence (when required) and type. */
  field(
    obj: Obj,
    base: string,
    key: string,
    expected: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array',
    required: boolean,
  ): unknown {
    const path = base ? `${base}.${key}` : key;
    const v = obj[key];
    if (v === undefined || v === null) {
      if (required) this.fail(path, 'is required');
      return undefined;
    }
    return this.type(path, v, expected) ? v : undefined;
  }

  str(obj: Obj, base: string, key: string, required = true) {
    const v = this.field(obj, base, key, 'string', required) as
      | string
      | undefined;
    if (v === '' && required)
      this.fail(
        base ? `${base}.${key}` : key,
        'String length must be greater than or equal to 1',
      );
    return v;
  }

  int(
    obj: Obj,
    base: string,
    key: string,
    range: { min?: number; max?: number },
    required = true,
  ) {
    const path = base ? `${base}.${key}` : key;
    const v = this.field(obj, base, key, 'integer', required) as
      | number
      | undefined;
    if (v === undefined) return undefined;
    if (range.min !== undefined && v < range.min) {
      this.fail(path, `Must be greater than or equal to ${range.min}`);
      return undefined;
    }
    if (range.max !== undefined && v > range.max) {
      this.fail(path, `Must be less than or equal to ${range.max}`);
      return undefined;
    }
    return v;
  }

  obj(obj: Obj, base: string, key: string, required = true) {
    return this.field(obj, base, key, 'object', required) as Obj | undefined;
  }

  image(obj: Obj, base: string, key: string, required = true) {
    const path = base ? `${base}.${key}` : key;
    const o = this.obj(obj, base, key, required);
    if (!o) return undefined;
    const repository = this.str(o, path, 'repository');
    const tag = this.str(o, path, 'tag');
    return repository && tag ? { repository, tag } : undefined;
  }

  probe(obj: Obj, base: string, key: string): Probe | undefined {
    const path = `${base}.${key}`;
    const o = this.obj(obj, base, key, false);
    if (!o) return undefined;
    const probePath = this.str(o, path, 'path');
    if (probePath !== undefined && !probePath.startsWith('/'))
      this.fail(`${path}.path`, "Does not match pattern '^/'");
    const out: Probe = { path: probePath ?? '/' };
    for (const [k, min] of [
      ['initialDelaySeconds', 0],
      ['periodSeconds', 1],
      ['failureThreshold', 1],
    ] as const) {
      const v = this.int(o, path, k, { min }, false);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
}

/** Validates the values; returns them typed, or the schema errors. */
export function validateRunwayValues(
  raw: unknown,
): { values: RunwayValues } | { errors: string[] } {
  const c = new Checker();
  if (!isObj(raw)) {
    return {
      errors: [
        `- (root): Invalid type. Expected: object, given: ${typeName(raw)}`,
      ],
    };
  }
  const service = c.str(raw, '', 'service');
  if (service !== undefined && service !== '') {
    if (service.length > 63)
      c.errors.push(
        '- service: String length must be less than or equal to 63',
      );
    else if (!DNS1123_LABEL.test(service))
      c.errors.push(
        `- service: Does not match pattern '${DNS1123_LABEL.source}'`,
      );
  }
  const release = c.str(raw, '', 'release');
  const stage = c.str(raw, '', 'stage');
  const image = c.image(raw, '', 'image');
  const containerPort = c.int(raw, '', 'containerPort', { min: 1, max: 65535 });

  const replicasObj = c.obj(raw, '', 'replicas');
  let replicas: RunwayValues['replicas'] | undefined;
  if (replicasObj) {
    const min = c.int(replicasObj, 'replicas', 'min', { min: 0 });
    const max = c.int(replicasObj, 'replicas', 'max', { min: 0 });
    if (min !== undefined && max !== undefined) {
      if (max < min) c.errors.push('- replicas.max: must be >= replicas.min');
      else replicas = { min, max };
    }
  }

  const resources = c.obj(raw, '', 'resources', false);

  const env: EnvVar[] = [];
  const envList = c.field(raw, '', 'env', 'array', false) as
    | unknown[]
    | undefined;
  (envList ?? []).forEach((item, i) => {
    const path = `env.${i}`;
    if (!isObj(item)) {
      c.errors.push(
        `- ${path}: Invalid type. Expected: object, given: ${typeName(item)}`,
      );
      return;
    }
    const name = c.str(item, path, 'name');
    if (name && !ENV_NAME.test(name))
      c.errors.push(
        `- ${path}.name: Does not match pattern '${ENV_NAME.source}'`,
      );
    const hasValue = item.value !== undefined && item.value !== null;
    const hasVault = item.vault !== undefined && item.vault !== null;
    if (hasValue === hasVault) {
      c.errors.push(`- ${path}: Must validate one and only one schema (oneOf)`);
      return;
    }
    if (hasValue) {
      const value = c.str(item, path, 'value');
      if (name && value !== undefined) env.push({ name, value });
    } else {
      const vault = c.obj(item, path, 'vault');
      if (!vault) return;
      const vp = c.str(vault, `${path}.vault`, 'path');
      const key = c.str(vault, `${path}.vault`, 'key');
      if (name && vp && key) env.push({ name, vault: { path: vp, key } });
    }
  });

  const probes: RunwayValues['probes'] = {};
  const probesObj = c.obj(raw, '', 'probes', false);
  if (probesObj) {
    probes.startup = c.probe(probesObj, 'probes', 'startup');
    probes.liveness = c.probe(probesObj, 'probes', 'liveness');
  }

  const serviceAccountName = c.str(raw, '', 'serviceAccountName', false);
  const registrationTokenSecret = c.str(
    raw,
    '',
    'registrationTokenSecret',
    false,
  );

  let canary: RunwayValues['canary'];
  const canaryObj = c.obj(raw, '', 'canary', false);
  if (canaryObj) {
    const enabled = c.field(canaryObj, 'canary', 'enabled', 'boolean', false);
    const weight = c.int(
      canaryObj,
      'canary',
      'weight',
      { min: 0, max: 100 },
      false,
    );
    const canaryReplicas = c.int(
      canaryObj,
      'canary',
      'replicas',
      { min: 0 },
      false,
    );
    const canaryImage = c.image(canaryObj, 'canary', 'image', false);
    canary = {
      enabled: enabled === true,
      weight: weight ?? 0,
      replicas: canaryReplicas ?? 1,
      ...(canaryImage ? { image: canaryImage } : {}),
    };
  }

  let route: RunwayValues['route'];
  const routeObj = c.obj(raw, '', 'route', false);
  if (routeObj) {
    const hostnames = c.field(routeObj, 'route', 'hostnames', 'array', true) as
      | unknown[]
      | undefined;
    const names: string[] = [];
    if (hostnames) {
      if (hostnames.length === 0)
        c.errors.push('- route.hostnames: Array must have at least 1 items');
      hostnames.forEach((h, i) => {
        if (typeof h !== 'string')
          c.errors.push(
            `- route.hostnames.${i}: Invalid type. Expected: string, given: ${typeName(
              h,
            )}`,
          );
        else names.push(h);
      });
    }
    const gw = c.obj(routeObj, 'route', 'gateway');
    const gwName = gw && c.str(gw, 'route.gateway', 'name');
    const gwNs = gw && c.str(gw, 'route.gateway', 'namespace', false);
    if (gwName)
      route = {
        hostnames: names,
        gateway: { name: gwName, ...(gwNs ? { namespace: gwNs } : {}) },
      };
  }

  if (
    c.errors.length ||
    !service ||
    !release ||
    !stage ||
    !image ||
    containerPort === undefined ||
    !replicas
  ) {
    return { errors: c.errors };
  }
  return {
    values: {
      service,
      release,
      stage,
      image,
      containerPort,
      replicas,
      ...(resources ? { resources } : {}),
      env,
      probes,
      ...(serviceAccountName ? { serviceAccountName } : {}),
      ...(registrationTokenSecret ? { registrationTokenSecret } : {}),
      ...(canary ? { canary } : {}),
      ...(route ? { route } : {}),
    },
  };
}

/** Identity of the Helm release the rendered objects belong to. */
export interface ReleaseRef {
  /** HelmRelease name and namespace (the `helm.toolkit.fluxcd.io/*` labels). */
  hrName: string;
  hrNamespace: string;
  /** Helm release name and the namespace it installs into. */
  releaseName: string;
  targetNamespace: string;
}

/** Labels Flux's helm-controller and Helm put on what a release renders. */
export function helmLabels(ref: ReleaseRef): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': 'Helm',
    'helm.toolkit.fluxcd.io/name': ref.hrName,
    'helm.toolkit.fluxcd.io/namespace': ref.hrNamespace,
  };
}

/** Helm's ownership annotations (checked before adopting an existing object). */
export function helmAnnotations(ref: ReleaseRef): Record<string, string> {
  return {
    'meta.helm.sh/release-name': ref.releaseName,
    'meta.helm.sh/release-namespace': ref.targetNamespace,
  };
}

const SERVICE_PORT = 80;

/** The chart's templates: the objects a release of these values consists of. */
export function renderRunwayChart(
  v: RunwayValues,
  ref: ReleaseRef,
): KubeObject[] {
  const ns = ref.targetNamespace;
  const runway = (track?: string): Record<string, string> => ({
    'app.kubernetes.io/name': v.service,
    'backstage.io/kubernetes-id': v.service,
    'runway.gitlab.com/service': v.service,
    'runway.gitlab.com/stage': v.stage,
    'runway.gitlab.com/release': v.release,
    ...(track ? { track } : {}),
  });
  const meta = (name: string, track?: string) => ({
    name,
    namespace: ns,
    labels: { ...runway(track), ...helmLabels(ref) },
    annotations: helmAnnotations(ref),
  });
  const probe = (p: Probe | undefined) =>
    p && {
      httpGet: { path: p.path, port: v.containerPort, scheme: 'HTTP' },
      ...(p.initialDelaySeconds !== undefined
        ? { initialDelaySeconds: p.initialDelaySeconds }
        : {}),
      ...(p.periodSeconds !== undefined
        ? { periodSeconds: p.periodSeconds }
        : {}),
      ...(p.failureThreshold !== undefined
        ? { failureThreshold: p.failureThreshold }
        : {}),
    };
  const vaultEnv = v.env.filter(e => e.vault);
  const podAnnotations: Record<string, string> = vaultEnv.length
    ? {
        'vault.hashicorp.com/agent-inject': 'true',
        ...Object.fromEntries(
          vaultEnv.flatMap(e => [
            [
              `vault.hashicorp.com/agent-inject-secret-${e.name}`,
              e.vault!.path,
            ],
            [
              `vault.hashicorp.com/agent-inject-template-${e.name}`,
              `{{- with secret "${e.vault!.path}" -}}{{ .Data.data.${
                e.vault!.key
              } }}{{- end }}`,
            ],
          ]),
        ),
      }
    : {};
  const plainEnv = v.env
    .filter(e => e.value !== undefined)
    .map(e => ({ name: e.name, value: e.value }));

  const deployment = (
    name: string,
    track: 'stable' | 'canary',
    replicas: number,
    image: ImageRef,
  ): KubeObject => {
    const startupProbe = probe(v.probes.startup);
    const livenessProbe = probe(v.probes.liveness);
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name, track),
      spec: {
        replicas,
        selector: {
          matchLabels: { 'app.kubernetes.io/name': v.service, track },
        },
        template: {
          metadata: {
            labels: runway(track),
            ...(vaultEnv.length ? { annotations: podAnnotations } : {}),
          },
          spec: {
            ...(v.serviceAccountName
              ? { serviceAccountName: v.serviceAccountName }
              : {}),
            containers: [
              {
                name: v.service,
                image: `${image.repository}:${image.tag}`,
                ports: [
                  {
                    name: 'http',
                    containerPort: v.containerPort,
                    protocol: 'TCP',
                  },
                ],
                ...(plainEnv.length ? { env: plainEnv } : {}),
                ...(v.resources ? { resources: v.resources } : {}),
                ...(startupProbe ? { startupProbe } : {}),
                ...(livenessProbe ? { livenessProbe } : {}),
              },
            ],
          },
        },
      },
    };
  };

  const service = (name: string, track?: 'stable' | 'canary'): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(name, track),
    spec: {
      type: 'ClusterIP',
      selector: {
        'app.kubernetes.io/name': v.service,
        ...(track ? { track } : {}),
      },
      ports: [
        {
          name: 'http',
          port: SERVICE_PORT,
          targetPort: v.containerPort,
          protocol: 'TCP',
        },
      ],
    },
  });

  const canary = v.canary?.enabled ? v.canary : undefined;
  const out: KubeObject[] = [
    deployment(v.service, 'stable', v.replicas.min, v.image),
  ];
  if (canary)
    out.push(
      deployment(
        `${v.service}-canary`,
        'canary',
        canary.replicas,
        canary.image ?? v.image,
      ),
    );
  out.push(service(v.service));
  if (canary)
    out.push(
      service(`${v.service}-stable`, 'stable'),
      service(`${v.service}-canary`, 'canary'),
    );
  if (v.route) {
    const backends = canary
      ? [
          { name: `${v.service}-stable`, weight: 100 - canary.weight },
          { name: `${v.service}-canary`, weight: canary.weight },
        ]
      : [{ name: v.service, weight: 100 }];
    out.push({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: meta(v.service),
      spec: {
        parentRefs: [
          {
            group: 'gateway.networking.k8s.io',
            kind: 'Gateway',
            name: v.route.gateway.name,
            ...(v.route.gateway.namespace
              ? { namespace: v.route.gateway.namespace }
              : {}),
          },
        ],
        hostnames: v.route.hostnames,
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            backendRefs: backends.map(b => ({
              group: '',
              kind: 'Service',
              name: b.name,
              port: SERVICE_PORT,
              weight: b.weight,
            })),
          },
        ],
      },
    });
  }
  return out;
}

/**
 * Cloud Run (Admin API v2) services as Groundcrew reads and writes them: plain data, the same
 * on the backend (GcpService) and in the frontend.
 */

/**
 * Where a Cloud Run service lives: project id, region and service name.
 *
 * @public
 */
export interface CloudRunServiceRef {
  projectId: string;
  /** A region (`us-east1`). */
  location: string;
  /** The service id (the last segment of its resource name). */
  name: string;
}

/**
 * One share of a service's traffic: the latest ready revision, or a named one.
 *
 * @public
 */
export interface CloudRunTrafficTarget {
  type: 'LATEST' | 'REVISION';
  /** The revision's short name (`svc-00002-abc`); only for type REVISION. */
  revision?: string;
  /** 0 to 100; the targets of a service add up to 100. */
  percent: number;
  /** Gives the target its own URL (`https://<tag>---<service>-….a.run.app`). */
  tag?: string;
}

/**
 * A share of the traffic as Cloud Run serves it.
 *
 * @public
 */
export interface CloudRunTrafficStatus extends CloudRunTrafficTarget {
  /** The tag's URL, when the target has a tag. */
  uri?: string;
}

/**
 * A container probe (startup or liveness): an HTTP GET, a TCP connect or a gRPC health check.
 *
 * @public
 */
export interface CloudRunProbe {
  initialDelaySeconds?: number;
  timeoutSeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
  httpGet?: { path?: string; port?: number };
  tcpSocket?: { port?: number };
  grpc?: { port?: number; service?: string };
}

/**
 * What a Cloud Run service should be: a template for its revisions (one container) and traffic.
 *
 * @public
 */
export interface CloudRunServiceSpec {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  template: {
    /** A revision name (prefixed by the service's name); Cloud Run names it when absent. */
    revision?: string;
    image: string;
    containerPort: number;
    env: Array<{ name: string; value: string }>;
    /** Limits as Cloud Run writes them: cpu `1000m` or `2`, memory `512Mi`. */
    resources?: { cpu?: string; memory?: string };
    minInstances: number;
    maxInstances: number;
    startupProbe?: CloudRunProbe;
    livenessProbe?: CloudRunProbe;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  /** Empty: everything to the latest revision. */
  traffic: CloudRunTrafficTarget[];
}

/**
 * A Cloud Run service as Groundcrew shows it.
 *
 * @public
 */
export interface CloudRunService {
  name: string;
  projectId: string;
  location: string;
  /** The service's `*.a.run.app` URL. */
  uri: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Bumped by every change. */
  generation: number;
  /** The generation Cloud Run has finished rolling out. */
  observedGeneration: number;
  /** Short revision names. */
  latestReadyRevision?: string;
  latestCreatedRevision?: string;
  /** Requested traffic. */
  traffic: CloudRunTrafficTarget[];
  /** Traffic as served. */
  trafficStatuses: CloudRunTrafficStatus[];
  /** The Ready condition succeeded and nothing is being rolled out. */
  ready: boolean;
  /** Whether a change is being rolled out. */
  reconciling: boolean;
  /** Why it is not ready, when Cloud Run says. */
  conditionMessage?: string;
  /** The current template, summarised. */
  template: {
    revision?: string;
    image: string;
    containerPort?: number;
    envNames: string[];
    minInstances: number;
    maxInstances: number;
    cpu?: string;
    memory?: string;
  };
  etag?: string;
}

/**
 * One revision of a Cloud Run service.
 *
 * @public
 */
export interface CloudRunRevision {
  /** Short name (`svc-00001-abc`). */
  name: string;
  service: string;
  image: string;
  createTime?: string;
  ready: boolean;
  reconciling: boolean;
  conditionMessage?: string;
}

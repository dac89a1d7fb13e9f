import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestOptions } from 'node:https';
// @kubernetes/client-node's modules, not its entry point: that loads every generated API group
// (docs/content/performance.md, "The Kubernetes client's entry point").
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { createConfiguration } from '@kubernetes/client-node/dist/gen/configuration.js';
import {
  RequestContext,
  ResponseContext,
} from '@kubernetes/client-node/dist/gen/http/http.js';
import { ServerConfiguration } from '@kubernetes/client-node/dist/gen/servers.js';
import { KubernetesObjectApi } from '@kubernetes/client-node/dist/object.js';
// The client's extension point for kinds it has no model for; not re-exported by its entry point.
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import { Watch } from '@kubernetes/client-node/dist/watch.js';

/**
 * The deadline of the call being made, for the client's middleware to put on each request; also
 * tells the list serializers that a call is the cache's own (see readListsAsSent).
 */
const currentCall = new AsyncLocalStorage<AbortSignal>();

/**
 * The cache's calls in flight, across clusters. While an AsyncLocalStorage is enabled Node runs a
 * hook on every promise of the process (≈ 2.4 × the cost of a promise, measured on Node 20): the
 * storage is disabled whenever none of the cache's calls is in flight — most of a backend's life,
 * and a search collation's — and `run` enables it again.
 */
let callsInFlight = 0;

async function inCall<T>(signal: AbortSignal, call: () => Promise<T>) {
  callsInFlight++;
  try {
    return await currentCall.run(signal, call);
  } finally {
    callsInFlight--;
    if (callsInFlight === 0) currentCall.disable();
  }
}

/** client-node's generated serializer (its model classes), which its ObjectSerializer extends. */
const ModelSerializer = Object.getPrototypeOf(ObjectSerializer) as {
  serialize(data: unknown, type: string, format?: string): unknown;
  deserialize(data: unknown, type: string, format?: string): unknown;
};

/**
 * The cache's lists are read as the server sends them, through `ObjectSerializer.registerModel`,
 * the client's way to describe a custom resource. Two reasons:
 * - client-node (1.4) reads the list of a kind it has no model for — `HTTPRouteList`,
 *   `HelmReleaseList`, any custom resource's — as a generic object whose `metadata` it converts to
 *   an ObjectMeta, which has no `continue`: a paged list of custom resources ended after its first
 *   page, silently (a cluster with 600 HTTPRoutes showed 500). These lists are read as sent by
 *   everyone in the process (there is no model to lose).
 * - For the kinds it has models for (Deployment, Pod…) it copies every object of the parsed JSON
 *   into instances of its model classes, timestamps into Dates: twice the objects for the cache to
 *   throw away (it keeps a few fields of each); in a first sync of 100,000 objects most of the
 *   garbage. These lists are read as sent only in the cache's own calls (made in
 *   {@link RequestDeadlines.run}); any other code of the process listing them gets the models, as
 *   without this. Watch events are plain JSON already; the trim functions read both.
 * The registry is the client's, shared by the process: a kind registered before (by another copy
 * of this module, or by the adopter) is left as it is.
 */
export function readListsAsSent(
  kinds: ReadonlyArray<{
    apiVersion: string;
    kind: string;
    /** The client has no model for the kind. */
    customResource?: boolean;
  }>,
) {
  const asSent = {
    serialize: (d: unknown) => d,
    deserialize: (d: unknown) => d,
  };
  const asSentInCacheCalls = {
    serialize: (d: unknown, type: string, format?: string) =>
      ModelSerializer.serialize(d, type, format),
    deserialize: (d: unknown, type: string, format?: string) =>
      currentCall.getStore() ? d : ModelSerializer.deserialize(d, type, format),
  };
  for (const { apiVersion, kind, customResource } of kinds) {
    const [group, version] = apiVersion.includes('/')
      ? apiVersion.split('/')
      : ['', apiVersion];
    try {
      ObjectSerializer.registerModel(
        { group, version, kind: `${kind}List` },
        customResource ? asSent : asSentInCacheCalls,
      );
    } catch (e) {
      // Registered before (by this module in another copy, or by the adopter): theirs stands.
      if (!String(e).includes('already defined')) throw e;
    }
  }
}

/**
 * A KubeConfig whose fetch options carry node-fetch's `timeout`: the time allowed until the response
 * headers arrive. The client's `Watch` takes its request options from here (and sets its own abort
 * signal), so this is how a watch to a server that accepts and never answers gets a deadline. The
 * stream itself is not limited by it; a silent stream is the watcher's own check.
 */
class WatchKubeConfig extends KubeConfig {
  constructor(source: KubeConfig, private readonly headersTimeoutMs: number) {
    super();
    this.loadFromOptions({
      clusters: source.clusters,
      users: source.users,
      contexts: source.contexts,
      currentContext: source.currentContext,
    });
  }

  override async applyToFetchOptions(opts: RequestOptions) {
    const init = await super.applyToFetchOptions(opts);
    return { ...init, timeout: this.headersTimeoutMs };
  }
}

/**
 * Deadlines of calls to one API server. Each call (a list page with the discovery read before it)
 * gets an abort signal that fires after `ms`, or at {@link RequestDeadlines.abortAll}; the client's
 * request middleware puts it on each of the call's requests. Each signal is held only for its call:
 * not `AbortSignal.any` with a long-lived signal, which Node 20 keeps a reference of for every call.
 *
 * @internal
 */
export class RequestDeadlines {
  private readonly open = new Set<AbortController>();

  /** `ms` is the deadline of a request: of every list call at first, of a watch until it answers. */
  constructor(readonly ms: number) {}

  /** Runs `call` with a deadline of `ms`. */
  async run<T>(ms: number, call: () => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), ms);
    this.open.add(controller);
    try {
      return await inCall(controller.signal, call);
    } finally {
      clearTimeout(timer);
      this.open.delete(controller);
    }
  }

  abortAll() {
    for (const controller of this.open) controller.abort();
    this.open.clear();
  }
}

/**
 * The real client's object API and watch for one cluster, with deadlines: a call made in
 * {@link RequestDeadlines.run} (a list page and the discovery read before it) is aborted at its
 * deadline through the client's request middleware (`RequestContext.setSignal`), as the client's
 * own `requestTimeoutMiddleware` does in later releases, and at once at `deadlines.abortAll()` (the
 * cluster left the cache). A watch gets `deadlines.ms` until its response starts.
 *
 * @internal
 */
export function createClusterClients(
  kubeConfig: KubeConfig,
  deadlines: RequestDeadlines,
): { api: KubernetesObjectApi; watch: Watch } {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('The KubeConfig has no current cluster');
  const api = new KubernetesObjectApi(
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kubeConfig },
      promiseMiddleware: [
        {
          pre: async (context: RequestContext) => {
            const signal = currentCall.getStore();
            if (signal) context.setSignal(signal);
            return context;
          },
          post: async (response: ResponseContext) => response,
        },
      ],
    }),
  );
  const watch = new Watch(new WatchKubeConfig(kubeConfig, deadlines.ms));
  return { api, watch };
}

/** True for a request that ended at its deadline or was aborted: node-fetch's AbortError or timeout. */
export function isDeadline(error: unknown): boolean {
  const e = error as { name?: string; type?: string } | undefined;
  return e?.name === 'AbortError' || e?.type === 'request-timeout';
}

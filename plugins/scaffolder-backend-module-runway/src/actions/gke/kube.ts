// @kubernetes/client-node's modules, not its entry point: that loads every generated API group
// (docs/content/performance.md, "The Kubernetes client's entry point").
import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { ApiException } from '@kubernetes/client-node/dist/gen/apis/exception.js';
import { KubernetesObjectApi } from '@kubernetes/client-node/dist/object.js';
import { PatchStrategy } from '@kubernetes/client-node/dist/patch.js';
import type { KubernetesObject } from '@kubernetes/client-node/dist/types.js';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';

/** The field manager of every object the Runway actions apply. */
export const FIELD_MANAGER = 'groundcrew';

/** An object the action applies: always named, namespaced unless cluster-scoped. */
export type Manifest = KubernetesObject & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
};

/** The apiserver's Status message, from an ApiException's body (a string or the parsed Status). */
function statusMessage(e: ApiException<unknown>): string {
  let body: unknown = e.body;
  if (typeof body === 'string') {
    const text = body;
    try {
      body = JSON.parse(text);
    } catch {
      return text.trim() || e.message;
    }
  }
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : e.message;
}

function describe(o: Manifest): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${
    o.metadata.name
  }`;
}

/**
 * One fleet cluster, through the fleet's KubeConfig and client-node's generic object API: reads
 * that tell "absent" from "failed", and server-side apply with the `groundcrew` field manager.
 * Errors come back as Backstage errors that name the cluster and the object.
 */
export class RunwayCluster {
  private readonly api: KubernetesObjectApi;

  constructor(readonly name: string, kubeConfig: KubeConfig) {
    this.api = KubernetesObjectApi.makeApiClient(kubeConfig);
  }

  async read<T extends Manifest>(o: Manifest): Promise<T | undefined> {
    try {
      return (await this.api.read({
        apiVersion: o.apiVersion,
        kind: o.kind,
        metadata: o.metadata,
      })) as T;
    } catch (e) {
      if (e instanceof ApiException && e.code === 404) return undefined;
      throw this.error(e, `read ${describe(o)}`);
    }
  }

  /** Server-side apply without force: a field another manager owns is a ConflictError. */
  async apply<T extends Manifest>(o: T): Promise<T> {
    try {
      return (await this.api.patch(
        o,
        undefined,
        undefined,
        FIELD_MANAGER,
        false,
        PatchStrategy.ServerSideApply,
      )) as T;
    } catch (e) {
      throw this.error(e, `apply ${describe(o)}`);
    }
  }

  /** Sets annotations with a JSON merge patch: the fields Groundcrew applied stay as they are. */
  async annotate(o: Manifest, annotations: Record<string, string>) {
    try {
      await this.api.patch(
        {
          apiVersion: o.apiVersion,
          kind: o.kind,
          metadata: { ...o.metadata, annotations },
        },
        undefined,
        undefined,
        FIELD_MANAGER,
        undefined,
        PatchStrategy.MergePatch,
      );
    } catch (e) {
      throw this.error(e, `annotate ${describe(o)}`);
    }
  }

  /** Creates an object that must not exist yet (a generated Secret); an existing one is kept. */
  async createIfAbsent(o: Manifest): Promise<boolean> {
    try {
      await this.api.create(o, undefined, undefined, FIELD_MANAGER);
      return true;
    } catch (e) {
      if (e instanceof ApiException && e.code === 409) return false;
      throw this.error(e, `create ${describe(o)}`);
    }
  }

  private error(e: unknown, what: string): Error {
    const where = `cluster ${this.name}: could not ${what}`;
    if (e instanceof ApiException) {
      const message = `${where}: ${statusMessage(e)}`;
      switch (e.code) {
        case 409:
          return new ConflictError(
            `${message} — another field manager owns these fields; change them with that tool, or remove its ownership, and run the task again`,
          );
        case 400:
        case 422:
          return new InputError(message);
        case 401:
        case 403:
          return new NotAllowedError(message);
        default:
          return new ServiceUnavailableError(`${message} (HTTP ${e.code})`);
      }
    }
    const cause = e as { message?: string; code?: string };
    return new ServiceUnavailableError(
      `${where}: cluster unreachable (${cause.code ?? cause.message ?? e})`,
    );
  }
}

/**
 * True when every field `desired` sets has the same value in `actual` (what a server-side apply
 * would leave unchanged). Arrays must match element by element, with the same length.
 */
export function contains(actual: unknown, desired: unknown): boolean {
  if (desired === null || typeof desired !== 'object') {
    return actual === desired;
  }
  if (Array.isArray(desired)) {
    return (
      Array.isArray(actual) &&
      actual.length === desired.length &&
      desired.every((d, i) => contains(actual[i], d))
    );
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
    return false;
  }
  const a = actual as Record<string, unknown>;
  return Object.entries(desired as Record<string, unknown>).every(
    ([k, v]) => v === undefined || contains(a[k], v),
  );
}

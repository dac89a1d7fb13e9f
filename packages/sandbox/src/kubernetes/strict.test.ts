import https from 'node:https';
import {
  AuthorizationV1Api,
  V1APIResourceList,
  V1ListMeta,
  V1SelfSubjectAccessReview,
  V1Status,
} from '@kubernetes/client-node';
import { startSandbox, Sandbox } from '../sandbox';
import { FAST, kubeConfigFor, statusOf } from '../__testUtils__/kube';
import type { Problem } from './problems';
import type { Table } from './tables';
import type { Deployment } from './types';

/** The Accept header kubectl get sends (server-side printing). */
const TABLE_ACCEPT =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

describe('kubernetes imitation: as strict as a real apiserver', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [{ name: 'strict' }],
      podsPerCluster: 1200,
      demo: false,
      timings: FAST,
    });
  });
  afterAll(() => sandbox.stop());

  /** A raw HTTPS call; `Body` names the JSON shape the test reads. */
  function call<Body = unknown>(
    method: string,
    path: string,
    opts: {
      headers?: Record<string, string>;
      body?: string;
      base?: string;
    } = {},
  ): Promise<{ status: number; body: Body }> {
    const cluster = sandbox.kubernetes.clusters[0];
    return new Promise((resolve, reject) => {
      const req = https.request(
        `${opts.base ?? cluster.url}${path}`,
        {
          method,
          ca: sandbox.kubernetes.caPem,
          headers: {
            Authorization: `Bearer ${cluster.token}`,
            ...opts.headers,
          },
        },
        r => {
          let text = '';
          r.on('data', c => (text += c));
          r.on('end', () => {
            let body: unknown = text;
            try {
              body = JSON.parse(text);
            } catch {
              // not JSON; keep the text
            }
            resolve({ status: r.statusCode!, body: body as Body });
          });
        },
      );
      req.on('error', reject);
      req.end(opts.body);
    });
  }

  it('keeps metadata.continue on chunked Table lists, so kubectl get -A sees every pod', async () => {
    const names: string[] = [];
    let cont: string | undefined;
    let pages = 0;
    const remaining: unknown[] = [];
    do {
      const q = new URLSearchParams({ limit: '500' });
      if (cont) q.set('continue', cont);
      const res = await call<Table>('GET', `/api/v1/pods?${q}`, {
        headers: { Accept: TABLE_ACCEPT },
      });
      expect(res.status).toBe(200);
      expect(res.body.kind).toBe('Table');
      names.push(
        ...res.body.rows.map(
          r => `${r.object!.metadata.namespace}/${r.object!.metadata.name}`,
        ),
      );
      cont = res.body.metadata.continue || undefined;
      remaining.push(res.body.metadata.remainingItemCount);
      pages++;
    } while (cont && pages < 10);
    expect(pages).toBe(3);
    expect(remaining).toEqual([700, 200, undefined]);
    expect(names).toHaveLength(1200);
    expect(new Set(names).size).toBe(1200);

    // The list response and the Table agree on the chunk metadata.
    const list = await call<{ metadata: V1ListMeta }>(
      'GET',
      '/api/v1/pods?limit=500',
    );
    const table = await call<Table>('GET', '/api/v1/pods?limit=500', {
      headers: { Accept: TABLE_ACCEPT },
    });
    expect(table.body.metadata).toEqual(list.body.metadata);
  });

  const json = { 'Content-Type': 'application/json' };
  const jsonPatchType = { 'Content-Type': 'application/json-patch+json' };

  async function deployment(name: string) {
    const res = await call(
      'POST',
      '/apis/apps/v1/namespaces/default/deployments',
      {
        headers: json,
        body: JSON.stringify({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name, namespace: 'default' },
          spec: {
            replicas: 0,
            selector: { matchLabels: { app: name } },
            template: {
              metadata: { labels: { app: name } },
              spec: {
                containers: [{ name: 'app', image: 'nginx:1', args: ['a'] }],
              },
            },
          },
        }),
      },
    );
    expect(res.status).toBe(201);
    return `/apis/apps/v1/namespaces/default/deployments/${name}`;
  }

  const GENERIC_422 = {
    kind: 'Status',
    status: 'Failure',
    reason: 'Invalid',
    code: 422,
    message: 'the server rejected our request due to an error in our request',
  };

  it('applies JSON patches by RFC 6902 and answers 422 like the real server when one does not apply', async () => {
    const path = await deployment('rfc6902');
    const args = '/spec/template/spec/containers/0/args';
    const patch = (ops: unknown) =>
      call<Deployment>('PATCH', path, {
        headers: jsonPatchType,
        body: JSON.stringify(ops),
      });

    // A non-numeric, leading-zero or out-of-range array index fails.
    for (const bad of [
      [{ op: 'add', path: `${args}/x`, value: 'b' }],
      [{ op: 'add', path: `${args}/01`, value: 'b' }],
      [{ op: 'add', path: `${args}/5`, value: 'b' }],
      [{ op: 'replace', path: `${args}/-`, value: 'b' }],
      [{ op: 'remove', path: `${args}/1` }],
      // replace needs an existing target; the whole patch is all or nothing.
      [
        { op: 'add', path: '/metadata/labels', value: { x: '1' } },
        { op: 'replace', path: '/spec/paused', value: true },
      ],
      [{ op: 'test', path: '/spec/replicas', value: 3 }],
      [{ op: 'test', path: '/spec/missing', value: null }],
      [{ op: 'frobnicate', path: '/spec' }],
      [{ op: 'add', path: '/spec/replicas' }],
      [{ op: 'move', from: '/spec', path: '/spec/template/x' }],
    ]) {
      const res = await patch(bad);
      expect({ ops: bad, status: res.status, body: res.body }).toMatchObject({
        ops: bad,
        status: 422,
        body: GENERIC_422,
      });
    }
    const unchanged = await call<Deployment>('GET', path);
    expect(unchanged.body.metadata.labels).toBeUndefined();
    expect(unchanged.body.spec?.paused).toBeUndefined();
    expect(unchanged.body.spec?.template.spec?.containers[0].args).toEqual([
      'a',
    ]);

    // `-` appends, indices insert, `test` guards, move and copy work.
    const ok = await patch([
      { op: 'test', path: '/spec/replicas', value: 0 },
      { op: 'add', path: `${args}/-`, value: 'c' },
      { op: 'add', path: `${args}/1`, value: 'b' },
      { op: 'copy', from: `${args}/0`, path: `${args}/-` },
      { op: 'move', from: `${args}/0`, path: `${args}/-` },
      { op: 'replace', path: '/spec/replicas', value: 0 },
      { op: 'add', path: '/metadata/labels', value: { 'a~b/c': 'x' } },
      { op: 'test', path: '/metadata/labels/a~0b~1c', value: 'x' },
    ]);
    expect(ok.status).toBe(200);
    expect(ok.body.spec?.template.spec?.containers[0].args).toEqual([
      'b',
      'c',
      'a',
      'a',
    ]);

    // A body that is not a list of operations is a 400, like jsonpatch.DecodePatch.
    for (const body of ['{not json', '{"op":"add"}', '[1]']) {
      const res = await call<V1Status>('PATCH', path, {
        headers: jsonPatchType,
        body,
      });
      expect({ body, status: res.status, reason: res.body.reason }).toEqual({
        body,
        status: 400,
        reason: 'BadRequest',
      });
    }
  });

  it('logs and surfaces errors of store listeners and controllers, and retries the reconcile', async () => {
    const server = sandbox.servers.strict;
    const logged: string[] = [];
    server.problems.sink = line => logged.push(line);
    server.problems.clear();
    const seen: string[] = [];
    const unsubscribeBad = server.state.store.subscribe(() => {
      throw new Error('listener exploded');
    });
    const unsubscribeGood = server.state.store.subscribe(ev =>
      seen.push(ev.object.metadata.name ?? ''),
    );
    const writeStatus = server.state.writeStatus.bind(server.state);
    let failed = 0;
    const spy = jest
      .spyOn(server.state, 'writeStatus')
      .mockImplementation((info, ...rest) => {
        if (info.kind === 'ReplicaSet' && failed === 0) {
          failed++;
          throw new Error('etcd unavailable');
        }
        return writeStatus(info, ...rest);
      });
    try {
      const path = await deployment('surfaced');
      expect(seen).toContain('surfaced');
      expect(server.problems.list()).toContainEqual(
        expect.objectContaining({
          source: expect.stringContaining(
            'store listener on ADDED apps/deployments default/surfaced',
          ),
          message: 'listener exploded',
        }),
      );
      const scaled = await call('PATCH', path, {
        headers: { 'Content-Type': 'application/merge-patch+json' },
        body: JSON.stringify({ spec: { replicas: 2 } }),
      });
      expect(scaled.status).toBe(200);
      // The failed ReplicaSet status write is reported and retried until ready.
      const deadline = Date.now() + 5000;
      let ready = 0;
      while (Date.now() < deadline && ready !== 2) {
        await new Promise(r => setTimeout(r, 50));
        ready =
          (await call<Deployment>('GET', path)).body.status?.readyReplicas ?? 0;
      }
      expect(ready).toBe(2);
      expect(failed).toBe(1);
      const problems = await fetchProblems();
      expect(problems).toContainEqual(
        expect.objectContaining({
          source: expect.stringMatching(/^reconcile rs default\/surfaced-/),
          message: 'etcd unavailable',
        }),
      );
      expect(logged.some(l => l.includes('etcd unavailable'))).toBe(true);
    } finally {
      spy.mockRestore();
      unsubscribeBad();
      unsubscribeGood();
      server.problems.clear();
    }
  });

  async function fetchProblems(): Promise<Problem[]> {
    const res = await call<{ problems: Problem[] }>(
      'GET',
      '/_sandbox/problems',
      {
        base: sandbox.kubernetes.clusters[0].controlUrl,
      },
    );
    expect(res.status).toBe(200);
    return res.body.problems;
  }

  it('answers SelfSubjectAccessReview and SelfSubjectRulesReview like kubectl auth can-i expects', async () => {
    const authz = kubeConfigFor(sandbox).makeApiClient(AuthorizationV1Api);
    const review = await authz.createSelfSubjectAccessReview({
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: {
          resourceAttributes: {
            namespace: 'default',
            verb: 'delete',
            group: 'apps',
            resource: 'deployments',
          },
        },
      },
    });
    expect(review.status?.allowed).toBe(true);
    expect(review.spec.resourceAttributes?.verb).toBe('delete');

    const raw = await call<V1SelfSubjectAccessReview>(
      'POST',
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      {
        headers: json,
        body: JSON.stringify({
          kind: 'SelfSubjectAccessReview',
          apiVersion: 'authorization.k8s.io/v1',
          spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } },
        }),
      },
    );
    expect(raw.status).toBe(201);
    expect(raw.body.status?.allowed).toBe(true);

    const empty = await authz
      .createSelfSubjectAccessReview({
        body: { spec: {} },
      })
      .catch(e => e);
    expect(empty.code).toBe(422);
    expect(statusOf(empty)).toMatchObject({
      reason: 'Invalid',
      details: { causes: [{ field: 'spec.resourceAttributes' }] },
    });

    const rules = await authz.createSelfSubjectRulesReview({
      body: { spec: { namespace: 'default' } },
    });
    expect(rules.status?.resourceRules).toContainEqual(
      expect.objectContaining({ verbs: ['*'], resources: ['*'] }),
    );

    const discovery = await call<V1APIResourceList>(
      'GET',
      '/apis/authorization.k8s.io/v1',
    );
    expect(discovery.body.resources).toContainEqual(
      expect.objectContaining({
        name: 'selfsubjectaccessreviews',
        kind: 'SelfSubjectAccessReview',
        namespaced: false,
        verbs: ['create'],
      }),
    );
    const get = await call(
      'GET',
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    );
    expect(get.status).toBe(405);
  });

  it('answers 400 and 415 where the real server does, not 422', async () => {
    const pods = '/api/v1/namespaces/default/pods';
    const podBody = {
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    };
    // Another built-in kind in the body cannot be decoded as the URL's kind.
    const wrongKind = await call('POST', pods, {
      headers: json,
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', ...podBody }),
    });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body).toMatchObject({
      reason: 'BadRequest',
      message: expect.stringContaining(
        'ConfigMap in version "v1" cannot be handled as a Pod',
      ),
    });
    const wrongVersion = await call<V1Status>(
      'POST',
      '/apis/apps/v1/namespaces/default/deployments',
      {
        headers: json,
        body: JSON.stringify({
          apiVersion: 'apps/v1beta2',
          kind: 'Deployment',
          metadata: { name: 'd' },
        }),
      },
    );
    expect(wrongVersion.status).toBe(400);
    expect(wrongVersion.body.message).toBe(
      'the API version in the data (apps/v1beta2) does not match the expected API version (apps/v1)',
    );
    const malformed = await call<V1Status>('POST', pods, {
      headers: json,
      body: '{"metadata":',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.reason).toBe('BadRequest');

    // An unsupported patch type is 415 before the object or the body is looked at.
    const unknownType = await call('PATCH', `${pods}/does-not-exist`, {
      headers: { 'Content-Type': 'application/x-foo' },
      body: 'not json',
    });
    expect(unknownType.status).toBe(415);
    expect(unknownType.body).toMatchObject({
      reason: 'UnsupportedMediaType',
      message:
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
    });
    // Custom resources take no strategic merge patch.
    const hr = await call(
      'POST',
      '/apis/helm.toolkit.fluxcd.io/v2/namespaces/default/helmreleases',
      {
        headers: json,
        body: JSON.stringify({
          apiVersion: 'helm.toolkit.fluxcd.io/v2',
          kind: 'HelmRelease',
          metadata: { name: 'smp' },
          spec: { interval: '5m', chart: { spec: { chart: 'x' } } },
        }),
      },
    );
    expect(hr.status).toBe(201);
    const smp = await call<V1Status>(
      'PATCH',
      '/apis/helm.toolkit.fluxcd.io/v2/namespaces/default/helmreleases/smp',
      {
        headers: { 'Content-Type': 'application/strategic-merge-patch+json' },
        body: JSON.stringify({ spec: { suspend: true } }),
      },
    );
    expect(smp.status).toBe(415);
    expect(smp.body.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
  });
});

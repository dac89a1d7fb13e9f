import { WatchedObject } from './trim';
import { trimHttpRoute, trimIngress, trimVirtualService } from './trimRoute';

const metadata = {
  uid: 'u1',
  name: 'web',
  namespace: 'web',
  resourceVersion: '42',
  labels: { app: 'web' },
  annotations: {
    'kubectl.kubernetes.io/last-applied-configuration': '{"big":"blob"}',
    'nginx.ingress.kubernetes.io/canary': 'true',
    'nginx.ingress.kubernetes.io/canary-weight': '25',
    'groundcrew.io/rollout-traffic-percentages': '10,100',
  },
};
const obj = (o: unknown) => o as WatchedObject;

describe('route trimming', () => {
  it('keeps the backends and weights of an HTTPRoute, and its resourceVersion', () => {
    const route = trimHttpRoute(
      obj({
        metadata,
        spec: {
          hostnames: ['web.example.com'],
          parentRefs: [{ name: 'gw' }],
          rules: [
            {
              matches: [{ path: { type: 'PathPrefix', value: '/' } }],
              backendRefs: [
                { name: 'web-stable', port: 80, weight: 90 },
                { name: 'web-canary', port: 80 },
              ],
            },
          ],
        },
      }),
    );
    expect(route).toMatchObject({
      kind: 'HTTPRoute',
      resourceVersion: '42',
      hosts: ['web.example.com'],
      rules: [
        {
          backends: [
            { name: 'web-stable', port: 80, weight: 90 },
            { name: 'web-canary', port: 80, weight: undefined },
          ],
        },
      ],
    });
    // Only the annotations the traffic plugin reads: never a last-applied blob.
    expect(Object.keys(route.annotations).sort()).toEqual([
      'groundcrew.io/rollout-traffic-percentages',
      'nginx.ingress.kubernetes.io/canary',
      'nginx.ingress.kubernetes.io/canary-weight',
    ]);
  });

  it('reads the http routes of a VirtualService', () => {
    const route = trimVirtualService(
      obj({
        metadata,
        spec: {
          hosts: ['web'],
          http: [
            {
              name: 'primary',
              route: [
                {
                  destination: {
                    host: 'web',
                    subset: 'v1',
                    port: { number: 80 },
                  },
                  weight: 75,
                },
                { destination: { host: 'web', subset: 'v2' }, weight: 25 },
              ],
            },
          ],
        },
      }),
    );
    expect(route.rules).toEqual([
      {
        name: 'primary',
        backends: [
          { name: 'web', subset: 'v1', port: 80, weight: 75 },
          { name: 'web', subset: 'v2', port: undefined, weight: 25 },
        ],
      },
    ]);
  });

  it('reads the paths of an Ingress as rules with one backend each', () => {
    const route = trimIngress(
      obj({
        metadata,
        spec: {
          rules: [
            {
              host: 'web.example.com',
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: {
                      service: { name: 'web-canary', port: { number: 80 } },
                    },
                  },
                ],
              },
            },
          ],
        },
      }),
    );
    expect(route.hosts).toEqual(['web.example.com']);
    expect(route.rules).toEqual([
      {
        name: 'web.example.com/',
        backends: [{ name: 'web-canary', port: 80 }],
      },
    ]);
  });
});

import type { CachedRoute } from '@groundcrew/plugin-infra-node';
import { normaliseRoutes, reweigh } from './normalise';
import { describeDrift } from './RouteWriter';

function route(
  kind: CachedRoute['kind'],
  name: string,
  backends: Array<{ name: string; weight?: number; subset?: string }>,
  extra: Partial<CachedRoute> = {},
): CachedRoute {
  return {
    uid: `${kind}-${name}`,
    name,
    namespace: 'web',
    labels: {},
    deleting: false,
    kind,
    resourceVersion: '7',
    annotations: {},
    hosts: ['web.example.com'],
    rules: [{ backends }],
    ...extra,
  };
}

describe('reweigh', () => {
  it('gives the canary its share and the rest to the others in proportion, adding up to 100', () => {
    expect(
      reweigh(
        [
          { weight: 95, canary: false },
          { weight: 5, canary: true },
        ],
        25,
      ),
    ).toEqual([75, 25]);
    // Two stable backends at 2:1 share 67 %.
    const three = reweigh(
      [
        { weight: 200, canary: false },
        { weight: 100, canary: false },
        { weight: 0, canary: true },
      ],
      33,
    );
    expect(three).toEqual([45, 22, 33]);
    expect(three.reduce((a, b) => a + b)).toBe(100);
    // Stable backends with no weight at all: the first takes the rest.
    expect(
      reweigh(
        [
          { weight: 0, canary: false },
          { weight: 0, canary: false },
          { weight: 100, canary: true },
        ],
        40,
      ),
    ).toEqual([60, 0, 40]);
  });
});

describe('normaliseRoutes', () => {
  it('finds the canary by name, by subset or by annotation, and computes shares on any scale', () => {
    const [byName] = normaliseRoutes('c', [
      route('HTTPRoute', 'a', [
        { name: 'web-stable', weight: 900 },
        { name: 'web-canary', weight: 100 },
      ]),
    ]);
    expect(byName.rules[0].backends.map(b => [b.percent, b.canary])).toEqual([
      [90, false],
      [10, true],
    ]);
    expect(byName.canaryPercent).toBe(10);
    expect(byName.nextStep).toBe(25);

    const [bySubset] = normaliseRoutes('c', [
      route('VirtualService', 'b', [
        { name: 'web', subset: 'stable', weight: 70 },
        { name: 'web', subset: 'canary', weight: 30 },
      ]),
    ]);
    expect(bySubset.canaryPercent).toBe(30);

    const [byAnnotation] = normaliseRoutes('c', [
      route('HTTPRoute', 'c', [{ name: 'web-v1' }, { name: 'web-v2' }], {
        annotations: {
          'groundcrew.io/canary-backend': 'web-v2',
          'groundcrew.io/rollout-traffic-percentages': '10,100',
        },
      }),
    ]);
    // HTTPRoute's default weight is 1 each: 50 / 50.
    expect(byAnnotation.canaryPercent).toBe(50);
    expect(byAnnotation.steps).toEqual([10, 100]);
    expect(byAnnotation.nextStep).toBe(100);
  });

  it('is read-only without a canary, and falls back to the default steps on a bad annotation', () => {
    const [plain] = normaliseRoutes('c', [
      route('HTTPRoute', 'a', [{ name: 'web', weight: 1 }], {
        annotations: { 'groundcrew.io/rollout-traffic-percentages': '50,10' },
      }),
    ]);
    expect(plain.canaryPercent).toBeNull();
    expect(plain.readOnlyReason).toMatch(/no canary backend/);
    expect(plain.steps).toEqual([5, 25, 50, 100]);
  });

  it('pairs an ingress-nginx canary Ingress with the primary Ingress of the same host', () => {
    const routes = normaliseRoutes('c', [
      route('Ingress', 'web', [{ name: 'web-stable' }]),
      route('Ingress', 'web-canary', [{ name: 'web-canary' }], {
        annotations: {
          'nginx.ingress.kubernetes.io/canary': 'true',
          'nginx.ingress.kubernetes.io/canary-weight': '200',
          'nginx.ingress.kubernetes.io/canary-weight-total': '1000',
        },
        resourceVersion: '9',
      }),
    ]);
    expect(routes).toHaveLength(1);
    const [web] = routes;
    expect(web.route).toBe('Ingress/web/web');
    expect(web.canaryPercent).toBe(20);
    // The canary Ingress is what a change writes.
    expect(web.target.name).toBe('web-canary');
    expect(web.resourceVersion).toBe('9');
    expect(web.rules[0].backends.map(b => [b.name, b.percent])).toEqual([
      ['web-stable', 80],
      ['web-canary', 20],
    ]);
  });

  it('describes how weights moved between two versions', () => {
    const [a] = normaliseRoutes('c', [
      route('HTTPRoute', 'a', [
        { name: 'web-stable', weight: 95 },
        { name: 'web-canary', weight: 5 },
      ]),
    ]);
    const [b] = normaliseRoutes('c', [
      route('HTTPRoute', 'a', [
        { name: 'web-stable', weight: 60 },
        { name: 'web-canary', weight: 40 },
      ]),
    ]);
    expect(describeDrift(a, b)).toBe(
      'web-stable 95% → 60%, web-canary 5% → 40%',
    );
  });
});

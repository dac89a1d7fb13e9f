import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  TrafficChangeRecord,
  TrafficChangeRequest,
  TrafficView,
} from '@groundcrew/plugin-infra-common';
import { StreamTrafficOptions, TrafficApi, trafficApiRef } from '../api';
import { TrafficContent } from './TrafficContent';
import { TrafficCard } from './TrafficCard';
import { chartSeries } from './WeightChart';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'ai-gateway',
    namespace: 'default',
    annotations: { 'groundcrew.io/runway-service': 'ai-gateway' },
  },
  spec: { type: 'service', owner: 'team-ai', lifecycle: 'production' },
};

function viewWith(canaryPercent: number, canUpdate = true): TrafficView {
  return {
    entityRef: 'component:default/ai-gateway',
    canUpdate,
    revision: canaryPercent,
    clusters: [{ name: 'gke-prod-us-east1', state: 'ok' }],
    routes: [
      {
        route: 'HTTPRoute/ai-gateway/ai-gateway',
        kind: 'HTTPRoute',
        namespace: 'ai-gateway',
        name: 'ai-gateway',
        cluster: 'gke-prod-us-east1',
        hosts: ['ai-gateway.example.com'],
        resourceVersion: `rv${canaryPercent}`,
        rules: [
          {
            backends: [
              {
                name: 'ai-gateway-stable',
                weight: 100 - canaryPercent,
                percent: 100 - canaryPercent,
                canary: false,
              },
              {
                name: 'ai-gateway-canary',
                weight: canaryPercent,
                percent: canaryPercent,
                canary: true,
              },
            ],
          },
        ],
        canaryPercent,
        steps: [5, 25, 50, 100],
        nextStep: [5, 25, 50, 100].find(s => s > canaryPercent) ?? null,
      },
    ],
  };
}

/** A fake backend: a view that the test can push through the stream, and recorded changes. */
class FakeTrafficApi implements TrafficApi {
  changes: TrafficChangeRequest[] = [];
  history: TrafficChangeRecord[] = [];
  private push?: (v: TrafficView) => void;
  constructor(
    public view: TrafficView,
    private readonly onChange?: (r: TrafficChangeRequest) => Promise<void>,
  ) {}
  async getView() {
    return this.view;
  }
  async getHistory() {
    return this.history;
  }
  async streamView(_: string, options: StreamTrafficOptions) {
    this.push = options.onView;
    options.onView(this.view);
    await new Promise<void>(resolve =>
      options.signal.addEventListener('abort', () => resolve()),
    );
  }
  emit(view: TrafficView) {
    this.view = view;
    this.push?.(view);
  }
  async change(_: string, request: TrafficChangeRequest) {
    this.changes.push(request);
    await this.onChange?.(request);
    return {
      route: request.route,
      outcomes: [
        {
          cluster: 'gke-prod-us-east1',
          status: 'changed' as const,
          before: 5,
          after: 25,
        },
      ],
    };
  }
}

async function render(api: FakeTrafficApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[trafficApiRef, api]]}>
      <EntityProvider entity={entity}>
        <TrafficContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

jest.setTimeout(20_000);

describe('TrafficContent', () => {
  it('shows the stable/canary bar, and steps only after a reason is given', async () => {
    const api = new FakeTrafficApi(viewWith(5));
    await render(api);
    const panel = await screen.findByTestId('traffic-route');
    expect(panel).toHaveAttribute('data-canary-percent', '5');
    expect(within(panel).getByRole('img')).toHaveAttribute(
      'aria-label',
      'ai-gateway-stable 95%, ai-gateway-canary 5%',
    );
    await userEvent.click(
      within(panel).getByRole('button', { name: 'Next step (25%)' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Next step: canary 5% → 25%');
    const confirm = within(dialog).getByRole('button', {
      name: 'Change traffic',
    });
    expect(confirm).toBeDisabled();
    await userEvent.type(
      within(dialog).getByLabelText('Reason'),
      'error rate flat',
    );
    await userEvent.click(confirm);
    await waitFor(() => expect(api.changes).toHaveLength(1));
    expect(api.changes[0]).toEqual({
      route: 'HTTPRoute/ai-gateway/ai-gateway',
      cluster: 'gke-prod-us-east1',
      step: 'next',
      reason: 'error rate flat',
      resourceVersion: 'rv5',
    });
    // The stream then brings the new weights (as it does for a change made elsewhere).
    act(() => api.emit(viewWith(25)));
    await waitFor(() =>
      expect(screen.getByTestId('traffic-route')).toHaveAttribute(
        'data-canary-percent',
        '25',
      ),
    );
  });

  it('shows a conflict plainly in the dialog', async () => {
    const api = new FakeTrafficApi(viewWith(5), async () => {
      // What TrafficClient throws for a 409: a ResponseError whose message carries the server's.
      throw new Error(
        'Request failed with 409 Conflict, HTTPRoute/ai-gateway/ai-gateway changed since it was read: it is now ai-gateway-canary 40%',
      );
    });
    await render(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Roll back' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText('Reason'), 'latency');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Change traffic' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      /changed since it was read: it is now ai-gateway-canary 40%/,
    );
  });

  it('disables the controls and says why without the permission', async () => {
    const api = new FakeTrafficApi(viewWith(5, false));
    await render(api);
    const panel = await screen.findByTestId('traffic-route');
    expect(
      within(panel).getByRole('button', { name: 'Next step (25%)' }),
    ).toBeDisabled();
    expect(
      within(panel).getByRole('button', { name: 'Roll back' }),
    ).toBeDisabled();
    expect(
      within(panel).getByTestId('traffic-disabled-reason'),
    ).toHaveTextContent(/only the owners of this entity and the platform team/);
  });
});

describe('TrafficCard', () => {
  it('shows each route’s canary share, and follows the stream', async () => {
    const api = new FakeTrafficApi(viewWith(5));
    await renderInTestApp(
      <TestApiProvider apis={[[trafficApiRef, api]]}>
        <EntityProvider entity={entity}>
          <TrafficCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByTestId('traffic-card-route')).toHaveTextContent(
      'ai-gateway · gke-prod-us-east1 · canary 5%',
    );
    act(() => api.emit(viewWith(50)));
    await waitFor(() =>
      expect(screen.getByTestId('traffic-card-route')).toHaveTextContent(
        'canary 50%',
      ),
    );
  });
});

describe('chartSeries', () => {
  it('starts each series at the share before the first change, then each change, then now', () => {
    const [series] = chartSeries(
      viewWith(25).routes,
      [
        {
          id: 1,
          entityRef: 'component:default/ai-gateway',
          actor: 'user:default/demo',
          time: '2026-11-29T10:00:00.000Z',
          route: 'HTTPRoute/ai-gateway/ai-gateway',
          cluster: 'gke-prod-us-east1',
          before: 5,
          after: 25,
          action: 'next',
          reason: 'flat',
        },
      ],
      Date.parse('2026-11-29T11:00:00.000Z'),
    );
    expect(series.name).toBe(
      'HTTPRoute/ai-gateway/ai-gateway @ gke-prod-us-east1',
    );
    expect(series.points.map(p => p.percent)).toEqual([5, 25, 25]);
    expect(series.points[1]).toMatchObject({
      actor: 'user:default/demo',
      reason: 'flat',
    });
  });
});

import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  AccessRequestView,
  EntityAccessView,
} from '@groundcrew/plugin-infra-common';
import { TeleportAccessApi, teleportAccessApiRef } from '../api';
import { isTeleportAccessAvailable } from '../isTeleportAccessAvailable';
import { AccessContent } from './AccessContent';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'ai-gateway',
    namespace: 'default',
    annotations: { 'groundcrew.io/runway-service': 'ai-gateway' },
  },
  spec: { type: 'service', owner: 'team-ai', lifecycle: 'production' },
};

const HOUR = 3_600_000;
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

function request(
  overrides: Partial<AccessRequestView> = {},
): AccessRequestView {
  return {
    id: 'r1',
    user: 'demo',
    roles: ['ai-gateway-write'],
    state: 'PENDING',
    reason: 'restart the canary',
    resolveReason: '',
    created: new Date().toISOString(),
    accessExpiry: inMs(HOUR + 30_000),
    reviews: [],
    ...overrides,
  };
}

function accessView(
  overrides: Partial<EntityAccessView> = {},
): EntityAccessView {
  return {
    teleport: { status: 'ok', clusterName: 'groundcrew-sandbox' },
    user: {
      entityRef: 'user:default/demo',
      teleportUser: 'demo',
      mappedBy: 'email',
    },
    canReview: false,
    namespaces: [
      {
        namespace: 'ai-gateway',
        readRole: 'ai-gateway-read',
        writeRole: 'ai-gateway-write',
        requestable: true,
        maxDurationMinutes: 240,
        reasonRequired: true,
        access: 'read',
      },
    ],
    myRequests: [],
    toReview: [],
    ...overrides,
  };
}

function apiWith(
  view: EntityAccessView | Error,
): jest.Mocked<TeleportAccessApi> {
  const api = {
    getAccess: jest.fn(async () => {
      if (view instanceof Error) throw view;
      return view;
    }),
    createRequest: jest.fn(async () => request()),
    review: jest.fn(async () => request({ state: 'APPROVED' })),
  };
  return api as unknown as jest.Mocked<TeleportAccessApi>;
}

async function render(api: TeleportAccessApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[teleportAccessApiRef, api]]}>
      <EntityProvider entity={entity}>
        <AccessContent refreshMs={60_000} />
      </EntityProvider>
    </TestApiProvider>,
  );
}

jest.setTimeout(20_000);

describe('AccessContent', () => {
  it('shows read access and asks for write access with a reason and a duration up to the maximum', async () => {
    const api = apiWith(accessView());
    await render(api);
    expect(await screen.findByText('READ')).toBeInTheDocument();
    fireEvent.click(
      screen.getByRole('button', { name: 'Request write access' }),
    );
    const dialog = await screen.findByRole('dialog');
    // No reason: refused in the dialog, nothing sent.
    fireEvent.click(within(dialog).getByRole('button', { name: 'Request' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'A reason is required',
    );
    expect(api.createRequest).not.toHaveBeenCalled();
    // The durations offered stop at the role's maximum (4h).
    fireEvent.mouseDown(within(dialog).getByText('1h'));
    const options = (await screen.findAllByRole('option')).map(
      o => o.textContent,
    );
    expect(options).toEqual(['15m', '30m', '1h', '2h', '4h']);
    fireEvent.click(screen.getByRole('option', { name: '2h' }));
    fireEvent.change(within(dialog).getByLabelText('Reason'), {
      target: { value: 'restart the canary' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Request' }));
    await waitFor(() =>
      expect(api.createRequest).toHaveBeenCalledWith({
        entityRef: 'component:default/ai-gateway',
        roles: ['ai-gateway-write'],
        reason: 'restart the canary',
        durationMinutes: 120,
      }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.getAccess).toHaveBeenCalledTimes(2);
  });

  it('shows the backend’s refusal in the dialog', async () => {
    const api = apiWith(accessView());
    api.createRequest.mockRejectedValue(
      new Error('durationMinutes: at most 240 for ai-gateway-write'),
    );
    await render(api);
    fireEvent.click(
      await screen.findByRole('button', { name: 'Request write access' }),
    );
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Reason'), {
      target: { value: 'x' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Request' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'at most 240',
    );
  });

  it('shows an approved request with the time left and write access now', async () => {
    const expiry = inMs(2 * HOUR + 30_000);
    await render(
      apiWith(
        accessView({
          namespaces: [
            {
              ...accessView().namespaces[0],
              access: 'write',
              writeUntil: expiry,
            },
          ],
          myRequests: [
            request({
              state: 'APPROVED',
              accessExpiry: expiry,
              reviews: [
                { author: 'pat', state: 'APPROVED', reason: 'go ahead' },
              ],
            }),
          ],
        }),
      ),
    );
    expect(await screen.findByText('WRITE · 2h 0m left')).toBeInTheDocument();
    const row = screen.getByTestId('request-r1');
    expect(within(row).getByText('APPROVED')).toBeInTheDocument();
    expect(within(row).getByText('2h 0m left')).toBeInTheDocument();
    expect(
      within(row).getByText('pat: APPROVED — go ahead'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Request write access' }),
    ).toBeNull();
  });

  it('lets a reviewer approve with a reason; no queue for others', async () => {
    const api = apiWith(
      accessView({
        canReview: true,
        user: {
          entityRef: 'user:default/pat',
          teleportUser: 'pat',
          mappedBy: 'email',
        },
        toReview: [request({ id: 'r9', user: 'demo' })],
      }),
    );
    await render(api);
    const row = await screen.findByTestId('request-r9');
    expect(within(row).getByText('restart the canary')).toBeInTheDocument();
    fireEvent.click(within(row).getByRole('button', { name: 'Approve' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Their reason: “restart the canary”');
    fireEvent.change(within(dialog).getByLabelText('Review reason'), {
      target: { value: 'go ahead' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Approve' }));
    await waitFor(() =>
      expect(api.review).toHaveBeenCalledWith('r9', {
        state: 'APPROVED',
        reason: 'go ahead',
      }),
    );
  });

  it('hides the review queue from a user who may not review', async () => {
    await render(apiWith(accessView({ toReview: [request({ id: 'r9' })] })));
    await screen.findByText('READ');
    expect(screen.queryByText('Waiting for your review')).toBeNull();
  });

  it.each([
    ['unreachable', 'Teleport is unreachable'],
    [
      'certificate-rejected',
      "Teleport did not accept the portal's certificate",
    ],
    ['not-configured', 'Teleport is not configured'],
  ] as const)('says %s and disables requests', async (status, title) => {
    await render(
      apiWith(
        accessView({
          teleport: { status, message: 'details from the backend' },
        }),
      ),
    );
    expect(
      (await screen.findAllByText(new RegExp(title))).length,
    ).toBeGreaterThan(0);
    expect(
      screen.getByRole('button', { name: 'Request write access' }),
    ).toBeDisabled();
    expect(
      screen.getByText('Teleport cannot be asked now'),
    ).toBeInTheDocument();
  });

  it('says when the user has no Teleport user, and shows a denied request', async () => {
    await render(
      apiWith(
        accessView({
          user: { entityRef: 'user:default/nomail' },
          myRequests: [
            request({ state: 'DENIED', resolveReason: 'use the pipeline' }),
          ],
        }),
      ),
    );
    expect(
      await screen.findByText('user:default/nomail has no Teleport user'),
    ).toBeInTheDocument();
    expect(screen.getByText('DENIED')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Request write access' }),
    ).toBeDisabled();
  });

  it('shows the error of a failed load', async () => {
    const response = new Response(
      JSON.stringify({
        error: { name: 'NotFoundError', message: 'entity not found' },
      }),
      { status: 404, headers: { 'Content-Type': 'application/json' } },
    );
    await render(apiWith(await ResponseError.fromResponse(response as never)));
    expect(
      (await screen.findAllByText(/entity not found/)).length,
    ).toBeGreaterThan(0);
  });

  it('is available for entities with namespaces only', () => {
    expect(isTeleportAccessAvailable(entity)).toBe(true);
    expect(
      isTeleportAccessAvailable({
        ...entity,
        metadata: { name: 'x', annotations: {} },
      }),
    ).toBe(false);
  });
});

import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { BoardErrorPanel } from './BoardErrorPanel';

async function responseError(status: number, name: string, message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        response: { statusCode: status },
      }),
      { status, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

describe('BoardErrorPanel', () => {
  // The first render loads the app's components: slow on a busy machine.
  jest.setTimeout(30_000);

  it('says plainly that the board may not be seen, with the backend’s reason', async () => {
    const error = await responseError(
      403,
      'NotAllowedError',
      'You may not see the deploy board of component:default/ai-gateway (permission groundcrew.deployBoard.read)',
    );
    await renderInTestApp(<BoardErrorPanel error={error} />);
    expect(
      screen.getByText(/You may not see this deploy board$/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /permission groundcrew\.deployBoard\.read\)\. The entity's owners/,
      ),
    ).toBeVisible();
    expect(screen.queryByText(/NotAllowedError/)).not.toBeInTheDocument();
  });

  it('shows other errors in the standard error panel', async () => {
    const error = await responseError(
      503,
      'ServiceUnavailableError',
      'still loading',
    );
    await renderInTestApp(<BoardErrorPanel error={error} />);
    expect(
      screen.getAllByText(/ServiceUnavailableError/).length,
    ).toBeGreaterThan(0);
  });
});

import { renderInTestApp } from '@backstage/test-utils';
import { BoardPod } from '@groundcrew/plugin-infra-common';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { PodGrid } from './PodGrid';

const ago = (seconds: number) =>
  new Date(Date.now() - seconds * 1000).toISOString();

const healthy: BoardPod = {
  name: 'search-indexer-backfill-7d9f-healthy',
  phase: 'Running',
  state: 'ready',
  ready: true,
  restarts: 0,
  createdAt: ago(3600),
  node: 'gke-ops-default-pool-1',
  track: 'stable',
  version: '0.19.3',
};

const crashing: BoardPod = {
  ...healthy,
  name: 'search-indexer-backfill-7d9f-x2k4p',
  state: 'running',
  ready: false,
  restarts: 6,
  reason: 'CrashLoopBackOff',
  events: [
    {
      type: 'Warning',
      reason: 'BackOff',
      message:
        'Back-off restarting failed container app in pod search-indexer-backfill-7d9f-x2k4p_search-indexer(1234)',
      count: 14,
      lastSeen: ago(20),
      firstSeen: ago(600),
      source: 'kubelet',
    },
    {
      type: 'Normal',
      reason: 'Started',
      message: 'Started container app',
      count: 7,
      lastSeen: ago(80),
      firstSeen: ago(600),
      source: 'kubelet',
    },
  ],
};

/** The grid under a board that changes: the panel must follow the pod. */
function LiveGrid(props: { boards: BoardPod[][]; next: { go?: () => void } }) {
  const [index, setIndex] = useState(0);
  props.next.go = () => setIndex(i => i + 1);
  return (
    <PodGrid
      pods={props.boards[index]}
      place={{
        cluster: 'gke-ops',
        namespace: 'search-indexer',
        deployment: 'search-indexer-backfill',
      }}
    />
  );
}

describe('PodGrid: why a pod is not ready', () => {
  it('marks a pod with warnings and says why on hover', async () => {
    const { container } = await renderInTestApp(
      <PodGrid pods={[healthy, crashing]} />,
    );
    const [ok, bad] = Array.from(
      container.querySelectorAll<HTMLElement>('[data-pod]'),
    );
    expect(ok.hasAttribute('data-pod-trouble')).toBe(false);
    expect(bad.hasAttribute('data-pod-trouble')).toBe(true);
    expect(bad.getAttribute('aria-label')).toBe(
      'search-indexer-backfill-7d9f-x2k4p: running, not ready (CrashLoopBackOff)',
    );

    fireEvent.mouseOver(bad);
    const tooltip = await screen.findByRole('tooltip');
    expect(within(tooltip).getByText('CrashLoopBackOff')).toBeInTheDocument();
    expect(within(tooltip).getByText('BackOff ×14')).toBeInTheDocument();
    expect(
      within(tooltip).getByText(/^Back-off restarting failed container app/),
    ).toBeInTheDocument();
    expect(
      within(tooltip).getByText('Click for all its events'),
    ).toBeInTheDocument();

    fireEvent.mouseOver(ok);
    const calm = await screen.findByRole('tooltip');
    expect(within(calm).queryByLabelText('last events')).toBeNull();
    expect(within(calm).getByText('Click for details')).toBeInTheDocument();
  });

  it('opens a panel with the pod and its events on click, follows the live board, closes', async () => {
    const next: { go?: () => void } = {};
    const later: BoardPod = {
      ...crashing,
      restarts: 7,
      events: [{ ...crashing.events![0], count: 15 }, crashing.events![1]],
    };
    const { container } = await renderInTestApp(
      <LiveGrid
        boards={[[healthy, crashing], [healthy, later], [healthy]]}
        next={next}
      />,
    );
    fireEvent.click(container.querySelectorAll('[data-pod]')[1]);

    const panel = await screen.findByRole('presentation');
    expect(within(panel).getByText(crashing.name)).toBeInTheDocument();
    expect(
      within(panel).getByText(
        'gke-ops · search-indexer · search-indexer-backfill',
      ),
    ).toBeInTheDocument();
    const table = within(panel).getByRole('table', { name: 'pod events' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByText('Warning')).toBeInTheDocument();
    expect(within(rows[0]).getByText('BackOff')).toBeInTheDocument();
    expect(within(rows[0]).getByText('14')).toBeInTheDocument();
    expect(within(rows[0]).getByText(/^\d+s ago$/)).toBeInTheDocument();
    expect(within(rows[1]).getByText('Started')).toBeInTheDocument();
    const details = within(panel).getByLabelText('pod details');
    expect(within(details).getByText('CrashLoopBackOff')).toBeInTheDocument();
    expect(within(details).getByText('6')).toBeInTheDocument();

    // A new board: the same pod, one more back-off.
    act(() => next.go!());
    expect(within(table).getByText('15')).toBeInTheDocument();
    expect(within(details).getByText('7')).toBeInTheDocument();
    // The pod is replaced: the panel says so instead of showing stale data.
    act(() => next.go!());
    expect(
      within(panel).getByText(/no longer on the board/),
    ).toBeInTheDocument();

    fireEvent.click(within(panel).getByRole('button', { name: 'close' }));
    await act(async () => new Promise(r => setTimeout(r, 400)));
    expect(screen.queryByRole('table', { name: 'pod events' })).toBeNull();
    expect(screen.queryByText(crashing.name)).toBeNull();
  });

  it('opens the panel from the keyboard, and explains an empty event list', async () => {
    const { container } = await renderInTestApp(<PodGrid pods={[healthy]} />);
    const grid = container.querySelector<HTMLElement>('[role="listbox"]')!;
    fireEvent.focus(grid);
    fireEvent.keyDown(grid, { key: 'Enter' });
    const panel = await screen.findByRole('presentation');
    expect(
      within(panel).getByText(/No warnings reported for this pod/),
    ).toBeInTheDocument();
  });
});

import { BoardPod, PodState } from '@groundcrew/plugin-infra-common';
import { makeStyles, Theme, Tooltip, Typography } from '@material-ui/core';
import {
  FocusEvent,
  KeyboardEvent,
  MouseEvent,
  useEffect,
  useId,
  useMemo,
  useState,
} from 'react';
import { DefinitionList } from './DefinitionList';
import { PodEventsSummary } from './PodEvents';
import { PodPanel, PodPlace, podRows } from './PodPanel';
import { podStateLabels } from './podState';

export const podStateColors = (theme: Theme): Record<PodState, string> => ({
  ready: theme.palette.success.main,
  running: theme.palette.warning.main,
  pending: theme.palette.grey[500],
  failed: theme.palette.error.main,
  succeeded: theme.palette.info.light,
  terminating: theme.palette.grey[600],
  unknown: 'transparent',
});

const SQUARE = 10;

/**
 * The squares are styled through their `data-pod-state` attribute from one class on the grid, so
 * each of a few thousand squares is a bare `<span>` with no class name or style object of its own.
 */
const useStyles = makeStyles(theme => {
  const colors = podStateColors(theme);
  const byState: Record<string, object> = {};
  for (const state of Object.keys(colors) as PodState[]) {
    byState[`& [data-pod-state="${state}"]`] = {
      backgroundColor: colors[state],
    };
  }
  return {
    grid: {
      display: 'flex',
      flexWrap: 'wrap',
      gap: 2,
      padding: theme.spacing(0.5, 0),
      '& [data-pod-state]': {
        width: SQUARE,
        height: SQUARE,
        borderRadius: 2,
        boxSizing: 'border-box',
        cursor: 'pointer',
      },
      ...byState,
      // Something went wrong (a Warning event): a red ring, whatever the state's colour.
      '& [data-pod-trouble]': {
        boxShadow: `inset 0 0 0 2px ${theme.palette.error.main}`,
      },
      '& [data-pod-state="terminating"]': {
        opacity: 0.55,
        background: `repeating-linear-gradient(135deg, ${colors.terminating} 0 2px, transparent 2px 4px)`,
        border: `1px solid ${colors.terminating}`,
      },
      '& [data-pod-state="unknown"]': {
        border: `1px dashed ${theme.palette.text.secondary}`,
      },
      '& [data-pod-state]:hover': {
        outline: `2px solid ${theme.palette.text.primary}`,
        outlineOffset: 1,
      },
    },
    details: {
      margin: 0,
      display: 'grid',
      gridTemplateColumns: 'auto auto',
      columnGap: theme.spacing(1),
      '& dt': { opacity: 0.75 },
      '& dd': { margin: 0, fontFamily: 'monospace' },
    },
  };
});

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);

/**
 * The squares as one HTML string: the browser parses a few thousand spans much faster than React
 * creates and reconciles them one element at a time, and a new board replaces them all anyway.
 */
export function podSquaresHtml(pods: BoardPod[], idPrefix: string): string {
  let html = '';
  for (let index = 0; index < pods.length; index++) {
    const pod = pods[index];
    const label = `${pod.name}: ${podStateLabels[pod.state] ?? pod.state}`;
    const trouble = pod.events?.some(e => e.type === 'Warning');
    const why = pod.reason ? ` (${pod.reason})` : '';
    html +=
      `<span id="${escapeHtml(idPrefix)}-${index}" data-pod="${index}" ` +
      `data-pod-state="${escapeHtml(pod.state)}"${
        trouble ? ' data-pod-trouble=""' : ''
      } role="option" aria-selected="false" ` +
      `aria-label="${escapeHtml(label + why)}"></span>`;
  }
  return html;
}

function PodDetails(props: { pod: BoardPod; className: string }) {
  const { pod } = props;
  return (
    <div data-pod-tooltip={pod.name}>
      <Typography variant="subtitle2" component="div">
        {pod.name}
      </Typography>
      <DefinitionList className={props.className} rows={podRows(pod)} />
      {pod.events?.length ? <PodEventsSummary events={pod.events} /> : null}
      <Typography variant="caption" component="div">
        Click for {pod.events?.length ? 'all its events' : 'details'}
      </Typography>
    </div>
  );
}

/**
 * A deployment's pods as small squares. One tooltip serves the whole grid: mouse events are
 * delegated to the grid and the tooltip is anchored to the hovered square, so a board with
 * thousands of pods mounts thousands of spans, not thousands of Tooltip components.
 */
export function PodGrid(props: { pods: BoardPod[]; place?: PodPlace }) {
  const { pods } = props;
  const classes = useStyles();
  const idPrefix = useId();
  const squares = useMemo(
    () => ({ __html: podSquaresHtml(pods, idPrefix) }),
    [pods, idPrefix],
  );
  const [hovered, setHovered] = useState<{
    index: number;
    anchor: HTMLElement;
  }>();

  /** The pod whose panel is open, by name: the panel follows it from board to board. */
  const [selected, setSelected] = useState<string>();

  // A new board re-uses the squares; do not leave a tooltip describing an old pod.
  useEffect(() => setHovered(undefined), [pods]);

  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const anchor = (event.target as HTMLElement).closest<HTMLElement>(
      '[data-pod]',
    );
    const pod = anchor ? pods[Number(anchor.dataset.pod)] : undefined;
    if (!pod) return;
    setHovered(undefined);
    setSelected(pod.name);
  };

  const onMouseOver = (event: MouseEvent<HTMLDivElement>) => {
    const anchor = (event.target as HTMLElement).closest<HTMLElement>(
      '[data-pod]',
    );
    if (!anchor) {
      setHovered(undefined);
      return;
    }
    const index = Number(anchor.dataset.pod);
    setHovered(current =>
      current?.anchor === anchor ? current : { index, anchor },
    );
  };

  // Keyboard users get the same tooltip: the grid is one tab stop and the arrow keys walk the pods.
  const showIndex = (grid: HTMLElement, index: number) => {
    const anchor = grid.querySelector<HTMLElement>(`[data-pod="${index}"]`);
    setHovered(anchor ? { index, anchor } : undefined);
  };
  const onFocus = (event: FocusEvent<HTMLDivElement>) => {
    if (pods.length > 0) showIndex(event.currentTarget, 0);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step: Record<string, number> = {
      ArrowRight: 1,
      ArrowDown: 1,
      ArrowLeft: -1,
      ArrowUp: -1,
    };
    if (event.key === 'Escape') {
      setHovered(undefined);
      return;
    }
    if ((event.key === 'Enter' || event.key === ' ') && hovered) {
      event.preventDefault();
      setSelected(pods[hovered.index]?.name);
      return;
    }
    if (!(event.key in step) || pods.length === 0) return;
    event.preventDefault();
    const from = hovered?.index ?? -1;
    const index = Math.min(
      pods.length - 1,
      Math.max(0, from + step[event.key]),
    );
    showIndex(event.currentTarget, index);
  };

  const pod = hovered ? pods[hovered.index] : undefined;
  return (
    <>
      <Tooltip
        open={Boolean(pod)}
        title={pod ? <PodDetails pod={pod} className={classes.details} /> : ''}
        placement="top"
        arrow
        disableHoverListener
        disableFocusListener
        disableTouchListener
        PopperProps={{ anchorEl: hovered?.anchor }}
      >
        <div
          className={classes.grid}
          onMouseOver={onMouseOver}
          onMouseLeave={() => setHovered(undefined)}
          onFocus={onFocus}
          onBlur={() => setHovered(undefined)}
          onKeyDown={onKeyDown}
          tabIndex={pods.length > 0 ? 0 : -1}
          role="listbox"
          aria-label={`${pods.length} pods`}
          aria-activedescendant={
            hovered ? `${idPrefix}-${hovered.index}` : undefined
          }
          onClick={onClick}
          // Pod names are escaped; see podSquaresHtml.
          dangerouslySetInnerHTML={squares}
        />
      </Tooltip>
      {selected ? (
        <PodPanel
          name={selected}
          pod={pods.find(p => p.name === selected)}
          place={props.place}
          onClose={() => setSelected(undefined)}
        />
      ) : null}
    </>
  );
}

/** The colour key shown above the board. */
export function PodLegend() {
  const classes = useStyles();
  return (
    <div className={classes.grid} style={{ alignItems: 'center', gap: 12 }}>
      {(Object.keys(podStateLabels) as PodState[]).map(state => (
        <Typography
          key={state}
          variant="caption"
          component="span"
          style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}
        >
          <span data-pod-state={state} aria-hidden />
          {podStateLabels[state]}
        </Typography>
      ))}
      <Typography
        variant="caption"
        component="span"
        style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}
      >
        <span data-pod-state="running" data-pod-trouble="" aria-hidden />
        warnings (click a pod for its events)
      </Typography>
    </div>
  );
}

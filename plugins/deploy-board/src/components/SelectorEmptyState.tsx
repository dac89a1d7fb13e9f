import { BoardSelector } from '@groundcrew/plugin-infra-common';
import { EmptyState } from '@backstage/core-components';
import { makeStyles } from '@material-ui/core';
import { DefinitionList } from './DefinitionList';

const useStyles = makeStyles(theme => ({
  list: {
    margin: 0,
    display: 'grid',
    gridTemplateColumns: 'auto 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.5),
    '& dd': { margin: 0, fontFamily: 'monospace' },
  },
}));

/** Nothing matched: show what was looked for, so the owner can fix the annotation or the labels. */
export function SelectorEmptyState(props: { selector: BoardSelector }) {
  const { selector } = props;
  const classes = useStyles();
  const rows: Array<[string, string]> = [
    ['label selector', selector.labelSelector],
    ['from annotation', selector.source],
    ['namespace', selector.namespace ?? 'all namespaces'],
    [
      'clusters',
      selector.clusters && selector.clusters.length > 0
        ? selector.clusters.join(', ')
        : 'all clusters',
    ],
  ];
  return (
    <EmptyState
      missing="data"
      title="No workloads match this entity's annotations"
      description="The deploy board looked for workloads in every cluster with:"
      action={
        <DefinitionList
          className={classes.list}
          aria-label="selector"
          rows={rows}
        />
      }
    />
  );
}

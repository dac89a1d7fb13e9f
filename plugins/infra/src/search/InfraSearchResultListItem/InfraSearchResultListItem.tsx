import { ReactNode } from 'react';
import {
  Box,
  Chip,
  ListItemIcon,
  ListItemText,
  makeStyles,
  Typography,
} from '@material-ui/core';
import AppsIcon from '@material-ui/icons/Apps';
import CloudIcon from '@material-ui/icons/Cloud';
import DnsIcon from '@material-ui/icons/Dns';
import VpnKeyIcon from '@material-ui/icons/VpnKey';
import { Link } from '@backstage/core-components';
import type { ResultHighlight } from '@backstage/plugin-search-common';
import { HighlightedSearchResultText } from '@backstage/plugin-search-react';
import type {
  InfraSearchDocument,
  InfraSearchKind,
} from '@groundcrew/plugin-infra-common';

const useStyles = makeStyles(theme => ({
  item: { display: 'flex', alignItems: 'flex-start', width: '100%' },
  icon: { marginTop: theme.spacing(1) },
  facts: { marginTop: theme.spacing(0.5) },
  chip: { marginRight: theme.spacing(0.5), marginBottom: theme.spacing(0.5) },
}));

/** The icon and the name of each kind of infrastructure document. */
export const INFRA_KIND_DISPLAY: Record<
  InfraSearchKind,
  { label: string; icon: ReactNode }
> = {
  service: { label: 'Runway service', icon: <AppsIcon /> },
  cluster: { label: 'Kubernetes cluster', icon: <DnsIcon /> },
  project: { label: 'GCP project', icon: <CloudIcon /> },
  vault: { label: 'Vault path', icon: <VpnKeyIcon /> },
};

function list(values: readonly string[] | undefined, max = 3): string {
  if (!values?.length) return '';
  const shown = values.slice(0, max).join(', ');
  return values.length > max ? `${shown} +${values.length - max}` : shown;
}

/** The key facts of a document, by kind: what tells one result from another at a glance. */
export function infraFacts(d: InfraSearchDocument): string[] {
  const facts: Array<string | false> = [];
  switch (d.kind) {
    case 'service':
      facts.push(
        d.clusters.length > 0 &&
          `${d.clusters.length === 1 ? 'cluster' : 'clusters'}: ${list(
            d.clusters,
          )}`,
        d.environments.length > 0 && `env: ${list(d.environments)}`,
        d.hostnames.length > 0 && `hosts: ${list(d.hostnames, 2)}`,
      );
      break;
    case 'cluster':
      facts.push(
        d.regions.length > 0 && `region: ${d.regions[0]}`,
        !!d.version && `version: ${d.version}`,
        !!d.clusterClass && `class: ${d.clusterClass}`,
        `${d.workloads} ${d.workloads === 1 ? 'service' : 'services'}`,
        !!d.project && `project: ${d.project}`,
        !!d.status && `state: ${d.status}`,
      );
      break;
    case 'project':
      facts.push(
        d.labels.length > 0 && `labels: ${list(d.labels)}`,
        `${d.apis.length} APIs enabled`,
        d.clusters.length > 0 && `clusters: ${list(d.clusters)}`,
      );
      break;
    case 'vault':
      facts.push('name only: values stay in Vault');
      break;
    default:
  }
  return facts.filter((f): f is string => Boolean(f));
}

/** @public */
export interface InfraSearchResultListItemProps {
  /** A document of type `groundcrew-infra`. */
  result?: InfraSearchDocument;
  highlight?: ResultHighlight;
  rank?: number;
}

/**
 * A search result of Groundcrew's infrastructure: an icon for its kind, the title linking to the
 * entity page, its owner and key facts (a service's clusters and hosts, a cluster's region,
 * version, class and services, a project's labels and APIs).
 *
 * @public
 */
export function InfraSearchResultListItem(
  props: InfraSearchResultListItemProps,
) {
  const classes = useStyles();
  const { result, highlight } = props;
  if (!result) return null;
  const display = INFRA_KIND_DISPLAY[result.kind] ?? {
    label: result.kind,
    icon: <AppsIcon />,
  };
  const owner = result.owner.replace(/^group:default\//, '');
  return (
    // The search page's extension wrapper is the list item; this is its content.
    <div
      className={classes.item}
      data-testid={`infra-result-${result.kind}-${result.title}`}
    >
      <ListItemIcon className={classes.icon} title={display.label}>
        {display.icon}
      </ListItemIcon>
      <ListItemText
        disableTypography
        primary={
          <Typography variant="h6">
            <Link noTrack to={result.location}>
              {highlight?.fields.title ? (
                <HighlightedSearchResultText
                  text={highlight.fields.title}
                  preTag={highlight.preTag}
                  postTag={highlight.postTag}
                />
              ) : (
                result.title
              )}
            </Link>
          </Typography>
        }
        secondary={
          <>
            <Typography variant="body2" color="textSecondary">
              {infraFacts(result).join(' · ')}
            </Typography>
            <Box className={classes.facts}>
              <Chip
                className={classes.chip}
                size="small"
                label={display.label}
              />
              {owner && (
                <Chip
                  className={classes.chip}
                  size="small"
                  label={`owner: ${owner}`}
                />
              )}
            </Box>
          </>
        }
      />
    </div>
  );
}

import {
  InfoCard,
  Link,
  Progress,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef, useEntity } from '@backstage/plugin-catalog-react';
import {
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import {
  ClusterOverview,
  gcpConsoleUrls,
} from '@groundcrew/plugin-infra-common';
import { infraApiRef } from '../api';
import { useLookup } from '../fields/useLookup';
import { clusterOf } from './entityResources';
import { OverviewError } from './OverviewError';
import { useClusterServices } from './useClusterServices';

const useStyles = makeStyles(theme => ({
  section: { marginTop: theme.spacing(2) },
}));

const STATE_TEXT: Record<ClusterOverview['status']['state'], string> = {
  ok: 'reachable',
  syncing: 'syncing',
  stale: 'reconnecting',
  unreachable: 'unreachable',
  absent: 'not in the Groundcrew fleet',
};

function ClusterState(props: { status: ClusterOverview['status'] }) {
  const { state, lastSeen, message } = props.status;
  let text = STATE_TEXT[state];
  if (state === 'unreachable' && lastSeen) {
    text = `${text} since ${new Date(lastSeen).toLocaleString()}`;
  }
  if (message) text = `${text} — ${message}`;
  switch (state) {
    case 'ok':
      return <StatusOK>{text}</StatusOK>;
    case 'unreachable':
      return <StatusError>{text}</StatusError>;
    case 'stale':
      return <StatusWarning>{text}</StatusWarning>;
    default:
      return <StatusPending>{text}</StatusPending>;
  }
}

function NodePools(props: { overview: ClusterOverview }) {
  const { gke, gkeProblem } = props.overview;
  if (!gke) {
    return (
      <Typography variant="body2">
        {gkeProblem ?? 'Not a GKE cluster: no node pools to show.'}
      </Typography>
    );
  }
  if (gke.nodePools.length === 0) {
    return <Typography variant="body2">No node pools.</Typography>;
  }
  return (
    <Table size="small" aria-label="node pools">
      <TableHead>
        <TableRow>
          <TableCell>node pool</TableCell>
          <TableCell>machine type</TableCell>
          <TableCell>nodes</TableCell>
          <TableCell>status</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {gke.nodePools.map(pool => (
          <TableRow key={pool.name}>
            <TableCell>{pool.name}</TableCell>
            <TableCell>{pool.machineType}</TableCell>
            <TableCell>
              {pool.minNodeCount}–{pool.maxNodeCount}
            </TableCell>
            <TableCell>{pool.status ?? '—'}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Workloads(props: { overview: ClusterOverview }) {
  const { workloads, status } = props.overview;
  if (!workloads) {
    return (
      <Typography variant="body2">
        {status.state === 'absent'
          ? 'Groundcrew does not watch this cluster: register it in the fleet to see its workloads.'
          : 'Workloads show once the cluster answers.'}
      </Typography>
    );
  }
  if (workloads.deployments === 0) {
    return <Typography variant="body2">No Deployments yet.</Typography>;
  }
  const summary = `${workloads.healthy} of ${workloads.deployments} Deployments healthy, in ${workloads.namespaces} namespaces`;
  return (
    <>
      {workloads.healthy === workloads.deployments ? (
        <StatusOK>{summary}</StatusOK>
      ) : (
        <StatusWarning>{summary}</StatusWarning>
      )}
      {workloads.unhealthy.length > 0 && (
        <Table size="small" aria-label="unhealthy deployments">
          <TableHead>
            <TableRow>
              <TableCell>deployment</TableCell>
              <TableCell>ready</TableCell>
              <TableCell>reason</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {workloads.unhealthy.map(d => (
              <TableRow key={`${d.namespace}/${d.name}`}>
                <TableCell>
                  {d.namespace}/{d.name}
                </TableCell>
                <TableCell>
                  {d.ready}/{d.desired}
                </TableCell>
                <TableCell>{d.reason ?? '—'}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}

function Services(props: { overview: ClusterOverview }) {
  const { entity } = useEntity();
  const entityRoute = useRouteRef(entityRouteRef);
  const services = useClusterServices(
    entity,
    props.overview.workloads?.runwayServices,
  );
  if (services.status === 'error') {
    return (
      <OverviewError
        error={services.error}
        notFoundTitle="No services found"
        deniedTitle="You may not list the services in the catalog"
        failedTitle="The catalog did not list the services"
      />
    );
  }
  if (services.status !== 'done') return <Progress />;
  if (services.value.length === 0) {
    return (
      <Typography variant="body2">
        No catalog service runs on this cluster.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="services">
      <TableBody>
        {services.value.map(service => {
          const page = entityRoute({
            kind: service.ref.kind.toLocaleLowerCase('en-US'),
            namespace: service.ref.namespace,
            name: service.ref.name,
          });
          return (
            <TableRow key={page}>
              <TableCell>
                <Link to={page}>{service.title}</Link>
              </TableCell>
              <TableCell align="right">
                {service.hasDeployBoard && (
                  <Link to={`${page}/deploy-board`}>Deploy board</Link>
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

function ClusterFacts(props: { overview: ClusterOverview }) {
  const classes = useStyles();
  const { overview } = props;
  const { labels, gke } = overview;
  const metadata: Record<string, string | JSX.Element> = {
    State: <ClusterState status={overview.status} />,
    'Kubernetes version': overview.kubernetesVersion
      ? `${overview.kubernetesVersion}${
          overview.versionSource === 'gke' ? ' (as GKE reports it)' : ''
        }`
      : 'unknown',
  };
  if (labels.environment) metadata.Environment = labels.environment;
  if (labels.region || gke?.location) {
    metadata.Region = gke?.location ?? labels.region;
  }
  if (labels.class) metadata.Class = labels.class;
  if (gke) {
    metadata['GCP project'] = gke.projectId;
    metadata['GKE status'] = gke.statusMessage
      ? `${gke.status} — ${gke.statusMessage}`
      : gke.status;
    if (gke.releaseChannel) metadata['Release channel'] = gke.releaseChannel;
    metadata['Private nodes'] = gke.privateNodes ? 'yes' : 'no';
  }
  if (overview.source) {
    metadata['In the fleet'] =
      overview.source === 'config' ? 'from app config' : 'registered';
  }
  return (
    <>
      <StructuredMetadataTable dense metadata={metadata} />
      <div className={classes.section}>
        <Typography variant="subtitle2">Node pools</Typography>
        <NodePools overview={overview} />
      </div>
      <div className={classes.section}>
        <Typography variant="subtitle2">Workloads</Typography>
        <Workloads overview={overview} />
      </div>
      <div className={classes.section}>
        <Typography variant="subtitle2">Services</Typography>
        <Services overview={overview} />
      </div>
    </>
  );
}

/**
 * The overview card of a Kubernetes cluster Resource: reachability and version, GKE node pools,
 * workload health from the watch cache, the services that run on it (each linking to its deploy
 * board), and a link to the Google Cloud console for a GKE cluster.
 */
export function KubernetesClusterOverviewCard() {
  const { entity } = useEntity();
  const api = useApi(infraApiRef);
  const cluster = clusterOf(entity);
  const { name, projectId, location } = cluster;
  const state = useLookup(
    signal => api.getClusterOverview({ name, projectId, location, signal }),
    [api, name, projectId, location],
  );

  let content;
  if (state.status === 'done') {
    content = <ClusterFacts overview={state.value} />;
  } else if (state.status === 'error') {
    content = (
      <OverviewError
        error={state.error}
        notFoundTitle="Groundcrew does not know this cluster"
        deniedTitle="You may not see this cluster"
        failedTitle="The cluster overview could not be loaded"
      />
    );
  } else {
    content = <Progress />;
  }
  const gke = state.status === 'done' ? state.value.gke : undefined;
  return (
    <InfoCard
      title="Kubernetes cluster"
      subheader={name}
      deepLink={
        gke
          ? {
              title: 'Open in the Google Cloud console',
              link: gcpConsoleUrls.cluster({
                projectId: gke.projectId,
                location: gke.location,
                name,
              }),
            }
          : undefined
      }
    >
      <div data-testid="cluster-overview">{content}</div>
    </InfoCard>
  );
}

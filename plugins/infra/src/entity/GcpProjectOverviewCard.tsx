import {
  InfoCard,
  Progress,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Chip, makeStyles, Typography } from '@material-ui/core';
import {
  gcpConsoleUrls,
  GcpProjectOverview,
} from '@groundcrew/plugin-infra-common';
import { infraApiRef } from '../api';
import { useLookup } from '../fields/useLookup';
import { projectIdOf } from './entityResources';
import { OverviewError } from './OverviewError';

const useStyles = makeStyles(theme => ({
  chips: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) },
  section: { marginTop: theme.spacing(2) },
}));

function Chips(props: { items: string[]; label: string; empty: string }) {
  const classes = useStyles();
  if (props.items.length === 0) {
    return <Typography variant="body2">{props.empty}</Typography>;
  }
  return (
    <div className={classes.chips} aria-label={props.label}>
      {props.items.map(item => (
        <Chip key={item} label={item} size="small" />
      ))}
    </div>
  );
}

function ProjectFacts(props: { overview: GcpProjectOverview }) {
  const classes = useStyles();
  const { project, parentDisplayName, billing, enabledApis } = props.overview;
  const labels = Object.entries(project.labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}: ${value}`);
  let billingText = 'not linked to a billing account';
  if (billing.billingAccountName) {
    billingText = billing.billingEnabled
      ? `${billing.billingAccountName} (enabled)`
      : `${billing.billingAccountName} (disabled)`;
  }
  return (
    <>
      <StructuredMetadataTable
        dense
        metadata={{
          'Project id': project.projectId,
          'Project number': project.projectNumber,
          Name: project.displayName,
          State: project.state,
          Parent: parentDisplayName
            ? `${parentDisplayName} (${project.parent})`
            : project.parent,
          Billing: billingText,
        }}
      />
      <div className={classes.section}>
        <Typography variant="subtitle2">Labels</Typography>
        <Chips items={labels} label="labels" empty="No labels." />
      </div>
      <div className={classes.section}>
        <Typography variant="subtitle2">
          Enabled APIs ({enabledApis.length})
        </Typography>
        <Chips
          items={enabledApis}
          label="enabled APIs"
          empty="No APIs enabled."
        />
      </div>
    </>
  );
}

/**
 * The overview card of a GCP project Resource: parent, billing, labels and enabled APIs, read from
 * GCP by the infra backend, with a link to the Google Cloud console.
 */
export function GcpProjectOverviewCard() {
  const { entity } = useEntity();
  const api = useApi(infraApiRef);
  const projectId = projectIdOf(entity);
  const state = useLookup(
    signal => api.getProjectOverview({ projectId, signal }),
    [api, projectId],
  );

  let content;
  if (state.status === 'done') {
    content = <ProjectFacts overview={state.value} />;
  } else if (state.status === 'error') {
    content = (
      <OverviewError
        error={state.error}
        notFoundTitle="GCP does not show this project"
        deniedTitle="You may not see this project"
        failedTitle="The project overview could not be loaded"
      />
    );
  } else {
    content = <Progress />;
  }
  return (
    <InfoCard
      title="GCP project"
      subheader={projectId}
      deepLink={{
        title: 'Open in the Google Cloud console',
        link: gcpConsoleUrls.project(projectId),
      }}
    >
      <div data-testid="project-overview">{content}</div>
    </InfoCard>
  );
}

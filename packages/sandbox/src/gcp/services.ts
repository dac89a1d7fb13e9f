/**
 * The services Service Usage knows, with their titles (what Google's error
 * messages name them) and whether enabling them needs a billing account.
 */
export const SERVICE_CATALOG: Record<
  string,
  { title: string; needsBilling: boolean }
> = {
  'aiplatform.googleapis.com': { title: 'Vertex AI API', needsBilling: true },
  'artifactregistry.googleapis.com': {
    title: 'Artifact Registry API',
    needsBilling: true,
  },
  'bigquery.googleapis.com': { title: 'BigQuery API', needsBilling: false },
  'cloudapis.googleapis.com': {
    title: 'Google Cloud APIs',
    needsBilling: false,
  },
  'cloudbilling.googleapis.com': {
    title: 'Cloud Billing API',
    needsBilling: false,
  },
  'cloudresourcemanager.googleapis.com': {
    title: 'Cloud Resource Manager API',
    needsBilling: false,
  },
  'compute.googleapis.com': {
    title: 'Compute Engine API',
    needsBilling: true,
  },
  'container.googleapis.com': {
    title: 'Kubernetes Engine API',
    needsBilling: true,
  },
  'dns.googleapis.com': { title: 'Cloud DNS API', needsBilling: true },
  'iam.googleapis.com': {
    title: 'Identity and Access Management (IAM) API',
    needsBilling: false,
  },
  'iamcredentials.googleapis.com': {
    title: 'IAM Service Account Credentials API',
    needsBilling: false,
  },
  'logging.googleapis.com': {
    title: 'Cloud Logging API',
    needsBilling: false,
  },
  'monitoring.googleapis.com': {
    title: 'Cloud Monitoring API',
    needsBilling: false,
  },
  'pubsub.googleapis.com': { title: 'Cloud Pub/Sub API', needsBilling: false },
  'run.googleapis.com': { title: 'Cloud Run Admin API', needsBilling: true },
  'secretmanager.googleapis.com': {
    title: 'Secret Manager API',
    needsBilling: false,
  },
  'servicemanagement.googleapis.com': {
    title: 'Service Management API',
    needsBilling: false,
  },
  'serviceusage.googleapis.com': {
    title: 'Service Usage API',
    needsBilling: false,
  },
  'sqladmin.googleapis.com': {
    title: 'Cloud SQL Admin API',
    needsBilling: true,
  },
  'storage.googleapis.com': {
    title: 'Cloud Storage API',
    needsBilling: false,
  },
};

/** Enabled in a project created through the API (a subset of what Google enables by default). */
export const DEFAULT_PROJECT_SERVICES = [
  'bigquery.googleapis.com',
  'cloudapis.googleapis.com',
  'logging.googleapis.com',
  'monitoring.googleapis.com',
  'servicemanagement.googleapis.com',
  'serviceusage.googleapis.com',
  'storage.googleapis.com',
];

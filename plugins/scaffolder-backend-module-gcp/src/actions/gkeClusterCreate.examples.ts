import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'A production cluster with one autoscaled node pool',
    example: yaml.stringify({
      steps: [
        {
          id: 'cluster',
          action: 'gke:cluster:create',
          name: 'Create the GKE cluster',
          input: {
            projectId: 'groundcrew-demo',
            location: 'us-east1',
            name: 'gke-prod-us-east1-b',
            releaseChannel: 'STABLE',
            nodePools: [
              {
                name: 'default',
                machineType: 'e2-standard-4',
                minNodeCount: 1,
                maxNodeCount: 5,
              },
            ],
            privateNodes: true,
            labels: { team: 'platform' },
            environment: 'production',
          },
        },
      ],
    }),
  },
  {
    description:
      'A development cluster with a general and a high-memory pool, on the rapid channel',
    example: yaml.stringify({
      steps: [
        {
          id: 'cluster',
          action: 'gke:cluster:create',
          name: 'Create the GKE cluster',
          input: {
            projectId: 'groundcrew-demo',
            location: 'europe-west1',
            name: 'gke-dev-europe-west1',
            releaseChannel: 'RAPID',
            nodePools: [
              {
                name: 'general',
                machineType: 'e2-standard-2',
                minNodeCount: 0,
                maxNodeCount: 3,
              },
              {
                name: 'highmem',
                machineType: 'n2-highmem-4',
                minNodeCount: 0,
                maxNodeCount: 2,
              },
            ],
            environment: 'development',
          },
        },
      ],
    }),
  },
];

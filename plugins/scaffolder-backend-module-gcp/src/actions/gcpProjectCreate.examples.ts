import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'A project for a team, with billing, the APIs a GKE service needs, and its groups',
    example: yaml.stringify({
      steps: [
        {
          id: 'project',
          action: 'gcp:project:create',
          name: 'Create the GCP project',
          input: {
            projectId: 'ai-gateway-staging',
            displayName: 'AI Gateway staging',
            parent: 'folders/1002',
            billingAccount: 'billingAccounts/01A2B3-C4D5E6-F7A8B9',
            labels: { team: 'team-ai', environment: 'staging' },
            apis: ['container.googleapis.com', 'secretmanager.googleapis.com'],
            owners: ['team-ai@groundcrew.example'],
            editors: ['platform@groundcrew.example'],
          },
        },
      ],
    }),
  },
  {
    description: 'The smallest input: a project with billing and nothing else',
    example: yaml.stringify({
      steps: [
        {
          id: 'project',
          action: 'gcp:project:create',
          name: 'Create the GCP project',
          input: {
            projectId: 'search-sandbox-01',
            parent: 'folders/1003',
            billingAccount: 'billingAccounts/01A2B3-C4D5E6-F7A8B9',
          },
        },
      ],
    }),
  },
  {
    description:
      'Adopt a project that exists (made by hand in the same folder) and bring it to the standard',
    example: yaml.stringify({
      steps: [
        {
          id: 'project',
          action: 'gcp:project:create',
          name: 'Adopt the GCP project',
          input: {
            projectId: 'groundcrew-demo',
            parent: 'folders/1001',
            billingAccount: 'billingAccounts/01A2B3-C4D5E6-F7A8B9',
            apis: ['container.googleapis.com'],
            allowExisting: true,
          },
        },
      ],
    }),
  },
];

import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: "Check the repository's .runway/runway.yml after fetching it",
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'runway:manifest:validate',
          name: 'Check the Runway manifest',
          input: { path: '.runway/runway.yml' },
        },
      ],
    }),
  },
  {
    description: 'Check a manifest built from the parameters',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'runway:manifest:validate',
          name: 'Check the Runway manifest',
          input: {
            manifest: {
              apiVersion: 'runway/v1',
              kind: 'RunwayService',
              metadata: {
                name: 'docs-preview',
                owner_email_handle: 'team-ai',
                department: 'eng-dev',
                department_group: 'eng-dev-ai',
                product_category: 'ai_gateway',
              },
              spec: {
                container_port: 8080,
                regions: ['us-east1'],
                scalability: { min_instances: 0, max_instances: 3 },
              },
            },
          },
        },
      ],
    }),
  },
];

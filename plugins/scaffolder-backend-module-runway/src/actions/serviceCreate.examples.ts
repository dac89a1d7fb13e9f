import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

const metadata = (name: string) => ({
  name,
  owner_email_handle: 'team-ai',
  department: 'eng-dev',
  department_group: 'eng-dev-ai',
  product_category: 'ai_gateway',
});

export const examples: TemplateExample[] = [
  {
    description:
      'A service on a GKE cluster of the fleet, rolled out gradually, with a secret from Vault',
    example: yaml.stringify({
      steps: [
        {
          id: 'runway',
          action: 'runway:service:create',
          name: 'Turn up the service',
          input: {
            manifest: {
              apiVersion: 'runway/v1',
              kind: 'RunwayKubernetesService',
              metadata: metadata('prompt-router'),
              spec: {
                container_port: 8080,
                regions: ['us-east1'],
                scalability: { min_instances: 2, max_instances: 6 },
                deployment: {
                  strategy: 'gradual',
                  rollout_traffic_percentages: [10, 50, 100],
                },
                liveness_probe: { path: '/healthz' },
                environment_variables: {
                  LOG_LEVEL: { value: 'info' },
                  API_KEY: {
                    vault: {
                      path: 'runway/env/production/service/prompt-router',
                      key: 'api_key',
                    },
                  },
                },
              },
            },
            image: 'registry.example.com/team-ai/prompt-router:1.0.0',
            owner: 'group:default/team-ai',
            stage: 'main',
            cluster: 'gke-prod-us-east1',
          },
        },
      ],
    }),
  },
  {
    description: 'A service on Cloud Run in two regions',
    example: yaml.stringify({
      steps: [
        {
          id: 'runway',
          action: 'runway:service:create',
          name: 'Turn up the service',
          input: {
            manifest: {
              apiVersion: 'runway/v1',
              kind: 'RunwayService',
              metadata: metadata('docs-search'),
              spec: {
                container_port: 8080,
                regions: ['us-east1', 'europe-west1'],
                scalability: { min_instances: 0, max_instances: 4 },
              },
            },
            image: 'registry.example.com/team-ai/docs-search:0.3.1',
            owner: 'group:default/team-ai',
            projectId: 'groundcrew-demo',
          },
        },
      ],
    }),
  },
];

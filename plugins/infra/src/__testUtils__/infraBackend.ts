import { mockApis } from '@backstage/test-utils';
import { FetchApi } from '@backstage/core-plugin-api';
import { GcpProject } from '@groundcrew/plugin-infra-common';
import { http, HttpResponse } from 'msw';
import { FleetCluster, GkeClusterSummary, InfraClient } from '../api';

export const baseUrl = 'http://backstage.test/api/infra';

export function project(
  projectId: string,
  displayName: string,
  parent = 'folders/1002',
): GcpProject {
  return {
    projectId,
    projectNumber: '123456789012',
    displayName,
    parent,
    state: 'ACTIVE',
    labels: {},
  };
}

export const demoProjects = [
  project('groundcrew-demo', 'Groundcrew Demo', 'folders/1001'),
  project('team-ai-prod', 'AI Platform Production'),
  project('commerce-staging', 'Checkout Staging', 'folders/1003'),
];

function cluster(name: string, location: string): GkeClusterSummary {
  return {
    name,
    projectId: 'groundcrew-demo',
    location,
    status: 'RUNNING',
    privateNodes: true,
    nodePools: [],
    labels: {},
  };
}

export const demoClusters = [
  cluster('gke-ops', 'us-central1'),
  cluster('gke-prod-europe-west1', 'europe-west1'),
  cluster('gke-prod-us-east1', 'us-east1'),
];

export const demoFleetClusters: FleetCluster[] = [
  {
    name: 'gke-ops',
    labels: { environment: 'ops', region: 'us-central1' },
    source: 'config',
  },
  {
    name: 'gke-prod-europe-west1',
    labels: { environment: 'production', region: 'europe-west1' },
    source: 'config',
  },
  {
    name: 'gke-prod-us-east1',
    labels: { environment: 'production', region: 'us-east1' },
    source: 'config',
  },
  { name: 'gke-team-ai-dev', labels: {}, source: 'registered' },
];

/** A Backstage error body, as the backend's error handler writes it. */
export function errorResponse(status: number, name: string, message: string) {
  return HttpResponse.json(
    { error: { name, message }, response: { statusCode: status } },
    { status },
  );
}

/**
 * The infra backend as msw handlers, answering from the demo data above. `requests` records the
 * URLs asked, to count and inspect them.
 */
export function infraBackendHandlers(requests: URL[] = []) {
  return [
    http.get(`${baseUrl}/gcp/projects/:projectId/availability`, req => {
      requests.push(new URL(req.request.url));
      const projectId = String(req.params.projectId);
      const taken = demoProjects.find(p => p.projectId === projectId);
      return HttpResponse.json(
        taken
          ? { projectId, status: 'taken', project: taken }
          : { projectId, status: 'available' },
      );
    }),
    http.get(`${baseUrl}/gcp/projects`, req => {
      const url = new URL(req.request.url);
      requests.push(url);
      const words = (url.searchParams.get('query') ?? '')
        .toLowerCase()
        .split(/\s+/)
        .filter(Boolean);
      return HttpResponse.json({
        items: demoProjects.filter(
          p =>
            !words.length ||
            words.some(
              w =>
                p.projectId.startsWith(w) ||
                p.displayName.toLowerCase().startsWith(w),
            ),
        ),
      });
    }),
    http.get(`${baseUrl}/gcp/regions`, req => {
      requests.push(new URL(req.request.url));
      return HttpResponse.json({
        items: [
          { id: 'us-east1', location: 'South Carolina' },
          { id: 'europe-west1', location: 'Belgium' },
          { id: 'us-central1', location: 'Iowa' },
        ],
      });
    }),
    http.get(`${baseUrl}/gcp/projects/:projectId/clusters`, req => {
      const url = new URL(req.request.url);
      requests.push(url);
      if (req.params.projectId !== 'groundcrew-demo') {
        return HttpResponse.json({ items: [] });
      }
      const location = url.searchParams.get('location');
      return HttpResponse.json({
        items: demoClusters.filter(c => !location || c.location === location),
      });
    }),
    http.get(`${baseUrl}/fleet/clusters`, req => {
      requests.push(new URL(req.request.url));
      return HttpResponse.json({ items: demoFleetClusters });
    }),
  ];
}

const fetchApi: FetchApi = { fetch: (input, init) => fetch(input, init) };

export function createTestClient() {
  return new InfraClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://backstage.test' }),
    fetchApi,
  });
}

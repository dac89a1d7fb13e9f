import { gcpConsoleUrls, infraEntityRef } from './infraOverview';

describe('gcpConsoleUrls', () => {
  it('links a project to its dashboard', () => {
    expect(gcpConsoleUrls.project('groundcrew-demo')).toBe(
      'https://console.cloud.google.com/home/dashboard?project=groundcrew-demo',
    );
  });

  it('links a GKE cluster to its details page in its project', () => {
    expect(
      gcpConsoleUrls.cluster({
        projectId: 'groundcrew-demo',
        location: 'us-east1',
        name: 'gke-prod-us-east1',
      }),
    ).toBe(
      'https://console.cloud.google.com/kubernetes/clusters/details/us-east1/gke-prod-us-east1/details?project=groundcrew-demo',
    );
  });

  it('encodes what it is given, so that no value reaches another part of the URL', () => {
    expect(
      gcpConsoleUrls.cluster({
        projectId: 'a&b',
        location: 'us/east1',
        name: 'x?y',
      }),
    ).toBe(
      'https://console.cloud.google.com/kubernetes/clusters/details/us%2Feast1/x%3Fy/details?project=a%26b',
    );
    expect(gcpConsoleUrls.project('a#b')).toBe(
      'https://console.cloud.google.com/home/dashboard?project=a%23b',
    );
  });
});

describe('infraEntityRef', () => {
  it('names the entities as the catalog module does', () => {
    expect(infraEntityRef.service('ai-gateway')).toBe(
      'component:default/ai-gateway',
    );
    expect(infraEntityRef.cluster('gke-ops')).toBe('resource:default/gke-ops');
    expect(infraEntityRef.project('groundcrew-demo')).toBe(
      'resource:default/groundcrew-demo',
    );
  });
});

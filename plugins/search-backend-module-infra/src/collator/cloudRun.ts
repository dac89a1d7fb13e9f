import type {
  CloudRunService,
  InfraSearchDocument,
} from '@groundcrew/plugin-infra-common';
import { infraDocument, infraEntityRef, ownerLabel } from './entities';

/** A service's Cloud Run deployments, gathered across projects and regions. */
export interface CloudRunFacts {
  projects: Set<string>;
  regions: Set<string>;
  hostnames: Set<string>;
  environments: Set<string>;
  owner: string;
}

/**
 * Notes a Cloud Run service under its name: the service document (one per name, whether it runs on
 * clusters, on Cloud Run or both) takes these facts. Owner: the service's own owner label, else its
 * project's owner.
 */
export function noteCloudRunService(
  facts: Map<string, CloudRunFacts>,
  service: CloudRunService,
  projectOwner: string,
) {
  let f = facts.get(service.name);
  if (!f) {
    f = {
      projects: new Set(),
      regions: new Set(),
      hostnames: new Set(),
      environments: new Set(),
      owner: ownerLabel(service.labels) ?? projectOwner,
    };
    facts.set(service.name, f);
  }
  f.projects.add(service.projectId);
  f.regions.add(service.location);
  const env = service.labels.environment;
  if (env) f.environments.add(env);
  if (service.uri) {
    try {
      f.hostnames.add(new URL(service.uri).hostname);
    } catch {
      // A URL Cloud Run did not give (none yet): nothing to search by.
    }
  }
}

/** The first project (sorted) of the service's Cloud Run deployments. */
export function cloudRunProject(f: CloudRunFacts): string {
  return [...f.projects].sort()[0] ?? '';
}

/**
 * Documents of the services that run on Cloud Run only (the ones also on clusters were merged into
 * their cluster service's document and removed from `facts`), sorted by name.
 */
export function* cloudRunDocuments(
  facts: Map<string, CloudRunFacts>,
): Generator<InfraSearchDocument> {
  for (const name of [...facts.keys()].sort()) {
    const f = facts.get(name)!;
    yield infraDocument({
      kind: 'service',
      title: name,
      entityRef: infraEntityRef.service(name),
      owner: f.owner,
      words: ['cloud run service'],
      facts: {
        environments: [...f.environments].sort(),
        regions: [...f.regions].sort(),
        hostnames: [...f.hostnames].sort(),
        project: cloudRunProject(f),
      },
    });
    facts.delete(name);
  }
}

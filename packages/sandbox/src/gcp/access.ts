import type { GcpApi, GcpCall } from './api';
import { errorInfo, permissionDenied } from './errors';
import { SERVICE_CATALOG } from './services';
import type { ProjectRecord } from './types';

const RM = 'cloudresourcemanager.googleapis.com';

/**
 * 403 as IAM words a denied permission. Google answers a resource the caller
 * cannot see exactly like one that does not exist ("or it may not exist"),
 * so the imitation never answers 404 for projects, folders or organizations.
 */
export function iamDenied(permission: string, resource: string, domain = RM) {
  return permissionDenied(
    `Permission '${permission}' denied on resource '//${domain}/${resource}' (or it may not exist).`,
    [
      errorInfo('IAM_PERMISSION_DENIED', 'iam.googleapis.com', {
        permission,
        resource,
      }),
    ],
  );
}

/** A project the caller sees (by id or number), in any state; 403 otherwise. */
export function requireProject(
  api: GcpApi,
  call: GcpCall,
  idOrNumber: string,
  permission: string,
): ProjectRecord {
  const p = api.store.visibleProject(call.principal, idOrNumber);
  if (!p) throw iamDenied(permission, `projects/${idOrNumber}`);
  return p;
}

/**
 * A project another API (billing, Service Usage, Container) may work on: it
 * must be visible and not scheduled for deletion. `deniedMessage` words the
 * 403 as that API does.
 */
export function requireActiveProject(
  api: GcpApi,
  call: GcpCall,
  idOrNumber: string,
  deniedMessage: string,
): ProjectRecord {
  const p = api.store.visibleProject(call.principal, idOrNumber);
  if (!p) throw permissionDenied(deniedMessage);
  if (p.state !== 'ACTIVE') {
    throw permissionDenied(`Project #${p.number} has been deleted.`, [
      errorInfo('CONSUMER_INVALID', 'googleapis.com', {
        consumer: `projects/${p.number}`,
      }),
    ]);
  }
  return p;
}

/**
 * 403 SERVICE_DISABLED unless the project has the service enabled: what
 * Google's front end answers any call to an API the project has not enabled.
 */
export function requireServiceEnabled(p: ProjectRecord, service: string) {
  if (p.services.includes(service)) return;
  const title = SERVICE_CATALOG[service]?.title ?? service;
  const activationUrl = `https://console.developers.google.com/apis/api/${service}/overview?project=${p.number}`;
  throw permissionDenied(
    `${title} has not been used in project ${p.number} before or it is disabled. Enable it by visiting ${activationUrl} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`,
    [
      errorInfo('SERVICE_DISABLED', 'googleapis.com', {
        service,
        serviceTitle: title,
        consumer: `projects/${p.number}`,
        containerInfo: p.number,
        activationUrl,
      }),
      {
        '@type': 'type.googleapis.com/google.rpc.Help',
        links: [
          {
            description: 'Google developers console API activation',
            url: activationUrl,
          },
        ],
      },
    ],
  );
}

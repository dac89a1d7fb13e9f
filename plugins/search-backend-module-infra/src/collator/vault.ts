import { NotAllowedError } from '@backstage/errors';
import type { InfraSearchDocument } from '@groundcrew/plugin-infra-common';
import type { VaultService } from '@groundcrew/plugin-infra-node';
import { entityPage, infraDocument, infraEntityRef } from './entities';
import { inOrder } from './inOrder';

/**
 * Vault path documents: secret NAMES from KV v2 metadata listings (`LIST <mount>/metadata/<dir>`),
 * never a value and not even the metadata. A path `secret/<service>/…` belongs to the Runway
 * service `<service>`: the document links to that service's Secrets tab and is shown only to those
 * who may read the service.
 */
export async function* vaultDocuments(options: {
  vault: VaultService;
  concurrency: number;
  /** A folder the portal's token may not list: a permission boundary, not an outage; skipped. */
  onDenied: (path: string) => void;
}): AsyncGenerator<InfraSearchDocument> {
  const { vault } = options;
  for (const mount of await vault.kvMounts()) {
    // Breadth first: a level's folders are listed `concurrency` at a time.
    let folders = [''];
    while (folders.length) {
      const next: string[] = [];
      for await (const [folder, keys] of inOrder(
        folders,
        options.concurrency,
        async f =>
          [f, await listOrDenied(vault, mount, f, options.onDenied)] as const,
      )) {
        for (const key of keys) {
          const path = `${folder}${key}`;
          if (key.endsWith('/')) next.push(path);
          else {
            const doc = pathDocument(mount, path);
            if (doc) yield doc;
          }
        }
      }
      folders = next;
    }
  }
}

async function listOrDenied(
  vault: VaultService,
  mount: string,
  folder: string,
  onDenied: (path: string) => void,
): Promise<string[]> {
  try {
    return await vault.listSecrets(mount, folder);
  } catch (e) {
    if (e instanceof NotAllowedError) {
      onDenied(`${mount}/${folder}`);
      return [];
    }
    throw e;
  }
}

function pathDocument(
  mount: string,
  path: string,
): InfraSearchDocument | undefined {
  const service = path.split('/')[0];
  // A secret at the mount's root belongs to no service: no entity can authorize it.
  if (!path.includes('/')) return undefined;
  const entityRef = infraEntityRef.service(service);
  const full = `${mount}/${path}`;
  return infraDocument({
    kind: 'vault',
    title: full,
    entityRef,
    // The service's owner is in the catalog; the path carries none (its metadata is not read).
    owner: '',
    location: `${entityPage(entityRef)}/secrets?path=${encodeURIComponent(
      full,
    )}`,
    words: ['vault secret', ...full.split('/')],
    facts: {},
  });
}

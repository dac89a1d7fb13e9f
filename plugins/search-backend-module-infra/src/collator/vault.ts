import { NotAllowedError } from '@backstage/errors';
import type { InfraSearchDocument } from '@groundcrew/plugin-infra-common';
import type { VaultService } from '@groundcrew/plugin-infra-node';
import { entityPage, infraDocument, infraEntityRef } from './entities';
import { inOrder } from './inOrder';

/** A secret's name in a KV v2 mount: all a Vault document is made of. */
export interface VaultPath {
  mount: string;
  path: string;
}

/**
 * Secret NAMES from KV v2 metadata listings (`LIST <mount>/metadata/<dir>`), never a value and not
 * even the metadata, folder by folder, breadth first, `concurrency` listings in flight.
 */
export async function* vaultPaths(options: {
  vault: VaultService;
  concurrency: number;
  /** A folder the portal's token may not list: a permission boundary, not an outage; skipped. */
  onDenied: (path: string) => void;
}): AsyncGenerator<VaultPath> {
  const { vault } = options;
  for (const mount of await vault.kvMounts()) {
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
          else yield { mount, path };
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
    // Each folder is read once: nothing for the client's cache to keep (thousands of answers).
    return await vault.listSecrets(mount, folder, { cache: false });
  } catch (e) {
    if (e instanceof NotAllowedError) {
      onDenied(`${mount}/${folder}`);
      return [];
    }
    throw e;
  }
}

/**
 * The document of a Vault path `secret/<service>/…`: it belongs to the Runway service `<service>`,
 * is owned by that service's owner (`ownerOf`: the path carries none, its metadata is not read),
 * links to the service's Secrets tab and is shown only to those who may read the service.
 * Undefined for a secret at the mount's root, which belongs to no service.
 */
export function pathDocument(
  { mount, path }: VaultPath,
  ownerOf: (service: string) => string,
): InfraSearchDocument | undefined {
  const service = path.split('/')[0];
  // No entity can authorize a secret at the mount's root.
  if (!path.includes('/')) return undefined;
  const entityRef = infraEntityRef.service(service);
  const full = `${mount}/${path}`;
  return infraDocument({
    kind: 'vault',
    title: full,
    entityRef,
    owner: ownerOf(service),
    location: `${entityPage(entityRef)}/secrets?path=${encodeURIComponent(
      full,
    )}`,
    words: ['vault secret', ...full.split('/')],
    facts: {},
  });
}

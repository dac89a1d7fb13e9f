import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import {
  formatRunwayProblem,
  parseRunwayManifest,
  RunwayManifest,
  RunwayManifestProblem,
  stringifyRunwayManifest,
} from '@groundcrew/plugin-infra-common';
import { Document } from 'yaml';

/** Where a service keeps its manifest, relative to the repository root. */
export const DEFAULT_MANIFEST_PATH = '.runway/runway.yml';

function invalid(
  field: string,
  file: string,
  problems: RunwayManifestProblem[],
): InputError {
  return new InputError(
    `${field}: ${file} is not a valid Runway manifest: ${problems
      .map(formatRunwayProblem)
      .join('; ')}`,
  );
}

/**
 * Checks a manifest given as an object (a template's parameters). It is written out as YAML first,
 * so each problem names the line of the file the action would write.
 */
export function checkManifestObject(
  raw: Record<string, unknown>,
  file: string,
): RunwayManifest {
  const { apiVersion, kind, metadata, spec, ...rest } = raw;
  const text = new Document({
    apiVersion: apiVersion ?? 'runway/v1',
    kind,
    metadata,
    spec,
    ...rest,
  }).toString({ lineWidth: 0 });
  const result = parseRunwayManifest(text);
  if (!result.ok) throw invalid('manifest', file, result.problems);
  return result.manifest;
}

/** Reads and checks a manifest file of the workspace; problems carry the file's own lines. */
export async function readManifestFile(
  workspacePath: string,
  file: string,
  field: string,
): Promise<{ manifest: RunwayManifest; text: string }> {
  const full = resolveSafeChildPath(workspacePath, file);
  let text: string;
  try {
    text = await fs.readFile(full, 'utf8');
  } catch {
    throw new InputError(`${field}: there is no file ${file} in the workspace`);
  }
  const result = parseRunwayManifest(text);
  if (!result.ok) throw invalid(field, file, result.problems);
  return { manifest: result.manifest, text };
}

/**
 * Writes the checked manifest (defaults filled in) into the workspace, with a header that points
 * editors at the JSON Schema the portal serves.
 */
export async function writeManifest(
  workspacePath: string,
  file: string,
  manifest: RunwayManifest,
  schemaUrl?: string,
): Promise<void> {
  const full = resolveSafeChildPath(workspacePath, file);
  await fs.mkdir(path.dirname(full), { recursive: true });
  await fs.writeFile(
    full,
    stringifyRunwayManifest(manifest, { schemaUrl }),
    'utf8',
  );
}

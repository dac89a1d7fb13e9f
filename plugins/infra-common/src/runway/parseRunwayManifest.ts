/*
 * Reading and writing `.runway/runway.yml`: problems name the YAML path and the line, so the
 * scaffolder action, the wizard and an editor all say the same thing about the same manifest.
 */
import {
  Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
} from 'yaml';
import type { Node as YamlNode } from 'yaml';
import type { z } from 'zod/v4';
import {
  RUNWAY_KINDS,
  runwayManifestSchema,
  type RunwayManifest,
} from './runwayManifestSchema';

/**
 * One thing wrong with a manifest. `path` is dotted with array indexes in brackets
 * (`spec.regions[1]`), empty for the manifest as a whole; `line` (1-based) is known when the
 * manifest was read from YAML.
 *
 * @public
 */
export interface RunwayManifestProblem {
  path: string;
  line?: number;
  message: string;
}

/** @public */
export type RunwayManifestResult =
  | { ok: true; manifest: RunwayManifest }
  | { ok: false; problems: RunwayManifestProblem[] };

/**
 * The `$id` of the manifest's JSON Schema. Editors fetch the schema from the URL in a manifest's
 * `# yaml-language-server: $schema=` header; the Groundcrew backend serves it at
 * `/api/infra/runway/schema.json`.
 *
 * @public
 */
export const RUNWAY_MANIFEST_SCHEMA_ID = 'urn:groundcrew:runway-manifest:v1';

type IssuePath = ReadonlyArray<PropertyKey>;

/** `spec.regions[1]`: the form every problem (and the docs) use. */
export function formatRunwayPath(path: IssuePath): string {
  return path.reduce<string>((out, segment) => {
    if (typeof segment === 'number') return `${out}[${segment}]`;
    return out ? `${out}.${String(segment)}` : String(segment);
  }, '');
}

/**
 * `spec.scalability.max_instances (line 14) must be ≥ min_instances`.
 *
 * @public
 */
export function formatRunwayProblem(problem: RunwayManifestProblem): string {
  const where = problem.path || 'manifest';
  const line = problem.line === undefined ? '' : ` (line ${problem.line})`;
  return `${where}${line} ${problem.message}`;
}

function describeType(expected: string): string {
  switch (expected) {
    case 'int':
      return 'an integer';
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'record':
      return 'a mapping';
    default:
      return `a ${expected}`;
  }
}

function bound(origin: string, limit: number | bigint, small: boolean) {
  const side = small ? 'at least' : 'at most';
  if (origin === 'string') return `must be ${side} ${limit} characters long`;
  if (origin === 'array') {
    return `must have ${side} ${limit} item${Number(limit) === 1 ? '' : 's'}`;
  }
  return `must be ${small ? '≥' : '≤'} ${limit}`;
}

/** zod's messages are for programmers; these are for the person who wrote the manifest. */
function humanMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'is required'
        : `must be ${describeType(issue.expected)}`;
    case 'too_small':
      return bound(issue.origin, issue.minimum, true);
    case 'too_big':
      return bound(issue.origin, issue.maximum, false);
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${String(issue.values[0])}`
        : `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_union':
      if ('discriminator' in issue && issue.discriminator === 'kind') {
        // zod hands over the whole manifest here, not its kind.
        const kind =
          typeof issue.input === 'object' && issue.input !== null
            ? (issue.input as Record<string, unknown>).kind
            : undefined;
        return kind === undefined
          ? 'is required'
          : `must be one of ${RUNWAY_KINDS.join(', ')}`;
      }
      return undefined;
    default:
      return undefined;
  }
}

function toProblems(
  issues: ReadonlyArray<z.core.$ZodIssue>,
  lineOf?: (path: IssuePath, key?: string) => number | undefined,
): RunwayManifestProblem[] {
  const problems: RunwayManifestProblem[] = [];
  const add = (path: IssuePath, message: string, key?: string) => {
    const line = lineOf?.(path, key);
    problems.push({
      path: formatRunwayPath(path),
      ...(line === undefined ? {} : { line }),
      message,
    });
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        add(issue.path, `has an unknown field \`${key}\``, key);
      }
    } else if (issue.code === 'invalid_key') {
      // A record key (an environment variable name): the problem is the key itself.
      const key = issue.path[issue.path.length - 1];
      add(
        issue.path.slice(0, -1),
        `has \`${String(key)}\`, which ${
          issue.issues[0]?.message ?? 'is not a valid name'
        }`,
        String(key),
      );
    } else if (issue.path.length === 0 && issue.code === 'invalid_type') {
      // An empty file, or a list or a string instead of the manifest.
      add(issue.path, 'must be a mapping');
    } else {
      add(issue.path, issue.message);
    }
  }
  return problems;
}

function check(
  value: unknown,
  lineOf?: (path: IssuePath, key?: string) => number | undefined,
): RunwayManifestResult {
  const result = runwayManifestSchema.safeParse(value, {
    error: humanMessage,
  });
  if (result.success) return { ok: true, manifest: result.data };
  return { ok: false, problems: toProblems(result.error.issues, lineOf) };
}

/**
 * Validates a manifest already read into memory (from JSON, or a form); problems have no lines.
 *
 * @public
 */
export function validateRunwayManifest(value: unknown): RunwayManifestResult {
  return check(value);
}

/**
 * The line of the node at `path` or, for a key that is not there, of its nearest parent that
 * is. With `key`, the line of that key inside the node at `path` (an unknown field).
 */
function lineFinder(document: Document, lineCounter: LineCounter) {
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  return (path: IssuePath, key?: string): number | undefined => {
    let node: unknown = document.contents;
    let line =
      node && (node as YamlNode).range
        ? lineAt((node as YamlNode).range![0])
        : undefined;
    const segments = key === undefined ? path : [...path, key];
    for (const segment of segments) {
      if (isMap(node)) {
        const pair = node.items.find(
          item =>
            isScalar(item.key) && String(item.key.value) === String(segment),
        );
        if (!pair) break;
        if (isScalar(pair.key) && pair.key.range)
          line = lineAt(pair.key.range[0]);
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as YamlNode | undefined;
        if (!item) break;
        if (item.range) line = lineAt(item.range[0]);
        node = item;
      } else {
        break;
      }
    }
    return line;
  };
}

/**
 * Reads a manifest from YAML. Syntax errors and schema violations both come back as problems
 * with the line they are on.
 *
 * @public
 */
export function parseRunwayManifest(text: string): RunwayManifestResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map(error => ({
        path: '',
        line: lineCounter.linePos(error.pos[0]).line,
        message: `is not valid YAML: ${error.message}`,
      })),
    };
  }
  const result = check(document.toJS(), lineFinder(document, lineCounter));
  if (result.ok) return result;
  // In the order a person reads the file.
  const problems = [...result.problems].sort(
    (a, b) => (a.line ?? 0) - (b.line ?? 0),
  );
  return { ok: false, problems };
}

/**
 * Writes a manifest as YAML: defaults filled in, fields in the documented order, and (given its
 * URL) a header that points editors at the JSON Schema. Throws when the manifest is invalid.
 *
 * @public
 */
export function stringifyRunwayManifest(
  manifest: RunwayManifest,
  options: { schemaUrl?: string } = {},
): string {
  const result = validateRunwayManifest(manifest);
  if (!result.ok) {
    throw new TypeError(
      `Invalid Runway manifest: ${result.problems
        .map(formatRunwayProblem)
        .join('; ')}`,
    );
  }
  const document = new Document(result.manifest);
  if (options.schemaUrl) {
    document.commentBefore = ` yaml-language-server: $schema=${options.schemaUrl}`;
  }
  return document.toString({ lineWidth: 0 });
}

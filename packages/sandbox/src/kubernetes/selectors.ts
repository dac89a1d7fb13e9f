import { badRequest } from './status';
import type { KubeObject } from './types';

type Op = 'exists' | '!exists' | '=' | '!=' | 'in' | 'notin';

interface Requirement {
  key: string;
  op: Op;
  values: string[];
}

export type Matcher = (obj: KubeObject) => boolean;

const always: Matcher = () => true;

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out.map(p => p.trim()).filter(Boolean);
}

function parseLabelRequirement(raw: string): Requirement {
  const setMatch = /^([^\s!=()]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(raw);
  if (setMatch) {
    return {
      key: setMatch[1],
      op: setMatch[2] as Op,
      values: setMatch[3]
        .split(',')
        .map(v => v.trim())
        .filter(Boolean),
    };
  }
  const eq = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s,()]*)$/.exec(raw);
  if (eq) {
    return { key: eq[1], op: eq[2] === '!=' ? '!=' : '=', values: [eq[3]] };
  }
  const notExists = /^!\s*([^\s!=()]+)$/.exec(raw);
  if (notExists) return { key: notExists[1], op: '!exists', values: [] };
  if (/^[^\s!=()]+$/.test(raw)) return { key: raw, op: 'exists', values: [] };
  throw badRequest(`unable to parse requirement: ${raw}`);
}

function test(req: Requirement, value: string | undefined): boolean {
  switch (req.op) {
    case 'exists':
      return value !== undefined;
    case '!exists':
      return value === undefined;
    case '=':
      return value === req.values[0];
    case '!=':
      return value !== req.values[0];
    case 'in':
      return value !== undefined && req.values.includes(value);
    case 'notin':
      return value === undefined || !req.values.includes(value);
    default:
      return false;
  }
}

/** Parses a label selector (`=`, `==`, `!=`, `in`, `notin`, `key`, `!key`). */
export function parseLabelSelector(
  selector: string | null | undefined,
): Matcher {
  if (!selector || !selector.trim()) return always;
  const reqs = splitTopLevel(selector).map(parseLabelRequirement);
  return obj => {
    const labels = obj.metadata?.labels ?? {};
    return reqs.every(r => test(r, labels[r.key]));
  };
}

/** Builds a matcher from a structured LabelSelector (matchLabels + matchExpressions). */
export function labelSelectorMatcher(
  selector:
    | {
        matchLabels?: Record<string, string>;
        matchExpressions?: Array<{
          key: string;
          operator: string;
          values?: string[];
        }>;
      }
    | undefined,
): Matcher {
  if (!selector) return () => false;
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    reqs.push({ key, op: '=', values: [value] });
  }
  for (const e of selector.matchExpressions ?? []) {
    const op = (
      {
        In: 'in',
        NotIn: 'notin',
        Exists: 'exists',
        DoesNotExist: '!exists',
      } as Record<string, Op>
    )[e.operator];
    if (op) reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return obj => {
    const labels = obj.metadata?.labels ?? {};
    return reqs.every(r => test(r, labels[r.key]));
  };
}

function fieldValue(obj: KubeObject, path: string): string | undefined {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return undefined;
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
}

/**
 * Parses a field selector (`a=b`, `a==b`, `a!=b`). Any dotted path is
 * accepted; metadata.name, metadata.namespace, status.phase and spec.nodeName
 * are what the real server supports for pods.
 */
export function parseFieldSelector(
  selector: string | null | undefined,
): Matcher {
  if (!selector || !selector.trim()) return always;
  const reqs = splitTopLevel(selector).map(raw => {
    const m = /^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/.exec(raw);
    if (!m) throw badRequest(`invalid field selector: ${raw}`);
    return { path: m[1], negate: m[2] === '!=', value: m[3].trim() };
  });
  return obj =>
    reqs.every(r => {
      // The real server treats a missing field as the empty string.
      const v = fieldValue(obj, r.path) ?? '';
      return r.negate ? v !== r.value : v === r.value;
    });
}

import { invalidArgument } from './errors';
import type { ProjectRecord } from './types';

/*
 * The query of Resource Manager v3 `projects.search`, as projects.proto
 * describes it: `field:value` terms on displayName / name, parent,
 * parent.type, parent.id, id / projectId, state / lifecycleState, labels,
 * labels.<key>; values may end with `*` (prefix) or be `*` (present);
 * matching is case-insensitive; several terms match a project that matches
 * ANY of them. `AND` between terms requires both (as Google's list filters);
 * a bare word (no field) matches the id, the display name or a label value
 * containing it.
 */

type Term = (p: ProjectRecord) => boolean;

function valueMatcher(pattern: string): (v: string | undefined) => boolean {
  const want = pattern.toLowerCase();
  if (want === '*') return v => v !== undefined;
  if (want.endsWith('*')) {
    const prefix = want.slice(0, -1);
    return v => v !== undefined && v.toLowerCase().startsWith(prefix);
  }
  return v => v !== undefined && v.toLowerCase() === want;
}

function tokenize(query: string): string[] {
  const out: string[] = [];
  const re = /(?:[^\s"]+|"[^"]*")+/g;
  for (const m of query.matchAll(re)) out.push(m[0].replace(/"/g, ''));
  return out;
}

function termOf(token: string): Term {
  const colon = token.indexOf(':');
  if (colon < 0) {
    const word = token.toLowerCase();
    return p =>
      p.projectId.includes(word) ||
      p.displayName.toLowerCase().includes(word) ||
      Object.values(p.labels).some(v => v.toLowerCase().includes(word));
  }
  const field = token.slice(0, colon).toLowerCase();
  const match = valueMatcher(token.slice(colon + 1));
  switch (field) {
    case 'displayname':
    case 'name':
      return p => match(p.displayName);
    case 'id':
    case 'projectid':
      return p => match(p.projectId);
    case 'parent':
      // `organizations/*` is a prefix match like any trailing `*`.
      return p => match(p.parent);
    case 'parent.type':
      return p =>
        match(p.parent.startsWith('folders/') ? 'folder' : 'organization');
    case 'parent.id':
      return p => match(p.parent.split('/')[1]);
    case 'state':
    case 'lifecyclestate':
      return p => match(p.state);
    case 'labels':
      return p =>
        Object.entries(p.labels).some(([k, v]) => match(k) || match(v));
    default:
      if (field.startsWith('labels.')) {
        const key = token.slice('labels.'.length, colon);
        return p => match(p.labels[key]);
      }
      throw invalidArgument(
        [{ field: 'query', description: `Unknown field "${field}".` }],
        `Invalid query: unknown field "${field}".`,
      );
  }
}

/** A predicate for the query; an empty query matches every project. */
export function projectQuery(query: string): Term {
  const tokens = tokenize(query.trim());
  if (tokens.length === 0) return () => true;
  // Terms in OR groups; AND binds two neighbouring terms into one group.
  const groups: Term[][] = [];
  let and = false;
  for (const token of tokens) {
    if (token === 'AND') {
      and = true;
      continue;
    }
    if (token === 'OR') continue;
    const term = termOf(token);
    if (and && groups.length) groups[groups.length - 1].push(term);
    else groups.push([term]);
    and = false;
  }
  return p => groups.some(g => g.every(t => t(p)));
}

import { InputError } from '@backstage/errors';

type Requirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

/**
 * A parsed Kubernetes label selector (`a=b,c!=d,e in (f,g),!h`), matched in memory against the
 * watch-fed cache.
 *
 * @public
 */
export class LabelSelector {
  static parse(selector: string): LabelSelector {
    const requirements: Requirement[] = [];
    for (const part of splitTopLevel(selector)) {
      const term = part.trim();
      if (!term) continue;
      let m = term.match(/^([^\s!=()]+)\s+(in|notin)\s+\(([^)]*)\)$/);
      if (m) {
        requirements.push({
          op: m[2] as 'in' | 'notin',
          key: m[1],
          values: m[3].split(',').map(v => v.trim()),
        });
        continue;
      }
      m = term.match(/^([^\s!=()]+)\s*(==|=|!=)\s*([^\s!=()]*)$/);
      if (m) {
        requirements.push({
          op: m[2] === '!=' ? 'neq' : 'eq',
          key: m[1],
          value: m[3],
        });
        continue;
      }
      m = term.match(/^(!?)([^\s!=()]+)$/);
      if (m) {
        requirements.push({ op: m[1] ? 'notexists' : 'exists', key: m[2] });
        continue;
      }
      throw new InputError(`Invalid label selector "${selector}" at "${term}"`);
    }
    return new LabelSelector(requirements, selector);
  }

  private constructor(
    private readonly requirements: Requirement[],
    readonly text: string,
  ) {}

  matches(labels: Record<string, string> | undefined): boolean {
    const l = labels ?? {};
    return this.requirements.every(r => {
      const has = Object.prototype.hasOwnProperty.call(l, r.key);
      switch (r.op) {
        case 'eq':
          return has && l[r.key] === r.value;
        case 'neq':
          return !has || l[r.key] !== r.value;
        case 'in':
          return has && r.values.includes(l[r.key]);
        case 'notin':
          return !has || !r.values.includes(l[r.key]);
        case 'exists':
          return has;
        default:
          return !has;
      }
    });
  }
}

function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/*
 * docs/content/runway.md is the manifest's user documentation: every ```yaml example in it must be
 * a valid manifest, and the JSON Schema it links to must be the one the zod schema generates.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  parseRunwayManifest,
  formatRunwayProblem,
} from './parseRunwayManifest';
import { runwayManifestJsonSchema } from './runwayManifestJsonSchema';

const repo = path.resolve(__dirname, '..', '..', '..', '..');
const page = fs.readFileSync(
  path.join(repo, 'docs', 'content', 'runway.md'),
  'utf8',
);
const examples = [...page.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map(
  match => match[1],
);

describe('docs/content/runway.md', () => {
  it('has examples of both kinds', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
    expect(examples.some(text => /^kind: RunwayService$/m.test(text))).toBe(
      true,
    );
    expect(
      examples.some(text => /^kind: RunwayKubernetesService$/m.test(text)),
    ).toBe(true);
  });

  it.each(examples.map((text, i) => [i + 1, text]))(
    'example %i is a valid manifest',
    (_, text) => {
      const result = parseRunwayManifest(text as string);
      expect(result.ok ? [] : result.problems.map(formatRunwayProblem)).toEqual(
        [],
      );
    },
  );

  it('shows the problems its broken example really has', () => {
    const numbered = page.match(/^```text\n( 1 {2}apiVersion[\s\S]*?)^```$/m);
    const shown = page.match(/is refused with:\n\n```text\n([\s\S]*?)^```$/m);
    expect(numbered).not.toBeNull();
    expect(shown).not.toBeNull();
    const text = numbered![1].replace(/^.{4}/gm, '');
    const result = parseRunwayManifest(text);
    expect(result.ok ? [] : result.problems.map(formatRunwayProblem)).toEqual(
      shown![1].trimEnd().split('\n'),
    );
  });
});

describe('docs/runway.schema.json', () => {
  it('is the JSON Schema the zod schema generates (run tools/yarn runway-schema)', () => {
    const file = JSON.parse(
      fs.readFileSync(path.join(repo, 'docs', 'runway.schema.json'), 'utf8'),
    );
    expect(file).toEqual(runwayManifestJsonSchema());
  });
});

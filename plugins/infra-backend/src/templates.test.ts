import fs from 'node:fs';
import path from 'node:path';

/**
 * The inputs of the actions the templates use (plugins/scaffolder-backend-module-gcp), so a typo
 * in a template fails here rather than in a task.
 */
const ACTION_INPUTS: Record<string, string[]> = {
  'gcp:project:create': [
    'projectId',
    'displayName',
    'parent',
    'billingAccount',
    'labels',
    'apis',
    'owners',
    'editors',
    'allowExisting',
  ],
  'gke:cluster:create': [
    'projectId',
    'location',
    'name',
    'releaseChannel',
    'nodePools',
    'privateNodes',
    'labels',
    'environment',
  ],
};

/** The field extensions of @groundcrew/plugin-infra (and the scaffolder's own ones used here). */
const FIELDS = [
  'GcpProjectIdPicker',
  'GcpRegionPicker',
  'GcpProjectPicker',
  'GkeClusterPicker',
];

interface Template {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    title?: string;
    description?: string;
    tags?: string[];
  };
  spec: {
    owner: string;
    parameters: Array<{ properties: Record<string, Record<string, unknown>> }>;
    steps: Array<{
      id: string;
      action: string;
      input: Record<string, unknown>;
    }>;
    output?: { links?: Array<Record<string, string>> };
  };
}

const templatesDir = path.resolve(__dirname, '../../../templates');
const templates = fs
  .readdirSync(templatesDir)
  .filter(dir => fs.existsSync(path.join(templatesDir, dir, 'template.yaml')))
  .map(dir => {
    // Jest reads YAML as a module (Backstage's YAML transform).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const template: Template = require(path.join(
      templatesDir,
      dir,
      'template.yaml',
    ));
    return [dir, template] as const;
  });

type Schema = Record<string, unknown>;

/** Every property of a parameters schema, nested objects' included, with its dotted name. */
function schemaProperties(
  properties: Record<string, Schema>,
  prefix = '',
): Array<[string, Schema]> {
  return Object.entries(properties).flatMap(([name, property]) => [
    [`${prefix}${name}`, property] as [string, Schema],
    ...(property.properties
      ? schemaProperties(
          property.properties as Record<string, Schema>,
          `${prefix}${name}.`,
        )
      : []),
  ]);
}

/** Every `${{ parameters.x… }}` a value refers to. */
function parameterRefs(value: unknown): string[] {
  const text = JSON.stringify(value);
  return [...text.matchAll(/parameters\.([A-Za-z0-9_-]+)/g)].map(m => m[1]);
}

describe('templates', () => {
  it('finds both templates', () => {
    expect(templates.map(([dir]) => dir).sort()).toEqual([
      'gcp-project',
      'gke-cluster',
    ]);
  });

  describe.each(templates)('%s', (dir, template) => {
    it('is a v1beta3 Template owned by the platform team', () => {
      expect(template).toMatchObject({
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        kind: 'Template',
        metadata: { name: dir },
        spec: { owner: 'group:default/platform' },
      });
      expect(template.metadata.title).toBeTruthy();
      expect(template.metadata.description).toBeTruthy();
      expect(template.metadata.tags).toContain('gcp');
    });

    it("gives every step only its action's inputs", () => {
      for (const step of template.spec.steps) {
        expect(Object.keys(ACTION_INPUTS)).toContain(step.action);
        const unknown = Object.keys(step.input).filter(
          key => !ACTION_INPUTS[step.action].includes(key),
        );
        expect({ step: step.id, unknown }).toEqual({
          step: step.id,
          unknown: [],
        });
      }
    });

    it('refers only to parameters it asks for', () => {
      const asked = template.spec.parameters.flatMap(p =>
        Object.keys(p.properties),
      );
      const used = [
        ...parameterRefs(template.spec.steps),
        ...parameterRefs(template.spec.output),
      ];
      expect(used.filter(p => !asked.includes(p))).toEqual([]);
    });

    it('uses only field extensions the app has', () => {
      const fields = template.spec.parameters
        .flatMap(p => Object.values(p.properties))
        .map(p => p['ui:field'])
        .filter(Boolean);
      expect(fields.length).toBeGreaterThan(0);
      expect(fields.filter(f => !FIELDS.includes(String(f)))).toEqual([]);
    });

    it('has defaults that meet their own patterns', () => {
      const properties = template.spec.parameters.flatMap(p =>
        schemaProperties(p.properties),
      );
      const misfits = properties.filter(
        ([, property]) =>
          typeof property.pattern === 'string' &&
          typeof property.default === 'string' &&
          !new RegExp(property.pattern).test(property.default),
      );
      expect(misfits.map(([name]) => name)).toEqual([]);
    });

    it('links to the console and the catalog entity of what it made', () => {
      const links = template.spec.output?.links ?? [];
      expect(links).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            url: "${{ steps['create'].output.consoleUrl }}",
          }),
          expect.objectContaining({
            entityRef: "${{ steps['create'].output.entityRef }}",
          }),
        ]),
      );
    });
  });
});

import fs from 'node:fs';
import path from 'node:path';

/**
 * The inputs of the actions the templates use (plugins/scaffolder-backend-module-gcp and -runway,
 * and the scaffolder's own), so a typo in a template fails here rather than in a task.
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
  'runway:service:create': [
    'manifest',
    'image',
    'owner',
    'stage',
    'release',
    'cluster',
    'namespace',
    'projectId',
    'manifestPath',
  ],
  'fetch:template': [
    'url',
    'targetPath',
    'values',
    'copyWithoutTemplating',
    'cookiecutterCompat',
    'replace',
    'trimBlocks',
    'lstripBlocks',
  ],
  'publish:gitlab': [
    'repoUrl',
    'repoVisibility',
    'defaultBranch',
    'gitCommitMessage',
    'gitAuthorName',
    'gitAuthorEmail',
    'sourcePath',
    'skipExisting',
  ],
  'catalog:register': [
    'catalogInfoUrl',
    'repoContentsUrl',
    'catalogInfoPath',
    'optional',
  ],
};

/** The field extensions of @groundcrew/plugin-infra (and the scaffolder's own ones used here). */
const FIELDS = [
  'GcpProjectIdPicker',
  'GcpRegionPicker',
  'GcpProjectPicker',
  'GkeClusterPicker',
  'FleetClusterPicker',
  'OwnerPicker',
  'EntityPicker',
  'RepoUrlPicker',
];

/** The templates that make GCP resources, and link to them in the console. */
const GCP_TEMPLATES = ['gcp-project', 'gke-cluster'];

type Schema = Record<string, unknown>;

/** A step of the form: its properties, and more behind `dependencies` (`oneOf` branches). */
interface ParameterStep {
  properties: Record<string, Schema>;
  dependencies?: Record<
    string,
    { oneOf?: Array<{ properties?: Record<string, Schema> }> }
  >;
}

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
    parameters: ParameterStep[];
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

/** The properties of a form step, those of every `dependencies` branch included. */
function stepProperties(step: ParameterStep): Array<[string, Schema]> {
  const branches = Object.values(step.dependencies ?? {}).flatMap(
    dependency => dependency.oneOf ?? [],
  );
  return [
    ...Object.entries(step.properties),
    ...branches.flatMap(branch => Object.entries(branch.properties ?? {})),
  ];
}

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
  it('finds every template', () => {
    expect(templates.map(([dir]) => dir).sort()).toEqual([
      'gcp-project',
      'gke-cluster',
      'runway-service',
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
      expect(template.metadata.tags?.length).toBeGreaterThan(0);
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
        stepProperties(p).map(([name]) => name),
      );
      const used = [
        ...parameterRefs(template.spec.steps),
        ...parameterRefs(template.spec.output),
      ];
      expect(used.filter(p => !asked.includes(p))).toEqual([]);
    });

    it('uses only field extensions the app has', () => {
      const fields = template.spec.parameters
        .flatMap(p => stepProperties(p).map(([, property]) => property))
        .flatMap(p => [p, ...(p.items ? [p.items as Schema] : [])])
        .map(p => p['ui:field'])
        .filter(Boolean);
      expect(fields.length).toBeGreaterThan(0);
      expect(fields.filter(f => !FIELDS.includes(String(f)))).toEqual([]);
    });

    it('has defaults that meet their own patterns', () => {
      const properties = template.spec.parameters.flatMap(p =>
        schemaProperties(Object.fromEntries(stepProperties(p))),
      );
      const misfits = properties.filter(
        ([, property]) =>
          typeof property.pattern === 'string' &&
          typeof property.default === 'string' &&
          !new RegExp(property.pattern).test(property.default),
      );
      expect(misfits.map(([name]) => name)).toEqual([]);
    });
  });

  describe.each(templates.filter(([dir]) => GCP_TEMPLATES.includes(dir)))(
    '%s',
    (_dir, template) => {
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
    },
  );

  describe('runway-service', () => {
    const template = templates.find(([dir]) => dir === 'runway-service')![1];
    const step = (id: string) => template.spec.steps.find(s => s.id === id)!;

    it('writes the skeleton, turns the service up, pushes to GitLab and registers it, in that order', () => {
      expect(template.spec.steps.map(s => s.action)).toEqual([
        'fetch:template',
        'runway:service:create',
        'publish:gitlab',
        'catalog:register',
      ]);
      expect(step('register').input).toEqual({
        repoContentsUrl: "${{ steps['publish'].output.repoContentsUrl }}",
        catalogInfoPath: '/catalog-info.yaml',
      });
    });

    it('asks GKE for a fleet cluster and Cloud Run for a GCP project', () => {
      const where = template.spec.parameters.find(p => p.properties.runtime)!;
      expect(where.properties.runtime.enum).toEqual(['gke', 'cloud-run']);
      const [gke, cloudRun] = where.dependencies!.runtime.oneOf!;
      expect(gke.properties).toMatchObject({
        runtime: { enum: ['gke'] },
        cluster: { 'ui:field': 'FleetClusterPicker' },
        namespace: { type: 'string' },
      });
      expect(cloudRun.properties).toMatchObject({
        runtime: { enum: ['cloud-run'] },
        projectId: { 'ui:field': 'GcpProjectPicker' },
        regions: { type: 'array', items: { 'ui:field': 'GcpRegionPicker' } },
      });
    });

    it('publishes only to the GitLab of the integrations', () => {
      const repoUrl = template.spec.parameters
        .flatMap(stepProperties)
        .find(([name]) => name === 'repoUrl')![1];
      expect(repoUrl).toMatchObject({
        'ui:field': 'RepoUrlPicker',
        'ui:options': { allowedHosts: ['127.0.0.1:7481'] },
      });
    });

    it('links to the repository, the catalog page and its deploy board', () => {
      expect(template.spec.output?.links).toEqual([
        expect.objectContaining({
          url: "${{ steps['publish'].output.remoteUrl }}",
        }),
        expect.objectContaining({
          entityRef: "${{ steps['register'].output.entityRef }}",
        }),
        expect.objectContaining({
          url: '/catalog/default/component/${{ parameters.name }}/deploy-board',
        }),
      ]);
    });

    it('has a skeleton with the catalog entity and its docs', () => {
      const skeleton = path.join(templatesDir, 'runway-service', 'skeleton');
      for (const file of [
        'README.md',
        'catalog-info.yaml',
        'mkdocs.yml',
        'docs/index.md',
      ]) {
        expect(fs.existsSync(path.join(skeleton, file))).toBe(true);
      }
      const catalogInfo = fs.readFileSync(
        path.join(skeleton, 'catalog-info.yaml'),
        'utf8',
      );
      for (const annotation of [
        'groundcrew.io/runway-service: ${{ values.name }}',
        'backstage.io/kubernetes-id: ${{ values.name }}',
        'groundcrew.io/clusters: ${{ values.cluster }}',
        'groundcrew.io/gcp-project: ${{ values.projectId }}',
        'backstage.io/techdocs-ref: dir:.',
        'gitlab.com/project-slug: ${{ values.projectSlug }}',
      ]) {
        expect(catalogInfo).toContain(annotation);
      }
    });
  });
});

import {
  createMockDirectory,
  mockServices,
  ServiceFactoryTester,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { createPublishGitlabAction } from '@backstage/plugin-scaffolder-backend-module-gitlab';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonObject } from '@backstage/types';
import { Sandbox, startSandbox } from '@groundcrew/sandbox';

/**
 * Backstage's own publish:gitlab action and GitLab URL reader against the
 * sandbox's GitLab imitation: the push is a real git push (isomorphic-git)
 * into a bare repository served by `git http-backend`.
 */
describe('publish:gitlab and the GitLab URL reader against the sandbox', () => {
  let sandbox: Sandbox;
  let integrationsConfig: JsonObject;
  let host: string;
  const workspace = createMockDirectory();

  beforeAll(async () => {
    sandbox = await startSandbox({ clusters: [], gcp: { enabled: false } });
    const gitlab = sandbox.gitlab!;
    host = new URL(gitlab.url).host;
    integrationsConfig = {
      integrations: {
        gitlab: [
          {
            host,
            apiBaseUrl: gitlab.apiBaseUrl,
            baseUrl: gitlab.url,
            token: gitlab.token,
          },
        ],
      },
    };
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  function publishAction() {
    const config = new ConfigReader(integrationsConfig);
    return createPublishGitlabAction({
      integrations: ScmIntegrations.fromConfig(config),
      config,
    });
  }

  function context(repo: string) {
    workspace.setContent({
      'catalog-info.yaml': [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata:',
        `  name: ${repo}`,
        'spec:',
        '  type: service',
        '  lifecycle: experimental',
        '  owner: team-ai',
        '',
      ].join('\n'),
      'src/index.ts': 'export {};\n',
    });
    return createMockActionContext({
      workspacePath: workspace.path,
      input: {
        repoUrl: `${host}?owner=team-ai&repo=${repo}`,
        defaultBranch: 'main',
        gitAuthorName: 'Scaffolder',
        gitAuthorEmail: 'scaffolder@groundcrew.example',
      },
    });
  }

  it('creates the project, pushes the workspace, and the URL reader reads catalog-info.yaml back', async () => {
    const gitlab = sandbox.gitlab!;
    await gitlab.control.resetCounters();
    const ctx = context('new-svc');
    await publishAction().handler(ctx);

    const outputs = Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
    );
    expect(outputs).toMatchObject({
      remoteUrl: `${gitlab.url}/team-ai/new-svc`,
      repoContentsUrl: `${gitlab.url}/team-ai/new-svc/-/blob/main`,
      created: true,
    });
    expect(outputs.commitHash).toMatch(/^[0-9a-f]{40}$/);
    expect(typeof outputs.projectId).toBe('number');

    // The calls publish:gitlab made: reads, one project creation, one push.
    const counters = await gitlab.control.counters();
    expect(counters.routes).toMatchObject({
      'GET /api/v4/namespaces/{id}': 1,
      'GET /api/v4/user': 1,
      'GET /api/v4/groups/{id}/projects': 1,
      'POST /api/v4/projects': 1,
      'POST /{namespace}/{project}/git-receive-pack': 1,
    });
    expect(counters.mutations).toBe(2);

    // Backstage's URL reader service (GitlabUrlReader for this host), as catalog:register uses it.
    const reader = await ServiceFactoryTester.from(
      mockServices.urlReader.factory(),
      {
        dependencies: [
          mockServices.rootConfig.factory({ data: integrationsConfig }),
        ],
      },
    ).getSubject('catalog');
    const url = `${outputs.repoContentsUrl}/catalog-info.yaml`;
    const response = await reader.readUrl(url);
    const text = (await response.buffer()).toString('utf8');
    expect(text).toContain('name: new-svc');
    expect(text).toContain('owner: team-ai');
    expect(response.etag).toBeTruthy();
    await expect(
      reader.readUrl(url, { etag: response.etag }),
    ).rejects.toMatchObject({ name: 'NotModifiedError' });
    expect(
      (await gitlab.control.counters()).routes[
        'GET /api/v4/projects/{id}/repository/files/{file}/raw'
      ],
    ).toBe(2);

    // Everything in the workspace was pushed.
    const src = await reader.readUrl(`${outputs.repoContentsUrl}/src/index.ts`);
    expect((await src.buffer()).toString('utf8')).toBe('export {};\n');
  });

  it('fails clearly when the repository already exists', async () => {
    await expect(
      publishAction().handler(context('ai-gateway')),
    ).rejects.toThrow(/has already been taken/);
  });

  it('fails clearly for an unknown owner', async () => {
    const ctx = context('whatever');
    ctx.input.repoUrl = `${host}?owner=no-such-group&repo=whatever`;
    await expect(publishAction().handler(ctx)).rejects.toThrow(
      /namespace no-such-group is not found/,
    );
  });
});

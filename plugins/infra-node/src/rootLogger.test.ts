import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  mockServices,
  ServiceFactoryTester,
} from '@backstage/backend-test-utils';
import {
  createRootLoggerServiceFactory,
  writeConfigSchema,
} from './rootLogger';

const SECRET = 'sandbox-signing-key-5f2c9a';
const config = {
  backend: {
    auth: { keys: [{ secret: SECRET }] },
    logger: { level: 'debug' },
  },
};

/** What the logger prints for one line that mentions the secret. */
async function logLine(schemaFile: string | undefined): Promise<string> {
  const tester = ServiceFactoryTester.from(
    createRootLoggerServiceFactory({ schemaFile }),
    { dependencies: [mockServices.rootConfig.factory({ data: config })] },
  );
  // Winston's console transport writes to the stream behind the console (the test runner's own,
  // in a worker), falling back to console.log.
  const written: string[] = [];
  const stream: NodeJS.WritableStream =
    (console as unknown as { _stdout?: NodeJS.WritableStream })._stdout ??
    process.stdout;
  const write = jest
    .spyOn(stream, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  const consoleLog = jest
    .spyOn(console, 'log')
    .mockImplementation((...args: unknown[]) => {
      written.push(args.map(String).join(' '));
    });
  try {
    const logger = await tester.getSubject();
    logger.debug(`signing with ${SECRET} now`);
    // Winston hands the line to its transports asynchronously.
    for (let i = 0; i < 100 && !written.some(l => l.includes('signing')); i++) {
      await new Promise(r => setTimeout(r, 20));
    }
  } finally {
    write.mockRestore();
    consoleLog.mockRestore();
  }
  return (
    written
      .join('')
      .split('\n')
      .find(l => l.includes('signing')) ?? ''
  );
}

describe('createRootLoggerServiceFactory', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'root-logger-'));
  const schemaFile = path.join(dir, 'config-schema.json');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('redacts the secrets of a schema compiled beforehand, as the default logger does', async () => {
    await writeConfigSchema({ file: schemaFile });
    const serialized = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
    expect(serialized.backstageConfigSchemaVersion).toBe(1);

    const precompiled = await logLine(schemaFile);
    expect(precompiled).toContain('signing with *** now');
    expect(precompiled).not.toContain(SECRET);

    // Without the file it compiles the schema at start, like backend-defaults' own logger.
    const compiledAtStart = await logLine(path.join(dir, 'absent.json'));
    expect(compiledAtStart).toContain('signing with *** now');
  }, 120_000);
});

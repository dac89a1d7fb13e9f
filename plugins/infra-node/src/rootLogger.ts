/*
 * The root logger of @backstage/backend-defaults, with its config schema compiled at build time.
 *
 * To redact secrets from log lines, the default root logger compiles the `config.d.ts` of every
 * package of the repository with TypeScript when the backend starts. That costs seconds of start-up
 * and keeps two copies of TypeScript loaded for the life of the process (≈ 40 MB of V8 heap in our
 * backend). The same schema, serialised once by `writeConfigSchema` (at build time), gives the same
 * redactions without TypeScript in the running backend.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { createConfigSecretEnumerator } from '@backstage/backend-defaults/rootConfig';
import { WinstonLogger } from '@backstage/backend-defaults/rootLogger';
import type { Config } from '@backstage/config';
import { loadConfigSchema } from '@backstage/config-loader';
import { getPackages } from '@manypkg/get-packages';
import { format, transports } from 'winston';

const LEVELS = ['error', 'warn', 'info', 'debug'];

/** The `backend.logger` config, read as the default root logger reads it. */
function loggerConfig(config: Config) {
  const overrides = config
    .getOptionalConfigArray('backend.logger.overrides')
    ?.map((override, i) => {
      const level = override.getString('level');
      if (!LEVELS.includes(level)) {
        throw new Error(
          `Invalid config at backend.logger.overrides[${i}].level, '${level}' is not a valid logging level, must be one of ${LEVELS.map(
            l => `'${l}'`,
          ).join(', ')}.`,
        );
      }
      return {
        level,
        matchers: override.getConfig('matchers').get() as Record<
          string,
          string | string[]
        >,
      };
    });
  return {
    level: config.getOptionalString('backend.logger.level'),
    meta: config.getOptionalConfig('backend.logger.meta')?.get() as
      | Record<string, string>
      | undefined,
    overrides: overrides ?? [],
  };
}

/**
 * Compiles the config schema of every package of the repository at `dir` (what the default root
 * logger does at each start) and writes it, serialised, to `file`.
 *
 * @public
 */
export async function writeConfigSchema(options: {
  file: string;
  dir?: string;
}): Promise<void> {
  const { packages } = await getPackages(options.dir ?? process.cwd());
  const schema = await loadConfigSchema({
    dependencies: packages.map(p => p.packageJson.name),
  });
  fs.mkdirSync(path.dirname(options.file), { recursive: true });
  fs.writeFileSync(options.file, JSON.stringify(schema.serialize()));
}

/**
 * The root logger service: the default one when `schemaFile` is absent or does not exist; otherwise
 * the same logger (format, level, overrides, redaction of every config value the schema marks
 * secret) with the schema read from that file.
 *
 * @public
 */
export function createRootLoggerServiceFactory(options: {
  schemaFile?: string;
}) {
  return createServiceFactory({
    service: coreServices.rootLogger,
    deps: { config: coreServices.rootConfig },
    async factory({ config }) {
      const settings = loggerConfig(config);
      const logger = WinstonLogger.create({
        meta: { service: 'backstage', ...settings.meta },
        level: process.env.LOG_LEVEL || settings.level || 'info',
        format:
          process.env.NODE_ENV === 'production'
            ? format.json()
            : WinstonLogger.colorFormat(),
        transports: [new transports.Console()],
      });
      const schemaFile =
        options.schemaFile && fs.existsSync(options.schemaFile)
          ? options.schemaFile
          : undefined;
      const schema = schemaFile
        ? await loadConfigSchema({
            serialized: JSON.parse(fs.readFileSync(schemaFile, 'utf8')),
          })
        : undefined;
      const secrets = await createConfigSecretEnumerator({ logger, schema });
      logger.addRedactions(secrets(config));
      config.subscribe?.(() => logger.addRedactions(secrets(config)));
      logger.setLevelOverrides(settings.overrides);
      config.subscribe?.(() =>
        logger.setLevelOverrides(loggerConfig(config).overrides),
      );
      return logger;
    },
  });
}

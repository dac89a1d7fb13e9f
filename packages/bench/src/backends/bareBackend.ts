/*
 * A Backstage backend with no plugin: what any backend costs before Groundcrew adds anything.
 * `yarn bench:search` measures it beside its own backend, as the floor of the memory figures.
 */
import { createBackend } from '@backstage/backend-defaults';
import { createRootLoggerServiceFactory } from '@groundcrew/plugin-infra-node';
import { benchChild } from './benchChild';

benchChild();
const backend = createBackend();
backend.add(
  createRootLoggerServiceFactory({
    schemaFile: process.env.GROUNDCREW_CONFIG_SCHEMA,
  }),
);
backend.start();

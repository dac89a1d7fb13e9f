/*
 * `tools/yarn config-schema <file>`: compiles the config schema of every package of this repository
 * (what a Backstage backend's root logger otherwise does at each start, with TypeScript) and writes
 * it to <file>, for GROUNDCREW_CONFIG_SCHEMA. Run it at build time, beside `build:backend`.
 */
import path from 'node:path';
import { writeConfigSchema } from '@groundcrew/plugin-infra-node';

const [file] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: tools/yarn config-schema <file>\n');
  process.exit(2);
}
writeConfigSchema({
  file: path.resolve(file),
  dir: path.resolve(__dirname, '..'),
})
  .then(() =>
    process.stdout.write(`config schema written to ${path.resolve(file)}\n`),
  )
  .catch(error => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  });

/*
 * `tools/yarn runway-schema [--check]`: writes the Runway manifest's JSON Schema, generated from
 * the zod schema in @groundcrew/plugin-infra-common, to docs/runway.schema.json. With --check it
 * writes nothing and exits 1 when the file is not what the schema generates (for CI).
 */
import fs from 'node:fs';
import path from 'node:path';
import prettier from 'prettier';
import { runwayManifestJsonSchema } from '@groundcrew/plugin-infra-common';

const file = path.resolve(__dirname, '..', 'docs', 'runway.schema.json');
const check = process.argv.includes('--check');

async function main() {
  const options = (await prettier.resolveConfig(file)) ?? {};
  const text = prettier.format(JSON.stringify(runwayManifestJsonSchema()), {
    ...options,
    parser: 'json',
  });
  if (!check) {
    fs.writeFileSync(file, text);
    process.stdout.write(`Runway manifest schema written to ${file}\n`);
    return;
  }
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (current !== text) {
    process.stderr.write(
      `${file} is stale: run tools/yarn runway-schema and commit the result\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`${file} is up to date\n`);
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});

import path from 'node:path';
import { build } from 'esbuild';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { writeConfigSchema } from '@groundcrew/plugin-infra-node';

/**
 * How both benchmark backends run: as a production backend runs, the same for both sides.
 *
 * - `production` (the default): compiled JavaScript (no run-time TypeScript transform), the root
 *   logger's config schema compiled once beforehand (no TypeScript in the backend), and glibc
 *   malloc's thresholds fixed so that freed response buffers go back to the system (the memory
 *   settings docs/performance.md recommends). V8's flags are Node's defaults.
 * - `dev` (`BENCH_RUNTIME=dev`): as `backstage-cli package start` runs a backend — the entry
 *   through the CLI's transform, the default root logger, Node's defaults. For comparison.
 */
export interface BenchRuntime {
  kind: 'production' | 'dev';
  /** The entry file of a side, absolute. */
  entry(name: keyof typeof ENTRIES): string;
  nodeArgs: string[];
  env: Record<string, string>;
}

/**
 * glibc raises its mmap threshold to the size of the largest block freed (up to 32 MB), after which
 * multi-megabyte list responses come from the heap and leave it fragmented: resident, unused.
 * Fixed thresholds keep large blocks in mappings that are returned when freed.
 */
export const PRODUCTION_ENV = {
  MALLOC_MMAP_THRESHOLD_: '131072',
  MALLOC_TRIM_THRESHOLD_: '262144',
};

/** Lets the bench ask for a full collection before reading memory; changes nothing else. */
const BENCH_NODE_ARGS = ['--expose-gc'];

const ENTRIES = {
  ours: 'src/backends/oursBackend.ts',
  anchor: 'src/backends/anchorBackend.ts',
  // yarn bench:search, and a backend with no plugin beside it
  search: 'src/backends/searchBackend.ts',
  bare: 'src/backends/bareBackend.ts',
};

export async function prepareRuntime(options: {
  kind: BenchRuntime['kind'];
  workDir: string;
}): Promise<BenchRuntime> {
  const packageDir = resolvePackagePath('@groundcrew/bench');
  if (options.kind === 'dev') {
    return {
      kind: 'dev',
      entry: name => path.join(packageDir, ENTRIES[name]),
      nodeArgs: [
        '-r',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ],
      env: {},
    };
  }
  // The bundles hold the entry and the workspace's own TypeScript packages; everything from
  // node_modules stays external and is loaded as published. They are written inside this package
  // so that those imports resolve as they do from the sources.
  const outDir = path.join(packageDir, 'dist', 'bench-backends');
  await build({
    entryPoints: Object.fromEntries(
      Object.entries(ENTRIES).map(([name, file]) => [
        `${name}Backend`,
        path.join(packageDir, file),
      ]),
    ),
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    plugins: [
      {
        name: 'node-modules-external',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, args =>
            args.path.startsWith('@groundcrew/')
              ? undefined
              : { external: true },
          );
        },
      },
    ],
  });
  const schemaFile = path.join(options.workDir, 'config-schema.json');
  await writeConfigSchema({ file: schemaFile, dir: packageDir });
  return {
    kind: 'production',
    entry: name => path.join(outDir, `${name}Backend.js`),
    nodeArgs: BENCH_NODE_ARGS,
    env: {
      // BENCH_MALLOC=default leaves glibc's own thresholds, to see what they cost.
      ...(process.env.BENCH_MALLOC === 'default' ? {} : PRODUCTION_ENV),
      GROUNDCREW_CONFIG_SCHEMA: schemaFile,
    },
  };
}

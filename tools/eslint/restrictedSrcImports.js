/**
 * Imports a backend plugin's source (not its tests) may not make; for `restrictedSrcImports` of
 * Backstage's ESLint factory, in each backend plugin's .eslintrc.js.
 */
module.exports = [
  {
    // Its entry point loads every generated API group: ≈ 800 modules and 16 MB of V8 heap more
    // than what Groundcrew uses (docs/content/performance.md, "The Kubernetes client's entry point").
    name: '@kubernetes/client-node',
    message:
      "Import from the module that defines it instead, e.g. '@kubernetes/client-node/dist/config.js' for KubeConfig: the entry point loads every API group.",
  },
];

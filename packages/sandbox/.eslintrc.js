module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // The imitations read untyped JSON: type it (client-node models, KubeObject, a local
    // interface) or take `unknown` and narrow, so a wrong field read fails to compile.
    '@typescript-eslint/no-explicit-any': 'error',
  },
});

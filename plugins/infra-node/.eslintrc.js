module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  restrictedSrcImports: require('../../tools/eslint/restrictedSrcImports'),
});

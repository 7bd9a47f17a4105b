/**
 * The fast layer (`npm run test:unit`): pure tests only, named `*.unit.test.ts`: no Postgres, no Temporal server,
 * no global setup. The main config (jest.config.js, `npm test`) runs them too, as part of everything.
 * @type {import('jest').Config}
 */
const main = require('./jest.config');
module.exports = {
  testEnvironment: main.testEnvironment,
  roots: main.roots,
  testRegex: '\\.unit\\.test\\.ts$',
  transform: main.transform,
  transformIgnorePatterns: main.transformIgnorePatterns,
  testTimeout: 30000,
};

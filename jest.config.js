// Unit specs sit beside the code; e2e and browser tests under test/ need real services.
const swc = ['@swc/jest', JSON.parse(require('fs').readFileSync(__dirname + '/.swcrc', 'utf8'))];
const moduleNameMapper = {
  '^@kizuki/(config|contract|crypto|database|login-scorer|queue|scoring|webhooks)$': '<rootDir>/libs/$1/src',
  '^@kizuki/(config|contract|crypto|database|login-scorer|queue|scoring|webhooks)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const common = { transform: { '^.+\\.(t|j)s$': swc }, moduleNameMapper, testEnvironment: 'node' };
module.exports = {
  // The e2e and browser tests start real apps, pools and browsers per file and close them; a handle
  // one of them leaks must not hang CI after every test has reported. Leaks are hunted with
  // `npx jest --detectOpenHandles`, not waited for.
  forceExit: true,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'], maxWorkers: 1 },
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'] },
  ],
};

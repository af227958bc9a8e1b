// Unit specs sit beside the code; e2e and browser tests under test/ need real services.
const swc = ['@swc/jest', JSON.parse(require('fs').readFileSync(__dirname + '/.swcrc', 'utf8'))];
const moduleNameMapper = {
  '^@kizuki/(config|contract|crypto|database|login-scorer|queue|scoring|webhooks)$': '<rootDir>/libs/$1/src',
  '^@kizuki/(config|contract|crypto|database|login-scorer|queue|scoring|webhooks)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const common = { transform: { '^.+\\.(t|j)s$': swc }, moduleNameMapper, testEnvironment: 'node' };
// The React Native SDK and its example: React Native's own jest preset (its mocks of the native
// modules, Babel with @react-native/babel-preset for React Native's Flow sources).
const reactNative = {
  displayName: 'react-native',
  preset: 'react-native',
  testMatch: ['<rootDir>/libs/react-native/**/*.spec.ts?(x)', '<rootDir>/examples/react-native-login/**/*.spec.ts?(x)'],
  transform: { '^.+\\.(js|jsx|ts|tsx)$': ['babel-jest', { presets: ['module:@react-native/babel-preset'] }] },
  moduleNameMapper: {
    '^@kizuki/contract$': '<rootDir>/libs/contract/src',
    '^@kizuki/react-native$': '<rootDir>/libs/react-native/src',
  },
};
module.exports = {
  // The e2e and browser tests start real apps, pools and browsers per file and close them; a handle
  // one of them leaks must not hang CI after every test has reported. Leaks are hunted with
  // `npx jest --detectOpenHandles`, not waited for.
  forceExit: true,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/libs/react-native/'],
    },
    reactNative,
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'], maxWorkers: 1 },
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'] },
  ],
};

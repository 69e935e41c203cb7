// Jest runs in its ESM mode (see package.json "test"); @swc/jest compiles
// TypeScript with decorator metadata so Nest's dependency injection works.
const libs = [
  'contracts',
  'domain',
  'eventstore',
  'db',
  'testing',
  'config',
  'localstack',
  'platform',
  'nats-auth',
];

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2023',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
        module: { type: 'es6' },
      },
    ],
    // The web app's components (apps/web): Preact's JSX, so their pure helpers are specified in Jest too.
    '^.+\\.tsx$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2023',
          parser: { syntax: 'typescript', tsx: true },
          transform: { react: { runtime: 'automatic', importSource: 'preact' } },
        },
        module: { type: 'es6' },
      },
    ],
  },
  moduleNameMapper: {
    ...Object.fromEntries(libs.map((lib) => [`^#${lib}$`, `<rootDir>/libs/${lib}/src/index.ts`])),
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // A page's stylesheet is Vite's business; in Jest it is nothing.
    '\\.css$': '<rootDir>/apps/web/src/no-style.ts',
  },
  testMatch: ['<rootDir>/{apps,libs,scripts,test}/**/*.spec.ts', '<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.data/'],
  // Loaded from the build (npm test builds first): Jest loads these outside its
  // module mapper, where Node resolves the `#lib` imports to dist/.
  globalSetup: '<rootDir>/dist/libs/testing/src/global-setup.js',
  globalTeardown: '<rootDir>/dist/libs/testing/src/global-teardown.js',
  testTimeout: 60_000,
  maxWorkers: 1,
};

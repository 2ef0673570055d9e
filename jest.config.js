/** Jest runs the TypeScript sources as native ES modules (NestJS 12, jose and oidc-provider are ESM-only). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // The documented snippets under examples/ import the package by name; tests run them on the sources.
    '^nestjs-authing$': '<rootDir>/lib/index.ts',
    '^nestjs-authing/(sdk|testing|passport)$': '<rootDir>/lib/$1/index.ts',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 30000,
};

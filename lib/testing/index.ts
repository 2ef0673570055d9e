/**
 * `nestjs-authing/testing`: a local Authing-compatible server for development and tests.
 * Needs the optional peer dependency `oidc-provider` (hosted login).
 */
export { AuthingEmulator, DEMO_USER } from './emulator.js';
export { API_CODES } from './http.js';
export type { LockoutOptions } from './lockout.js';
export type {
  AuthingEmulatorOptions,
  EmulatorAccessKey,
  EmulatorAccessKeySeed,
  EmulatorApp,
  EmulatorAppSeed,
  EmulatorTenantSeed,
  EmulatorClientAuthMethod,
  EmulatorGroupSeed,
  EmulatorLogger,
  EmulatorRoleSeed,
  EmulatorSeed,
  EmulatorTokenSet,
  EmulatorUser,
  EmulatorUserSeed,
  IssueTokensOptions,
} from './types.js';

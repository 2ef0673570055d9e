import type { AuthingEmulator } from '../../lib/testing/index.js';

/**
 * The AUTHING_* variables that point the sample at an Authing application, here the emulator's, as
 * a deployment against a real Authing would set them.
 */
export function authingEnvOf(emulator: AuthingEmulator): Record<string, string> {
  return {
    AUTHING_APP_ID: emulator.app.appId,
    AUTHING_APP_SECRET: emulator.app.appSecret,
    AUTHING_APP_HOST: emulator.appHost,
    AUTHING_ACCESS_KEY_ID: emulator.accessKey.accessKeyId,
    AUTHING_ACCESS_KEY_SECRET: emulator.accessKey.accessKeySecret,
    AUTHING_HOST: emulator.host,
  };
}

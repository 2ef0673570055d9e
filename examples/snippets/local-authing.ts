import { AuthingEmulator } from 'nestjs-authing/testing';

/** A local Authing for development: fixed port, a data file so that users survive restarts. */
export async function startLocalAuthing(): Promise<AuthingEmulator> {
  const emulator = await AuthingEmulator.start({
    port: 8787,
    dataFile: '.emulator-data/state.json', // keep it out of version control: it holds secrets
    seed: {
      users: [{ email: 'admin@example.com', password: 'change-me', roles: ['admin'] }],
      app: { appName: 'My App', redirectUris: ['http://127.0.0.1:3000/callback'] },
    },
  });
  console.log(`AUTHING_APP_HOST=${emulator.appHost} AUTHING_APP_ID=${emulator.app.appId}`);
  return emulator;
}

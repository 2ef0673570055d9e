import { AuthingEmulator } from 'nestjs-authing/testing';

export async function startEmulator(): Promise<AuthingEmulator> {
  const emulator = await AuthingEmulator.start({
    accessTokenTtlSeconds: 600, // default tokenTtlSeconds (3600)
    idTokenTtlSeconds: 600, // default tokenTtlSeconds (3600)
    refreshTokenTtlSeconds: 86_400, // default 30 days
    lockout: { maxAttempts: 3, windowSeconds: 60 }, // default { maxAttempts: 5, windowSeconds: 300 }; false: off
    seed: {
      app: {
        appName: 'Acme Portal', // default 'My App'
        tokenEndpointAuthMethod: 'none', // a single-page app
        redirectUris: ['http://localhost:5173/'],
        logoutRedirectUris: ['http://localhost:5173/'],
        webOrigins: ['http://localhost:4200'], // CORS origins beyond those of the redirect URIs
      },
    },
  });
  console.log(emulator.tokenLifetimes); // { accessToken: 600, idToken: 600, refreshToken: 86400 }
  return emulator;
}

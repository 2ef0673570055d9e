import { AuthenticationClient, AuthingTokenError } from 'nestjs-authing/sdk';

const auth = new AuthenticationClient({
  appId: process.env.AUTHING_APP_ID!,
  appSecret: process.env.AUTHING_APP_SECRET!,
  appHost: 'https://example.authing.cn',
});

/** The verified claims of a bearer token, or undefined when it must be refused (answer 401). */
export async function claimsOf(bearerToken: string): Promise<Record<string, unknown> | undefined> {
  try {
    return await auth.verifyAccessToken(bearerToken); // RS256 against the cached JWKS
  } catch (error) {
    if (error instanceof AuthingTokenError) {
      console.warn(`refused: ${error.check}`); // expired, signature, audience, issuer, ...
      return undefined;
    }
    throw error; // e.g. the keys could not be fetched: a 503, not a 401
  }
}

import { AuthingError, type AuthenticationClient } from 'nestjs-authing/sdk';

/** The HTTP status an API answers for a bearer token. */
export async function statusFor(client: AuthenticationClient, token: string): Promise<number> {
  try {
    await client.verifyAccessToken(token);
    return 200;
  } catch (error) {
    if (error instanceof AuthingError && error.code === 'token') {
      // 503 when the keys could not be fetched: not the caller's fault.
      return error.reason === 'jwks_unavailable' ? 503 : 401;
    }
    throw error;
  }
}

import { AuthingCallbackError, AuthingHttpError, AuthingNetworkError, AuthingTokenError } from '../../sdk/index.js';
import { AuthingLoginRefusedError } from './login-refusal.js';

/** Why a login failed: a short code (sent as `?error=` to `loginFailureRedirect`) and a description. */
export interface LoginFailure {
  code: string;
  description: string;
  /** True when the identity server could not be reached (503 rather than 401). */
  unavailable: boolean;
}

const UNAVAILABLE: LoginFailure = {
  code: 'unavailable',
  description: 'the identity server could not be reached',
  unavailable: true,
};

/**
 * Classifies a failed login from the SDK's typed errors (`AuthingCallbackError.reason`, the
 * id_token's `AuthingTokenError.check`, network and HTTP errors). Never includes a token or code.
 */
export function describeLoginFailure(error: unknown): LoginFailure {
  if (error instanceof AuthingNetworkError || error instanceof AuthingHttpError) return UNAVAILABLE;
  if (error instanceof AuthingTokenError) return tokenFailure(error);
  // The application's afterLogin hook said no: its reason is the code.
  if (error instanceof AuthingLoginRefusedError) {
    return { code: error.reason, description: error.message, unavailable: false };
  }
  if (!(error instanceof AuthingCallbackError)) {
    return { code: 'login_failed', description: 'the login could not be completed', unavailable: false };
  }
  switch (error.reason) {
    case 'authorization_error': {
      const code = error.error ?? 'authorization_error';
      const description =
        code === 'access_denied' ? 'the user or Authing denied the login' : `Authing answered ${code}`;
      return { code, description, unavailable: false };
    }
    case 'token_exchange':
      return {
        code: 'token_exchange',
        description: `the token endpoint refused the code (${error.error ?? 'error'})`,
        unavailable: false,
      };
    case 'id_token':
      if (error.tokenError) return tokenFailure(error.tokenError);
      break;
  }
  return { code: error.reason, description: error.detail, unavailable: false };
}

function tokenFailure(error: AuthingTokenError): LoginFailure {
  if (error.check === 'jwks_unavailable') return UNAVAILABLE;
  return { code: `id_token_${error.check}`, description: `id_token rejected (${error.check})`, unavailable: false };
}

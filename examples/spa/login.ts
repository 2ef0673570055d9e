// In the browser (a React or Vue app): Authing's own SDK logs in and keeps the tokens.
import { Authing } from '@authing/web';

export const authing = new Authing({
  domain: 'https://your-app.authing.cn', // an origin without a port (see "Running locally")
  appId: 'YOUR_APP_ID',
  userPoolId: 'YOUR_USER_POOL_ID',
  redirectUri: `${location.origin}/`,
  logoutRedirectUri: `${location.origin}/`,
  scope: 'openid profile email offline_access', // offline_access: a refresh token
});

// On load: finish a login, else recover it silently (hidden iframe, prompt=none).
export async function currentLogin() {
  if (authing.isRedirectCallback()) {
    const state = await authing.handleRedirectCallback();
    history.replaceState(null, '', '/');
    return state;
  }
  return authing.getLoginState();
}

export async function callApi(path: string) {
  const state = await authing.getLoginState();
  if (!state) throw new Error('not logged in');
  return fetch(`https://api.example.com${path}`, {
    headers: { authorization: `Bearer ${state.accessToken}` },
  });
}

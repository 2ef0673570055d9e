import express from 'express';
import session from 'express-session';
import { AuthenticationClient, type ExpectedCallback } from 'nestjs-authing/sdk';

declare module 'express-session' {
  interface SessionData {
    login?: ExpectedCallback; // state, nonce and PKCE verifier of the login in progress
    idToken?: string;
  }
}

// One shared client; per user, `auth.withAccessToken(token)` derives one at almost no cost.
const auth = new AuthenticationClient({
  appId: process.env.AUTHING_APP_ID!,
  appSecret: process.env.AUTHING_APP_SECRET!,
  appHost: 'https://example.authing.cn',
  redirectUri: 'https://app.example.com/callback',
});

const app = express();
app.use(session({ secret: process.env.SESSION_SECRET!, resave: false, saveUninitialized: false }));

app.get('/login', (req, res) => {
  // 1. Send the browser to the hosted login page; keep state, nonce and verifier server-side.
  const { url, state, nonce, codeVerifier } = auth.buildAuthorizeUrl({ scope: 'openid profile email' });
  req.session.login = { state: state!, nonce, codeVerifier };
  res.redirect(url);
});

app.get('/callback', async (req, res) => {
  // 2. State check, code exchange with the verifier, id_token verification: one call.
  const expected = req.session.login;
  if (!expected) return res.status(400).send('No login in progress');
  delete req.session.login;
  const { tokens, claims } = await auth.handleRedirectCallback(req.originalUrl, expected);
  req.session.idToken = tokens.id_token;
  res.send(`Hello ${claims.sub}`);
});

app.get('/logout', (req, res) => {
  const idToken = req.session.idToken;
  req.session.destroy(() => res.redirect(auth.buildLogoutUrl({ idToken, redirectUri: 'https://app.example.com/' })));
});

app.listen(3000);

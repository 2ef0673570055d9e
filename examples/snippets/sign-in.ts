import { AuthenticationClient } from 'nestjs-authing/sdk';

const auth = new AuthenticationClient({
  appId: process.env.AUTHING_APP_ID!,
  appSecret: process.env.AUTHING_APP_SECRET!,
  appHost: 'https://example.authing.cn',
});

export async function signIn(email: string, password: string): Promise<void> {
  const { statusCode, message, data } = await auth.signInByEmailPassword({ email, password });
  if (statusCode !== 200) throw new Error(message);

  // The end user's API, as that user: a derived client carries their access token.
  const user = auth.withAccessToken(data.access_token);
  await user.updateProfile({ nickname: 'Zhang San' });
  const roles = await user.getRoleList();
  console.log(roles.data);
}

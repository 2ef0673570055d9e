import { AuthenticationClient, ManagementClient } from 'nestjs-authing/sdk';

export const management = new ManagementClient({
  accessKeyId: process.env.AUTHING_ACCESS_KEY_ID!,
  accessKeySecret: process.env.AUTHING_ACCESS_KEY_SECRET!,
  host: 'https://authing-api.my-company.com', // no trailing slash needed
  rejectUnauthorized: false, // only if its certificate comes from a CA that Node does not trust
});

export const auth = new AuthenticationClient({
  appId: process.env.AUTHING_APP_ID!,
  appSecret: process.env.AUTHING_APP_SECRET!,
  appHost: 'https://login.my-company.com',
});

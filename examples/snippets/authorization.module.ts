import { Module } from '@nestjs/common';
import { AuthingModule } from 'nestjs-authing';

@Module({
  imports: [
    AuthingModule.forRoot({
      appId: process.env.AUTHING_APP_ID!,
      appHost: process.env.AUTHING_APP_HOST!,
      // Resource checks ask Authing through the ManagementClient.
      accessKeyId: process.env.AUTHING_ACCESS_KEY_ID!,
      accessKeySecret: process.env.AUTHING_ACCESS_KEY_SECRET!,
      roles: { namespace: 'default' }, // of @Roles() / @Permissions() without their own
      authorization: {
        cacheTtl: 5_000, // ms an answer (allowed or denied) is reused; 0: none
        namespace: 'shop', // of @ResourceAccess() without its own; default: Authing's
        api: 'isActionAllowed', // or 'checkPermission' (data resources)
      },
    }),
  ],
})
export class AppModule {}

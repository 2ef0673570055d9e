import { Module } from '@nestjs/common';
import { AuthingModule } from 'nestjs-authing';

@Module({
  imports: [
    AuthingModule.forRoot({
      // The module's own application: serves every request that names no tenant.
      appId: process.env.AUTHING_APP_ID!,
      appSecret: process.env.AUTHING_APP_SECRET!,
      appHost: 'https://example.authing.cn',
      redirectUri: 'https://app.example.com/callback',
      globalGuard: true,
      tenancy: {
        // /t/acme/... is tenant "acme", /t/globex/... is "globex".
        resolve: { by: 'path', prefix: '/t' },
        tenants: [
          {
            name: 'acme',
            appId: process.env.ACME_APP_ID!, // its own Authing application...
            appSecret: process.env.ACME_APP_SECRET!,
            tenantId: process.env.ACME_TENANT_ID, // ...and Authing tenant (sent to the hosted login)
            redirectUri: 'https://app.example.com/t/acme/callback',
            defaultReturnTo: '/t/acme',
          },
          {
            name: 'globex', // same application as the module's, another Authing tenant
            tenantId: process.env.GLOBEX_TENANT_ID,
            redirectUri: 'https://app.example.com/t/globex/callback',
            defaultReturnTo: '/t/globex',
          },
        ],
      },
    }),
  ],
})
export class AppModule {}

import { Injectable, Module } from '@nestjs/common';
import { AuthingModule, type AuthingTenantOptions } from 'nestjs-authing';

/** Where your tenants live (a database table, a config service...). */
@Injectable()
export class TenantDirectory {
  async all(): Promise<AuthingTenantOptions[]> {
    const rows = [
      { slug: 'acme', appId: 'acme-app-id', secret: process.env.ACME_APP_SECRET!, host: 'acme.example.com' },
    ];
    return rows.map((row) => ({
      name: row.slug,
      appId: row.appId,
      appSecret: row.secret,
      hosts: [row.host],
      redirectUri: `https://${row.host}/callback`,
    }));
  }
}

@Module({ providers: [TenantDirectory], exports: [TenantDirectory] })
export class TenantDirectoryModule {}

@Module({
  imports: [
    AuthingModule.forRootAsync({
      imports: [TenantDirectoryModule],
      inject: [TenantDirectory],
      // The set is loaded once at start-up; AuthingTenants.add() takes more while the app runs.
      useFactory: async (directory: TenantDirectory) => ({
        appId: process.env.AUTHING_APP_ID!,
        appSecret: process.env.AUTHING_APP_SECRET!,
        appHost: 'https://example.authing.cn',
        tenancy: {
          resolve: { by: 'host' }, // acme.example.com is tenant "acme"
          unmatched: 'refuse', // any other host: 401 (404 on the login routes)
          tenants: await directory.all(),
        },
      }),
    }),
  ],
})
export class AppModule {}

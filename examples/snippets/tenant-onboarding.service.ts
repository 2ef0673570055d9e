import { Inject, Injectable } from '@nestjs/common';
import { AuthingConfigurationError, AuthingTenants } from 'nestjs-authing';

@Injectable()
export class TenantOnboarding {
  constructor(@Inject(AuthingTenants) private readonly tenants: AuthingTenants) {}

  /** A customer signed up: their tenant works from the next request, no restart. */
  onboard(slug: string, appId: string, appSecret: string): string {
    try {
      const tenant = this.tenants.add({
        name: slug,
        appId,
        appSecret,
        redirectUri: `https://app.example.com/t/${slug}/callback`,
      });
      return tenant.appId;
    } catch (error) {
      // error.option names the bad field, e.g. "tenant.name" or "tenant.redirectUri".
      if (error instanceof AuthingConfigurationError) throw new Error(`Bad tenant: ${error.option}`);
      throw error;
    }
  }

  /** Its tokens and sessions stop being accepted at once. */
  offboard(slug: string): Promise<boolean> {
    return this.tenants.remove(slug);
  }
}

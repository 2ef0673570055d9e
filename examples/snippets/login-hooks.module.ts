import { Injectable, Module } from '@nestjs/common';
import { AuthingModule } from 'nestjs-authing';

/** Your own user records (a database in a real application). */
@Injectable()
export class Members {
  async find(sub: string): Promise<{ plan: string; suspended: boolean } | undefined> {
    return sub ? { plan: 'team', suspended: false } : undefined;
  }
}

@Module({ providers: [Members], exports: [Members] })
export class MembersModule {}

@Module({
  imports: [
    AuthingModule.forRootAsync({
      imports: [MembersModule],
      inject: [Members],
      useFactory: (members: Members) => ({
        appId: 'your-app-id',
        appSecret: 'your-app-secret',
        appHost: 'https://your-app.authing.cn',
        redirectUri: 'https://app.example.com/callback',
        loginFailureRedirect: '/login-failed', // receives ?error=not_a_member
        login: {
          async afterLogin(user, context) {
            const member = await members.find(user.sub);
            if (!member) return context.refuse('not_a_member', 'ask an administrator for an invitation');
            if (member.suspended) return context.refuse('suspended');
            return {
              claims: { plan: member.plan }, // on @CurrentUser().claims, kept in the session
              keepClaims: ['email', 'name', 'plan'], // the session keeps only these (and sub, sid)
            };
          },
          queryParams: ['prompt', 'login_hint', 'ui_locales'], // the default
          allowedScopes: ['phone'], // /login?scope=phone may ask for it; nothing else
          silentFallback: 'returnTo', // the default: a failed prompt=none lands anonymous on returnTo
        },
      }),
    }),
  ],
})
export class AppModule {}

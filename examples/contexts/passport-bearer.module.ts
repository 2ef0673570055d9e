import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { AuthingModule, CurrentUser } from 'nestjs-authing';
import { AuthingBearerStrategy } from 'nestjs-authing/passport';

@Controller('api')
export class ReportsController {
  @Get('reports')
  @UseGuards(AuthGuard(['authing-bearer', 'jwt'])) // an Authing token, else the app's own 'jwt' strategy
  reports(@CurrentUser('sub') authingUser?: string) {
    return { authingUser: authingUser ?? null };
  }
}

@Module({
  imports: [
    AuthingModule.forRoot({
      appId: process.env.AUTHING_APP_ID!,
      appHost: process.env.AUTHING_APP_HOST!,
      tokenValidation: 'local', // or 'introspection' (needs appSecret)
    }),
  ],
  controllers: [ReportsController],
  providers: [AuthingBearerStrategy], // constructing it registers 'authing-bearer' with passport
})
export class ReportsModule {}

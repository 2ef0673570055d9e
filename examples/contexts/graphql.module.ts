import { Module, UseGuards } from '@nestjs/common';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Args, Field, GraphQLModule, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { AuthingGuard, AuthingModule, CurrentUser, OptionalAuth, Roles, type AuthingUser } from 'nestjs-authing';

@ObjectType()
class Profile {
  @Field(() => String)
  sub!: string;
}

@Resolver(() => Profile)
@UseGuards(AuthingGuard) // or globalGuard: true in AuthingModule.forRoot
export class ProfileResolver {
  @Query(() => Profile)
  me(@CurrentUser() user: AuthingUser): Profile {
    return { sub: user.sub };
  }

  @Query(() => String)
  @OptionalAuth()
  greeting(@CurrentUser('sub') sub?: string): string {
    return sub ? `hello ${sub}` : 'hello stranger';
  }

  @Mutation(() => Boolean)
  @Roles('admin')
  archive(@Args('id', { type: () => String }) id: string): boolean {
    return id.length > 0;
  }
}

@Module({
  imports: [
    AuthingModule.forRoot({
      appId: process.env.AUTHING_APP_ID!,
      appSecret: process.env.AUTHING_APP_SECRET!,
      appHost: process.env.AUTHING_APP_HOST!,
    }),
    // @nestjs/apollo puts the HTTP request in the GraphQL context as `req`: the guard reads it there.
    GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true }),
  ],
  providers: [ProfileResolver],
})
export class GraphqlAppModule {}

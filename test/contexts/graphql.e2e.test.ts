import 'reflect-metadata';
import { Module, UseGuards, type INestApplication } from '@nestjs/common';
import { Args, Field, GraphQLModule, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { NestFactory } from '@nestjs/core';
import {
  AuthingGuard,
  AuthingModule,
  CurrentUser,
  OptionalAuth,
  Roles,
  type AuthingModuleOptions,
  type AuthingUser,
} from '../../lib/index.js';
import { AuthingEmulator } from '../../lib/testing/index.js';

/** A real Apollo server (@nestjs/apollo on Express) behind AuthingGuard, against the emulator. */
@ObjectType()
class Profile {
  @Field(() => String)
  sub!: string;
}

@Resolver(() => Profile)
@UseGuards(AuthingGuard)
class ProfileResolver {
  @Query(() => Profile)
  me(@CurrentUser() user: AuthingUser): Profile {
    return { sub: user.sub };
  }

  @Query(() => String, { nullable: true })
  @OptionalAuth()
  greeting(@CurrentUser('sub') sub: string | undefined): string {
    return sub ? `hello ${sub}` : 'hello stranger';
  }

  @Mutation(() => String)
  @Roles('admin')
  rename(@Args('name', { type: () => String }) name: string, @CurrentUser('sub') sub: string): string {
    return `${sub} renamed to ${name}`;
  }
}

let emulator: AuthingEmulator;
let app: INestApplication;
let url: string;

beforeAll(async () => {
  emulator = await AuthingEmulator.start({
    port: 0,
    seed: {
      users: [
        { email: 'admin@example.com', password: 'Adm1n-pass!', roles: ['admin'] },
        { email: 'reader@example.com', password: 'Re4der-pass!', roles: ['reader'] },
      ],
    },
  });

  // Management credentials: @Roles asks Authing for the user's roles (the default roles source).
  ({ app, url } = await startApp({ ...emulator.accessKey, host: emulator.host }));
});

/** The resolver's app on a free port; `options` completes the emulator's application settings. */
async function startApp(options: Partial<AuthingModuleOptions>): Promise<{ app: INestApplication; url: string }> {
  @Module({
    imports: [
      AuthingModule.forRoot({
        appId: emulator.app.appId,
        appSecret: emulator.app.appSecret,
        appHost: emulator.appHost,
        ...options,
      }),
      GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true }),
    ],
    providers: [ProfileResolver],
  })
  class GraphqlAppModule {}

  const started = await NestFactory.create(GraphqlAppModule, { logger: false });
  await started.listen(0, '127.0.0.1');
  return { app: started, url: `${await started.getUrl()}/graphql`.replace('[::1]', '127.0.0.1') };
}

afterAll(async () => {
  await app?.close();
  await emulator?.stop();
});

interface GraphqlAnswer {
  status: number;
  headers: Headers;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function graphql(query: string, token?: string, variables?: object, at = url): Promise<GraphqlAnswer> {
  const response = await fetch(at, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphqlAnswer['body'] };
}

const tokenOf = async (user: string) => (await emulator.issueTokens({ user })).access_token;

test('a query with a valid token runs, and @CurrentUser is the token user', async () => {
  const answer = await graphql('{ me { sub } }', await tokenOf('reader@example.com'));
  expect(answer.body.errors).toBeUndefined();
  expect(answer.body.data).toEqual({ me: { sub: emulator.findUser('reader@example.com')!.userId } });
});

test('no token: a GraphQL error UNAUTHENTICATED with the reason, no data', async () => {
  const answer = await graphql('{ me { sub } }');
  // GraphQL over HTTP answers 200: the refusal is in `errors`, coded as Apollo clients expect.
  expect(answer.status).toBe(200);
  expect(answer.body.data).toBeNull();
  expect(answer.body.errors).toHaveLength(1);
  expect(answer.body.errors?.[0]).toMatchObject({
    message: 'Authentication required: send a bearer token or log in',
    path: ['me'],
    extensions: { code: 'UNAUTHENTICATED' },
  });
  expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="authing"');
});

test('an invalid token names the failed check', async () => {
  const expired = (await emulator.issueTokens({ user: 'reader@example.com', expiresIn: -600 })).access_token;
  for (const [token, check] of [
    ['garbage', 'format'],
    [expired, 'expired'],
  ] as const) {
    const answer = await graphql('{ me { sub } }', token);
    expect(answer.body.data).toBeNull();
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      originalError: { statusCode: 401, error: 'invalid_token', check },
    });
    expect(answer.headers.get('www-authenticate')).toContain('error="invalid_token"');
  }
});

test('@Roles on a mutation: FORBIDDEN for a reader, runs for an admin', async () => {
  const mutation = 'mutation Rename($name: String!) { rename(name: $name) }';
  const refused = await graphql(mutation, await tokenOf('reader@example.com'), { name: 'x' });
  expect(refused.body.data).toBeNull();
  expect(refused.body.errors?.[0]).toMatchObject({
    message: 'Requires one of the roles: admin',
    path: ['rename'],
    extensions: { code: 'FORBIDDEN' },
  });
  const done = await graphql(mutation, await tokenOf('admin@example.com'), { name: 'x' });
  expect(done.body.errors).toBeUndefined();
  expect(done.body.data?.rename).toBe(`${emulator.findUser('admin@example.com')!.userId} renamed to x`);
});

test('@OptionalAuth: anonymous and authenticated answers', async () => {
  expect((await graphql('{ greeting }')).body.data).toEqual({ greeting: 'hello stranger' });
  const token = await tokenOf('reader@example.com');
  expect((await graphql('{ greeting }', token)).body.data).toEqual({
    greeting: `hello ${emulator.findUser('reader@example.com')!.userId}`,
  });
});

test('several guarded fields in one request, with aliases', async () => {
  const token = await tokenOf('reader@example.com');
  const answer = await graphql('{ a: me { sub } b: me { sub } greeting }', token);
  const sub = emulator.findUser('reader@example.com')!.userId;
  expect(answer.body).toEqual({ data: { a: { sub }, b: { sub }, greeting: `hello ${sub}` } });
});

test('Authing unreachable: an INTERNAL_SERVER_ERROR error with status 503, never UNAUTHENTICATED', async () => {
  const token = await tokenOf('reader@example.com');
  const down = await startApp({
    appHost: 'http://127.0.0.1:9',
    retry: false,
    timeout: 1000,
    loadSigningKeysOnStart: false,
  });
  try {
    const answer = await graphql('{ me { sub } }', token, undefined, down.url);
    expect(answer.body.data).toBeNull();
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({
      code: 'INTERNAL_SERVER_ERROR',
      status: 503,
      originalError: { statusCode: 503 },
    });
    expect(answer.headers.get('retry-after')).toBe('5');
  } finally {
    await down.app.close();
  }
});

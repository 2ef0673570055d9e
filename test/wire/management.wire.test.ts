/**
 * Wire compatibility of the ManagementClient with the official authing-node-sdk@4.0.1: for every
 * catalogue entry, the same call on both SDKs against one recording server must send the same
 * method, path, decoded query pairs (in order) and body text, the same protocol headers, and a
 * signature that a server can verify from what it received.
 *
 * Query endpoints are called in four rounds, body endpoints in three, the others in two: (a) empty arguments, so the official defaults are filled
 * in, with no tenant and the default language; (b) generated arguments covering every query
 * parameter (strings needing URL encoding, numbers, booleans, literal unions, arrays) or a JSON body
 * built from the official request DTO (nested objects, arrays, null), with a tenant and `en-US`;
 * (c) alternate values (false, 0, empty strings, one-item arrays) for query endpoints, and no body at
 * all for body endpoints; (d) for query endpoints, every parameter explicitly `undefined`.
 *
 * Deliberate differences, where ours is right and the official SDK is not (asserted, not hidden):
 * LITERAL_PATH_PARAMETER_ENDPOINTS, PUB_SOURCE, OFFICIAL_DANGLING_QUESTION_MARK and
 * OFFICIAL_SIGNATURE_DEFECTS below.
 */
import authing from 'authing-node-sdk';
import { MANAGEMENT_ENDPOINTS, ManagementClient, SDK_VERSION, type EndpointSpec } from '../../lib/sdk/index.js';
import { RecordingServer, type RecordedRequest } from '../support/recording-server.js';
import { bodyFor, queryValue, type Variant } from './support/arguments.js';
import { dtoFields, readOfficialManagementSurface, type DeclaredField } from './support/official-surface.js';
import { checkSignature } from './support/signature.js';

const ACCESS_KEY_ID = 'wire-access-key-id';
const ACCESS_KEY_SECRET = 'wire-access-key-secret-never-sent';
const TENANT_ID = 'wire-tenant-1';
const PATH_PARAM_VALUE = 'id-value-42';

/**
 * Deliberate difference 1. The official SDK sends these DELETE paths with the literal text `{id}`
 * (URL-encoded as `%7Bid%7D`), so the call can never reach the intended resource; ours substitutes
 * the `id` argument. Everything else about these requests is compared as usual.
 */
const LITERAL_PATH_PARAMETER_ENDPOINTS = ['deleteById', 'deleteUserListById', 'deleteRiskListPolicyById'];

/**
 * Deliberate difference 2. `pub(eventName, data)` sends `{ eventType, source, eventData }`; `source`
 * names the publishing SDK, so it is `authing-node-sdk: 4.0.1` for theirs and ours names ours, as
 * each does in `x-authing-sdk-version`. The rest of the body is compared field by field.
 */
const PUB_SOURCE = { official: 'authing-node-sdk: 4.0.1', ours: `nestjs-authing: ${SDK_VERSION}` };

/**
 * Official SDK defect (ours is right): for a GET whose parameters are all undefined (e.g.
 * `getRole({})`), the official SDK signs the canonical resource `<path>?` with a dangling question
 * mark, because it counts the undefined keys before skipping them; the request carries no query, so
 * a server that recomputes the signature from what it received (`<path>`) refuses it. Ours signs
 * `<path>`. The affected endpoints are collected per call and must be exactly the GET endpoints
 * whose query parameters have no defaults.
 */
const OFFICIAL_DANGLING_QUESTION_MARK =
  'an all-undefined GET query is signed as "<path>?" (official signature does not verify)';

/**
 * Official methods whose arguments are not one object: the names of our (single object) arguments
 * in the order the official method takes them positionally. `pub` is positional in both SDKs.
 */
const POSITIONAL_ARGUMENTS: Record<string, string[]> = {
  deleteAuth: ['authIds'], // official deleteAuth(authIds: string[]) → DELETE ?authIds[]=…
  upload: ['private'], // official upload(_private: boolean) → POST ?private=…
  deleteById: ['id'],
  deleteUserListById: ['id'],
  deleteRiskListPolicyById: ['id'],
};

type AnyClient = Record<string, (...args: unknown[]) => Promise<unknown>>;
type OfficialOptions = ConstructorParameters<typeof authing.ManagementClient>[0];

interface Round {
  label: string;
  /** Our single argument object (`undefined`: call without an argument). */
  args: Record<string, unknown> | undefined;
  /** Whether this round uses the client pair with a tenant and `en-US`. */
  tenant: boolean;
}

function pathParams(spec: EndpointSpec): string[] {
  return [...spec[1].matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

function queryNames(spec: EndpointSpec): string[] {
  return spec[2] === 'query' ? spec[3].map((p) => (typeof p === 'string' ? p : p[0])) : [];
}

const RFC_7231_DATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

function authingHeaderNames(req: RecordedRequest): string[] {
  return Object.keys(req.headers)
    .filter((n) => n.startsWith('x-authing-'))
    .sort();
}

describe('ManagementClient wire compatibility with authing-node-sdk@4.0.1', () => {
  const server = new RecordingServer();
  const surface = readOfficialManagementSurface();
  const names = Object.keys(MANAGEMENT_ENDPOINTS);
  const specs = MANAGEMENT_ENDPOINTS as Record<string, EndpointSpec>;
  const ours: ManagementClient[] = [];
  const ourNonces = new Set<string>();
  const danglingQuestionMark = new Set<string>();
  let identical = 0;
  let plain: { official: AnyClient; mine: AnyClient };
  let tenant: { official: AnyClient; mine: AnyClient };

  function pair(extra: { tenantId?: string; lang?: 'zh-CN' | 'en-US' }) {
    const options = { accessKeyId: ACCESS_KEY_ID, accessKeySecret: ACCESS_KEY_SECRET, host: server.url, ...extra };
    // The official constructor sets the global axios.defaults.baseURL (both official clients use the
    // same host, so that is harmless here) and drops falsy options; its retryTimes only bounds the
    // event-socket reconnections (default 5): set it low anyway. Neither SDK retries HTTP here.
    const official = new authing.ManagementClient({ ...options, timeout: 5000, retryTimes: 1 } as OfficialOptions);
    const mine = new ManagementClient({ ...options, timeout: 5000, retry: false });
    ours.push(mine);
    return { official: official as unknown as AnyClient, mine: mine as unknown as AnyClient };
  }

  beforeAll(async () => {
    await server.start();
    plain = pair({});
    tenant = pair({ tenantId: TENANT_ID, lang: 'en-US' });
  });

  afterAll(async () => {
    await Promise.all(ours.map((c) => c.close()));
    await server.stop();
    process.stdout.write(`wire-identical: ${identical}/${names.length}\n`);
  });

  async function capture(call: () => Promise<unknown>): Promise<RecordedRequest> {
    server.take();
    await call();
    const requests = server.take();
    expect(requests).toHaveLength(1);
    return requests[0]!;
  }

  /** The declared type of each of our arguments, from the official signature. */
  function declaredTypes(name: string): Map<string, DeclaredField> {
    const official = surface.get(name);
    const out = new Map<string, DeclaredField>();
    if (official?.kind === 'object') for (const f of official.fields) out.set(f.name, f);
    if (official?.kind === 'positional') {
      const ourNames = POSITIONAL_ARGUMENTS[name] ?? [];
      official.params.forEach((p, i) => {
        if (ourNames[i]) out.set(ourNames[i]!, { ...p, name: ourNames[i]! });
      });
    }
    return out;
  }

  function roundsFor(name: string, spec: EndpointSpec): Round[] {
    const base: Record<string, unknown> = {};
    for (const p of pathParams(spec)) base[p] = PATH_PARAM_VALUE;
    if (spec[2] === 'query') {
      const types = declaredTypes(name);
      const generated = (variant: Variant) => {
        const args = { ...base };
        queryNames(spec).forEach((q, i) => {
          args[q] = queryValue(types.get(q)!, i, variant);
        });
        return args;
      };
      return [
        { label: 'empty', args: base, tenant: false },
        { label: 'every query parameter', args: generated('full'), tenant: true },
        { label: 'alternate values', args: generated('alternate'), tenant: true },
        {
          // An explicit undefined gets the default, as with the official destructuring defaults.
          label: 'every parameter explicitly undefined',
          args: Object.fromEntries([...Object.entries(base), ...queryNames(spec).map((q) => [q, undefined])]),
          tenant: false,
        },
      ];
    }
    if (spec[2] === 'body') {
      const official = surface.get(name);
      const dto = official?.kind === 'body' ? official.dto : 'unknown';
      return [
        { label: 'empty body', args: {}, tenant: false },
        { label: 'generated body', args: bodyFor(dto, name), tenant: true },
        { label: 'no body', args: undefined, tenant: true },
      ];
    }
    const args = pathParams(spec).length > 0 ? base : undefined;
    return [
      { label: 'no arguments', args, tenant: false },
      { label: 'no arguments, tenant', args, tenant: true },
    ];
  }

  /** The official call for the same arguments. */
  function officialArgs(name: string, args: Record<string, unknown> | undefined): unknown[] {
    const positional = POSITIONAL_ARGUMENTS[name];
    if (positional) return positional.map((p) => args?.[p]);
    return args === undefined ? [] : [args];
  }

  function assertHeaderParity(theirs: RecordedRequest, mine: RecordedRequest, withTenant: boolean): void {
    for (const req of [theirs, mine]) {
      expect(req.headers.accept).toBe('application/json');
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.headers['x-authing-signature-method']).toBe('HMAC-SHA1');
      expect(req.headers['x-authing-signature-version']).toBe('1.0');
      expect(req.headers['x-authing-signature-nonce']).toMatch(/^[0-9a-f]{32}$/);
      expect(req.headers['x-authing-sdk-version']).toMatch(/^[\w-]+:\d+\.\d+\.\d+$/);
      expect(req.headers['x-authing-lang']).toBe(withTenant ? 'en-US' : 'zh-CN');
      expect(req.headers.date).toMatch(RFC_7231_DATE);
      expect(Math.abs(Date.parse(String(req.headers.date)) - Date.now())).toBeLessThan(60_000);
      expect(req.headers['x-authing-app-id']).toBe(withTenant ? TENANT_ID : undefined);
    }
    expect(authingHeaderNames(mine)).toEqual(authingHeaderNames(theirs));
    expect(mine.headers['x-authing-sdk-version']).toBe(`nestjs-authing:${SDK_VERSION}`);
    const nonce = String(mine.headers['x-authing-signature-nonce']);
    expect(ourNonces.has(nonce)).toBe(false);
    ourNonces.add(nonce);
  }

  it('knows how the official SDK takes the arguments of every catalogue method', () => {
    expect(names).toHaveLength(496);
    for (const name of names) {
      const spec = specs[name]!;
      const official = surface.get(name);
      expect([name, official === undefined]).toEqual([name, false]);
      const expected =
        name === 'pub' || POSITIONAL_ARGUMENTS[name]
          ? 'positional'
          : spec[2] === 'query'
            ? 'object'
            : spec[2] === 'body'
              ? 'body'
              : 'none';
      expect([name, official!.kind]).toEqual([name, expected]);
      // Our argument names are the official ones, so every query parameter has a declared type.
      const types = declaredTypes(name);
      for (const q of queryNames(spec)) expect([name, q, types.has(q)]).toEqual([name, q, true]);
    }
    // Every positional official method is adapted explicitly.
    const positional = [...surface].filter(([n, s]) => s.kind === 'positional' && n in specs).map(([n]) => n);
    expect(positional.sort()).toEqual([...Object.keys(POSITIONAL_ARGUMENTS), 'pub'].sort());
  });

  it.each(names)('%s sends the same request', async (name) => {
    const spec = specs[name]!;
    for (const round of roundsFor(name, spec)) {
      const clients = round.tenant ? tenant : plain;
      let theirs: RecordedRequest;
      let mine: RecordedRequest;
      if (name === 'pub') {
        theirs = await capture(() => clients.official.pub!('user.created', '{"userId":"u-1","名":"张三"}'));
        mine = await capture(() => clients.mine.pub!('user.created', '{"userId":"u-1","名":"张三"}'));
      } else {
        const args = round.args;
        theirs = await capture(() => clients.official[name]!(...officialArgs(name, args)));
        mine = await capture(() => (args === undefined ? clients.mine[name]!() : clients.mine[name]!({ ...args })));
      }
      const context = `${name} (${round.label})`;

      expect([context, mine.method]).toEqual([context, theirs.method]);
      expect(mine.method).toBe(spec[0]);
      if (LITERAL_PATH_PARAMETER_ENDPOINTS.includes(name)) {
        expect(decodeURIComponent(theirs.path)).toBe(spec[1]);
        expect(mine.path).toBe(spec[1].replace('{id}', PATH_PARAM_VALUE));
      } else {
        expect([context, mine.path]).toEqual([context, theirs.path]);
        expect(mine.path).toBe(spec[1]);
      }
      expect([context, mine.query]).toEqual([context, theirs.query]);
      if (name === 'pub') {
        expect(JSON.parse(theirs.body)).toEqual({
          eventType: 'user.created',
          source: PUB_SOURCE.official,
          eventData: '{"userId":"u-1","名":"张三"}',
        });
        expect(mine.body).toBe(theirs.body.replace(PUB_SOURCE.official, PUB_SOURCE.ours));
      } else {
        expect([context, mine.body]).toEqual([context, theirs.body]);
      }
      assertHeaderParity(theirs, mine, round.tenant);

      // Both signatures verify server-side from what was received, with the same secret; except
      // the official one in the documented dangling-`?` case, which is recorded and checked below.
      const theirCheck = checkSignature(theirs, ACCESS_KEY_SECRET);
      const myCheck = checkSignature(mine, ACCESS_KEY_SECRET);
      expect(theirCheck.accessKeyId).toBe(ACCESS_KEY_ID);
      if (theirCheck.signedWithDanglingQuestionMark) {
        danglingQuestionMark.add(name);
      } else {
        expect([context, 'official signature verifies', theirCheck.valid]).toEqual([
          context,
          'official signature verifies',
          true,
        ]);
      }
      expect([context, 'our signature verifies', myCheck.accessKeyId, myCheck.valid]).toEqual([
        context,
        'our signature verifies',
        ACCESS_KEY_ID,
        true,
      ]);
      // A different secret does not verify: the check is not vacuous.
      expect(checkSignature(mine, 'another-secret').valid).toBe(false);
    }
    identical++;
  });

  it('the generated arguments cover array query parameters and typed, nested bodies', () => {
    const arrays = names.filter(
      (n) => specs[n]![2] === 'query' && [...declaredTypes(n).values()].some((f) => /^Array</.test(f.type)),
    );
    expect(arrays.length).toBeGreaterThanOrEqual(10);
    expect(arrays).toContain('deleteAuth');
    expect(queryValue({ name: 'authIds', optional: false, type: 'Array<string>' }, 0, 'full')).toHaveLength(2);
    // Bodies take the official DTO's fields (and only them) with values of their declared types, and
    // null for one optional string.
    const role = bodyFor('CreateRoleDto', 'createRole');
    expect(role).toMatchObject({ code: expect.any(String), name: null });
    expect(Object.keys(role).every((key) => dtoFields('CreateRoleDto').some((f) => f.name === key))).toBe(true);
    const users = bodyFor('ListUsersRequestDto', 'listUsers');
    expect(users.advancedFilter).toEqual([expect.any(Object)]);
    expect(users.options).toMatchObject({ pagination: { page: 3, limit: 3 } });
  });

  it(`official defect: ${OFFICIAL_DANGLING_QUESTION_MARK}`, () => {
    // Exactly the GET endpoints with query parameters of which none has a default: called with
    // empty arguments, every parameter is undefined.
    const expected = names.filter((n) => {
      const spec = specs[n]!;
      return (
        spec[0] === 'GET' &&
        spec[2] === 'query' &&
        spec[3].length > 0 &&
        spec[3].every((p) => typeof p === 'string' || p[1] === null)
      );
    });
    expect([...danglingQuestionMark].sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(50);
  });

  it('every catalogue endpoint is wire-identical', () => {
    expect(identical).toBe(names.length);
    expect(identical).toBe(496);
  });

  /**
   * Official SDK defects: for these query values the official SDK signs an argument that it does not
   * send (or sends differently), so a server that verifies the signature from what it received
   * refuses the request. Ours sends the same query and signs exactly what it sends. Not part of the
   * rounds above, which count wire-identical endpoints.
   */
  const OFFICIAL_SIGNATURE_DEFECTS: [label: string, method: string, args: Record<string, unknown>, absent: string][] = [
    [
      'a null query value (signed as "withPost=null", not sent)',
      'getUser',
      { userId: 'u-1', withPost: null },
      'withPost',
    ],
    ['an empty array (signed as "status=[]", not sent)', 'listSyncRiskOperations', { status: [], page: 2 }, 'status[]'],
    [
      'a Date (sent as ISO text, signed as JSON with quotes)',
      'postList',
      { createdAfter: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) },
      '',
    ],
  ];

  describe('official SDK defects: ours signs what it sends', () => {
    it.each(OFFICIAL_SIGNATURE_DEFECTS)('%s', async (_label, method, args, absent) => {
      const theirs = await capture(() => plain.official[method]!({ ...args }));
      const mine = await capture(() => plain.mine[method]!({ ...args }));
      expect(mine.path).toBe(theirs.path);
      expect(mine.query).toEqual(theirs.query);
      if (absent) expect(mine.query.map(([k]) => k)).not.toContain(absent);
      else expect(mine.query).toContainEqual(['createdAfter', '2026-01-02T03:04:05.000Z']);
      expect(checkSignature(theirs, ACCESS_KEY_SECRET).valid).toBe(false);
      expect(checkSignature(mine, ACCESS_KEY_SECRET).valid).toBe(true);
    });
  });
});

import { authingFastifySessionOptions, type FastifySessionStoreLike } from '../../lib/index.js';

/** A store whose calls fail while `down`. */
function flakyStore(data: Map<string, unknown>) {
  const state = { down: false, writes: 0 };
  const fail = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { name: 'Error' });
  const store: FastifySessionStoreLike = {
    get: (id, cb) => (state.down ? cb(fail()) : cb(null, data.get(id) ?? null)),
    set: (id, session, cb) => {
      if (state.down) return cb(fail());
      state.writes++;
      data.set(id, session);
      cb();
    },
    destroy: (id, cb) => (state.down ? cb(fail()) : (data.delete(id), cb())),
  };
  return { store, state };
}

const call = <T>(run: (done: (error?: unknown, value?: T) => void) => void) =>
  new Promise<{ error?: unknown; value?: T }>((resolve) => run((error, value) => resolve({ error, value })));

describe('authingFastifySessionOptions', () => {
  test('a secret shorter than 32 characters or a store without methods is a clear TypeError', () => {
    expect(() => authingFastifySessionOptions({ secret: 'short' })).toThrow(/at least 32 characters/);
    expect(() => authingFastifySessionOptions({ secret: 'x'.repeat(32), store: {} as never })).toThrow(
      /store must have get, set and destroy/,
    );
  });

  test('express-session compatible cookie, no write per request', () => {
    const options = authingFastifySessionOptions({ secret: 'x'.repeat(32) });
    expect(options).toMatchObject({
      cookieName: 'authing.sid',
      cookiePrefix: 's:',
      rolling: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', path: '/', maxAge: 8 * 3600_000 },
    });
    expect(options.store).toBeUndefined();
  });

  test('store down: a read gives a marked session that is never written back; writes fail with 503', async () => {
    const data = new Map<string, unknown>([['id1', { authing: { v: 1 } }]]);
    const { store, state } = flakyStore(data);
    const guarded = authingFastifySessionOptions({ secret: 'x'.repeat(32), store, retryAfterSeconds: 7 }).store!;
    state.down = true;
    const read = await call<Record<string, unknown>>((done) => guarded.get('id1', done as never));
    expect(read.error).toBeNull();
    expect(read.value).toEqual({ 'authing:storeUnavailable': true });
    state.down = false;
    // Even with the store back, the placeholder never replaces the real session.
    const write = await call((done) => guarded.set('id1', read.value as never, done as never));
    expect(write.error).toMatchObject({ statusCode: 503, headers: { 'retry-after': '7' } });
    expect(state.writes).toBe(0);
    expect(data.get('id1')).toEqual({ authing: { v: 1 } });
    state.down = true;
    const failed = await call((done) => guarded.set('id2', { a: 1 } as never, done as never));
    expect(failed.error).toMatchObject({ name: 'SessionStoreError', statusCode: 503 });
    // The error names the cause's class only, never its message (it may quote a session).
    expect(String((failed.error as Error).message)).not.toContain('6379');
  });
});

import { randomBytes } from 'node:crypto';

/**
 * What several replicas of an application share besides the session store, so that a session behaves
 * the same whichever replica serves it: a short lock (one refresh per session, cluster-wide), a
 * once-only claim (back-channel logout `jti` replay), and an index from an Authing `sid` / `sub` to
 * the session ids it logged in (back-channel logout ends them all). Give one to the module's
 * `cluster` option; {@link redisSessionCluster} is the Redis implementation.
 */
export interface AuthingSessionCluster {
  /** Takes the lock `key` for `ttlMs`; resolves its fencing token, or undefined when someone holds it. */
  acquireLock(key: string, ttlMs: number): Promise<string | undefined>;
  /** Releases `key` only if `token` still holds it (an expired lock taken over is left alone). */
  releaseLock(key: string, token: string): Promise<void>;
  /** True the first time `key` is claimed within `ttlMs`, false afterwards. */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;
  /** Adds `member` to each index set in `keys`, kept for `ttlMs`. */
  addToIndex(keys: readonly string[], member: string, ttlMs: number): Promise<void>;
  /** The members of an index set, then the set is deleted. */
  takeIndex(key: string): Promise<string[]>;
}

/**
 * The node-redis (`redis` 5) or ioredis client methods {@link redisSessionCluster} uses, so that the
 * module has no dependency on a Redis client: the application passes the one it already has.
 */
export interface RedisLikeClient {
  /** `SET key value NX PX ttl`; resolves `'OK'` or null. */
  set(...args: never[]): Promise<unknown>;
  eval?(...args: never[]): Promise<unknown>;
  sendCommand?(...args: never[]): Promise<unknown>;
  call?(...args: never[]): Promise<unknown>;
}

/** Deletes the lock only when it still holds our token (compare and delete, atomically). */
const RELEASE_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
/** SMEMBERS then DEL in one step, so that two replicas never both act on one index. */
const TAKE_SCRIPT = "local m = redis.call('smembers', KEYS[1]); redis.call('del', KEYS[1]); return m";

/** Options of {@link redisSessionCluster}. */
export interface RedisSessionClusterOptions {
  /** Prefix of every key. Default `authing:`. */
  prefix?: string;
}

/**
 * An {@link AuthingSessionCluster} on Redis. `client` is a connected node-redis 5 client (create it
 * with `disableOfflineQueue: true`, so that commands fail fast while Redis is down and the module
 * answers 503 instead of waiting) or an ioredis client.
 */
export function redisSessionCluster(
  client: RedisLikeClient,
  options: RedisSessionClusterOptions = {},
): AuthingSessionCluster {
  if (typeof client !== 'object' || client === null || typeof client.set !== 'function') {
    throw new TypeError('redisSessionCluster: client must be a node-redis or ioredis client (it has no set method)');
  }
  const prefix = options.prefix ?? 'authing:';
  // Raw commands: node-redis 5 has sendCommand(args), ioredis call(name, ...args).
  const command = (args: string[]): Promise<unknown> => {
    if (typeof client.sendCommand === 'function')
      return (client.sendCommand as (a: string[]) => Promise<unknown>)(args);
    if (typeof client.call === 'function') return (client.call as (...a: string[]) => Promise<unknown>)(...args);
    throw new TypeError('redisSessionCluster: the client has neither sendCommand (node-redis) nor call (ioredis)');
  };
  const script = (source: string, keys: string[], args: string[]) =>
    command(['EVAL', source, String(keys.length), ...keys, ...args]);
  const ms = (ttlMs: number) => String(Math.max(1, Math.ceil(ttlMs)));
  return {
    async acquireLock(key, ttlMs) {
      const token = randomBytes(16).toString('base64url');
      const reply = await command(['SET', prefix + key, token, 'NX', 'PX', ms(ttlMs)]);
      return reply === 'OK' ? token : undefined;
    },
    async releaseLock(key, token) {
      await script(RELEASE_SCRIPT, [prefix + key], [token]);
    },
    async claimOnce(key, ttlMs) {
      return (await command(['SET', prefix + key, '1', 'NX', 'PX', ms(ttlMs)])) === 'OK';
    },
    async addToIndex(keys, member, ttlMs) {
      for (const key of keys) {
        await command(['SADD', prefix + key, member]);
        await command(['PEXPIRE', prefix + key, ms(ttlMs)]);
      }
    },
    async takeIndex(key) {
      const members = await script(TAKE_SCRIPT, [prefix + key], []);
      return Array.isArray(members) ? members.map(String) : [];
    },
  };
}

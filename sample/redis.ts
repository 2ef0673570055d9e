import type { AuthingSessionCluster } from '../lib/index.js';
import { redisSessionCluster } from '../lib/index.js';
import type { Store } from 'express-session';

/** What the sample keeps in Redis when REDIS_URL is set: the session store and the cluster state. */
export interface SampleRedis {
  store: Store;
  cluster: AuthingSessionCluster;
  close(): Promise<void>;
}

/**
 * Connects to Redis (node-redis) and builds connect-redis's store on it. Both packages are loaded
 * only here, so the sample runs without them when REDIS_URL is unset.
 */
export async function connectSampleRedis(url: string, prefix = 'sample:'): Promise<SampleRedis> {
  const { createClient } = await import('redis');
  const { RedisStore } = await import('connect-redis');
  const client = createClient({
    url,
    // While Redis is down, commands fail at once (the app answers 503) rather than queue up.
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1_000) },
  });
  let lastError = 0;
  client.on('error', (error: Error) => {
    // Once per 10 s: a down Redis makes the client report every reconnection attempt.
    if (Date.now() - lastError > 10_000) console.warn(`Redis: ${error.name}: ${error.message}`);
    lastError = Date.now();
  });
  await client.connect();
  // disableTouch: no write (EXPIRE) per request; the module writes a session when it changed, and at
  // least once a minute while it is used, which moves its expiry forward.
  const store = new RedisStore({ client, prefix: `${prefix}sess:`, disableTouch: true });
  const cluster = redisSessionCluster(client, { prefix: `${prefix}authing:` });
  return {
    store,
    cluster,
    async close() {
      if (client.isOpen) await client.close();
    },
  };
}

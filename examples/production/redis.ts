import { Logger } from '@nestjs/common';
import { createClient } from 'redis';

const logger = new Logger('Redis');

/** One client for the session store and the module's cluster state. */
export const redis = createClient({
  url: process.env.REDIS_URL,
  // While Redis is down, fail at once (the module answers 503) instead of queueing commands.
  disableOfflineQueue: true,
  socket: { reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1_000) },
});
redis.on('error', (error: Error) => logger.warn(`Redis: ${error.message}`)); // required: an unhandled 'error' crashes

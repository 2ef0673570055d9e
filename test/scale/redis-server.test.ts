/** The test harness's redis-server: real, on a free port, empty after a restart (persistence off). */
import { createClient } from 'redis';
import { RedisServer } from '../support/redis-server.js';

test('starts on a free port, and loses every key when restarted (no persistence)', async () => {
  const server = await RedisServer.start();
  try {
    const client = createClient({ url: server.url, disableOfflineQueue: true });
    client.on('error', () => undefined);
    await client.connect();
    await client.set('k', 'v');
    expect(await client.get('k')).toBe('v');
    await server.restart();
    // The client reconnects by itself; the key is gone.
    let value: string | null | undefined;
    for (let i = 0; i < 100 && value === undefined; i++) {
      value = await client.get('k').catch(() => undefined);
      if (value === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(value).toBeNull();
    await client.close();
  } finally {
    await server.dispose();
  }
});

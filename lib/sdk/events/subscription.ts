import type { WebSocket } from 'undici';
import { createHmac } from 'node:crypto';
import { AuthingArgumentError } from '../errors.js';

/** Authing's public event socket, the default `socketUri` of both clients. */
export const DEFAULT_SOCKET_URI = 'wss://openevent.authing.cn';
/** Reconnections tried after a lost connection before `errCallback` is told (as the official SDK). */
export const DEFAULT_EVENT_RETRIES = 5;
const RETRY_DELAY_MS = 2000;

/** Stops a subscription: closes its socket and cancels any pending reconnection. */
export type Unsubscribe = () => void;

/** How to reach and keep one event socket open. */
export interface SubscriptionOptions {
  url: string;
  headers?: Record<string, string>;
  retryTimes: number;
  /** Delay before each reconnection; 2 s as the official SDK. */
  retryDelayMs?: number;
  onMessage(data: string): void;
  onError?(error: Error): void;
}

/**
 * One event subscription over a WebSocket (undici's client, already a dependency). Messages are
 * strings; a lost connection is retried `retryTimes` times, the counter reset by each successful
 * open; after that, or when the server refuses, `onError` gets an Error (never the credentials).
 */
export function subscribe(options: SubscriptionOptions): Unsubscribe {
  let socket: WebSocket | undefined;
  let timer: NodeJS.Timeout | undefined;
  let attempts = 0;
  let stopped = false;
  // undici is loaded on the first subscription, not with the SDK entry (it costs most of its load time).
  const loaded = import('undici');
  const connect = (): void => {
    void loaded.then(
      ({ WebSocket: Socket }) => {
        if (!stopped) open(new Socket(options.url, { headers: options.headers }));
      },
      (error: unknown) => {
        stopped = true;
        options.onError?.(error instanceof Error ? error : new Error('the WebSocket client could not be loaded'));
      },
    );
  };
  const open = (ws: WebSocket): void => {
    socket = ws;
    ws.addEventListener('open', () => {
      attempts = 0;
    });
    ws.addEventListener('message', (event) => {
      const data = event.data as unknown;
      options.onMessage(typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer).toString('utf8'));
    });
    ws.addEventListener('close', () => {
      if (stopped) return;
      if (attempts >= options.retryTimes) {
        stopped = true;
        options.onError?.(new Error(`event socket closed after ${attempts} reconnection attempts`));
        return;
      }
      attempts += 1;
      timer = setTimeout(connect, options.retryDelayMs ?? RETRY_DELAY_MS);
      timer.unref();
    });
    // An 'error' is always followed by 'close', where reconnection is decided.
    ws.addEventListener('error', () => undefined);
  };
  connect();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    socket?.close();
  };
}

/** The management socket's `authorization`: HMAC-SHA1 of the string to sign of method `websocket`. */
export function websocketAuthorization(accessKeyId: string, accessKeySecret: string): string {
  const signature = createHmac('sha1', accessKeySecret).update('websocket\n').digest('base64');
  return `authing ${accessKeyId}:${signature}`;
}

/** `<socketUri>` without a trailing slash; must be ws: or wss:. */
export function socketBase(socketUri: string): string {
  const url = URL.parse(socketUri);
  if (!url || (url.protocol !== 'ws:' && url.protocol !== 'wss:')) {
    throw new AuthingArgumentError('socketUri', 'must be a ws:// or wss:// URL');
  }
  return socketUri.replace(/\/+$/, '');
}

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Largest frame the emulator accepts from a subscriber (they only ever send close and ping). */
const MAX_CLIENT_FRAME = 64 * 1024;

/** What the event socket needs from the emulator: access keys and access token checks. */
export interface EventSocketAuth {
  accessKeySecret(accessKeyId: string): string | undefined;
  /** Resolves when the end user's access token is valid, rejects otherwise. */
  verifyAccessToken(token: string): Promise<unknown>;
}

/**
 * Authing's event subscription socket, `/events/v1/management/sub?code=<event>` (signed with an
 * access key exactly as the official SDK signs it: HMAC-SHA1 of `websocket\n`) and
 * `/events/v1/authentication/sub?code=<event>&token=<access token>`. Messages are text frames
 * carrying the event data string. A minimal RFC 6455 server: text out, close and ping in.
 */
export class EventSockets {
  readonly #subscribers = new Map<string, Set<Duplex>>();
  readonly #all = new Set<Duplex>();

  constructor(private readonly auth: EventSocketAuth) {}

  /** Handles an HTTP upgrade; false when the path is not the event socket (caller answers 404). */
  async upgrade(req: IncomingMessage, socket: Duplex): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://x');
    const kind =
      url.pathname === '/events/v1/management/sub'
        ? 'management'
        : url.pathname === '/events/v1/authentication/sub'
          ? 'authentication'
          : undefined;
    if (!kind) return false;
    const code = url.searchParams.get('code');
    const key = req.headers['sec-websocket-key'];
    if (!code || typeof key !== 'string' || req.headers.upgrade?.toLowerCase() !== 'websocket') {
      refuse(socket, 400, 'Bad Request');
      return true;
    }
    const allowed =
      kind === 'management'
        ? this.#signed(req.headers.authorization)
        : await this.auth.verifyAccessToken(url.searchParams.get('token') ?? '').then(
            () => true,
            () => false,
          );
    if (!allowed) {
      refuse(socket, 401, 'Unauthorized');
      return true;
    }
    const accept = createHash('sha1')
      .update(key + GUID)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    this.#add(code, socket);
    return true;
  }

  /** Sends an event to every subscriber of its code. */
  publish(code: string, data: string): number {
    const sockets = this.#subscribers.get(code);
    if (!sockets) return 0;
    const frame = encodeFrame(0x1, Buffer.from(data, 'utf8'));
    for (const socket of sockets) socket.write(frame);
    return sockets.size;
  }

  /** How many sockets listen to a code (tests wait on this). */
  subscriberCount(code: string): number {
    return this.#subscribers.get(code)?.size ?? 0;
  }

  /** Closes every subscriber socket (emulator shutdown). */
  close(): void {
    for (const socket of this.#all) {
      socket.end(encodeFrame(0x8, Buffer.from([0x03, 0xe9]))); // 1001 going away
      socket.destroy();
    }
    this.#all.clear();
    this.#subscribers.clear();
  }

  #signed(header: string | undefined): boolean {
    const match = /^authing ([^:]+):(.+)$/.exec(header ?? '');
    if (!match) return false;
    const secret = this.auth.accessKeySecret(match[1]!);
    if (!secret) return false;
    const expected = createHmac('sha1', secret).update('websocket\n').digest();
    const given = Buffer.from(match[2]!, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  #add(code: string, socket: Duplex): void {
    let set = this.#subscribers.get(code);
    if (!set) {
      set = new Set();
      this.#subscribers.set(code, set);
    }
    set.add(socket);
    this.#all.add(socket);
    const remove = (): void => {
      set.delete(socket);
      this.#all.delete(socket);
    };
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const frame = decodeFrame(buffered);
        if (frame === 'incomplete') return;
        if (frame === 'invalid') {
          remove();
          socket.destroy();
          return;
        }
        buffered = buffered.subarray(frame.length);
        if (frame.opcode === 0x8) {
          remove();
          socket.end(encodeFrame(0x8, frame.payload.subarray(0, 2)));
          return;
        }
        if (frame.opcode === 0x9) socket.write(encodeFrame(0xa, frame.payload));
      }
    });
    socket.on('close', remove);
    socket.on('error', remove);
  }
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const head =
    length < 126
      ? Buffer.from([0x80 | opcode, length])
      : length < 65536
        ? Buffer.from([0x80 | opcode, 126, length >> 8, length & 255])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(length)]);
  return Buffer.concat([head, payload]);
}

function bigLength(length: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(BigInt(length));
  return out;
}

/** One client frame (clients always mask), or why not yet. */
function decodeFrame(buf: Buffer): { opcode: number; payload: Buffer; length: number } | 'incomplete' | 'invalid' {
  if (buf.length < 2) return 'incomplete';
  const opcode = buf[0]! & 0x0f;
  if ((buf[1]! & 0x80) === 0) return 'invalid';
  let length = buf[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buf.length < 4) return 'incomplete';
    length = buf.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    return 'invalid';
  }
  if (length > MAX_CLIENT_FRAME) return 'invalid';
  if (buf.length < offset + 4 + length) return 'incomplete';
  const mask = buf.subarray(offset, offset + 4);
  const payload = Buffer.from(buf.subarray(offset + 4, offset + 4 + length));
  for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
  return { opcode, payload, length: offset + 4 + length };
}

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  /** Decoded query pairs in the order they were sent. */
  query: [string, string][];
  headers: IncomingHttpHeaders;
  body: string;
}

type Responder = (req: RecordedRequest) => { status?: number; headers?: Record<string, string>; body: string };

const okEnvelope: Responder = () => ({
  body: JSON.stringify({ statusCode: 200, message: 'ok', data: null }),
  headers: { 'content-type': 'application/json' },
});

/** An HTTP server on 127.0.0.1 that records every request and answers with a fixed envelope. */
export class RecordingServer {
  readonly requests: RecordedRequest[] = [];
  respond: Responder = okEnvelope;
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const recorded: RecordedRequest = {
          method: req.method ?? '',
          path: url.pathname,
          query: [...url.searchParams.entries()],
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(recorded);
        const answer = this.respond(recorded);
        res.writeHead(answer.status ?? 200, answer.headers ?? { 'content-type': 'application/json' });
        res.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Removes and returns the requests recorded so far. */
  take(): RecordedRequest[] {
    return this.requests.splice(0, this.requests.length);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

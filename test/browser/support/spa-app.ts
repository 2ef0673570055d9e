/**
 * The single-page app of the SPA browser test: Authing's official browser SDK (`@authing/web`,
 * bundled for the browser with esbuild) on a tiny page, served on a loopback address.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';

export interface SpaConfig {
  /** The Authing domain as the SDK wants it: an origin without a port. */
  domain: string;
  appId: string;
  scope: string;
}

export interface RunningSpa {
  /** `http://<host>:<port>`, the page at `/` is also the login callback and the logout target. */
  origin: string;
  close(): Promise<void>;
}

/** `window.Authing` from the installed @authing/web, as one script. */
async function bundleSdk(): Promise<string> {
  const result = await build({
    stdin: {
      contents: "import { Authing } from '@authing/web'; window.Authing = Authing;",
      resolveDir: process.cwd(),
      loader: 'js',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

function page(origin: string, config: SpaConfig): string {
  const settings = JSON.stringify({
    domain: config.domain,
    appId: config.appId,
    userPoolId: 'emulator',
    redirectUri: `${origin}/`,
    logoutRedirectUri: `${origin}/`,
    scope: config.scope,
  }).replace(/</g, '\\u003c');
  // The app an SPA team writes: handle the login callback on load, expose the SDK to the test.
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>SPA</title></head>
<body><h1>SPA</h1>
<script src="/sdk.js"></script>
<script>
  window.sdk = new Authing(${settings});
  window.ready = (async () => {
    if (!sdk.isRedirectCallback()) return null;
    const state = await sdk.handleRedirectCallback();
    history.replaceState(null, '', '/');
    return state;
  })();
</script>
</body></html>`;
}

/** Serves the SPA on `host` (a free port). */
export async function startSpa(host: string, config: SpaConfig): Promise<RunningSpa> {
  const sdk = await bundleSdk();
  let origin = '';
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/sdk.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(sdk);
      return;
    }
    if (path === '/favicon.ico') {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(page(origin, config));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

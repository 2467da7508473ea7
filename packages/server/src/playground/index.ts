/**
 * The web playground at /playground: static pages from packages/server/playground plus the
 * codec's browser bundle. Public (no key): the page itself calls the API with the user's key.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Hono } from 'hono';

/** Where the playground's files come from; the defaults suit the built package. */
export interface PlaygroundOptions {
  /** Folder of index.html, playground.js, playground.css, samples.js. */
  assetsDir?: string;
  /** Path of the codec's browser bundle (ktof.min.js). */
  codecBundle?: string;
}

const CONTENT_TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'playground.css': 'text/css; charset=utf-8',
  'playground.js': 'text/javascript; charset=utf-8',
  'samples.js': 'text/javascript; charset=utf-8',
  'ktof.min.js': 'text/javascript; charset=utf-8',
};

// Everything the page needs is served from here; nothing may load from elsewhere.
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** The default assets folder: <package>/playground, next to dist/ (this file is dist/playground/index.js). */
function defaultAssetsDir(): string {
  return fileURLToPath(new URL('../../playground/', import.meta.url));
}

/** The playground as a hono sub-app; mount it with `app.route('/playground', playgroundRoutes())`. */
export function playgroundRoutes(options: PlaygroundOptions = {}): Hono {
  const assetsDir = options.assetsDir ?? defaultAssetsDir();
  const codecBundle = options.codecBundle ?? createRequire(import.meta.url).resolve('@kaizen/ktof/ktof.min.js');
  const files = new Map<string, Promise<string>>();
  // Read once, then served from memory; a failed read is retried on the next request.
  const load = (name: string): Promise<string> => {
    let file = files.get(name);
    if (!file) {
      file = readFile(name === 'ktof.min.js' ? codecBundle : join(assetsDir, name), 'utf8');
      file.catch(() => files.delete(name));
      files.set(name, file);
    }
    return file;
  };
  const serve = async (name: string, head: boolean) => {
    const type = CONTENT_TYPES[name];
    if (!type) return undefined;
    try {
      const body = await load(name);
      return new Response(head ? null : body, { headers: { ...SECURITY_HEADERS, 'content-type': type, 'content-length': String(Buffer.byteLength(body)) } });
    } catch {
      return new Response(`The playground file ${name} is missing from this build.`, { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    }
  };

  const app = new Hono();
  // Relative URLs in the page need the trailing slash; "playground/" keeps any path prefix.
  app.get('/', (c) => c.redirect(`${c.req.path.split('/').pop() || '.'}/`, 308));
  // `{.*}` also matches the empty name of "/playground/"; only the known file names are served.
  app.get('/:file{.*}', async (c, next) => (await serve(c.req.param('file') || 'index.html', c.req.method === 'HEAD')) ?? next());
  return app;
}

/**
 * The built browser app (web/dist): files as they are, gzip-encoded when the browser accepts it,
 * `/assets/*` (Vite's content-hashed names) cached for a year, index.html never without asking
 * again; any other path without a file extension gets index.html, so the app's own routes load on a
 * refresh. Without a build, a page saying how to make one.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { type NodeRequest, type NodeResponse, respond } from '../http/respond.js';

const gzipAsync = promisify(gzip);

type Request = NodeRequest;
type Response = NodeResponse;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

const compressible = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.map',
  '.svg',
  '.txt',
  '.webmanifest',
]);

/** Below this, gzip's framing costs more than it saves. */
const minGzipBytes = 512;
/** Files above this are streamed as they are, never held in memory. */
const maxCachedBytes = 4 * 1024 * 1024;
const maxCachedFiles = 512;

const immutable = 'public, max-age=31536000, immutable';
const revalidate = 'no-cache';
const shortLived = 'public, max-age=300';

interface CachedFile {
  readonly mtimeMs: number;
  readonly size: number;
  readonly body: Buffer;
  readonly gzipped?: Buffer;
}

export interface StaticSite {
  serve(req: Request, res: Response): Promise<void>;
}

export function staticSite(root: string): StaticSite {
  const base = resolve(root);
  const cache = new Map<string, CachedFile>();

  const load = async (file: string, mtimeMs: number, size: number): Promise<CachedFile> => {
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === mtimeMs && hit.size === size) return hit;
    const body = await readFile(file);
    const gzipped =
      compressible.has(extname(file)) && body.length >= minGzipBytes ? await gzipAsync(body) : undefined;
    const loaded: CachedFile = { mtimeMs, size, body, ...(gzipped && { gzipped }) };
    if (cache.size >= maxCachedFiles) cache.delete(cache.keys().next().value as string);
    cache.set(file, loaded);
    return loaded;
  };

  /** The file a URL path names inside the root, if it is a regular file. */
  const find = async (path: string) => {
    const file = resolve(base, `.${path}`);
    if (file !== base && !file.startsWith(base + sep)) return undefined;
    try {
      const info = await stat(file);
      return info.isFile() ? { file, info } : undefined;
    } catch {
      return undefined;
    }
  };

  return {
    async serve(req, res) {
      const path = decodedPath(req.url ?? '/');
      if (path === undefined) return plain(res, 400, 'bad path\n');
      let found = path === '/' || path.endsWith('/') ? undefined : await find(path);
      let cacheControl = path.startsWith('/assets/') ? immutable : shortLived;
      if (!found) {
        // A missing file with an extension is a broken link, not a route of the app.
        if (extname(path) !== '' && path !== '/') return plain(res, 404, 'not found\n');
        found = await find('/index.html');
        if (!found) return notBuilt(res, base);
      }
      if (found.file.endsWith(`${sep}index.html`)) cacheControl = revalidate;
      const type = contentTypes[extname(found.file).toLowerCase()] ?? 'application/octet-stream';
      const headers: Record<string, string> = {
        'content-type': type,
        'cache-control': cacheControl,
        'last-modified': found.info.mtime.toUTCString(),
      };
      if (compressible.has(extname(found.file))) headers.vary = 'Accept-Encoding';
      const head = req.method === 'HEAD';
      if (found.info.size > maxCachedBytes) {
        if (head) return respond(res, 200, { ...headers, 'content-length': String(found.info.size) });
        respondStream(res, { ...headers, 'content-length': String(found.info.size) }, found.file);
        return;
      }
      const file = await load(found.file, found.info.mtimeMs, found.info.size);
      const gzipped = file.gzipped && acceptsGzip(req) ? file.gzipped : undefined;
      const body = gzipped ?? file.body;
      respond(
        res,
        200,
        { ...headers, ...(gzipped && { 'content-encoding': 'gzip' }), 'content-length': String(body.length) },
        head ? undefined : body,
      );
    },
  };
}

function decodedPath(url: string): string | undefined {
  const raw = url.split('?', 1)[0] ?? '/';
  try {
    const path = decodeURIComponent(raw);
    // No NULs, and no dot-files or dot-segments: nothing outside the build, nothing hidden in it.
    if (path.includes('\0') || !path.startsWith('/') || /\/\./.test(path)) return undefined;
    return path;
  } catch {
    return undefined;
  }
}

function acceptsGzip(req: Request): boolean {
  const accept = req.headers['accept-encoding'];
  const value = Array.isArray(accept) ? accept.join(',') : (accept ?? '');
  return value.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    return !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
  });
}

function plain(res: Response, status: number, text: string): void {
  respond(res, status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, text);
}

function respondStream(res: Response, headers: Record<string, string>, file: string): void {
  if (res instanceof ServerResponse) res.writeHead(200, headers);
  else res.writeHead(200, headers);
  const source = createReadStream(file);
  source.once('error', () => res.destroy());
  source.pipe(res as NodeJS.WritableStream);
}

function notBuilt(res: Response, root: string): void {
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>paymesh: web app not built</title></head>
<body>
<h1>The paymesh web app is not built</h1>
<p>The gateway serves the browser app from <code>${escapeHtml(root)}</code>, and there is no
<code>index.html</code> there.</p>
<p>Build it with <code>npm run build -w web</code> (or point <code>WEB_DIST</code> at a build), then reload.</p>
<p>The API itself is served: Connect, gRPC-Web and gRPC at <code>/&lt;package.Service&gt;/&lt;Method&gt;</code>.</p>
</body></html>
`;
  respond(res, 404, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, page);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

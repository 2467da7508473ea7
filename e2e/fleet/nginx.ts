/**
 * Runs the documented nginx configuration (docs/nginx/kaizen.conf) for tests and the fleet
 * bench: its upstream servers and listen port are rewritten to loopback ports, and it is wrapped
 * in a minimal nginx.conf with every path inside a temporary prefix. Stopped by PID.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, removeDir, REPO_ROOT, tempDir, waitFor } from '@kaizen/testkit';

/** The nginx binary, when nginx is installed. */
export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path));
export const NGINX_EXAMPLE = join(REPO_ROOT, 'docs/nginx/kaizen.conf');

/** The example with one upstream `server` line per replica port and `listen 127.0.0.1:<port>`. */
export function rewriteExample(example: string, upstreamPorts: number[], listenPort: number): string {
  const serverLine = /^(\s*)server\s+[\d.]+:\d+([^;]*);\s*$/m;
  const match = serverLine.exec(example);
  if (!match) throw new Error('docs/nginx/kaizen.conf has no upstream "server host:port;" line');
  const [, indent, params] = match;
  const servers = upstreamPorts.map((port) => `${indent}server 127.0.0.1:${port}${params};`).join('\n');
  let text = example.replace(new RegExp(serverLine.source, 'gm'), '\u0000');
  text = text.replace(/\u0000(\n\u0000)*/, servers);
  if (!/^\s*listen\s+\d+;/m.test(text)) throw new Error('docs/nginx/kaizen.conf has no "listen PORT;" line');
  return text.replace(/^(\s*)listen\s+\d+;/m, `$1listen 127.0.0.1:${listenPort};`);
}

/** A complete nginx.conf around the example, everything under `prefix`. */
export function nginxConfig(upstreamPorts: number[], listenPort: number, prefix: string): string {
  const site = rewriteExample(readFileSync(NGINX_EXAMPLE, 'utf8'), upstreamPorts, listenPort);
  return `daemon off;
master_process off;
worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log ${join(prefix, 'access.log')};
  client_body_temp_path ${join(prefix, 'body')};
  proxy_temp_path ${join(prefix, 'proxy')};
  fastcgi_temp_path ${join(prefix, 'fastcgi')};
  uwsgi_temp_path ${join(prefix, 'uwsgi')};
  scgi_temp_path ${join(prefix, 'scgi')};
${site}
}
`;
}

/** Starts nginx in front of the given replica ports; resolves once it proxies `GET /`. */
export async function startNginx(upstreamPorts: number[]): Promise<{ url: string; prefix: string; close(): Promise<void> }> {
  if (!NGINX) throw new Error('nginx is not installed (apt-get install -y nginx-light)');
  const dir = tempDir('nginx');
  const port = await freePort();
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(upstreamPorts, port, dir));
  const child = spawn(NGINX, ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`nginx on ${port}`, async () => {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
    const response = await fetch(url + '/', { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.status === 200;
  });
  return {
    url,
    prefix: dir,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid!, 'SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      removeDir(dir);
    },
  };
}

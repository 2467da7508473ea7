/** A real `redis-server` of our own on a free loopback port, stopped by PID. */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { removeDir, tempDir } from './temp.js';
import { exited, freePort, waitFor } from './wait.js';

export interface RedisOptions {
  /** Append-only file on (fsync policy `appendfsync`, default always: the durability setting). */
  aof?: boolean;
  appendfsync?: 'always' | 'everysec';
}

/** A redis-server on a free port with its own data directory. */
export class RedisProcess {
  child: ChildProcess | undefined;
  readonly dir = tempDir('redis');
  port = 0;

  constructor(readonly options: RedisOptions = {}) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (or restarts on the same port and data directory) and waits until it answers PING. */
  async start(): Promise<this> {
    if (!this.port) this.port = await freePort();
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--dir', this.dir, '--daemonize', 'no', '--loglevel', 'warning'];
    args.push('--appendonly', this.options.aof ? 'yes' : 'no');
    if (this.options.aof) args.push('--appendfsync', this.options.appendfsync ?? 'always');
    this.child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const child = this.child;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(`redis-server on ${this.port} ${stderr}`, async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited: ${stderr}`);
      return (await redisPing(this.port)) || undefined;
    });
    return this;
  }

  /** SIGKILL: no shutdown save, no goodbye to clients. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    process.kill(child.pid, 'SIGKILL');
    await exited(child);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGTERM');
      await exited(child);
    }
  }

  /** Stops and removes the data directory. */
  async dispose(): Promise<void> {
    await this.stop();
    removeDir(this.dir);
  }
}

/** True when something on the port answers a Redis PING with +PONG. */
function redisPing(port: number): Promise<boolean> {
  return new Promise((resolvePing) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePing(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

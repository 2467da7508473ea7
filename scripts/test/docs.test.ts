/**
 * The docs are true as written. In a fresh copy of the repository (its files as git sees them,
 * node_modules laid out as `npm ci` lays it out) this test:
 *
 * - checks that `npx kaizen` is linked before the build and says to build first;
 * - runs `npm start` (build + server) and then every shell block of the known docs, in order, in
 *   one bash session at the repository root, against that server;
 * - runs the TypeScript blocks that are whole programs with plain Node (as .mjs);
 * - runs the provider pages' programs with tsx, each vendor SDK pointed at a fake upstream on
 *   loopback through the vendor's own base-URL variable;
 * - type-checks every TypeScript block of the known docs with the repository's tsconfig.
 *
 * Only the files in DOCS are read, and only the shell blocks in RUN_SHELL are run, so a page or
 * block added later is not run before its author lists it here (the test names such blocks on
 * stderr). A listed page's block is skipped only for a reason written next to it in SKIP. Every
 * TypeScript block of the listed pages is type-checked; an error fails the test for the blocks
 * in CHECKED_TS (those of today) and is reported for newer ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startFakeUpstream } from '../../packages/sdk/test/providers/fake-upstream.js';

const root = join(import.meta.dirname, '..', '..');

/** The pages whose blocks are checked. */
const DOCS = [
  'README.md',
  'examples/README.md',
  'docs/deploy.md',
  'docs/providers/openai.md',
  'docs/providers/openai-compatible.md',
  'docs/providers/anthropic.md',
  'docs/providers/gemini.md',
  'docs/providers/vercel-ai.md',
  'packages/ktof/README.md',
  'packages/tokens/README.md',
  'packages/prompt/README.md',
  'packages/protocol/README.md',
  'packages/core/README.md',
  'packages/server/README.md',
  'packages/sdk/README.md',
  'packages/cli/README.md',
];

/** Blocks not run, by page and first line, and why. */
const SKIP: Record<string, string> = {
  'README.md: npm ci && npm start': 'this test does the same itself: a fresh copy with npm ci\'s layout, then npm start',
  'docs/deploy.md: KAIZEN_REDIS_URL=redis://:secret@redis.internal:6379 \\': 'needs a Redis fleet at redis.internal (the fleet runs in packages/server/test and bench:fleet)',
  'docs/deploy.md: npx kaizen keys create --redis redis://:secret@redis.internal:6379 --tenant acme   # print': 'needs a Redis fleet at redis.internal',
  'packages/sdk/README.md: npm start': 'this test does the same itself',
  'examples/README.md: export KAIZEN_BASE_URL=http://127.0.0.1:8787': 'the three examples run against a real server in packages/sdk/test/examples.test.ts; the quickstart also runs here from the SDK README',
  'packages/sdk/README.md: esbuild app.ts --bundle --platform=browser --format=esm': 'needs your app.ts (the browser bundle is built and run in packages/sdk/test/browser.test.ts)',
  'packages/sdk/README.md: npx vitest run packages/sdk    # unit, fault-injection, real-server, browser and example t': 'runs a test suite',
};

/** The shell blocks run, in page order (by page and the start of their first line). */
const RUN_SHELL = [
  'README.md: export KAIZEN_API_KEY=$(npx kaizen keys create --data ./data',
  'README.md: H=(-H "x-api-key: $KAIZEN_API_KEY"',
  'README.md: mkdir -p try/json && cd try',
  'packages/sdk/README.md: export KAIZEN_BASE_URL=http://127.0.0.1:8787',
];

/** The TypeScript blocks whose type errors fail the test: every block of today (page and first line). */
const CHECKED_TS = [
  "README.md: import { encode, decode } from '@kaizen/ktof';",
  "README.md: import { KaizenClient } from '@kaizen/sdk';",
  "docs/providers/openai.md: import OpenAI from 'openai';",
  "docs/providers/openai-compatible.md: import OpenAI, { AzureOpenAI } from 'openai';",
  "docs/providers/anthropic.md: import Anthropic from '@anthropic-ai/sdk';",
  "docs/providers/gemini.md: import { GoogleGenAI } from '@google/genai';",
  "docs/providers/vercel-ai.md: import { generateText, streamText, wrapLanguageModel } from ",
  "packages/ktof/README.md: import { encode, decode, KTOF_PRIMER } from '@kaizen/ktof';",
  'packages/tokens/README.md: import { countTokens, tokenCounter, resolveModel, UnknownMod',
  'packages/prompt/README.md: import { encodePrompt, decodePrompt, decodeReply, addPrimer,',
  'packages/protocol/README.md: import { PromptEncodePayloadSchema, zodIssuesToDetail } from',
  'packages/core/README.md: import { createEngine, MemoryPayloadStore, parseRequest, isK',
  "packages/server/README.md: import { startServer, installShutdownHandlers } from '@kaize",
  "packages/sdk/README.md: import { KaizenClient } from '@kaizen/sdk';",
  'packages/sdk/README.md: await kaizen.compress({ data }, {',
  'packages/sdk/README.md: const results = await kaizen.promptsEncodeBatch(prompts, { c',
  "packages/sdk/README.md: import { decodeStream } from '@kaizen/sdk'; // also kaizen.d",
  'packages/sdk/README.md: import { KaizenAPIError, KaizenGoneError, KaizenRateLimitErr',
  'packages/sdk/README.md: await kaizen.optimize({ data }, { signal: AbortSignal.timeou',
  'packages/sdk/README.md: const kaizen = new KaizenClient({',
  'packages/sdk/README.md: {',
];

/** TypeScript blocks that are whole programs: run with plain Node as .mjs (type annotations would not run). */
const RUN_AS_MJS = ['README.md: import { KaizenClient } from \'@kaizen/sdk\';', 'packages/ktof/README.md: import { encode, decode, KTOF_PRIMER } from \'@kaizen/ktof\';'];

/**
 * Provider pages run with tsx against the fake upstream (docs/providers/openai-compatible.md is
 * only type-checked: its call goes to a model server on this machine's port 11434).
 */
const RUN_WITH_FAKE_VENDORS = ['docs/providers/openai.md: ', 'docs/providers/anthropic.md: ', 'docs/providers/gemini.md: ', 'docs/providers/vercel-ai.md: '];

/**
 * TypeScript blocks that are fragments: the names they take from the text around them, declared
 * so the rest is checked exactly as written.
 */
const FRAGMENTS: Record<string, string> = {
  "README.md: import { encode, decode } from '@kaizen/ktof';": 'declare const value: import("@kaizen/ktof").JsonValue;',
  "packages/tokens/README.md: import { countTokens, tokenCounter, resolveModel, UnknownModelError } from '@kaizen/tokens": 'declare const text: string;',
  "packages/prompt/README.md: import { encodePrompt, decodePrompt, decodeReply, addPrimer, PROMPT_PRIMER } from '@kaizen": 'declare const request: import("@kaizen/ktof").JsonValue; declare const countTokens: (text: string) => number; declare const modelReplyText: string;',
  "packages/core/README.md: import { createEngine, MemoryPayloadStore, parseRequest, isKaizenProblem } from '@kaizen/c": 'declare const body: unknown;',
  'packages/sdk/README.md: await kaizen.compress({ data }, {': 'declare const kaizen: import("@kaizen/sdk").KaizenClient; declare const data: import("@kaizen/ktof").JsonValue; declare const controller: AbortController;',
  'packages/sdk/README.md: const results = await kaizen.promptsEncodeBatch(prompts, { concurrency: 8 });': 'declare const kaizen: import("@kaizen/sdk").KaizenClient; declare const prompts: Parameters<import("@kaizen/sdk").KaizenClient["promptsEncodeBatch"]>[0];',
  "packages/sdk/README.md: import { decodeStream } from '@kaizen/sdk'; // also kaizen.decodeStream(...)": 'declare const replyChunks: AsyncIterable<string>;',
  'packages/sdk/README.md: import { KaizenAPIError, KaizenGoneError, KaizenRateLimitError, KaizenRequestError, Kaizen': 'declare const kaizen: import("@kaizen/sdk").KaizenClient; declare const payloadId: string; declare function reEncode(): void; declare function later(seconds: number | undefined): void;',
  'packages/sdk/README.md: await kaizen.optimize({ data }, { signal: AbortSignal.timeout(2000) }); // total budget: 2': 'declare const kaizen: import("@kaizen/sdk").KaizenClient; declare const data: import("@kaizen/ktof").JsonValue;',
  'packages/sdk/README.md: const kaizen = new KaizenClient({': 'import { KaizenClient } from "@kaizen/sdk"; declare function pino(): import("@kaizen/sdk").KaizenLogger; declare const inflight: { inc(labels: Record<string, string>): void }; declare const latency: { observe(labels: Record<string, string>, seconds: number): void };',
  'packages/sdk/README.md: const kaizen = new KaizenClient({ cache: { maxEntries: 500, maxSize: 16_000_000, ttl: 600 ': 'import { KaizenClient } from "@kaizen/sdk";',
  'packages/sdk/README.md: {': 'import { KaizenClient, withKaizenClient } from "@kaizen/sdk"; declare const data: import("@kaizen/ktof").JsonValue; declare const existing: KaizenClient; declare const baseUrl: string; declare const apiKey: string;',
};

interface Block {
  page: string;
  line: number;
  lang: string;
  body: string;
  /** `page: first line`; SKIP, RUN_AS_MJS and FRAGMENTS name a block by a prefix of it. */
  key: string;
}

/** The entry of `table` whose key starts this block's key. */
function lookup<T>(table: Record<string, T>, block: Block): T | undefined {
  const key = Object.keys(table).find((k) => block.key.startsWith(k));
  return key === undefined ? undefined : table[key];
}

function blocksOf(page: string): Block[] {
  const text = readFileSync(join(root, page), 'utf8');
  const blocks: Block[] = [];
  for (const match of text.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)) {
    const body = match[2]!;
    const first = body.split('\n')[0]!;
    blocks.push({ page, line: text.slice(0, match.index).split('\n').length, lang: match[1]!, body, key: `${page}: ${first}` });
  }
  return blocks;
}

const all = DOCS.flatMap(blocksOf);
const allShell = all.filter((b) => ['sh', 'bash', 'shell'].includes(b.lang) && lookup(SKIP, b) === undefined);
const shellBlocks = allShell.filter((b) => RUN_SHELL.some((k) => b.key.startsWith(k)));
const unlistedShell = allShell.filter((b) => !shellBlocks.includes(b));
if (unlistedShell.length) console.warn(`docs.test.ts: shell blocks not run yet (list them in RUN_SHELL or SKIP):\n${unlistedShell.map((b) => `  ${b.page}:${b.line}`).join('\n')}`);
const tsBlocks = all.filter((b) => ['ts', 'typescript'].includes(b.lang) && lookup(SKIP, b) === undefined);

let clone: string;
let port: number;
let server: ChildProcess | undefined;
let serverLog = '';

/** A free port on loopback, standing in for 8787 (other servers may use it on this machine). */
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A fresh copy of the repository: the files git tracks (or would), and node_modules as `npm ci`
 * lays it out: vendor packages (shared with this checkout, read-only), the workspace packages
 * linked to the copy's own packages/, and each workspace bin linked only if its file exists
 * before any build, as npm does.
 */
function freshCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kaizen-docs-'));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(root, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(root, file), join(dir, file));
    chmodSync(join(dir, file), statSync(join(root, file)).mode);
  }
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '.bin'), { recursive: true });
  mkdirSync(join(modules, '@kaizen'));
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    if (entry === '.bin' || entry === '@kaizen' || entry.startsWith('.')) continue;
    symlinkSync(join(root, 'node_modules', entry), join(modules, entry));
  }
  for (const bin of readdirSync(join(root, 'node_modules', '.bin'))) {
    if (bin !== 'kaizen') symlinkSync(realpathSync(join(root, 'node_modules', '.bin', bin)), join(modules, '.bin', bin));
  }
  for (const name of readdirSync(join(dir, 'packages'))) {
    const manifest = join(dir, 'packages', name, 'package.json');
    if (!existsSync(manifest)) continue;
    symlinkSync(join('..', '..', 'packages', name), join(modules, '@kaizen', name));
    const bins = (JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: Record<string, string> }).bin ?? {};
    for (const [bin, path] of Object.entries(bins)) {
      if (existsSync(join(dir, 'packages', name, path))) symlinkSync(join('..', '@kaizen', name, path), join(modules, '.bin', bin));
    }
  }
  return dir;
}

/** The environment of a new user's shell: no KAIZEN_* of this machine. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('KAIZEN_') && !name.startsWith('npm_')) env[name] = value;
  return { ...env, ...extra };
}

beforeAll(async () => {
  clone = freshCopy();
  port = await freePort();
});

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((resolve) => server!.once('exit', resolve));
  }
  rmSync(clone, { recursive: true, force: true });
});

describe('the docs, in a fresh copy of the repository', () => {
  it('npx kaizen is linked before the build and says to build first', () => {
    const result = spawnSync('npx', ['kaizen', 'keys', 'list'], { cwd: clone, env: userEnv(), encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/the CLI is not built yet .*\nRun `npm run build`/);
  });

  it('npm start builds and serves; every shell block then runs as written, in order', async () => {
    server = spawn('npm', ['start', '--silent'], { cwd: clone, env: userEnv({ PORT: String(port) }), stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (chunk: Buffer) => (serverLog += chunk));
    await new Promise<void>((resolve, reject) => {
      server!.stderr!.on('data', (chunk: Buffer) => {
        serverLog += chunk;
        if (serverLog.includes('listening on')) resolve();
      });
      server!.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${serverLog}`)));
    });
    const firstKey = /kzk_[A-Za-z0-9_-]{32}/.exec(serverLog)?.[0];
    expect(firstKey).toBeDefined();

    // One bash session at the repository root, as a reader types the blocks one after another.
    // Substitutions, each what the reader does: the free port for 8787, the key `npm start`
    // printed for the `kzk_...` placeholder, and `npm link -w packages/cli` (which the CLI
    // section says its examples assume) as node_modules/.bin on PATH.
    const script = ['set -e -o pipefail', `ROOT=${JSON.stringify(clone)}`];
    for (const block of shellBlocks) {
      // Never reinstall or run the suite from here: such a block must be skipped with a reason.
      expect(block.body, `${block.page}:${block.line} installs or runs the suite: add it to SKIP`).not.toMatch(/\bnpm (ci|i|install|test)\b|\bapt-get\b/);
      const body = block.body.replaceAll('8787', String(port)).replaceAll('kzk_...', firstKey!);
      script.push(`cd "$ROOT"`, `echo "::block ${block.page}:${block.line}" >&2`, body);
    }
    const run = spawnSync('bash', ['-c', script.join('\n')], {
      cwd: clone,
      env: userEnv({ PATH: `${join(clone, 'node_modules', '.bin')}:${process.env.PATH}` }),
      encoding: 'utf8',
      timeout: 150_000,
    });
    const lastBlock = [...run.stderr.matchAll(/::block (\S+)/g)].at(-1)?.[1];
    expect(run.status, `failed in ${lastBlock}:\n${run.stderr.slice(-3000)}`).toBe(0);
    expect(run.stderr).not.toMatch(/EPIPE|Error: |at .*\(.*:\d+:\d+\)/);
    // Every API answer was a success: errors carry a "code", successes "status":"ok".
    expect(run.stdout).not.toMatch(/"code":"/);
    expect(run.stdout).toContain('"operation":"prompts.decode"');
    expect(run.stdout).toContain('lossless: true');
    expect(existsSync(join(clone, 'try', 'reply.json'))).toBe(true);
  }, 240_000);

  it('runs the TypeScript blocks that are whole programs with plain Node', () => {
    expect(server?.exitCode ?? null, 'the server of the previous test').toBeNull();
    const key = spawnSync('npx', ['kaizen', 'keys', 'create', '--data', './data', '--tenant', 'docs'], { cwd: clone, env: userEnv(), encoding: 'utf8' }).stdout.trim();
    for (const wanted of RUN_AS_MJS) {
      const block = tsBlocks.find((b) => b.key.startsWith(wanted));
      expect(block, wanted).toBeDefined();
      const file = join(clone, `doc-${block!.line}.mjs`);
      writeFileSync(file, block!.body);
      const run = spawnSync(process.execPath, [file], { cwd: clone, env: userEnv({ KAIZEN_BASE_URL: `http://127.0.0.1:${port}`, KAIZEN_API_KEY: key }), encoding: 'utf8' });
      expect(run.stderr, `${block!.page}:${block!.line}`).toBe('');
      expect(run.status).toBe(0);
    }
  });

  it('runs the provider pages against a fake upstream of each vendor', async () => {
    const upstream = await startFakeUpstream();
    try {
      upstream.reply = 'Late:\n```ktof\nlate[1]{id}:\nA-1\n```';
      const env = userEnv({
        OPENAI_BASE_URL: `${upstream.url}/v1`,
        OPENAI_API_KEY: 'test',
        ANTHROPIC_BASE_URL: upstream.url,
        ANTHROPIC_API_KEY: 'test',
        GOOGLE_GEMINI_BASE_URL: upstream.url,
        GEMINI_API_KEY: 'test',
      });
      for (const prefix of RUN_WITH_FAKE_VENDORS) {
        const block = tsBlocks.find((b) => b.key.startsWith(prefix));
        expect(block, prefix).toBeDefined();
        const file = join(clone, `doc-${block!.page.replace(/[^A-Za-z0-9]+/g, '-')}-${block!.line}.ts`);
        writeFileSync(file, block!.body);
        const before = upstream.received.length;
        const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const child = spawn(join(clone, 'node_modules', '.bin', 'tsx'), [file], { cwd: clone, env });
          let stderr = '';
          child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
          child.on('close', (code) => resolve({ code, stderr }));
        });
        expect(run, `${block!.page}:${block!.line}`).toEqual({ code: 0, stderr: '' });
        expect(upstream.received.length, `${block!.page} called its vendor`).toBeGreaterThan(before);
      }
    } finally {
      await upstream.close();
    }
  }, 120_000);

  it('type-checks every TypeScript block with the repository tsconfig', () => {
    const dir = join(clone, 'doc-snippets');
    mkdirSync(dir);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.base.json', compilerOptions: { noEmit: true, declaration: false, declarationMap: false, sourceMap: false }, include: ['*.ts'] }));
    const origin = new Map<string, { block: Block; offset: number }>();
    for (const block of tsBlocks) {
      const name = `${block.page.replace(/[^A-Za-z0-9]+/g, '-')}-${block.line}.ts`;
      const preamble = lookup(FRAGMENTS, block) ?? '';
      writeFileSync(join(dir, name), `${preamble}\n${block.body}\nexport {};\n`);
      origin.set(name, { block, offset: preamble.split('\n').length });
    }
    const check = spawnSync(join(clone, 'node_modules', '.bin', 'tsc'), ['-p', dir], { cwd: clone, encoding: 'utf8' });
    // Point each error at the doc: page, line of the block's first code line + line in block.
    // An error line names the snippet; the indented lines after it belong to the same error.
    let current: Block | undefined;
    const errors = check.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const match = /^(?:doc-snippets\/)?([^(]+)\((\d+),(\d+)\): (.*)$/.exec(line);
        const at = match ? origin.get(match[1]!) : undefined;
        if (match) current = at?.block;
        return { text: at ? `${at.block.page}:${at.block.line + Number(match![2]) - at.offset}: ${match![4]}` : line, block: current };
      });
    const newer = errors.filter((e) => e.block && !CHECKED_TS.some((k) => e.block!.key.startsWith(k)));
    if (newer.length) console.warn(`docs.test.ts: type errors in blocks not checked yet:\n${newer.map((e) => `  ${e.text}`).join('\n')}`);
    expect(errors.filter((e) => !newer.includes(e)).map((e) => e.text)).toEqual([]);
    expect(tsBlocks.filter((b) => CHECKED_TS.some((k) => b.key.startsWith(k))).length).toBeGreaterThan(20);
  }, 120_000);
});

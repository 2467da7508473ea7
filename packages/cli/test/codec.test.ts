/** `kaizen encode|decode|convert` as a child process: pipes, files, options, errors, exit codes. */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encode } from '@kaizen/ktof';
import { kaizen, removeTempDirs, run, tempDir, USERS } from './helpers.js';

afterAll(removeTempDirs);

const usersJson = JSON.stringify(USERS, null, 2);

describe('encode and decode over pipes', () => {
  it('encodes stdin to stdout exactly as the codec does, and decodes it back', async () => {
    const encoded = await kaizen(['encode'], { input: usersJson });
    expect(encoded).toMatchObject({ code: 0, stderr: '' });
    expect(encoded.stdout).toBe(`${encode(USERS)}\n`);
    expect(encoded.stdout).toContain('users[3]{id,name,role,active}:');

    const decoded = await kaizen(['decode'], { input: encoded.stdout });
    expect(decoded).toMatchObject({ code: 0, stderr: '' });
    expect(decoded.stdout).toBe(`${JSON.stringify(USERS, null, 2)}\n`);
    const compact = await kaizen(['decode', '--compact', '-'], { input: encoded.stdout });
    expect(compact.stdout).toBe(`${JSON.stringify(USERS)}\n`);
  });

  it('drops a UTF-8 byte order mark and keeps non-ASCII text intact', async () => {
    const value = { city: 'Zürich', emoji: '🚀', cjk: '改善' };
    const encoded = await kaizen(['encode'], { input: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(value))]) });
    expect(encoded.code).toBe(0);
    const decoded = await kaizen(['decode', '--compact'], { input: encoded.stdout });
    expect(JSON.parse(decoded.stdout)).toEqual(value);
  });

  it('applies --delimiter, --length-marker, --no-length-marker and --indent', async () => {
    const nested = { a: { b: USERS.users } };
    const tab = await kaizen(['encode', '--delimiter', 'tab'], { input: JSON.stringify(nested) });
    expect(tab.stdout).toBe(`${encode(nested, { delimiter: '\t' })}\n`);
    expect(tab.stdout).toContain('1\tAda\tadmin');
    const marked = await kaizen(['encode', '--length-marker'], { input: JSON.stringify(USERS) });
    expect(marked.stdout).toContain('users[#3]');
    const none = await kaizen(['encode', '--no-length-marker', '-d', 'pipe'], { input: JSON.stringify(USERS) });
    expect(none.stdout).toBe(`${encode(USERS, { lengthMarker: false, delimiter: '|' })}\n`);
    const indented = await kaizen(['encode', '--indent', '4'], { input: JSON.stringify(nested) });
    expect(indented.stdout).toBe(`${encode(nested, { indent: 4 })}\n`);
    const back = await kaizen(['decode', '--indent', '4', '--compact'], { input: indented.stdout });
    expect(JSON.parse(back.stdout)).toEqual(nested);
  });

  it('decodes leniently with --no-strict what strict mode refuses', async () => {
    const ktof = 'items[3]{id,name}:\n  1,a\n  2,b\n';
    const strict = await kaizen(['decode'], { input: ktof });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/^<stdin>:\d+:\d+: /);
    const lenient = await kaizen(['decode', '--no-strict', '--compact'], { input: ktof });
    expect(lenient.code).toBe(0);
    expect(JSON.parse(lenient.stdout)).toEqual({ items: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }] });
  });
});

describe('errors', () => {
  it('says where a payload id can be decoded when one is decoded in-process', async () => {
    const result = await kaizen(['decode'], { input: 'kz_aaaaaaaaaaaaaaaaaaaaaa\n' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No payload kz_aaaaaaaaaaaaaaaaaaaaaa');
    expect(result.stderr).toContain('decode with --remote');
    expect(result.stdout).toBe('');
    // The KTOF of that very string is quoted, so it decodes in-process as the string.
    const quoted = await kaizen(['encode'], { input: JSON.stringify('kz_aaaaaaaaaaaaaaaaaaaaaa') });
    const back = await kaizen(['decode', '--compact'], { input: quoted.stdout });
    expect(JSON.parse(back.stdout)).toBe('kz_aaaaaaaaaaaaaaaaaaaaaa');
  });

  it('reports invalid JSON as file:line:column with exit 1 and writes nothing', async () => {
    const dir = tempDir();
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{\n  "a": 1,\n  "b": [1, 2,]\n}\n');
    const out = join(dir, 'out.ktof');
    const result = await kaizen(['encode', file, '-o', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`${file}:3:14: invalid JSON: a trailing comma before "]" is not allowed in JSON\n`);
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    ['{"a": 1 "b": 2}', 1, 9, 'expected "," or "}"'],
    ["{'a': 1}", 1, 2, 'double quotes'],
    ['[1, 2', 1, 6, 'end of the input'],
    ['{"a": 01}', 1, 7, 'leading zeros'],
    ['{"s": "tab\there"}', 1, 11, 'inside a string'],
    ['{"a": 1}\n{"b": 2}', 2, 1, 'after the end of the JSON value'],
    ['', 1, 1, 'empty'],
  ])('points at the first bad character of %j', async (input, line, column, words) => {
    const result = await kaizen(['encode'], { input });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`<stdin>:${line}:${column}: invalid JSON: `);
    expect(result.stderr).toContain(words);
    expect(result.stdout).toBe('');
  });

  it('reports broken KTOF as file:line:column with exit 1', async () => {
    const dir = tempDir();
    const file = join(dir, 'reply.ktof');
    writeFileSync(file, 'name: Ada\nusers[2]{id,name}:\n  1,Ada\n  2,Lin,extra\n');
    const result = await kaizen(['decode', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:\\d+: .+\\n$`));
    expect(result.stdout).toBe('');
  });

  it('uses exit 1 for missing files and exit 2 for usage errors', async () => {
    const missing = await kaizen(['encode', 'no-such-file.json']);
    expect(missing).toMatchObject({ code: 1, stderr: 'no-such-file.json: no such file\n' });
    for (const args of [
      ['encode', '--delimiter', 'x'],
      ['encode', '--indent', '0'],
      ['encode', '--length-marker', 'abc'],
      ['encode', '--bogus'],
      ['decode', '-o', 'x.json', '--out-dir', 'y'],
      ['encode', '--api-key', 'k'],
      ['encode', '--remote', 'data.json'],
      ['nonsense'],
      ['convert'],
    ]) {
      const result = await kaizen(args, { input: '{}' });
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });

  it('asks for --out-dir when several inputs would go to stdout', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.json'), '{}');
    writeFileSync(join(dir, 'b.json'), '{}');
    const result = await kaizen(['encode', 'a.json', 'b.json'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--out-dir');
  });
});

describe('files', () => {
  it('writes -o FILE and --out-dir DIR, and keeps going past a bad file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'users.json'), usersJson);
    writeFileSync(join(dir, 'list.json'), '[1,2,3]');
    writeFileSync(join(dir, 'bad.json'), '{"a":');
    const single = await kaizen(['encode', 'users.json', '-o', 'single.ktof'], { cwd: dir });
    expect(single).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(join(dir, 'single.ktof'), 'utf8')).toBe(`${encode(USERS)}\n`);

    const many = await kaizen(['encode', 'users.json', 'bad.json', 'list.json', '--out-dir', 'out'], { cwd: dir });
    expect(many.code).toBe(1);
    expect(many.stderr).toBe('bad.json:1:6: invalid JSON: unexpected the end of the input; expected a value\n');
    expect(readFileSync(join(dir, 'out/users.ktof'), 'utf8')).toBe(`${encode(USERS)}\n`);
    expect(readFileSync(join(dir, 'out/list.ktof'), 'utf8')).toBe(`${encode([1, 2, 3])}\n`);
    expect(existsSync(join(dir, 'out/bad.ktof'))).toBe(false);

    const back = await kaizen(['decode', 'out/users.ktof', 'out/list.ktof', '--out-dir', 'json'], { cwd: dir });
    expect(back.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'json/users.json'), 'utf8'))).toEqual(USERS);
    expect(JSON.parse(readFileSync(join(dir, 'json/list.json'), 'utf8'))).toEqual([1, 2, 3]);
  });

  it('convert picks the direction from the extension and will not overwrite without --force', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'users.json'), usersJson);
    writeFileSync(join(dir, 'reply.toon'), 'ok: true\nitems[2]: 1,2\n');
    const first = await kaizen(['convert', 'users.json', 'reply.toon'], { cwd: dir });
    expect(first).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(join(dir, 'users.ktof'), 'utf8')).toBe(`${encode(USERS)}\n`);
    expect(JSON.parse(readFileSync(join(dir, 'reply.json'), 'utf8'))).toEqual({ ok: true, items: [1, 2] });

    writeFileSync(join(dir, 'users.ktof'), 'keep me');
    const refused = await kaizen(['convert', 'users.json'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(join(dir, 'users.ktof'), 'utf8')).toBe('keep me');
    const forced = await kaizen(['convert', '-f', 'users.json'], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, 'users.ktof'), 'utf8')).toBe(`${encode(USERS)}\n`);

    writeFileSync(join(dir, 'notes.txt'), '{}');
    const unknown = await kaizen(['convert', 'notes.txt'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('.json, .ktof or .toon');
  });
});

describe('progress bar', () => {
  function manyFiles(): string {
    const dir = tempDir();
    for (let i = 0; i < 9; i++) writeFileSync(join(dir, `f${i}.json`), JSON.stringify({ i, rows: USERS.users }));
    return dir;
  }
  const files = Array.from({ length: 9 }, (_, i) => `f${i}.json`);

  it('is never drawn when stderr is not a terminal', async () => {
    const dir = manyFiles();
    const result = await kaizen(['encode', ...files, '--out-dir', 'out'], { cwd: dir });
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: '' });
  });

  it('is drawn on a terminal for many files, and not with --no-progress', async () => {
    const dir = manyFiles();
    const command = (extra: string) => `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN_PATH)} encode ${files.join(' ')} --out-dir out ${extra}`;
    const withBar = await run('script', ['-qec', command(''), '/dev/null'], { cwd: dir });
    expect(withBar.code).toBe(0);
    expect(withBar.stdout).toMatch(/\d+%/);
    const without = await run('script', ['-qec', command('--no-progress'), '/dev/null'], { cwd: dir });
    expect(without.code).toBe(0);
    expect(without.stdout).not.toMatch(/\d+%/);
    expect(existsSync(join(dir, 'out/f8.ktof'))).toBe(true);
  });
});

describe('help and completion', () => {
  it('documents every command and the exit codes', async () => {
    const top = await kaizen(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['encode', 'decode', 'convert', 'stats', 'serve', 'keys', 'completion']) expect(top.stdout).toContain(command);
    for (const command of ['encode', 'decode', 'convert', 'stats']) {
      const help = await kaizen([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Exit codes:');
      expect(help.stdout).toContain('--remote');
    }
  });

  it('prints a bash completion script that bash accepts and that completes commands', async () => {
    const script = await kaizen(['completion', 'bash']);
    expect(script.code).toBe(0);
    const dir = tempDir();
    writeFileSync(join(dir, 'kaizen.bash'), script.stdout);
    const check = await run('bash', ['-c', `source kaizen.bash; COMP_WORDS=(kaizen en); COMP_CWORD=1; _kaizen; echo "\${COMPREPLY[@]}"; COMP_WORDS=(kaizen encode --del); COMP_CWORD=2; _kaizen; echo "\${COMPREPLY[@]}"`], { cwd: dir });
    expect(check.stderr).toBe('');
    expect(check.stdout).toBe('encode\n--delimiter\n');
    for (const shell of ['zsh', 'fish']) expect((await kaizen(['completion', shell])).code).toBe(0);
    expect((await kaizen(['completion', 'tcsh'])).code).toBe(2);
  });
});

describe('round trip property', () => {
  // Each run spawns two processes over a whole folder of generated documents; bounded runs.
  it('decode(encode(x)) == x for generated JSON, through files and through pipes', async () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 100_000);
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue({ maxDepth: 4 }), { minLength: 1, maxLength: 25 }), fc.constantFrom('comma', 'tab', 'pipe'), async (values, delimiter) => {
        runs++;
        const dir = tempDir();
        const names = values.map((value, i) => {
          writeFileSync(join(dir, `v${i}.json`), JSON.stringify(value));
          return `v${i}.json`;
        });
        const encoded = await kaizen(['encode', '--delimiter', delimiter, ...names, '--out-dir', 'k'], { cwd: dir });
        expect(encoded.stderr).toBe('');
        const decoded = await kaizen(['decode', '--compact', ...names.map((n) => `k/${n.replace('.json', '.ktof')}`), '--out-dir', 'j'], { cwd: dir });
        expect(decoded.stderr).toBe('');
        values.forEach((value, i) => expect(JSON.parse(readFileSync(join(dir, `j/v${i}.json`), 'utf8'))).toEqual(JSON.parse(JSON.stringify(value))));
        // One document through a pipe pair as well.
        const first = JSON.stringify(values[0]);
        const piped = await kaizen(['decode', '--compact'], { input: (await kaizen(['encode', '-d', delimiter], { input: first })).stdout });
        expect(JSON.parse(piped.stdout)).toEqual(JSON.parse(first));
      }),
      { numRuns: 6, seed },
    ).catch((error) => {
      throw new Error(`round trip failed (seed ${seed}, ${runs} runs): ${(error as Error).message}`);
    });
  });
});

const BIN_PATH = new URL('../dist/bin.js', import.meta.url).pathname;

describe('numbers a JS number cannot hold', () => {
  it('keep every digit (and -0) through encode and decode', async () => {
    const json = '{"id":12345678901234567890,"next":9007199254740993,"zero":-0,"price":0.1000000000000000000001}';
    const encoded = await kaizen(['encode'], { input: json });
    expect(encoded.stdout).toBe('id: 12345678901234567890\nnext: 9007199254740993\nzero: -0\nprice: 0.1000000000000000000001\n');
    const decoded = await kaizen(['decode', '--compact'], { input: encoded.stdout });
    expect(decoded.stdout).toBe(`${json}\n`);
    const pretty = await kaizen(['decode'], { input: encoded.stdout });
    expect(pretty.stdout).toContain('  "id": 12345678901234567890,\n');
  });
});

describe('an output that is one of the inputs', () => {
  it('is refused before anything is written, by relative path, absolute path or symlink', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x.json'), usersJson);
    writeFileSync(join(dir, 'x.ktof'), encode(USERS));
    symlinkSync(join(dir, 'x.json'), join(dir, 'link.json'));
    const attempts = [
      ['encode', 'x.json', '-o', 'x.json'],
      ['encode', 'x.json', '-o', './sub/../x.json'],
      ['encode', 'x.json', '-o', join(dir, 'x.json')],
      ['encode', 'x.json', '-o', 'link.json'],
      ['encode', 'link.json', '-o', 'x.json'],
      ['decode', 'x.ktof', '-o', 'x.ktof'],
      ['decode', 'x.ktof', 'x.json', '--out-dir', '.'],
      ['convert', 'x.ktof', 'x.json', '--force'],
    ];
    mkdirSync(join(dir, 'sub'));
    for (const args of attempts) {
      const result = await kaizen(args, { cwd: dir });
      expect(result, args.join(' ')).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr, args.join(' ')).toMatch(/is the input .*choose another output/);
    }
    expect(readFileSync(join(dir, 'x.json'), 'utf8')).toBe(usersJson);
    expect(readFileSync(join(dir, 'x.ktof'), 'utf8')).toBe(encode(USERS));
    // The same file under another name is still fine as an output of something else.
    expect((await kaizen(['encode', 'x.json', '-o', 'y.ktof'], { cwd: dir })).code).toBe(0);
  });
});

describe('everyday rough edges', () => {
  it('decodes KTOF written with any --indent without being told', async () => {
    for (const indent of ['1', '4', '8']) {
      const encoded = await kaizen(['encode', '--indent', indent], { input: JSON.stringify({ a: { b: { c: [1, 2] } }, USERS }) });
      const decoded = await kaizen(['decode', '--compact'], { input: encoded.stdout });
      expect(decoded.stderr).toBe('');
      expect(JSON.parse(decoded.stdout)).toEqual({ a: { b: { c: [1, 2] } }, USERS });
    }
    const uneven = await kaizen(['decode'], { input: 'a:\n    b:\n      c: 1\n' });
    expect(uneven.code).toBe(1);
    expect(uneven.stderr).toMatch(/<stdin>:3:7: indentation must be a multiple of 4 spaces/);
  });

  it('says each default once in decode --help', async () => {
    const help = (await kaizen(['decode', '--help'])).stdout;
    expect(help).not.toMatch(/\(default\)\s*\(default/);
    expect(help).toMatch(/--strict\s+check declared lengths[^]*\(default\)/);
  });

  it('completes --delimiter with its values, not file names', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'kaizen.bash'), (await kaizen(['completion', 'bash'])).stdout);
    writeFileSync(join(dir, 'tally.json'), '{}');
    const complete = async (...words: string[]) => {
      const script = `source kaizen.bash; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _kaizen; echo "\${COMPREPLY[*]}"`;
      return (await run('bash', ['-c', script], { cwd: dir })).stdout.trim();
    };
    expect(await complete('kaizen', 'encode', '--delimiter', '')).toBe('comma tab pipe semicolon');
    expect(await complete('kaizen', 'encode', '-d', 't')).toBe('tab');
    expect(await complete('kaizen', 'encode', '--indent', '')).toBe('');
    expect(await complete('kaizen', 'encode', '-d', 'tab', '--ind')).toBe('--indent');
    expect(await complete('kaizen', 'encode', '-d', 'tab', 'ta')).toBe('tally.json');
    expect(await complete('kaizen', 'encode', '-o', 'ta')).toBe('tally.json');
  });
});

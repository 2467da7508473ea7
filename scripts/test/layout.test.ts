/**
 * Each package README's Layout section matches its folders: every file and folder directly
 * under `src/` is named there, and every `src/...` path the section names exists. A module
 * added without a line in its README, or a README line left behind by a move, fails here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const packagesDir = join(root, 'packages');
const packages = readdirSync(packagesDir).filter((name) => existsSync(join(packagesDir, name, 'src')));

/** The text from `## Layout` to the next second-level heading. */
function layoutSection(readme: string): string | undefined {
  const start = readme.search(/^## Layout\b/m);
  if (start < 0) return undefined;
  const rest = readme.slice(start + 1);
  const end = rest.search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe.each(packages)('packages/%s/README.md', (name) => {
  const dir = join(packagesDir, name);
  const section = layoutSection(readFileSync(join(dir, 'README.md'), 'utf8'));

  it('has a Layout section', () => {
    expect(section, 'add a "## Layout" section listing src/').toBeDefined();
  });

  it('names every file and folder directly under src/', () => {
    const missing = readdirSync(join(dir, 'src')).filter((entry) => {
      // A name stands as a path segment: `src/x.ts`, `x.ts`, `x/`, or `x.ts` in a tree block.
      const named = new RegExp(`(^|[\\s\`/|(,])${escape(entry)}(/|\`|[\\s,:)|]|$)`, 'm');
      return !named.test(section ?? '');
    });
    expect(missing, `name these in the Layout section of packages/${name}/README.md`).toEqual([]);
  });

  it('names only src/ paths that exist', () => {
    const named = [...(section ?? '').matchAll(/`(src\/[^`\s]*)`/g)].map((m) => m[1]!.replace(/[,.:]$/, ''));
    expect(named.filter((path) => !existsSync(join(dir, path)))).toEqual([]);
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Collects what a benchmark prints so the results file holds exactly the printed text. */
export class Report {
  private readonly lines: string[] = [];

  print(line = ''): void {
    console.log(line);
    this.lines.push(line);
  }

  table(header: string[], rows: (string | number)[][]): void {
    this.print(`| ${header.join(' | ')} |`);
    this.print(`| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
    for (const r of rows) this.print(`| ${r.join(' | ')} |`);
  }

  /** Writes benchmarks/results/<name>. */
  save(name: string): void {
    const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, this.lines.join('\n') + '\n');
    console.log(`\nwrote ${file}`);
  }
}

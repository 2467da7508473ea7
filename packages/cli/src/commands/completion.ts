/** `kaizen completion bash|zsh|fish`: shell completion generated from the command tree itself. */
import type { Command } from 'commander';
import { usageError } from '../exit.js';
import { action } from '../run.js';

/** Commands and the flags of each, as the completion scripts need them. */
function commandTable(program: Command): { name: string; flags: string[] }[] {
  const flagsOf = (command: Command) => command.options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f)).concat('--help');
  return program.commands.flatMap((command) => {
    const own = { name: command.name(), flags: flagsOf(command) };
    const nested = command.commands.map((sub) => ({ name: `${command.name()} ${sub.name()}`, flags: flagsOf(sub) }));
    return [own, ...nested];
  });
}

/** Words a flag's value can take: its choices, or nothing (a number, a name, a URL). */
const VALUE_WORDS: Record<string, string> = { '--delimiter': 'comma tab pipe semicolon', '--log-level': 'fatal error warn info debug trace silent' };

/** Every flag that takes a required value, so the word after it is not read as a command. */
function valueFlags(program: Command): string[] {
  const flags = new Set<string>();
  const visit = (command: Command) => {
    for (const option of command.options) if (option.required) for (const flag of [option.long, option.short]) if (flag) flags.add(flag);
    command.commands.forEach(visit);
  };
  visit(program);
  return [...flags];
}

/**
 * The `case "$prev"` arms for flags that take a value: the flag's choices, or no completion at
 * all, except for values that are paths (`<file>`, `<dir>`), which complete file names.
 */
function valueCases(program: Command): string {
  const arms = new Map<string, string>();
  const visit = (command: Command) => {
    for (const option of command.options) {
      if (!option.required && !option.optional) continue;
      if (/<(file|dir)>/.test(option.flags)) continue;
      const names = [option.long, option.short].filter((f): f is string => !!f).join('|');
      const words = option.argChoices?.join(' ') ?? (option.long ? VALUE_WORDS[option.long] : undefined);
      arms.set(names, words ? `COMPREPLY=( $(compgen -W "${words}" -- "$cur") ); return ;;` : 'COMPREPLY=(); return ;;');
    }
    command.commands.forEach(visit);
  };
  visit(program);
  // An optional value (--remote [url], --length-marker [chars]) may be followed by a file: leave those alone.
  return [...arms].filter(([names]) => !names.includes('--remote') && !names.includes('--length-marker')).map(([names, arm]) => `    ${names}) ${arm}`).join('\n');
}

function bashScript(program: Command): string {
  const table = commandTable(program);
  const top = table.filter((c) => !c.name.includes(' ')).map((c) => c.name);
  const cases = table
    .map((c) => `    "${c.name}") flags="${c.flags.join(' ')}"; subs="${table.filter((s) => s.name.startsWith(`${c.name} `)).map((s) => s.name.split(' ')[1]).join(' ')}" ;;`)
    .join('\n');
  return `# kaizen bash completion. Install: kaizen completion bash > /etc/bash_completion.d/kaizen (or source it from ~/.bashrc)
_kaizen() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path="" w flags="" subs=""
  case "$prev" in
${valueCases(program)}
  esac
  local takes=" ${valueFlags(program).join(' ')} " last=""
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    if [[ "$takes" == *" $last "* ]]; then last="$w"; continue; fi
    last="$w"
    case "$w" in -*) ;; *) if [ -z "$path" ]; then path="$w"; elif [ "\${path#* }" = "$path" ]; then path="$path $w"; fi ;; esac
  done
  case "$path" in
${cases}
    *) flags="--help --version"; subs="${top.join(' ')}" ;;
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "$flags" -- "$cur") )
  elif [ -n "$subs" ] && [ "\${path#* }" = "$path" ]; then COMPREPLY=( $(compgen -W "$subs" -- "$cur") $(compgen -f -- "$cur") )
  else COMPREPLY=( $(compgen -f -- "$cur") ); fi
}
complete -o filenames -F _kaizen kaizen
`;
}

function zshScript(program: Command): string {
  return `#compdef kaizen
# kaizen zsh completion. Install: kaizen completion zsh > "\${fpath[1]}/_kaizen"
autoload -U bashcompinit && bashcompinit
${bashScript(program)}`;
}

function fishScript(program: Command): string {
  const lines = ['# kaizen fish completion. Install: kaizen completion fish > ~/.config/fish/completions/kaizen.fish', 'complete -c kaizen -f'];
  for (const command of program.commands) {
    lines.push(`complete -c kaizen -n __fish_use_subcommand -a ${command.name()} -d '${command.description().replace(/'/g, "\\'")}'`);
    for (const option of command.options) {
      if (!option.long) continue;
      const words = VALUE_WORDS[option.long];
      const values = words ? ` -x -a '${words}'` : '';
      lines.push(`complete -c kaizen -n '__fish_seen_subcommand_from ${command.name()}' -l ${option.long.slice(2)}${values} -d '${option.description.replace(/'/g, "\\'")}'`);
    }
    lines.push(`complete -c kaizen -n '__fish_seen_subcommand_from ${command.name()}' -F`);
  }
  return `${lines.join('\n')}\n`;
}

const SHELLS: Record<string, (program: Command) => string> = { bash: bashScript, zsh: zshScript, fish: fishScript };

/** Registers `completion`. */
export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('Print a shell completion script (bash, zsh or fish)')
    .argument('[shell]', 'bash, zsh or fish', 'bash')
    .addHelpText('after', '\nExamples:\n  source <(kaizen completion bash)\n  kaizen completion fish > ~/.config/fish/completions/kaizen.fish')
    .action(
      action('completion', async (shell: string) => {
        const script = SHELLS[shell];
        if (!script) throw usageError(`unknown shell "${shell}"; use bash, zsh or fish`);
        process.stdout.write(script(program));
      }),
    );
}

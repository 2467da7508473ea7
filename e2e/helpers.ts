/** Data shared by the end-to-end tests; the processes themselves come from @kaizen/testkit. */

/** A chat prompt with embedded JSON, different for every `seed`, as prompts.encode receives it. */
export function samplePrompt(seed: number): { messages: { role: string; content: string }[] } {
  const rows = Array.from({ length: 8 }, (_, i) => ({ id: seed * 100 + i, name: `user-${seed}-${i}`, active: i % 2 === 0, score: (seed * 7 + i) % 97 }));
  return {
    messages: [
      { role: 'system', content: 'You are a helpful analyst.' },
      { role: 'user', content: `Summarise these accounts:\n${JSON.stringify({ accounts: rows })}` },
    ],
  };
}

/**
 * Secrets the process holds (client secrets, tokens handed to clients), so
 * anything it prints or writes can be scrubbed of them as a last line of
 * defence. The first line is never putting them into messages at all.
 */
const secrets = new Set<string>();

/** Remembers a secret value; short values are ignored (they would scrub ordinary words). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 8) secrets.add(value);
}

/** The text with every registered secret replaced by `***`. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('***');
  return out;
}

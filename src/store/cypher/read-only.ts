/**
 * Saved queries run in read transactions; this check refuses write clauses
 * before they reach the server, with the same message on every database
 * (FalkorDB's Bolt endpoint runs every query with write access).
 */
const WRITE_CLAUSES = /(?<![.\w])(CREATE|MERGE|SET|DELETE|DETACH|REMOVE|DROP|FOREACH|LOAD\s+CSV)\b/i;
const WRITE_PROCEDURES = /\bCALL\s+(db\.(create|index|drop)|dbms\.|apoc\.(create|merge|refactor|periodic|do|cypher\.run)|gds\.)/i;

/** Blanks out comments and string literals so words inside them do not count. */
function codeOnly(text: string): string {
  return text
    .replace(/\/\/[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|`(?:[^`])*`/g, "''");
}

export function writeClauseIn(text: string): string | undefined {
  const code = codeOnly(text);
  return WRITE_CLAUSES.exec(code)?.[1]?.toUpperCase() ?? WRITE_PROCEDURES.exec(code)?.[0];
}

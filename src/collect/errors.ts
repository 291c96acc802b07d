/**
 * The connector's expected failures, kept apart from the code that throws
 * them so the CLI can recognise them without loading the Azure SDKs.
 */

/** Signing in or seeing the tenant failed; the message names the cause and the fix. */
export class ConnectError extends Error {
  override readonly name = 'ConnectError';
}

/** The credential is configured wrongly (missing ids, unreadable secret file, unknown --auth). */
export class CredentialConfigError extends Error {
  override readonly name = 'CredentialConfigError';
}

/**
 * git's answers to bad credentials are many and name nothing useful ("could not read Username for 'https://…':
 * terminal prompts disabled", "Authentication failed", "The requested URL returned error: 403"). This recognises
 * them so the suite can say one thing: `git rejected the credentials for <remote>`.
 */

const AUTH_FAILURE =
  /could not read (Username|Password)|Authentication failed|Invalid username or password|returned error: 40[13]\b|HTTP 40[13]\b|\b40[13] (Unauthorized|Forbidden)|Permission to .* denied|Permission denied \(publickey|terminal prompts disabled|access denied|not authorized/i;

/** True when git's error output says the remote refused the credentials (or asked for some). */
export function isGitAuthFailure(message: string): boolean {
  return AUTH_FAILURE.test(message);
}

/** `git rejected the credentials for <remote> (…): <git's line>`, naming where the credentials come from. */
export function describeGitAuthFailure(
  remote: string,
  message: string,
  source: { usernameEnv?: string; tokenEnv?: string },
): string {
  const from = source.tokenEnv
    ? `token from ${source.tokenEnv}${source.usernameEnv ? `, user from ${source.usernameEnv}` : ''}`
    : 'no git.tokenEnv in the profile, so no credentials were sent';
  const line =
    message
      .split('\n')
      .map((l) => l.trim())
      .find((l) => AUTH_FAILURE.test(l)) ?? message.split('\n')[0]!.trim();
  return `git rejected the credentials for ${remote} (${from}): ${line.replace(/^(fatal|remote|error):\s*/i, '')}`;
}

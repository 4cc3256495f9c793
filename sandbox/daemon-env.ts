/** Env var carrying the already-validated options from the CLI to the daemon process. */
export const OPTIONS_ENV = 'GITOPS_SANDBOX_OPTIONS';

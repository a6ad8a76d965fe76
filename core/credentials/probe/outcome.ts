/** What each provider's probe takes and gives back (`index.ts` adds the time and masks the message). */
export interface ProbeOptions {
  /** The environment the SDKs would read: AWS_ENDPOINT_URL, AWS_REGION, HOME for ~/.aws, … */
  env: Record<string, string | undefined>;
  /** ssh: the host to log in to, and its port (22). */
  host?: string;
  port?: number;
  /** How long to wait for the provider's answer; default 20 s. */
  timeoutMs?: number;
}

export interface ProbeOutcome {
  ok: boolean;
  /** On success, who the provider says we are; on failure, its reason. */
  message: string;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 20_000;

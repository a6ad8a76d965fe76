/**
 * The EC2 client the amazon-ebs steps share: made once per build with the template's endpoint, region and credentials
 * (credentials.ts), and loaded lazily so a build without amazon-ebs never loads the AWS SDK. `describe` turns an SDK
 * error into one line that names the credentials' source when AWS refused them; `poll` is Packer's waiter with aws_polling.
 */
import { CREATE_GRACE_MS, sleep } from '../../engine/retry';
import type { EC2Client, EC2ClientConfig, Filter, Tag } from '@aws-sdk/client-ec2';
import { CANCELLED, err, ok, type Result } from '../../common/result';
import type { AccessSettings } from '../../cloud/aws/access';
import { awsClientSetup, awsErrorCode, describeAwsError } from '../../cloud/aws/client';
import type { BoundAwsCredential } from '../../cloud/aws/credentials';
import { COMPLETED_TAG, RUN_ID_TAG } from '../../cloud/run-tag';

export type Ec2Sdk = typeof import('@aws-sdk/client-ec2');

/** The tag every resource a build creates carries (shared with Azure), so a sweep can find what a killed run left. */
export { RUN_ID_TAG };
export { CREATE_GRACE_MS };
/** On the instance only: which build of the run launched it, so a build's cleanup never touches a sibling build's instance. */
export const BUILD_TAG = 'bakehouse:build';
export { COMPLETED_TAG };

/** The template's tags and the run's own, as EC2 takes them. */
export function tagList(tags: Record<string, string>, runId: string): Tag[] {
  return [...Object.entries(tags).map(([Key, Value]) => ({ Key, Value })), { Key: RUN_ID_TAG, Value: runId }];
}

/** Everything one run made, by its tag. */
export const runFilter = (runId: string): Filter => ({ Name: `tag:${RUN_ID_TAG}`, Values: [runId] });

export class Ec2Driver {
  private constructor(
    readonly sdk: Ec2Sdk,
    readonly client: EC2Client,
    readonly region: string,
    /** Where the credentials came from, in the user's words. */
    readonly credentialsFrom: string,
    private readonly access: AccessSettings,
    private readonly options: EC2ClientConfig,
  ) {}

  /** The same credentials and endpoint in another region (ami_regions copies). */
  async forRegion(region: string): Promise<Ec2Driver> {
    if (region === this.region) return this;
    const client = new this.sdk.EC2Client({ ...this.options, region } as EC2ClientConfig);
    return new Ec2Driver(this.sdk, client, region, this.credentialsFrom, this.access, this.options);
  }

  static async create(access: AccessSettings, env: Record<string, string | undefined>, bound?: BoundAwsCredential): Promise<Result<Ec2Driver>> {
    const setup = await awsClientSetup(access, env, 'ec2', bound);
    if (!setup.ok) return setup;
    const sdk = await import('@aws-sdk/client-ec2');
    const { region, credentialsFrom, options } = setup.value;
    return ok(new Ec2Driver(sdk, new sdk.EC2Client({ ...options, region }), region, credentialsFrom, access, options));
  }

  /** One line for the user; a refused credential names where it came from. */
  describe(e: unknown): string {
    return describeAwsError(e, this.credentialsFrom);
  }

  /** The error's AWS code, e.g. `InvalidAMIID.NotFound`. */
  static code(e: unknown): string {
    return awsErrorCode(e);
  }

  /**
   * Packer's waiters: check at once, then every delay_seconds up to max_attempts (the SDK waiter's defaults, 15 s and 40,
   * unless aws_polling or AWS_POLL_DELAY_SECONDS/AWS_MAX_ATTEMPTS say otherwise). `check` answers done, not yet, or an error.
   * `defaults`: a wait of Packer's own with other defaults (an image import: every 5 s, up to 720 times).
   */
  async poll(
    what: string,
    check: () => Promise<Result<boolean>>,
    signal: AbortSignal,
    env: Record<string, string | undefined>,
    defaults: { delaySeconds: number; maxAttempts: number } = { delaySeconds: 15, maxAttempts: 40 },
  ): Promise<Result> {
    const delay = (this.access.polling.delaySeconds ?? numberFrom(env.AWS_POLL_DELAY_SECONDS) ?? defaults.delaySeconds) * 1000;
    const attempts = this.access.polling.maxAttempts ?? numberFrom(env.AWS_MAX_ATTEMPTS) ?? defaults.maxAttempts;
    for (let i = 1; ; i++) {
      if (signal.aborted) return err(CANCELLED);
      const r = await check();
      if (!r.ok) return r;
      if (r.value) return ok();
      if (i >= attempts) return err(`exceeded ${attempts} wait attempts for ${what}`);
      const slept = await sleep(delay, signal);
      if (!slept) return err(CANCELLED);
    }
  }
}

function numberFrom(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}


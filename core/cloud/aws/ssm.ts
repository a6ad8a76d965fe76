/**
 * SSM's GetParameter, the one Systems Manager call Bakehouse makes (the amazon-parameterstore data source). It speaks
 * SSM's JSON protocol with a Signature Version 4 request over fetch, because @aws-sdk/client-ssm is not installed
 * here (docs/decisions.md says why and when it replaces this). Region, credentials and endpoint come from client.ts.
 */
import { createHash, createHmac } from 'node:crypto';
import { err, ok, type Result } from '../../common/result';
import type { AwsClientSetup } from './client';
import { describeAwsError } from './client';

export interface SsmParameter {
  value: string;
  version: number;
  arn: string;
}

/** An AWS error as the SDK's are shaped (`name` is the code), so describeAwsError words it the same way. */
class AwsError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: Buffer | string, text: string): Buffer => createHmac('sha256', key).update(text, 'utf8').digest();

/** The headers of a SigV4-signed POST of `body` to `url` (AWS's documented algorithm, nothing more); exported for its test. */
export async function signedHeaders(setup: AwsClientSetup, url: URL, target: string, body: string, now: Date): Promise<Record<string, string>> {
  const id = await setup.options.credentials();
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.1',
    host: url.host,
    'x-amz-date': amzDate,
    'x-amz-target': target,
    ...(id.sessionToken ? { 'x-amz-security-token': id.sessionToken } : {}),
  };
  const names = Object.keys(headers).sort();
  const canonical = ['POST', url.pathname || '/', '', ...names.map((n) => `${n}:${headers[n]}`), '', names.join(';'), sha256(body)].join('\n');
  const scope = `${day}/${setup.region}/ssm/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = ['ssm', 'aws4_request'].reduce((k, part) => hmac(k, part), hmac(hmac(`AWS4${id.secretAccessKey}`, day), setup.region));
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  return { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${id.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
}

/** An SSM answer: its JSON, or the error's code (namespace removed) and message. */
export type SsmAnswer = { ok: true; json: Record<string, unknown> } | { ok: false; code: string; message: string };

/** One SSM call (`action` as the API names it, e.g. GetParameter); a transport failure is an error for the user. */
export async function ssmCall(setup: AwsClientSetup, action: string, input: Record<string, unknown>, signal?: AbortSignal): Promise<Result<SsmAnswer, string>> {
  const url = new URL(setup.options.endpoint ?? `https://ssm.${setup.region}.amazonaws.com/`);
  const body = JSON.stringify(input);
  try {
    const headers = await signedHeaders(setup, url, `AmazonSSM.${action}`, body, new Date());
    const res = await fetch(url, { method: 'POST', headers, body, ...(signal ? { signal } : {}) });
    const text = await res.text();
    const json = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    if (res.status < 300) return ok({ ok: true, json });
    // JSON-protocol errors name their code in __type, sometimes prefixed with a namespace and '#'.
    const code = String(json.__type ?? json.code ?? `HTTP ${res.status}`).split('#').pop() ?? '';
    return ok({ ok: false, code, message: String(json.message ?? json.Message ?? '') });
  } catch (e) {
    return err(describeAwsError(e, setup.credentialsFrom));
  }
}

/** GetParameter; an AWS error comes back as Packer words it (ParameterNotFound, ParameterVersionNotFound, the rest). */
export async function getParameter(setup: AwsClientSetup, name: string, withDecryption: boolean, signal?: AbortSignal): Promise<Result<SsmParameter, string>> {
  const answer = await ssmCall(setup, 'GetParameter', { Name: name, WithDecryption: withDecryption }, signal);
  if (!answer.ok) return err(`error to get parameter value: ${JSON.stringify(answer.error)}`);
  const a = answer.value;
  if (!a.ok) {
    if (a.code === 'ParameterNotFound') return err(`The parameter name ${JSON.stringify(name)} not found`);
    if (a.code === 'ParameterVersionNotFound') return err(`The parameter version ${JSON.stringify(name)} not found`);
    return err(`error to get parameter value: ${JSON.stringify(describeAwsError(new AwsError(a.code, a.message), setup.credentialsFrom))}`);
  }
  const p = (a.json.Parameter ?? {}) as { Value?: string; Version?: number; ARN?: string };
  return ok({ value: p.Value ?? '', version: p.Version ?? 0, arn: p.ARN ?? '' });
}

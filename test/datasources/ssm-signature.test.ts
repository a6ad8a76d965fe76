/**
 * ssm.ts signs its requests itself (docs/decisions.md: @aws-sdk/client-ssm is not installed yet). moto does not check
 * signatures, so this checks ours against the AWS SDK's own signer (@smithy/signature-v4, which client-ec2 brings):
 * the same request at the same instant must carry the same Authorization header, with and without a session token.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { signedHeaders } from '../../core/cloud/aws/ssm';

const toBytes = (d: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/** The SDK's hash interface: a key makes it an HMAC, as the signer expects. */
class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

const ID = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

for (const sessionToken of [undefined, 'FwoGZXIvYXdzEXAMPLETOKEN']) {
  test(`our SigV4 header matches the AWS SDK's signer${sessionToken ? ' with a session token' : ''}`, async () => {
    const identity = { ...ID, ...(sessionToken ? { sessionToken } : {}) };
    const setup = { region: 'eu-west-1', credentialsFrom: 'test', options: { credentials: async () => identity, maxAttempts: 1 } };
    const url = new URL('https://ssm.eu-west-1.amazonaws.com/');
    const body = JSON.stringify({ Name: '/app/db', WithDecryption: true });
    const now = new Date('2026-12-07T15:04:05.123Z');
    const ours = await signedHeaders(setup, url, 'AmazonSSM.GetParameter', body, now);
    const signer = new SignatureV4({ credentials: identity, region: 'eu-west-1', service: 'ssm', sha256: Sha256, applyChecksum: false });
    const unsigned = Object.fromEntries(Object.entries(ours).filter(([k]) => k !== 'authorization' && k !== 'x-amz-date' && k !== 'x-amz-security-token'));
    const theirs = await signer.sign({ method: 'POST', protocol: 'https:', hostname: url.hostname, path: '/', query: {}, headers: unsigned, body }, { signingDate: now });
    assert.equal(ours.authorization, theirs.headers.authorization);
    assert.equal(ours['x-amz-date'], theirs.headers['x-amz-date']);
  });
}

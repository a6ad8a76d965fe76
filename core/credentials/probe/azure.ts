/** azure: not tested yet (issue 11 asks for a client-credentials token from the authority and a GET of the subscription). */
import type { Credential } from '../vault';
import type { ProbeOptions, ProbeOutcome } from './outcome';

export async function probeAzure(_credential: Credential, _opts: ProbeOptions): Promise<ProbeOutcome> {
  return { ok: false, message: 'testing azure credentials is not implemented yet' };
}

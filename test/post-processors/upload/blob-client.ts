/**
 * The blob test's own client, run as a child with NODE_EXTRA_CA_CERTS (the only way Node trusts a CA made at test time for
 * every HTTPS agent the SDK makes): `create URL` makes a container, `sha256 URL` prints a blob's SHA-256. Shared key auth.
 */
import { createHash } from 'node:crypto';
import { BlockBlobClient, ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { AZURITE_ACCOUNT, AZURITE_KEY } from '../../support/azurite';

const [what, url] = process.argv.slice(2);
const key = new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY);
void (async () => {
  if (what === 'create') await new ContainerClient(url, key).create();
  else process.stdout.write(createHash('sha256').update(await new BlockBlobClient(url, key).downloadToBuffer()).digest('hex'));
})().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

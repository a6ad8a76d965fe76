import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registryAuth, registryOf } from '../../../core/builders/docker/auth';
import { splitReference } from '../../../core/builders/docker/driver';

const noLogin = { login: false, server: '', username: '', password: '' };

test('registryOf: a host-looking first component is the registry, otherwise Docker Hub', () => {
  assert.equal(registryOf('127.0.0.1:5000/team/app:1'), '127.0.0.1:5000');
  assert.equal(registryOf('registry.example.com/app'), 'registry.example.com');
  assert.equal(registryOf('localhost/app'), 'localhost');
  assert.equal(registryOf('team/app'), 'https://index.docker.io/v1/');
  assert.equal(registryOf('debian'), 'https://index.docker.io/v1/');
});

test('registryAuth: template login fields win; otherwise ~/.docker/config.json (DOCKER_CONFIG) auths', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-dockercfg-'));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      auths: {
        'registry.example.com': { auth: Buffer.from('alice:pa:ss').toString('base64') },
        'https://index.docker.io/v1/': { identitytoken: 'tok' },
      },
    }),
  );
  const env = { DOCKER_CONFIG: dir };
  assert.deepEqual(registryAuth('registry.example.com/app:1', noLogin, env), { username: 'alice', password: 'pa:ss', serveraddress: 'registry.example.com' });
  assert.deepEqual(registryAuth('team/app', noLogin, env), { identitytoken: 'tok', serveraddress: 'https://index.docker.io/v1/' });
  assert.equal(registryAuth('other.example.org/app', noLogin, env), undefined);
  assert.deepEqual(registryAuth('registry.example.com/app', { login: true, server: 'registry.example.com', username: 'bob', password: 'pw' }, env), {
    username: 'bob',
    password: 'pw',
    serveraddress: 'registry.example.com',
  });
  assert.equal(registryAuth('x/y', noLogin, { DOCKER_CONFIG: join(dir, 'missing') }), undefined);
});

test('splitReference: a registry port is not a tag', () => {
  assert.deepEqual(splitReference('127.0.0.1:5000/app'), { repo: '127.0.0.1:5000/app', tag: 'latest' });
  assert.deepEqual(splitReference('127.0.0.1:5000/app:v1'), { repo: '127.0.0.1:5000/app', tag: 'v1' });
  assert.deepEqual(splitReference('debian'), { repo: 'debian', tag: 'latest' });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunCommand } from '../../../core/builders/docker/run-command';
import { assertNothingLeft, requireDocker, runBuild, workDir } from './harness';

test('run_command flags, volumes, tmpfs, cap_drop and privileged reach the container', async () => {
  requireDocker();
  const dir = workDir();
  mkdirSync(join(dir, 'shared'));
  writeFileSync(join(dir, 'shared/host.txt'), 'from host\n');
  const r = await runBuild(
    {
      builder: {
        discard: true,
        run_command: ['-d', '-i', '-t', '-e', 'FROM_RUN=yes', '--workdir=/tmp', '--hostname', 'oven', '--entrypoint=/bin/sh', '--', '{{.Image}}'],
        volumes: { [join(dir, 'shared')]: '/shared' },
        tmpfs: ['/scratch:size=1m'],
        cap_drop: ['CHOWN'],
        container_dir: '/handoff',
      },
      provisioners: [
        [
          'shell',
          {
            inline: [
              'echo "env=$FROM_RUN pwd=$(pwd) host=$(hostname)"',
              'cat /shared/host.txt',
              'echo from container > /shared/out.txt',
              'grep -c " /scratch tmpfs" /proc/mounts',
              'grep -c " /handoff " /proc/mounts',
              'touch /tmp/f && (chown 1:1 /tmp/f 2>/dev/null && echo chown-allowed || echo chown-denied)',
            ],
          },
        ],
      ],
    },
    dir,
  );
  assert.equal(r.summary.builds[0].result, 'succeeded', `${r.summary.builds[0].error}\n${r.log.join('\n')}`);
  for (const line of ['env=yes pwd=/tmp host=oven', 'from host', '1', 'chown-denied']) assert.ok(r.log.includes(line), `${line}\n${r.log.join('\n')}`);
  assert.ok(r.log.some((l) => /^Run command: docker run --tmpfs \/scratch:size=1m --cap-drop CHOWN -v .*\/shared:\/shared -v \/tmp\/bakehouse-docker-[0-9a-f-]+:\/handoff -d -i -t -e FROM_RUN=yes/.test(l)), r.log.join('\n'));
  assert.equal(readFileSync(join(dir, 'shared/out.txt'), 'utf8'), 'from container\n');
  assertNothingLeft(r.runId);
});

test('parseRunCommand reads docker run flags into create options', () => {
  const r = parseRunCommand(['-dit', '--privileged', '-u', 'app', '-l', 'a=b', '--entrypoint', '', '{{.Image}}', 'sleep', 'infinity'], 'img:1');
  assert.ok(r.ok);
  assert.deepEqual(
    { image: r.value.image, cmd: r.value.cmd, tty: r.value.tty, stdin: r.value.openStdin, privileged: r.value.privileged, user: r.value.user, labels: r.value.labels, entrypoint: r.value.entrypoint },
    { image: 'img:1', cmd: ['sleep', 'infinity'], tty: true, stdin: true, privileged: true, user: 'app', labels: { a: 'b' }, entrypoint: [] },
  );
  assert.deepEqual(parseRunCommand(['-d', '--name', 'x', '{{.Image}}'], 'i'), {
    ok: false,
    error: 'run_command: --name is chosen by Bakehouse (it names the container so cleanup can find it); remove it',
  });
  assert.deepEqual(parseRunCommand(['-d', '-i'], 'i'), { ok: false, error: 'run_command: no image given; end it with "{{.Image}}"' });
});

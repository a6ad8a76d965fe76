import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesAny } from '../../core/engine/glob';
import { planRun } from '../../core/engine/plan';
import { build, postProcessor } from './helpers';

test('globs match as Packer matches build names', () => {
  assert.ok(matchesAny('docker.ubuntu', ['docker.*']));
  assert.ok(matchesAny('amazon-ebs.x', ['*.x']));
  assert.ok(matchesAny('b1', ['b[0-9]']));
  assert.ok(matchesAny('vb.two', ['{vb,qemu}.two']));
  assert.ok(!matchesAny('docker.ubuntu', ['docker']));
});

test('-only and -except pick builds by full name or type.source', () => {
  const builds = [build('docker.a', { sourceName: 'a', type: 'docker' }), build('mine.docker.b', { buildName: 'mine', sourceName: 'b', type: 'docker' }), build('null')];
  const names = (only: string[], except: string[]) => planRun(builds, { only, except }).map((b) => b.name);
  assert.deepEqual(names(['docker.*'], []), ['docker.a', 'mine.docker.b']);
  assert.deepEqual(names([], ['docker.b']), ['docker.a', 'null']);
  assert.deepEqual(names([], []), ['docker.a', 'mine.docker.b', 'null']);
});

test('-except skips a named post-processor and drops chains left empty', () => {
  const b = build('null', { postProcessors: [[postProcessor('manifest', {}, { name: 'record' }), postProcessor('checksum', {})], [postProcessor('manifest', {}, { name: 'record' })]] });
  const planned = planRun([b], { only: [], except: ['record'] });
  assert.deepEqual(planned[0].postProcessors.map((c) => c.map((p) => p.type)), [['checksum']]);
});

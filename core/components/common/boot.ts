/** Keystrokes typed into the machine's console at boot, and how the machine is shut down at the end. */
import { problem, type Check } from '../checks';
import { parseDuration } from '../durations';
import { durationField, stringField, stringListField } from '../fields';
import type { FieldSpec } from '../schema';

export const BOOT_FIELDS: FieldSpec[] = [
  durationField('boot_keygroup_interval', 'Pause between groups of keys such as <leftCtrlOn>a<leftCtrlOff>.', { default: '100ms' }),
  durationField('boot_wait', 'Wait this long after starting the machine before typing boot_command.', { default: '10s' }),
  stringListField('boot_command', 'Keystrokes to type at boot; special keys are written like <enter> or <wait5>.'),
];

export const SHUTDOWN_FIELDS: FieldSpec[] = [
  stringField('shutdown_command', 'Command run on the machine to shut it down once provisioning is done.'),
  durationField('shutdown_timeout', 'How long to wait for the machine to stop after shutdown_command.', { default: '5m' }),
];

/** `<waitN>` / `<waitNs>` as Packer's boot command grammar reads them: a whole number of seconds, or a Go duration. */
const WAIT = /<wait((?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+|0|[1-9]\d*)?>/g;

/** Packer refuses a wait duration that is not positive (`<wait0s>`, `<wait-5s>`). */
export const bootCommandCheck: Check = (c) => {
  const out = [];
  for (const command of c.strings('boot_command')) {
    for (const m of command.matchAll(WAIT)) {
      const arg = m[1];
      // A bare number of seconds is never refused (Packer 1.6.6 accepts even <wait0>).
      if (arg === undefined || /^\d+$/.test(arg)) continue;
      const d = parseDuration(arg);
      if (d.ok && d.value <= 0) out.push(problem(`Expecting a positive wait value. Got ${goDurationString(d.value)}`, 'boot_command'));
    }
  }
  return out;
};

/** Go's time.Duration String() for the values a wait can hold. */
export function goDurationString(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let rest = Math.abs(ns);
  if (rest < 1e9) {
    const [unit, size] = rest < 1e3 ? ['ns', 1] : rest < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    return `${sign}${trimNumber(rest / size)}${unit}`;
  }
  const h = Math.floor(rest / 3600e9);
  rest -= h * 3600e9;
  const m = Math.floor(rest / 60e9);
  rest -= m * 60e9;
  const secs = `${trimNumber(rest / 1e9)}s`;
  return `${sign}${h > 0 ? `${h}h${m}m` : m > 0 ? `${m}m` : ''}${secs}`;
}

function trimNumber(n: number): string {
  return String(Number(n.toFixed(9)));
}

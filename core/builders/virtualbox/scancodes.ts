/**
 * Packer's boot command language turned into PC/AT keyboard scancodes (set 1, the set the PC BIOS and VirtualBox's
 * `keyboardputscancode` speak): a key's make code on press, make code + 0x80 on release, and an 0xE0 prefix for the
 * keys the extended keyboard added. Codes are sent in groups of at most 25, and every `<wait>` sends what is pending first.
 */
import { err, ok, type Result } from '../../common/result';
import { parseDuration } from '../../components/durations';

/** One `VBoxManage controlvm <vm> keyboardputscancode …` call, or a pause. */
export type BootAction = { kind: 'keys'; codes: string[] } | { kind: 'wait'; ms: number };

/** Packer sends at most this many scancodes per VBoxManage call. */
export const SCANCODE_GROUP = 25;

/** Set 1 make codes of the US layout's main block, each row left to right as printed on the keys. */
const ROWS: Array<[number, string, string]> = [
  // [first make code, unshifted characters, the same keys shifted]
  [0x02, '1234567890-=', '!@#$%^&*()_+'],
  [0x10, 'qwertyuiop[]', 'QWERTYUIOP{}'],
  [0x1e, "asdfghjkl;'`", 'ASDFGHJKL:"~'],
  [0x2b, '\\zxcvbnm,./', '|ZXCVBNM<>?'],
];

const CHARACTER = new Map<string, { code: number; shift: boolean }>();
for (const [first, plain, shifted] of ROWS) {
  [...plain].forEach((ch, i) => CHARACTER.set(ch, { code: first + i, shift: false }));
  [...shifted].forEach((ch, i) => CHARACTER.set(ch, { code: first + i, shift: true }));
}
CHARACTER.set(' ', { code: 0x39, shift: false });

/** Named keys: their make code, with `extended` for the 0xE0-prefixed keys of the 101-key keyboard. */
const SPECIAL: Record<string, { code: number; extended?: boolean }> = {
  bs: { code: 0x0e },
  del: { code: 0x53, extended: true },
  down: { code: 0x50, extended: true },
  end: { code: 0x4f, extended: true },
  enter: { code: 0x1c },
  return: { code: 0x1c },
  esc: { code: 0x01 },
  f1: { code: 0x3b },
  f2: { code: 0x3c },
  f3: { code: 0x3d },
  f4: { code: 0x3e },
  f5: { code: 0x3f },
  f6: { code: 0x40 },
  f7: { code: 0x41 },
  f8: { code: 0x42 },
  f9: { code: 0x43 },
  f10: { code: 0x44 },
  f11: { code: 0x57 },
  f12: { code: 0x58 },
  home: { code: 0x47, extended: true },
  insert: { code: 0x52, extended: true },
  left: { code: 0x4b, extended: true },
  right: { code: 0x4d, extended: true },
  up: { code: 0x48, extended: true },
  pageup: { code: 0x49, extended: true },
  pagedown: { code: 0x51, extended: true },
  leftalt: { code: 0x38 },
  leftctrl: { code: 0x1d },
  leftshift: { code: 0x2a },
  leftsuper: { code: 0x5b, extended: true },
  rightalt: { code: 0x38, extended: true },
  rightctrl: { code: 0x1d, extended: true },
  rightshift: { code: 0x36 },
  rightsuper: { code: 0x5c, extended: true },
  spacebar: { code: 0x39 },
  tab: { code: 0x0f },
};

const LEFT_SHIFT = 0x2a;
const RELEASE = 0x80;
const hex = (n: number) => n.toString(16).padStart(2, '0');

function keyCodes(code: number, extended: boolean | undefined, up: boolean): string[] {
  const c = hex(up ? code | RELEASE : code);
  return extended ? ['e0', c] : [c];
}

/** Scancodes of one typed character; Packer presses shift, the key, then releases shift before the key. */
function characterCodes(ch: string, press: boolean, release: boolean): string[] | undefined {
  const k = CHARACTER.get(ch);
  if (!k) return undefined;
  const out: string[] = [];
  if (press) out.push(...(k.shift ? [hex(LEFT_SHIFT)] : []), hex(k.code));
  if (release) out.push(...(k.shift ? [hex(LEFT_SHIFT | RELEASE)] : []), hex(k.code | RELEASE));
  return out;
}

const WAIT = /^<wait([0-9]+|(?:-?[0-9]+(?:\.[0-9]+)?(?:ns|us|µs|ms|s|m|h))+)?>/i;
const CHAR_TOGGLE = /^<(.)(on|off)>/i;
const SPECIAL_TAG = /^<([a-z0-9]+?)(on|off)?>/i;

/** Reads a boot command (its `{{ }}` placeholders already filled) into the VBoxManage calls and pauses Packer makes. */
export function planBootCommand(command: string): Result<BootAction[]> {
  const actions: BootAction[] = [];
  let pending: string[][] = [];
  const flush = () => {
    let group: string[] = [];
    for (const codes of pending) {
      if (group.length + codes.length > SCANCODE_GROUP) {
        actions.push({ kind: 'keys', codes: group });
        group = [];
      }
      group.push(...codes);
    }
    if (group.length > 0) actions.push({ kind: 'keys', codes: group });
    pending = [];
  };
  let i = 0;
  while (i < command.length) {
    const rest = command.slice(i);
    const wait = rest.startsWith('<') ? WAIT.exec(rest) : null;
    if (wait) {
      const duration = wait[1];
      let ms = 1000;
      if (duration !== undefined && /^[0-9]+$/.test(duration)) ms = Number(duration) * 1000;
      else if (duration !== undefined) {
        const d = parseDuration(duration);
        if (!d.ok) return err(`boot_command: ${d.error}`);
        ms = d.value / 1e6;
      }
      if (ms <= 0) return err(`boot_command: Expecting a positive wait value. Got ${duration}`);
      flush();
      actions.push({ kind: 'wait', ms });
      i += wait[0].length;
      continue;
    }
    const held = rest.startsWith('<') ? CHAR_TOGGLE.exec(rest) : null;
    if (held && CHARACTER.has(held[1])) {
      const on = held[2].toLowerCase() === 'on';
      pending.push(characterCodes(held[1], on, !on)!);
      i += held[0].length;
      continue;
    }
    const special = rest.startsWith('<') ? SPECIAL_TAG.exec(rest) : null;
    const k = special ? SPECIAL[special[1].toLowerCase()] : undefined;
    if (special && k) {
      const t = special[2]?.toLowerCase();
      const down = keyCodes(k.code, k.extended, false);
      const up = keyCodes(k.code, k.extended, true);
      pending.push(t === 'on' ? down : t === 'off' ? up : [...down, ...up]);
      i += special[0].length;
      continue;
    }
    const ch = String.fromCodePoint(command.codePointAt(i)!);
    const codes = characterCodes(ch, true, true);
    // Packer sends code 00 for characters a US keyboard cannot type; say so instead.
    if (!codes) return err(`boot_command: ${JSON.stringify(ch)} cannot be typed on a US keyboard`);
    pending.push(codes);
    i += ch.length;
  }
  flush();
  return ok(actions);
}

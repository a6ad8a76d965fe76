/**
 * Packer's boot command language, read into key actions QEMU understands (its QKeyCode names): plain characters,
 * special keys such as `<enter>`, held modifiers (`<leftCtrlOn>` … `<leftCtrlOff>`) and pauses (`<wait>`, `<wait5>`, `<wait10s>`).
 * Text that only looks like a tag (`<foo>`) is typed as written, as Packer does.
 */
import { err, ok, type Result } from '../../common/result';
import { parseDuration } from '../../components/durations';

export type KeyAction =
  /** Press and release `keys` together (`['shift', 'a']` types "A"). */
  | { kind: 'tap'; keys: string[] }
  | { kind: 'down'; key: string }
  | { kind: 'up'; key: string }
  | { kind: 'wait'; ms: number };

/** Special keys by their lower-cased name in the boot command. */
const SPECIAL: Record<string, string> = {
  bs: 'backspace',
  del: 'delete',
  enter: 'ret',
  return: 'ret',
  esc: 'esc',
  tab: 'tab',
  spacebar: 'spc',
  insert: 'insert',
  home: 'home',
  end: 'end',
  pageup: 'pgup',
  pagedown: 'pgdn',
  up: 'up',
  down: 'down',
  left: 'left',
  right: 'right',
  menu: 'menu',
  leftalt: 'alt',
  rightalt: 'alt_r',
  leftctrl: 'ctrl',
  rightctrl: 'ctrl_r',
  leftshift: 'shift',
  rightshift: 'shift_r',
  leftsuper: 'meta_l',
  rightsuper: 'meta_r',
  ...Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i + 1}`, `f${i + 1}`])),
};

/** Characters on a US keyboard: the key, and whether shift is held for it. */
const PLAIN: Record<string, string> = {
  ' ': 'spc',
  '-': 'minus',
  '=': 'equal',
  '[': 'bracket_left',
  ']': 'bracket_right',
  '\\': 'backslash',
  ';': 'semicolon',
  "'": 'apostrophe',
  '`': 'grave_accent',
  ',': 'comma',
  '.': 'dot',
  '/': 'slash',
  '\n': 'ret',
  '\t': 'tab',
};
const SHIFTED: Record<string, string> = {
  '!': '1',
  '@': '2',
  '#': '3',
  $: '4',
  '%': '5',
  '^': '6',
  '&': '7',
  '*': '8',
  '(': '9',
  ')': '0',
  _: 'minus',
  '+': 'equal',
  '{': 'bracket_left',
  '}': 'bracket_right',
  '|': 'backslash',
  ':': 'semicolon',
  '"': 'apostrophe',
  '~': 'grave_accent',
  '<': 'comma',
  '>': 'dot',
  '?': 'slash',
};

/** The keys that type one character, or undefined when a US keyboard has no key for it. */
export function keysForChar(ch: string): string[] | undefined {
  if (/^[a-z0-9]$/.test(ch)) return [ch];
  if (/^[A-Z]$/.test(ch)) return ['shift', ch.toLowerCase()];
  if (ch in PLAIN) return [PLAIN[ch]];
  if (ch in SHIFTED) return ['shift', SHIFTED[ch]];
  return undefined;
}

const TAG = /^<([A-Za-z0-9.\-µ]+)>/;

/** Reads one boot_command string (the list's entries are typed one after another). */
export function parseBootCommand(text: string): Result<KeyAction[]> {
  const actions: KeyAction[] = [];
  let i = 0;
  while (i < text.length) {
    const m = text[i] === '<' ? TAG.exec(text.slice(i)) : null;
    const tag = m ? readTag(m[1]) : undefined;
    if (tag && 'error' in tag) return err(tag.error);
    if (m && tag) {
      actions.push(tag);
      i += m[0].length;
      continue;
    }
    const ch = String.fromCodePoint(text.codePointAt(i) ?? 0);
    const keys = keysForChar(ch);
    if (!keys) return err(`boot_command: the character ${JSON.stringify(ch)} at position ${i + 1} cannot be typed on a US keyboard`);
    actions.push({ kind: 'tap', keys });
    i += ch.length;
  }
  return ok(actions);
}

/** A tag's action, an error for a wait that is not positive, or undefined when the text is not a tag and is typed literally. */
function readTag(name: string): KeyAction | { error: string } | undefined {
  const lower = name.toLowerCase();
  const wait = /^wait(.*)$/.exec(lower);
  if (wait) {
    const arg = wait[1];
    if (arg === '') return { kind: 'wait', ms: 1000 };
    if (/^\d+$/.test(arg)) return { kind: 'wait', ms: Number(arg) * 1000 };
    const d = parseDuration(arg);
    if (!d.ok) return undefined;
    if (d.value <= 0) return { error: `boot_command: <${name}>: a wait must be positive` };
    return { kind: 'wait', ms: d.value / 1e6 };
  }
  const held = /^(.+?)(on|off)$/.exec(lower);
  if (held && SPECIAL[held[1]]) return { kind: held[2] === 'on' ? 'down' : 'up', key: SPECIAL[held[1]] };
  if (SPECIAL[lower]) return { kind: 'tap', keys: [SPECIAL[lower]] };
  return undefined;
}

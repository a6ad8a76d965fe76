/**
 * X11 keysyms (what RFB's KeyEvent carries) for the keys the boot-command engine names (QEMU's QKeyCode names,
 * core/builders/qemu/boot-command.ts), so one parser drives both QMP and VNC. A shifted character is sent as Shift
 * held over its unshifted key, as a person types it; VNC servers map keysyms to the US layout's scancodes.
 */
const NAMED: Record<string, number> = {
  spc: 0x20,
  minus: 0x2d,
  equal: 0x3d,
  bracket_left: 0x5b,
  bracket_right: 0x5d,
  backslash: 0x5c,
  semicolon: 0x3b,
  apostrophe: 0x27,
  grave_accent: 0x60,
  comma: 0x2c,
  dot: 0x2e,
  slash: 0x2f,
  ret: 0xff0d,
  tab: 0xff09,
  backspace: 0xff08,
  delete: 0xffff,
  esc: 0xff1b,
  insert: 0xff63,
  home: 0xff50,
  end: 0xff57,
  pgup: 0xff55,
  pgdn: 0xff56,
  up: 0xff52,
  down: 0xff54,
  left: 0xff51,
  right: 0xff53,
  menu: 0xff67,
  alt: 0xffe9,
  alt_r: 0xffea,
  ctrl: 0xffe3,
  ctrl_r: 0xffe4,
  shift: 0xffe1,
  shift_r: 0xffe2,
  meta_l: 0xffeb,
  meta_r: 0xffec,
};

export function keysymFor(key: string): number | undefined {
  if (/^[a-z0-9]$/.test(key)) return key.charCodeAt(0);
  const f = /^f(\d{1,2})$/.exec(key);
  if (f && Number(f[1]) >= 1 && Number(f[1]) <= 12) return 0xffbd + Number(f[1]);
  return NAMED[key];
}

/** The character a US keyboard types for a key with Shift held, for the keys whose shifted keysym differs. */
const SHIFTED: Record<string, string> = {
  '1': '!', '2': '@', '3': '#', '4': '$', '5': '%', '6': '^', '7': '&', '8': '*', '9': '(', '0': ')',
  minus: '_', equal: '+', bracket_left: '{', bracket_right: '}', backslash: '|', semicolon: ':', apostrophe: '"',
  grave_accent: '~', comma: '<', dot: '>', slash: '?',
};

/**
 * The keysyms of keys pressed together, in order. With Shift among them the other keys are sent as the characters
 * they then type ("H", "_"): VNC servers such as QEMU's translate a keysym to the scancodes that type it, adding or
 * dropping Shift to fit, so an unshifted keysym would come out unshifted.
 */
export function keysymsForChord(keys: string[]): number[] | undefined {
  const shifted = keys.some((k) => k === 'shift' || k === 'shift_r');
  const out: number[] = [];
  for (const k of keys) {
    if (shifted && /^[a-z]$/.test(k)) out.push(k.toUpperCase().charCodeAt(0));
    else if (shifted && SHIFTED[k]) out.push(SHIFTED[k]!.charCodeAt(0));
    else {
      const sym = keysymFor(k);
      if (sym === undefined) return undefined;
      out.push(sym);
    }
  }
  return out;
}

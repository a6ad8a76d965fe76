import type { Kind } from './kinds';

export const GALLERY_KINDS: Kind[] = [];

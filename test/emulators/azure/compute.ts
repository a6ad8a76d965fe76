import type { Kind } from './kinds';

export const COMPUTE_KINDS: Kind[] = [];

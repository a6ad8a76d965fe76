/** Which stream of a command a line came from. */
export type OutputStream = 'stdout' | 'stderr';

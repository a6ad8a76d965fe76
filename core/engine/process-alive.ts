/** Whether a process of this machine is alive: signal 0 checks without sending, and another user's process answers EPERM, and is. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

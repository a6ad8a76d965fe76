/**
 * How far each file's upload has got, told through the build's Ui as the run's other long transfers are (message lines
 * the CLI prints and the app's build log shows live): one line each time a file passes another tenth, not one per
 * request, so a multi-gigabyte image gives a dozen lines rather than thousands.
 */
import type { Ui } from '../../engine/plugin';

export type ProgressListener = (bytesSent: number) => void;

const STEPS = 10;

export function fileProgress(ui: Ui, name: string, size: number): ProgressListener {
  let told = 0;
  return (sent) => {
    const step = size === 0 ? STEPS : Math.floor((Math.min(sent, size) / size) * STEPS);
    if (step <= told) return;
    told = step;
    ui.message(`${name}: ${formatBytes(Math.min(sent, size))} of ${formatBytes(size)} (${Math.round((step / STEPS) * 100)}%)`);
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

// Peak-memory measurement for benchmarks. Each bench runs in its own process; the kernel's RSS
// high-water mark minus the RSS just before the measured work is the work's peak growth, with no
// sampling timer that a busy event loop could starve. On Linux the high-water mark is reset at the
// baseline (/proc/self/clear_refs), so a peak during start-up (module loading) is not counted.
import { readFileSync, writeFileSync } from 'node:fs';

export interface MemoryBaseline {
  rssBytes: number;
  heapUsedBytes: number;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** VmHWM from /proc/self/status (bytes), or the lifetime maxRSS where /proc is not there. */
function peakRssBytes(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

export function memoryBaseline(): MemoryBaseline {
  collectGarbage();
  resetPeakRss();
  const { rss, heapUsed } = process.memoryUsage();
  return { rssBytes: rss, heapUsedBytes: heapUsed };
}

/** Peak RSS growth since `baseline`, in bytes (never negative). */
export function peakRssGrowth(baseline: MemoryBaseline): number {
  return Math.max(0, peakRssBytes() - baseline.rssBytes);
}

export const MB = 1024 * 1024;

export function formatMb(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}

// One hostile scenario at a time on this machine: vitest runs test files in parallel, and two
// attacks at once would each measure the other. A directory is the lock (mkdir is atomic); it
// holds the owner's pid, so a lock left by a process that died is taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOCK = join(tmpdir(), 'tcp-playground-hostile.lock');

function ownerAlive(): boolean {
  try {
    const pid = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but is not ours. No pid file yet: it is being taken right now.
    return (err as NodeJS.ErrnoException).code === 'EPERM' || (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

export async function acquireSuiteLock(timeoutMs = 10 * 60_000): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  let staleSince: number | null = null;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        process.off('exit', release);
        rmSync(LOCK, { recursive: true, force: true });
      };
      process.on('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (!ownerAlive()) {
      // Seen dead twice, 200 ms apart, so a lock being created (pid not written yet) is not broken.
      if (staleSince !== null && Date.now() - staleSince > 200) {
        rmSync(LOCK, { recursive: true, force: true });
        staleSince = null;
        continue;
      }
      staleSince ??= Date.now();
    } else {
      staleSince = null;
    }
    if (Date.now() > deadline) throw new Error(`another hostile scenario held ${LOCK} for ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

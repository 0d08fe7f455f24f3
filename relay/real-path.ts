// Files served from a root (the UI's dist/, the packs directory) must really be under it: a URL
// path that stays inside can still name a symbolic link that points anywhere. Both sides are
// resolved to real paths (every link followed) before they are compared.
import { realpath } from 'node:fs/promises';
import { sep } from 'node:path';

export type RealPathCheck = { ok: true; path: string; root: string } | { ok: false; why: 'missing' | 'outside' };

/** The real path of `file` if it exists and lies under the real path of `root`. */
export async function realPathUnder(root: string, file: string): Promise<RealPathCheck> {
  let realRoot: string;
  let real: string;
  try {
    realRoot = await realpath(root);
    real = await realpath(file);
  } catch {
    return { ok: false, why: 'missing' };
  }
  const rootWithSep = realRoot.endsWith(sep) ? realRoot : realRoot + sep;
  if (real !== realRoot && !real.startsWith(rootWithSep)) return { ok: false, why: 'outside' };
  return { ok: true, path: real, root: realRoot };
}

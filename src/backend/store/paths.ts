/**
 * Confinement of the file store to its root folder: nothing outside it is ever read. Relative
 * paths only, no `..` segments, and the real path (after symlinks) must stay inside the root.
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { badRequest } from '../grafana/errors.js';

export function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && rel.split(sep)[0] !== '..');
}

/** Checks a user-supplied relative path before any file system access. */
export function checkRelativePath(path: string): void {
  if (path.includes('\0')) throw badRequest('The path contains a NUL character.');
  if (isAbsolute(path) || /^[A-Za-z]:[\\/]/.test(path)) throw badRequest(`Use a path relative to the root folder, not ${JSON.stringify(path)}.`);
  if (path.split(/[\\/]+/).includes('..')) throw badRequest(`The path ${JSON.stringify(path)} may not contain "..": only files under the root folder can be read.`);
}

/** The real path of `path` (relative to the real root), refusing anything that resolves outside. */
export async function resolveInRoot(realRoot: string, path: string): Promise<string> {
  checkRelativePath(path);
  const real = await realpath(resolve(realRoot, path));
  if (!isInside(realRoot, real)) throw badRequest(`The path ${JSON.stringify(path)} leads outside the root folder and is not read.`);
  return real;
}

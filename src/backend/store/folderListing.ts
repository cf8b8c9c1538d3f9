/**
 * The flow files under a data source's root folder: a recursive walk that skips hidden names and
 * notes beside the flows, follows links only while they stay inside the root, and lists every real
 * file and folder once.
 */
import { realpath, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { downstreamError, throwIfAborted } from '../grafana/errors.js';
import { isInside } from './paths.js';

export interface FlowFileEntry {
  /** Real path, inside the real root. */
  path: string;
  /** Path relative to the root, for messages. */
  name: string;
  size: number;
  mtimeMs: number;
  /** Set for a sub-folder that cannot be listed: reported with the files left out, never read. */
  unreadable?: string;
}

const MAX_FILES = 10_000;
const MAX_DEPTH = 8;

// Documentation and metadata that often sit beside flow files; never parsed as flows.
const NOT_FLOWS = new Set(['.md', '.json', '.yaml', '.yml', '.html', '.pdf', '.png', '.jpg', '.jpeg', '.svg', '.py', '.ipynb', '.sh']);

/** The real path of the flow folder `root`, or a downstream error saying what to fix. */
export async function realFolder(root: string): Promise<string> {
  let st;
  try {
    st = await stat(root);
  } catch {
    throw downstreamError(`The flow folder ${root} does not exist — set 'Root folder' in the data source settings.`, 502);
  }
  if (!st.isDirectory()) throw downstreamError(`The flow folder ${root} is a file, not a folder — set 'Root folder' to the folder that holds the flow files.`, 502);
  return realpath(root);
}

/**
 * Every regular file under the root (recursively), skipping hidden names and escaping links,
 * each once: a link to a file or folder listed elsewhere under the root (`current ->
 * 2011-08-16.binetflow`) would count its flows twice. A sub-folder that cannot be listed (a
 * `lost+found`) is an entry with `unreadable` set rather than the end of every query.
 */
export async function listFlowFiles(root: string, readdir: (dir: string) => Promise<string[]>, signal: AbortSignal): Promise<FlowFileEntry[]> {
  const realRoot = await realFolder(root);
  const out: FlowFileEntry[] = [];
  /** Index in `out` of each real file listed: a second name for it replaces the first only when it is the file's own. */
  const listed = new Map<string, number>();
  /**
   * Real folders walked: each once. A link back up (`latest -> .`) made the walk revisit the tree
   * under every name, (links + 1)^depth folders: 23 s for 20 files and three such links.
   */
  const walked = new Set<string>([realRoot]);
  const linked: { real: string; relName: string; depth: number }[] = [];
  const walk = async (dir: string, rel: string, depth: number): Promise<void> => {
    throwIfAborted(signal);
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      if (rel === '') throw downstreamError(`The flow folder ${root} cannot be read (${code}) — check its permissions.`, 502, err);
      out.push({ path: dir, name: `${rel}/`, size: 0, mtimeMs: 0, unreadable: `this folder cannot be read (${code}) — check its permissions` });
      return;
    }
    const entries: { name: string; real: string }[] = [];
    for (const name of names) {
      if (name.startsWith('.')) continue;
      try {
        entries.push({ name, real: await realpath(join(dir, name)) });
      } catch {
        continue; // dangling link
      }
    }
    for (const { name, real } of entries) {
      if (!isInside(realRoot, real)) continue;
      const st = await stat(real);
      const relName = rel ? `${rel}/${name}` : name;
      if (st.isDirectory()) {
        if (depth >= MAX_DEPTH || walked.has(real)) continue;
        // a link to a folder waits until the tree has been walked under its own names
        if (real !== join(dir, name)) {
          linked.push({ real, relName, depth: depth + 1 });
          continue;
        }
        walked.add(real);
        await walk(real, relName, depth + 1);
      } else if (st.isFile() && !NOT_FLOWS.has(extname(name).toLowerCase())) {
        const before = listed.get(real);
        if (before !== undefined) {
          if (join(realRoot, relName) === real) out[before]!.name = relName;
          continue;
        }
        listed.set(real, out.length);
        out.push({ path: real, name: relName, size: st.size, mtimeMs: st.mtimeMs });
        if (out.length > MAX_FILES) throw downstreamError(`The flow folder holds more than ${MAX_FILES} files — point 'Root folder' at a narrower folder.`, 502);
      }
    }
  };
  await walk(realRoot, '', 0);
  // then the linked folders the walk did not reach by their own names (under a hidden folder, or
  // deeper than it goes), each once, under the link's name
  for (let k = 0; k < linked.length; k++) {
    const { real, relName, depth } = linked[k]!;
    if (walked.has(real)) continue;
    walked.add(real);
    await walk(real, relName, depth);
  }
  return out;
}

// Whether a build output is newer than every file it is built from (what bin/flowlens.cjs checks
// before running the CLI bundle instead of the sources). Plain CommonJS: it runs before tsx, and
// the launcher avoids node's ESM loader (0.04 s of start-up).
'use strict';
const { readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

/** The latest modification time (ms) of `path`, or of any file below it when it is a folder. */
function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let latest = st.mtimeMs;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const t = newest(join(path, entry.name));
    if (t > latest) latest = t;
  }
  return latest;
}

/** True when `output` exists and no file under `inputs` changed after it was written. */
function isFresh(output, inputs) {
  let built;
  try {
    built = statSync(output).mtimeMs;
  } catch {
    return false;
  }
  return inputs.every((input) => newest(input) <= built);
}

module.exports = { isFresh };

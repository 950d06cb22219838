// Renders every sound cue into `<dir>/sounds/<cue>.wav` for the mini-game packages, which can
// play only audio files they ship. Usage: node render-cues.mjs <dir>
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { CUES, cueFile, renderCue, wavFile } from '../src/cues.js';

const [dir] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node render-cues.mjs <dir>');
  process.exit(2);
}
for (const [name, notes] of CUES) {
  const path = join(dir, cueFile(name));
  mkdirSync(dirname(path), { recursive: true });
  // Whole files only: a build stopped midway leaves no truncated sound behind.
  writeFileSync(`${path}.partial`, wavFile(renderCue(notes)));
  renameSync(`${path}.partial`, path);
}

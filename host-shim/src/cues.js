// The game's sound cues, one table for every host. A browser synthesises each cue live with
// WebAudio; the mini-game containers can play only audio files from the package, so the build
// renders the same notes into WAV files (`renderCue`, `wavFile`) that the mini-game adapter plays.

/**
 * The sound of each feedback flag: notes of `[frequency Hz, start s, length s]`, played as a
 * triangle wave fading out exponentially. The first flag present in this order plays.
 */
export const CUES = [
  ['win', [[523, 0, 0.12], [659, 0.12, 0.12], [784, 0.24, 0.3]]],
  ['end', [[330, 0, 0.2], [247, 0.18, 0.35]]],
  ['special', [[880, 0, 0.08], [1320, 0.06, 0.12]]],
  ['clear', [[660, 0, 0.07]]],
  ['move', [[440, 0, 0.04]]],
];

/** Loudness of a note's peak (0..1): cues sit under whatever else the player listens to. */
export const CUE_GAIN = 0.06;

/** Where a note's exponential fade ends (WebAudio cannot ramp exponentially to zero). */
export const CUE_FADE_FLOOR = 0.0001;

/**
 * Sample rate of the rendered files. 16 kHz keeps the highest note's harmonics that matter
 * (1,320 Hz × 5 < 8 kHz Nyquist) at a third of 48 kHz's size, and is one of the rates every
 * container decodes (Douyin names 8, 11.025, 16, 22.05, 24, 32, 44.1 and 48 kHz).
 */
export const CUE_SAMPLE_RATE = 16_000;

/** Package path of a cue's file, relative to the mini-game's root. */
export function cueFile(name) {
  return `sounds/${name}.wav`;
}

/** The cue played for a frame's feedback flags (`names`: a Set), or undefined. */
export function cueFor(names) {
  return CUES.find(([name]) => names.has(name));
}

/** Length of a cue in seconds: where its last note ends. */
export function cueSeconds(notes) {
  return Math.max(...notes.map(([, at, length]) => at + length));
}

/** A triangle wave of period 1 at phase `t` (cycles), in -1..1, starting at 0 and rising. */
function triangle(t) {
  const phase = t - Math.floor(t);
  if (phase < 0.25) return 4 * phase;
  if (phase < 0.75) return 2 - 4 * phase;
  return 4 * phase - 4;
}

/**
 * The cue's samples at `sampleRate`, 16-bit signed: each note a triangle wave whose gain falls
 * from CUE_GAIN to CUE_FADE_FLOOR exponentially over its length, as the browser plays it.
 * Overlapping notes add up.
 */
export function renderCue(notes, sampleRate = CUE_SAMPLE_RATE) {
  const samples = new Float64Array(Math.ceil(cueSeconds(notes) * sampleRate));
  for (const [frequency, at, length] of notes) {
    const first = Math.round(at * sampleRate);
    const count = Math.round(length * sampleRate);
    const decay = Math.log(CUE_FADE_FLOOR / CUE_GAIN) / count;
    for (let i = 0; i < count && first + i < samples.length; i += 1) {
      samples[first + i] += CUE_GAIN * Math.exp(decay * i) * triangle((frequency * i) / sampleRate);
    }
  }
  return Int16Array.from(samples, (value) => Math.round(Math.max(-1, Math.min(1, value)) * 32_767));
}

/** A mono 16-bit PCM WAV file (RIFF) holding `samples`. */
export function wavFile(samples, sampleRate = CUE_SAMPLE_RATE) {
  const dataBytes = samples.length * 2;
  const bytes = new Uint8Array(44 + dataBytes);
  const view = new DataView(bytes.buffer);
  const ascii = (at, text) => [...text].forEach((char, i) => view.setUint8(at + i, char.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true); // size of the format chunk
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true); // bytes per second
  view.setUint16(32, 2, true); // bytes per frame
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  samples.forEach((sample, i) => view.setInt16(44 + i * 2, sample, true));
  return bytes;
}

/** A note: frequency in Hz, start and length in seconds. */
export type Note = [number, number, number];
export const CUES: Array<[string, Note[]]>;
export const CUE_GAIN: number;
export const CUE_FADE_FLOOR: number;
export const CUE_SAMPLE_RATE: number;
export function cueFile(name: string): string;
export function cueFor(names: Set<string>): [string, Note[]] | undefined;
export function cueSeconds(notes: Note[]): number;
export function renderCue(notes: Note[], sampleRate?: number): Int16Array;
export function wavFile(samples: Int16Array, sampleRate?: number): Uint8Array;

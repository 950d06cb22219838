// The sound cues: the files rendered for the mini-game packages, and how the mini-game adapter
// plays them.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { CUES, CUE_FADE_FLOOR, CUE_GAIN, CUE_SAMPLE_RATE, cueFile, cueFor, cueSeconds, renderCue, wavFile } from '../src/cues.js';
import { minigameAdapter } from '../src/adapters/minigame.js';

test('a cue renders to its length in samples, peaking near its gain and fading out', () => {
  const notes = CUES.find(([name]) => name === 'clear')[1];
  const samples = renderCue(notes);
  assert.equal(samples.length, Math.ceil(0.07 * CUE_SAMPLE_RATE));
  const peak = Math.max(...samples.map(Math.abs)) / 32_767;
  // A triangle reaches its full height within the first period of 660 Hz, before the fade
  // takes more than a few percent.
  assert.ok(peak > CUE_GAIN * 0.9 && peak <= CUE_GAIN, `peak ${peak}`);
  const tail = samples.slice(-20).reduce((most, sample) => Math.max(most, Math.abs(sample)), 0);
  assert.ok(tail / 32_767 <= 2 * CUE_FADE_FLOOR, `the last samples have faded to the floor (${tail})`);
});

test('overlapping notes add up and the cue ends where its last note does', () => {
  const win = CUES.find(([name]) => name === 'win')[1];
  assert.equal(cueSeconds(win), 0.54);
  assert.equal(renderCue(win).length, Math.ceil(0.54 * CUE_SAMPLE_RATE));
});

test('a WAV file holds a mono 16-bit PCM header and the samples as written', () => {
  const samples = Int16Array.from([0, 1, -1, 32_767, -32_768]);
  const bytes = wavFile(samples, 16_000);
  const view = new DataView(bytes.buffer);
  const ascii = (at) => String.fromCharCode(...bytes.slice(at, at + 4));
  assert.deepEqual([ascii(0), ascii(8), ascii(12), ascii(36)], ['RIFF', 'WAVE', 'fmt ', 'data']);
  assert.equal(view.getUint32(4, true), bytes.length - 8);
  assert.deepEqual(
    [view.getUint16(20, true), view.getUint16(22, true), view.getUint32(24, true), view.getUint32(28, true), view.getUint16(32, true), view.getUint16(34, true)],
    [1, 1, 16_000, 32_000, 2, 16],
  );
  assert.equal(view.getUint32(40, true), 10);
  assert.deepEqual([...samples.keys()].map((i) => view.getInt16(44 + 2 * i, true)), [...samples]);
});

test('the first flag in the cue order decides what a frame sounds like', () => {
  assert.equal(cueFor(new Set(['move', 'clear', 'win']))[0], 'win');
  assert.equal(cueFor(new Set(['move', 'clear']))[0], 'clear');
  assert.equal(cueFor(new Set(['nothing'])), undefined);
});

/** A platform object that records its inner audio contexts. */
function fakeApi() {
  const contexts = [];
  return {
    contexts,
    createInnerAudioContext(options) {
      const context = {
        options, src: '', plays: 0, stops: 0, destroyed: false, errorHandlers: [],
        play() { this.plays += 1; },
        stop() { this.stops += 1; },
        destroy() { this.destroyed = true; },
        onError(handler) { this.errorHandlers.push(handler); },
      };
      contexts.push(context);
      return context;
    },
    getSystemInfoSync: () => ({ windowWidth: 375, windowHeight: 812, pixelRatio: 2 }),
  };
}

function adapterFor(platform, api) {
  return minigameAdapter({ platform, global: { TextEncoder, TextDecoder }, api, webAssembly: {} });
}

test('the mini-game adapter plays each cue from its package file, one context per cue', () => {
  const api = fakeApi();
  const adapter = adapterFor('wechat', api);
  adapter.feedback(new Set(['move']), { sound: true, vibration: false });
  adapter.feedback(new Set(['move']), { sound: true, vibration: false });
  adapter.feedback(new Set(['clear', 'move']), { sound: true, vibration: false });
  assert.deepEqual(api.contexts.map((context) => [context.src, context.plays]), [
    [cueFile('move'), 2],
    [cueFile('clear'), 1],
  ]);
  assert.deepEqual(api.contexts[0].options, { useWebAudioImplement: true }, 'WeChat plays short sounds through WebAudio');
  assert.deepEqual(adapter.sound(), { cuesPlayed: 3, failed: [] });
});

test('Alipay takes absolute package paths and no options', () => {
  const api = fakeApi();
  adapterFor('alipay', api).feedback(new Set(['win']), {});
  assert.equal(api.contexts[0].src, `/${cueFile('win')}`);
  assert.equal(api.contexts[0].options, undefined);
});

test('sound switched off in the settings plays nothing', () => {
  const api = fakeApi();
  adapterFor('douyin', api).feedback(new Set(['win']), { sound: false, vibration: false });
  assert.equal(api.contexts.length, 0);
});

test('a cue whose file fails to load is dropped, and the others still play', () => {
  const api = fakeApi();
  const adapter = adapterFor('douyin', api);
  adapter.feedback(new Set(['clear']), {});
  api.contexts[0].errorHandlers.forEach((handler) => handler({ errCode: 10004 }));
  adapter.feedback(new Set(['clear']), {});
  adapter.feedback(new Set(['move']), {});
  assert.equal(api.contexts[0].plays, 1, 'the broken cue was not played again');
  assert.equal(api.contexts[0].destroyed, true, 'its context was released');
  assert.equal(api.contexts[1].plays, 1);
  assert.deepEqual(adapter.sound(), { cuesPlayed: 2, failed: ['clear'] });
});

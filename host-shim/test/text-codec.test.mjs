// The mini-game UTF-8 codec, checked against Node's own TextEncoder/TextDecoder: whatever the
// native codec does with a string or a byte sequence, the polyfill must do the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';
import { Utf8Encoder, Utf8Decoder, installTextCodec } from '../src/minigame/text-codec.js';

const bytes = (...values) => new Uint8Array(values);

/** Decodes with both codecs; returns each result or the error's constructor. */
function decodeBoth(input, options = {}) {
  const run = (Decoder) => {
    try {
      return new Decoder('utf-8', options).decode(input);
    } catch (error) {
      return error.constructor;
    }
  };
  return { ours: run(Utf8Decoder), native: run(TextDecoder) };
}

function assertDecodesLikeNative(input, options) {
  const { ours, native } = decodeBoth(input, options);
  assert.deepEqual(ours, native, `decoding [${Array.from(input, (b) => b.toString(16))}]`);
  return ours;
}

/** A small seeded generator (mulberry32) so fuzz failures can be replayed. */
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SAMPLES = {
  ascii: 'Hello, PlayProof! 0123456789 ~',
  'two-byte': 'café ñ ß Ω П',
  'three-byte': '€ 中文 日本語 한국어 \u0800 \uffff',
  'four-byte': '𝄞 𠜎 \u{10000} \u{10ffff}',
  emoji: '👋🏽 👨‍👩‍👧 🎮🔥',
};

for (const [name, text] of Object.entries(SAMPLES)) {
  test(`${name} text encodes to the same bytes as native and decodes back`, () => {
    const encoded = new Utf8Encoder().encode(text);
    assert.ok(encoded instanceof Uint8Array);
    assert.deepEqual(encoded, new TextEncoder().encode(text));
    assert.equal(new Utf8Decoder().decode(encoded), text);
  });
}

test('the encoder reports utf-8 and converts non-string input like native', () => {
  const encoder = new Utf8Encoder();
  assert.equal(encoder.encoding, 'utf-8');
  assert.deepEqual(encoder.encode(), new Uint8Array(0));
  for (const input of [undefined, null, 42, true, { toString: () => 'obj' }]) {
    assert.deepEqual(encoder.encode(input), new TextEncoder().encode(input));
  }
});

test('lone surrogates encode as U+FFFD (EF BF BD) and surrogate pairs as four bytes', () => {
  const cases = ['\ud800', '\udbff', '\udc00', '\udfff', 'a\ud83dz', 'a\ude00z', '\ude00\ud83d', '\ud83d\ude00', '\ud83d\ud83d\ude00'];
  for (const text of cases) {
    assert.deepEqual(new Utf8Encoder().encode(text), new TextEncoder().encode(text), JSON.stringify(text));
  }
  assert.deepEqual(new Utf8Encoder().encode('\ud800'), bytes(0xef, 0xbf, 0xbd));
  assert.deepEqual(new Utf8Encoder().encode('\ud83d\ude00'), bytes(0xf0, 0x9f, 0x98, 0x80));
});

test('encodeInto a too-small destination stops before a partial character, like native', () => {
  const text = 'a€𝄞b\ud800c';
  const full = new TextEncoder().encode(text).length;
  for (let size = 0; size <= full + 2; size += 1) {
    const ours = new Uint8Array(size).fill(0xaa);
    const native = new Uint8Array(size).fill(0xaa);
    assert.deepEqual(new Utf8Encoder().encodeInto(text, ours), new TextEncoder().encodeInto(text, native), `size ${size}`);
    assert.deepEqual(ours, native, `bytes at size ${size}`);
  }
  assert.throws(() => new Utf8Encoder().encodeInto('a', [0]), TypeError);
});

test('a leading BOM is stripped once per stream unless ignoreBOM is set', () => {
  const withBom = bytes(0xef, 0xbb, 0xbf, 0x68, 0x69);
  const twoBoms = bytes(0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x68);
  for (const options of [{}, { ignoreBOM: true }]) {
    assert.equal(assertDecodesLikeNative(withBom, options), options.ignoreBOM ? '\ufeffhi' : 'hi');
    assertDecodesLikeNative(twoBoms, options);
    assertDecodesLikeNative(bytes(0x68, 0xef, 0xbb, 0xbf), options);
  }
  // A BOM split across stream chunks is still recognised; a later one is kept.
  const decoder = new Utf8Decoder();
  assert.equal(decoder.decode(bytes(0xef, 0xbb), { stream: true }), '');
  assert.equal(decoder.decode(bytes(0xbf, 0x61), { stream: true }), 'a');
  assert.equal(decoder.decode(bytes(0xef, 0xbb, 0xbf)), '\ufeff');
  // A finished (non-stream) call starts the next one fresh.
  assert.equal(decoder.decode(withBom), 'hi');
  assert.equal(new Utf8Decoder('utf-8', { ignoreBOM: true }).ignoreBOM, true);
  assert.equal(new Utf8Decoder().ignoreBOM, false);
});

const INVALID = {
  'lone continuation bytes': [[0x80], [0xbf], [0x61, 0x80, 0x80, 0x62]],
  'overlong two-byte leads C0 and C1': [[0xc0, 0x80], [0xc1, 0xbf], [0xc0, 0xaf, 0x61]],
  'overlong three-byte E0 80..9F': [[0xe0, 0x80, 0x80], [0xe0, 0x9f, 0xbf], [0xe0, 0x80]],
  'overlong four-byte F0 80..8F': [[0xf0, 0x80, 0x80, 0x80], [0xf0, 0x8f, 0xbf, 0xbf]],
  'encoded surrogates ED A0..BF': [[0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xed, 0xa0, 0x80, 0xed, 0xb0, 0x80]],
  'code points above U+10FFFF': [[0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xf7, 0xbf, 0xbf, 0xbf], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xfc, 0x84, 0x80, 0x80, 0x80, 0x80], [0xfe], [0xff]],
  'truncated sequences': [[0xc2], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0x61, 0xe2, 0x82, 0x62], [0xf0, 0x9f, 0x61], [0xe2, 0xf0, 0x9f, 0x98, 0x80]],
};

for (const [name, cases] of Object.entries(INVALID)) {
  test(`${name} become the same U+FFFDs as native, and throw TypeError when fatal`, () => {
    for (const values of cases) {
      const input = new Uint8Array(values);
      const replaced = assertDecodesLikeNative(input);
      assert.ok(replaced.includes('\ufffd'));
      assert.equal(decodeBoth(input, { fatal: true }).native, TypeError);
      assertDecodesLikeNative(input, { fatal: true });
    }
  });
}

test('maximal subparts: each valid prefix collapses to one U+FFFD', () => {
  const decoder = new Utf8Decoder();
  assert.equal(decoder.decode(bytes(0xf0, 0x9f, 0x98, 0x41)), '\ufffdA');
  assert.equal(decoder.decode(bytes(0xe0, 0x80, 0x80)), '\ufffd\ufffd\ufffd');
  assert.equal(decoder.decode(bytes(0xed, 0xa0, 0x80)), '\ufffd\ufffd\ufffd');
  assert.equal(decoder.decode(bytes(0xf4, 0x90, 0x80, 0x80)), '\ufffd\ufffd\ufffd\ufffd');
});

test('fatal mode accepts valid text and reports its flag', () => {
  const decoder = new Utf8Decoder('utf-8', { fatal: true });
  assert.equal(decoder.fatal, true);
  assert.equal(new Utf8Decoder().fatal, false);
  const text = Object.values(SAMPLES).join('');
  assert.equal(decoder.decode(new TextEncoder().encode(text)), text);
  // After a throw the decoder is usable again.
  assert.throws(() => decoder.decode(bytes(0xe2, 0x82), { stream: false }), TypeError);
  assert.equal(decoder.decode(bytes(0x6f, 0x6b)), 'ok');
});

test('streaming decode of multi-byte text split at every byte offset matches native', () => {
  const text = 'a€𝄞 中 👨‍👩‍👧 ñ\u{10ffff}z';
  const encoded = new TextEncoder().encode(text);
  for (let cut = 0; cut <= encoded.length; cut += 1) {
    const ours = new Utf8Decoder();
    const native = new TextDecoder();
    const first = encoded.subarray(0, cut);
    const rest = encoded.subarray(cut);
    const oursOut = ours.decode(first, { stream: true }) + ours.decode(rest);
    const nativeOut = native.decode(first, { stream: true }) + native.decode(rest);
    assert.equal(oursOut, nativeOut, `cut at ${cut}`);
    assert.equal(oursOut, text);
  }
  // Byte by byte, with invalid bytes mixed in, then a flush of a dangling prefix.
  const messy = bytes(0xef, 0xbb, 0xbf, 0xe2, 0x82, 0xac, 0xe2, 0x41, 0xf0, 0x9f, 0x98, 0x80, 0xc0, 0xed, 0xa0, 0xf0, 0x9f);
  const ours = new Utf8Decoder();
  const native = new TextDecoder();
  let oursOut = '';
  let nativeOut = '';
  for (const byte of messy) {
    oursOut += ours.decode(bytes(byte), { stream: true });
    nativeOut += native.decode(bytes(byte), { stream: true });
  }
  oursOut += ours.decode();
  nativeOut += native.decode();
  assert.equal(oursOut, nativeOut);
});

test('a streamed partial sequence survives the caller reusing its buffer', () => {
  // Hosts read from wasm memory, which is overwritten between calls.
  const scratch = bytes(0x61, 0xe2, 0x82);
  const decoder = new Utf8Decoder();
  assert.equal(decoder.decode(scratch, { stream: true }), 'a');
  scratch.set([0xac, 0x62, 0x63]);
  assert.equal(decoder.decode(scratch), '€bc');
});

test('labels: utf-8 aliases are accepted case-insensitively and trimmed, others are a RangeError', () => {
  for (const label of ['utf-8', 'UTF-8', 'utf8', 'Utf8', 'unicode-1-1-utf-8', ' \t\n utf-8 \f\r', undefined]) {
    assert.equal(new Utf8Decoder(label).encoding, 'utf-8', String(label));
    assert.equal(new TextDecoder(label).encoding, 'utf-8');
  }
  // Native Node also knows other encodings (it accepts 'latin1'); the polyfill is UTF-8 only.
  for (const label of ['latin1', 'utf-16le', 'windows-1252']) {
    assert.throws(() => new Utf8Decoder(label), RangeError, label);
  }
  for (const label of ['utf-8x', '', 'utf\u00a0-8', 'utf-8\u00a0']) {
    assert.throws(() => new Utf8Decoder(label), RangeError, JSON.stringify(label));
    assert.throws(() => new TextDecoder(label), RangeError);
  }
});

test('input may be absent, an ArrayBuffer, a subarray view, a DataView or another typed array', () => {
  const encoded = new TextEncoder().encode('xx€yy');
  const decoder = new Utf8Decoder();
  assert.equal(decoder.decode(), '');
  assert.equal(decoder.decode(undefined), '');
  assert.equal(decoder.decode(encoded.slice().buffer), 'xx€yy');
  const view = encoded.subarray(2, 5);
  assert.notEqual(view.byteOffset, 0);
  assert.equal(decoder.decode(view), '€');
  assert.equal(decoder.decode(new DataView(encoded.buffer, 2, 3)), '€');
  assert.equal(decoder.decode(new Int8Array(encoded.buffer, 2, 3)), '€');
  assert.equal(decoder.decode(new Uint16Array(bytes(0x68, 0x69).buffer)), new TextDecoder().decode(new Uint16Array(bytes(0x68, 0x69).buffer)));
  for (const bad of [null, 'abc', 5, [0x61]]) {
    assert.throws(() => decoder.decode(bad), TypeError);
    assert.throws(() => new TextDecoder().decode(bad), TypeError);
  }
});

test('typed arrays and buffers from another JS realm are decoded', () => {
  const foreign = vm.runInNewContext('new Uint8Array([0xe2, 0x82, 0xac])');
  assert.equal(foreign instanceof Uint8Array, false);
  assert.equal(new Utf8Decoder().decode(foreign), '€');
  assert.equal(new Utf8Decoder().decode(foreign.buffer), '€');
  const foreignView = vm.runInNewContext('new DataView(new Uint8Array([0x61, 0xc3, 0xa9]).buffer, 1)');
  assert.equal(new Utf8Decoder().decode(foreignView), 'é');
  const foreignDest = vm.runInNewContext('new Uint8Array(4)');
  assert.deepEqual(new Utf8Encoder().encodeInto('é', foreignDest), { read: 1, written: 2 });
});

test('a 2 MB random-byte buffer decodes exactly as native, in normal and streaming mode', () => {
  const random = seededRandom(2024);
  const big = new Uint8Array(2 * 1024 * 1024);
  for (let index = 0; index < big.length; index += 1) big[index] = (random() * 256) | 0;
  const expected = new TextDecoder().decode(big);
  assert.equal(new Utf8Decoder().decode(big), expected);
  const decoder = new Utf8Decoder();
  let streamed = '';
  for (let start = 0; start < big.length; start += 65521) {
    streamed += decoder.decode(big.subarray(start, start + 65521), { stream: true });
  }
  streamed += decoder.decode();
  assert.equal(streamed, expected);
});

test('large valid text round-trips quickly without overflowing the stack', () => {
  const text = 'PlayProof 🎮 €中 '.repeat(80000);
  const encoded = new Utf8Encoder().encode(text);
  assert.deepEqual(encoded, new TextEncoder().encode(text));
  const started = Date.now();
  assert.equal(new Utf8Decoder().decode(encoded), text);
  assert.ok(Date.now() - started < 2000, 'decoding 1.5 MB should take well under two seconds');
});

test('fuzz: 2000 short random byte strings decode like native, normal and fatal', () => {
  const random = seededRandom(0x5eed);
  const pick = () => {
    const roll = random();
    if (roll < 0.35) return 0x80 + ((random() * 0x80) | 0); // anything high
    if (roll < 0.65) return 0xe0 + ((random() * 0x15) | 0); // three- and four-byte leads E0..F4
    if (roll < 0.85) return 0x80 + ((random() * 0x40) | 0); // continuation bytes
    return (random() * 0x80) | 0;
  };
  for (let round = 0; round < 2000; round += 1) {
    const input = new Uint8Array(1 + ((random() * 12) | 0));
    for (let index = 0; index < input.length; index += 1) input[index] = pick();
    assertDecodesLikeNative(input);
    assertDecodesLikeNative(input, { fatal: true });
    const cut = (random() * (input.length + 1)) | 0;
    const ours = new Utf8Decoder();
    const native = new TextDecoder();
    assert.equal(
      ours.decode(input.subarray(0, cut), { stream: true }) + ours.decode(input.subarray(cut)),
      native.decode(input.subarray(0, cut), { stream: true }) + native.decode(input.subarray(cut)),
    );
  }
});

test('installTextCodec fills in what is missing and leaves native codecs alone', () => {
  const bare = {};
  assert.deepEqual(installTextCodec(bare), { encoder: 'polyfill', decoder: 'polyfill' });
  assert.equal(bare.TextEncoder, Utf8Encoder);
  assert.equal(bare.TextDecoder, Utf8Decoder);

  const equipped = { TextEncoder, TextDecoder };
  assert.deepEqual(installTextCodec(equipped), { encoder: 'native', decoder: 'native' });
  assert.equal(equipped.TextEncoder, TextEncoder);
  assert.equal(equipped.TextDecoder, TextDecoder);

  const half = { TextEncoder, TextDecoder: 'not a function' };
  assert.deepEqual(installTextCodec(half), { encoder: 'native', decoder: 'polyfill' });
  assert.equal(half.TextDecoder, Utf8Decoder);
});

// UTF-8 TextEncoder/TextDecoder for mini-game runtimes (WeChat, Alipay, Douyin). Their desktop
// dev tools provide both, but the JS engines on real devices do not, so code that works in the
// simulator fails on a phone. The shim calls installTextCodec before anything decodes text coming
// out of the wasm. Plain ES2017 with no Node APIs, because that is all those engines promise.

const REPLACEMENT = 0xfffd;
// String.fromCharCode.apply takes its arguments on the stack; slices this size stay well clear.
const CHUNK = 8192;
const toTag = (value) => Object.prototype.toString.call(value);

/** Writes `str` as UTF-8 into `dest`, stopping before any character that would not fit whole. */
function writeUtf8(str, dest) {
  const length = str.length;
  const capacity = dest.length;
  let read = 0;
  let written = 0;
  while (read < length) {
    let code = str.charCodeAt(read);
    let units = 1;
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = read + 1 < length ? str.charCodeAt(read + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        units = 2;
      } else {
        code = REPLACEMENT; // a lone surrogate is not a scalar value
      }
    }
    if (code < 0x80) {
      if (written + 1 > capacity) break;
      dest[written++] = code;
    } else if (code < 0x800) {
      if (written + 2 > capacity) break;
      dest[written++] = 0xc0 | (code >> 6);
      dest[written++] = 0x80 | (code & 0x3f);
    } else if (code < 0x10000) {
      if (written + 3 > capacity) break;
      dest[written++] = 0xe0 | (code >> 12);
      dest[written++] = 0x80 | ((code >> 6) & 0x3f);
      dest[written++] = 0x80 | (code & 0x3f);
    } else {
      if (written + 4 > capacity) break;
      dest[written++] = 0xf0 | (code >> 18);
      dest[written++] = 0x80 | ((code >> 12) & 0x3f);
      dest[written++] = 0x80 | ((code >> 6) & 0x3f);
      dest[written++] = 0x80 | (code & 0x3f);
    }
    read += units;
  }
  return { read, written };
}

export class Utf8Encoder {
  get encoding() {
    return 'utf-8';
  }

  encode(input = '') {
    const str = String(input);
    const bytes = new Uint8Array(str.length * 3); // no UTF-16 unit takes more than 3 bytes
    return bytes.slice(0, writeUtf8(str, bytes).written);
  }

  encodeInto(source, destination) {
    if (toTag(destination) !== '[object Uint8Array]') {
      throw new TypeError('encodeInto: destination must be a Uint8Array');
    }
    return writeUtf8(String(source), destination);
  }
}

const LABELS = ['utf-8', 'utf8', 'unicode-1-1-utf-8'];

/** A byte view of `input`; tag checks rather than instanceof, as buffers may come from another realm. */
function toBytes(input) {
  if (input === undefined) return new Uint8Array(0);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const tag = toTag(input);
  if (tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]') return new Uint8Array(input);
  throw new TypeError('decode: input must be an ArrayBuffer or an ArrayBuffer view');
}

function unitsToString(units, length) {
  let out = '';
  for (let start = 0; start < length; start += CHUNK) {
    out += String.fromCharCode.apply(null, units.subarray(start, Math.min(start + CHUNK, length)));
  }
  return out;
}

export class Utf8Decoder {
  constructor(label = 'utf-8', options = {}) {
    const name = String(label).replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '').toLowerCase();
    if (LABELS.indexOf(name) < 0) throw new RangeError(`The encoding label "${label}" is not supported`);
    this._fatal = Boolean(options && options.fatal);
    this._ignoreBOM = Boolean(options && options.ignoreBOM);
    this._pending = new Uint8Array(0); // an incomplete sequence carried over by stream: true
    this._bomSeen = false;
  }

  get encoding() {
    return 'utf-8';
  }

  get fatal() {
    return this._fatal;
  }

  get ignoreBOM() {
    return this._ignoreBOM;
  }

  decode(input, options) {
    const stream = Boolean(options && options.stream);
    let bytes = toBytes(input);
    if (this._pending.length > 0) {
      const joined = new Uint8Array(this._pending.length + bytes.length);
      joined.set(this._pending);
      joined.set(bytes, this._pending.length);
      bytes = joined;
      this._pending = new Uint8Array(0);
    }
    // Every code unit out consumes at least one byte in, so this is always large enough.
    const units = new Uint16Array(bytes.length);
    const end = bytes.length;
    let count = 0;
    let i = 0;
    try {
      while (i < end) {
        const lead = bytes[i];
        if (lead < 0x80) {
          units[count++] = lead;
          i += 1;
          continue;
        }
        // The WHATWG decoder: the lead fixes the length and the range of the first continuation,
        // which rules out overlongs, surrogates and anything above U+10FFFF as early as possible.
        let needed = 0;
        let lower = 0x80;
        let upper = 0xbf;
        let code = 0;
        if (lead >= 0xc2 && lead <= 0xdf) {
          needed = 1;
          code = lead & 0x1f;
        } else if (lead >= 0xe0 && lead <= 0xef) {
          needed = 2;
          code = lead & 0x0f;
          if (lead === 0xe0) lower = 0xa0;
          if (lead === 0xed) upper = 0x9f;
        } else if (lead >= 0xf0 && lead <= 0xf4) {
          needed = 3;
          code = lead & 0x07;
          if (lead === 0xf0) lower = 0x90;
          if (lead === 0xf4) upper = 0x8f;
        } else {
          this._invalid();
          units[count++] = REPLACEMENT;
          i += 1;
          continue;
        }
        let seen = 1;
        while (seen <= needed && i + seen < end) {
          const byte = bytes[i + seen];
          if (byte < lower || byte > upper) break;
          code = (code << 6) | (byte & 0x3f);
          lower = 0x80;
          upper = 0xbf;
          seen += 1;
        }
        if (seen > needed) {
          if (code >= 0x10000) {
            code -= 0x10000;
            units[count++] = 0xd800 + (code >> 10);
            units[count++] = 0xdc00 + (code & 0x3ff);
          } else {
            units[count++] = code;
          }
          i += seen;
        } else if (i + seen === end && stream) {
          this._pending = bytes.slice(i); // a valid prefix cut off by the chunk boundary
          i = end;
        } else {
          // A maximal subpart (valid so far, then a bad byte or the end) becomes one U+FFFD; the
          // offending byte, if any, is read again as the start of what follows.
          this._invalid();
          units[count++] = REPLACEMENT;
          i += seen;
        }
      }
    } catch (error) {
      this._reset();
      throw error;
    }
    let text = unitsToString(units, count);
    if (!this._ignoreBOM && !this._bomSeen && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this._bomSeen = true;
    }
    if (!stream) this._reset();
    return text;
  }

  _invalid() {
    if (this._fatal) throw new TypeError('The encoded data was not valid for encoding utf-8');
  }

  _reset() {
    this._pending = new Uint8Array(0);
    this._bomSeen = false;
  }
}

/** Installs whichever of TextEncoder/TextDecoder `global` lacks, and says which are native. */
export function installTextCodec(global) {
  const report = { encoder: 'native', decoder: 'native' };
  if (typeof global.TextEncoder !== 'function') {
    global.TextEncoder = Utf8Encoder;
    report.encoder = 'polyfill';
  }
  if (typeof global.TextDecoder !== 'function') {
    global.TextDecoder = Utf8Decoder;
    report.decoder = 'polyfill';
  }
  return report;
}

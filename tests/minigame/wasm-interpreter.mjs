// A WebAssembly MVP interpreter in plain JavaScript, for measuring the mini-game wasm where the
// engine has no WebAssembly at all: `node --jitless` removes the global (V8 release builds have
// no wasm interpreter), as iOS runs mini-games outside high-performance mode.
//
//   const { instance } = await instantiate(bytes, imports);
//   instance.exports.some_function(1, 2n);   // i64 as BigInt, like the JS API
//   new Uint8Array(instance.exports.memory.buffer);
//
// Each function body is translated once (on its first call) into a flat array of numbers, a
// register form of the wasm stack machine: every operand stack position of a function has a
// fixed slot in its frame (wasm stack heights are static), so an instruction names the slots it
// reads and writes. `local.get` costs nothing (the consumer reads the local's slot), a result
// feeding `local.set` is written straight into the local, compares feeding `br_if` / `if`
// become compare-and-branch, and block / loop / end vanish: branch targets are precomputed.
// One switch loop runs the code with its own call stack (frames are arrays, no JS recursion).
//
// Values: i32 as signed Numbers, i64 as signed BigInts (BigInt.asIntN(64, ...)), f32 as
// Numbers rounded with Math.fround after every operation, f64 as Numbers. Memory accesses go
// through a DataView (little-endian); its RangeError on an out-of-bounds index becomes a trap.
//
// Supported: the MVP (all instructions, one memory, one funcref table, function / global /
// memory imports, mutable globals, start function, active data and element segments), plus the
// sign-extension and saturating float-to-int instructions. Not supported: table imports and the
// other post-MVP proposals (multi-value, bulk memory, reference types, SIMD, threads, ...).
// NaN payloads are not preserved bit for bit through f32 / f64 values (JS numbers).

const PAGE = 65536;
const MAX_PAGES = 65536;
const MAX_DEPTH = 20000; // wasm call frames before "call stack exhausted"
const MAX_SLOTS = 1 << 22; // value stack slots (locals and operands of all frames)
const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c;

export class RuntimeError extends Error {
  constructor(message) { super(message); this.name = 'RuntimeError'; }
}
export class CompileError extends Error {
  constructor(message) { super(message); this.name = 'CompileError'; }
}
export class LinkError extends Error {
  constructor(message) { super(message); this.name = 'LinkError'; }
}
function trap(message) { throw new RuntimeError(message); }

// ---------------------------------------------------------------------------------------------
// Numeric helpers (the ones too long to inline in the dispatch loop)

const F32A = new Float32Array(1), I32A = new Int32Array(F32A.buffer);
const F64A = new Float64Array(1), I64A = new BigInt64Array(F64A.buffer);
const TWO_53 = 2n ** 53n;

function ctz32(x) { return x === 0 ? 32 : 31 - Math.clz32(x & -x); }
function popcnt32(x) {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}
const hi32 = (x) => Number(BigInt.asUintN(64, x) >> 32n);
const lo32 = (x) => Number(BigInt.asUintN(32, x));
function clz64(x) { const h = hi32(x); return BigInt(h !== 0 ? Math.clz32(h) : 32 + Math.clz32(lo32(x))); }
function ctz64(x) { const l = lo32(x); return BigInt(l !== 0 ? ctz32(l) : 32 + ctz32(hi32(x))); }
function popcnt64(x) { return BigInt(popcnt32(hi32(x)) + popcnt32(lo32(x))); }
/** Unsigned 64-bit less-than on signed BigInts: a negative value is the larger one. */
function ltU64(a, b) { return (a < 0n) === (b < 0n) ? a < b : b < 0n; }
function rotl64(a, k) {
  const u = BigInt.asUintN(64, a), n = k & 63n;
  return BigInt.asIntN(64, (u << n) | (u >> ((64n - n) & 63n)));
}
function rotr64(a, k) {
  const u = BigInt.asUintN(64, a), n = k & 63n;
  return BigInt.asIntN(64, (u >> n) | (u << ((64n - n) & 63n)));
}
function divS32(a, b) {
  if (b === 0) trap('integer divide by zero');
  if (a === -2147483648 && b === -1) trap('integer overflow');
  return (a / b) | 0;
}
function remS32(a, b) { if (b === 0) trap('integer divide by zero'); return (a % b) | 0; }
function divU32(a, b) { if (b === 0) trap('integer divide by zero'); return ((a >>> 0) / (b >>> 0)) | 0; }
function remU32(a, b) { if (b === 0) trap('integer divide by zero'); return ((a >>> 0) % (b >>> 0)) | 0; }
function divS64(a, b) {
  if (b === 0n) trap('integer divide by zero');
  if (b === -1n && a === -9223372036854775808n) trap('integer overflow');
  return a / b;
}
function remS64(a, b) { if (b === 0n) trap('integer divide by zero'); return a % b; }
function divU64(a, b) {
  if (b === 0n) trap('integer divide by zero');
  return BigInt.asIntN(64, BigInt.asUintN(64, a) / BigInt.asUintN(64, b));
}
function remU64(a, b) {
  if (b === 0n) trap('integer divide by zero');
  return BigInt.asIntN(64, BigInt.asUintN(64, a) % BigInt.asUintN(64, b));
}
/** Round half to even; keeps the sign of zero. */
function nearest(x) {
  if (!Number.isFinite(x) || x === 0) return x;
  const floor = Math.floor(x), rest = x - floor;
  const r = rest < 0.5 ? floor : rest > 0.5 ? floor + 1 : (floor % 2 === 0 ? floor : floor + 1);
  return r === 0 && x < 0 ? -0 : r;
}
function isNegative(x) {
  if (x === x) return x < 0 || (x === 0 && 1 / x < 0);
  F64A[0] = x;
  return I64A[0] < 0n;
}
function copysign(a, b) { return isNegative(b) ? -Math.abs(a) : Math.abs(a); }
function checkTrunc(x, low, high) { // valid when low < trunc(x) < high
  if (x !== x) trap('invalid conversion to integer');
  if (!(x > low && x < high)) trap('integer overflow');
}
function truncS32(x) { checkTrunc(x, -2147483649, 2147483648); return x | 0; }
function truncU32(x) { checkTrunc(x, -1, 4294967296); return (x >>> 0) | 0; }
function truncS64(x) { checkTrunc(x, -9223372036854777856, 9223372036854775808); return BigInt(Math.trunc(x)); }
function satS32(x) { return x !== x ? 0 : x <= -2147483648 ? -2147483648 : x >= 2147483647 ? 2147483647 : x | 0; }
function satU32(x) { return x !== x || x <= 0 ? 0 : x >= 4294967295 ? -1 : (x >>> 0) | 0; }
function satS64(x) {
  if (x !== x) return 0n;
  if (x <= -9223372036854775808) return -9223372036854775808n;
  return x >= 9223372036854775808 ? 9223372036854775807n : BigInt(Math.trunc(x));
}
function satU64(x) {
  if (x !== x || x <= 0) return 0n;
  return x >= 18446744073709551616 ? -1n : BigInt.asIntN(64, BigInt(Math.trunc(x)));
}
function truncU64(x) { checkTrunc(x, -1, 18446744073709551616); return BigInt.asIntN(64, BigInt(Math.trunc(x))); }
/** A 64-bit integer to the nearest f32, rounding once (Number(x) first could round twice). */
function bigToF32(x) {
  const negative = x < 0n;
  let m = negative ? -x : x;
  if (m <= TWO_53) return Math.fround(Number(x));
  const shift = m.toString(2).length - 53;
  const sticky = (m & ((1n << BigInt(shift)) - 1n)) !== 0n ? 1n : 0n;
  m = (m >> BigInt(shift)) | sticky;
  const r = Math.fround(Number(m) * 2 ** shift);
  return negative ? -r : r;
}
function reinterpretF32(x) { F32A[0] = x; return I32A[0]; }
function reinterpretI32(x) { I32A[0] = x; return F32A[0]; }
function reinterpretF64(x) { F64A[0] = x; return I64A[0]; }
function reinterpretI64(x) { I64A[0] = x; return F64A[0]; }

// ---------------------------------------------------------------------------------------------
// Decoding the binary format

const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

class Reader {
  constructor(bytes, pos = 0, end = bytes.length) {
    this.bytes = bytes; this.pos = pos; this.end = end;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u8() {
    if (this.pos >= this.end) throw new CompileError('unexpected end of section or function');
    return this.bytes[this.pos++];
  }
  u32() {
    let result = 0, shift = 0, byte;
    do { byte = this.u8(); result += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
    if (shift > 35 || result > 0xffffffff) throw new CompileError('invalid u32 LEB128');
    return result;
  }
  i32() {
    let result = 0, shift = 0, byte;
    do { byte = this.u8(); if (shift < 32) result |= (byte & 0x7f) << shift; shift += 7; } while (byte & 0x80);
    if (shift > 35) throw new CompileError('invalid i32 LEB128');
    if (shift < 32 && (byte & 0x40)) result |= -1 << shift;
    return result | 0;
  }
  i64() {
    let result = 0n, shift = 0n, byte;
    do { byte = this.u8(); result |= BigInt(byte & 0x7f) << shift; shift += 7n; } while (byte & 0x80);
    if (shift > 70n) throw new CompileError('invalid i64 LEB128');
    if (shift < 64n && (byte & 0x40)) result |= -1n << shift;
    return BigInt.asIntN(64, result);
  }
  f32() { this.need(4); const v = this.view.getFloat32(this.pos, true); this.pos += 4; return v; }
  f64() { this.need(8); const v = this.view.getFloat64(this.pos, true); this.pos += 8; return v; }
  need(n) { if (this.pos + n > this.end) throw new CompileError('unexpected end'); }
  bytesOf(n) { this.need(n); const b = this.bytes.subarray(this.pos, this.pos + n); this.pos += n; return b; }
  name() { return UTF8.decode(this.bytesOf(this.u32())); }
  valtype() {
    const t = this.u8();
    if (t < F64 || t > I32) throw new CompileError(`unsupported value type 0x${t.toString(16)}`);
    return t;
  }
  limits() {
    const flags = this.u8();
    if (flags > 1) throw new CompileError('unsupported limits (shared memory or memory64)');
    const min = this.u32();
    return { min, max: flags === 1 ? this.u32() : null };
  }
  /** A constant expression: { value } or { global: index }. */
  initExpr() {
    const op = this.u8();
    let expr;
    if (op === 0x41) expr = { value: this.i32() };
    else if (op === 0x42) expr = { value: this.i64() };
    else if (op === 0x43) expr = { value: this.f32() };
    else if (op === 0x44) expr = { value: this.f64() };
    else if (op === 0x23) expr = { global: this.u32() };
    else throw new CompileError(`unsupported constant expression opcode 0x${op.toString(16)}`);
    if (this.u8() !== 0x0b) throw new CompileError('constant expression not terminated');
    return expr;
  }
}

function parseModule(bytes) {
  const r = new Reader(bytes);
  if (r.u8() !== 0 || r.u8() !== 0x61 || r.u8() !== 0x73 || r.u8() !== 0x6d) throw new CompileError('not a wasm module');
  if (r.u8() !== 1 || r.u8() !== 0 || r.u8() !== 0 || r.u8() !== 0) throw new CompileError('unsupported wasm version');
  const mod = {
    bytes, types: [], imports: [], funcTypes: [], numImportedFuncs: 0, numImportedGlobals: 0,
    tables: [], memories: [], globals: [], exports: [], start: null, elems: [], bodies: [], datas: [],
  };
  const sigIds = new Map();
  while (r.pos < r.end) {
    const id = r.u8(), size = r.u32(), end = r.pos + size;
    if (end > r.end) throw new CompileError('section out of bounds');
    const s = new Reader(bytes, r.pos, end);
    const count = id === 0 || id === 8 || id === 12 ? 0 : s.u32();
    for (let i = 0; i < count; i += 1) {
      switch (id) {
        case 1: { // type
          if (s.u8() !== 0x60) throw new CompileError('bad function type');
          const params = Array.from({ length: s.u32() }, () => s.valtype());
          const results = Array.from({ length: s.u32() }, () => s.valtype());
          const key = `${params.join(',')}:${results.join(',')}`;
          if (!sigIds.has(key)) sigIds.set(key, sigIds.size);
          mod.types.push({ params, results, sigId: sigIds.get(key) });
          break;
        }
        case 2: { // import
          const imp = { module: s.name(), name: s.name(), kind: s.u8() };
          if (imp.kind === 0) { imp.type = s.u32(); mod.funcTypes.push(imp.type); mod.numImportedFuncs += 1; }
          else if (imp.kind === 1) { s.u8(); imp.limits = s.limits(); mod.tables.push(imp.limits); }
          else if (imp.kind === 2) { imp.limits = s.limits(); mod.memories.push(imp.limits); }
          else if (imp.kind === 3) {
            imp.type = s.valtype(); imp.mutable = s.u8() === 1;
            mod.globals.push({ type: imp.type, mutable: imp.mutable, init: null }); mod.numImportedGlobals += 1;
          } else throw new CompileError(`bad import kind ${imp.kind}`);
          mod.imports.push(imp);
          break;
        }
        case 3: mod.funcTypes.push(s.u32()); break;
        case 4: if (s.u8() !== 0x70) throw new CompileError('only funcref tables'); mod.tables.push(s.limits()); break;
        case 5: mod.memories.push(s.limits()); break;
        case 6: { const type = s.valtype(); const mutable = s.u8() === 1; mod.globals.push({ type, mutable, init: s.initExpr() }); break; }
        case 7: mod.exports.push({ name: s.name(), kind: s.u8(), index: s.u32() }); break;
        case 9: {
          const flags = s.u32();
          if (flags !== 0) throw new CompileError('only MVP (active, table 0) element segments');
          const offset = s.initExpr();
          mod.elems.push({ offset, funcs: Array.from({ length: s.u32() }, () => s.u32()) });
          break;
        }
        case 10: { const size = s.u32(); mod.bodies.push({ start: s.pos, end: s.pos + size }); s.pos += size; break; }
        case 11: {
          const flags = s.u32();
          if (flags !== 0) throw new CompileError('only MVP (active, memory 0) data segments');
          const offset = s.initExpr();
          mod.datas.push({ offset, data: s.bytesOf(s.u32()) });
          break;
        }
        default: throw new CompileError(`unsupported section ${id}`);
      }
    }
    if (id === 8) mod.start = s.u32();
    r.pos = end;
  }
  if (mod.bodies.length !== mod.funcTypes.length - mod.numImportedFuncs) throw new CompileError('function and code section disagree');
  if (mod.memories.length > 1 || mod.tables.length > 1) throw new CompileError('at most one memory and one table');
  return mod;
}

// ---------------------------------------------------------------------------------------------
// Translation of a function body into the register form
//
// Frame layout: slots fp+0 .. fp+nlocals-1 hold the locals (parameters first), then one slot per
// operand stack position. Arguments of a call are the caller's top operand slots; they become the
// callee's first locals (the callee's fp is there) and its result comes back in the first one.
// Instruction formats (operands are frame-relative slots unless said otherwise):
//   numeric unary / binary (wasm opcode): dst, a [, b]
//   loads (wasm opcode): dst, addr, offset          stores (wasm opcode): addr, value, offset
//   memory.size: dst      memory.grow: dst, delta   unreachable: -

const COPY = 0xc0; //            dst, src
const CONST = 0xc1; //           dst, value
const BR = 0xc2; //              target
const BR_IF = 0xc3; //           target, cond         (taken when cond != 0)
const BR_IFZ = 0xc4; //          target, cond         (taken when cond == 0; also i32.eqz + br_if)
const BR_IF_COPY = 0xc5; //      target, cond, dst, src
const BR_TABLE = 0xc6; //        index, src, n, then n + 1 pairs (target, dst or -1)
const RETURN = 0xc7; //          src
const RETURN0 = 0xc8; //         -
const CALL = 0xc9; //            function index, argument base
const CALL_HOST = 0xca; //       function index, argument base
const CALL_INDIRECT = 0xcb; //   signature id, argument base, table index slot
const GLOBAL_GET = 0xcc; //      dst, global index
const GLOBAL_SET = 0xcd; //      global index, src
const SELECT = 0xce; //          dst, a, b, cond
// 0xd1..0xda: i32 eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u + br_if: target, a, b
// 0xdb..0xe5: i64 eqz eq ... ge_u + br_if: target, a [, b]; 0xe6: i64 nonzero: target, a
const I64_BR_NEZ = 0xe6;
// 0xe7..0xee: i32 add and or xor shl shr_s shr_u mul with a constant: dst, a, constant
// 0xef..0xf8: i32 eq ... ge_u with a constant: dst, a, constant (unsigned ones: constant >>> 0)
// 0xf9..0x102: the same compares with a constant + br_if: target, a, constant
const IMMEDIATE = { 0x6a: 0xe7, 0x71: 0xe8, 0x72: 0xe9, 0x73: 0xea, 0x74: 0xeb, 0x75: 0xec, 0x76: 0xed, 0x6c: 0xee };
for (let op = 0x46; op <= 0x4f; op += 1) IMMEDIATE[op] = op - 0x46 + 0xef;
// 0x110..0x117: i64 add mul and or xor shl shr_s shr_u with a constant: dst, a, constant
Object.assign(IMMEDIATE, { 0x7c: 0x110, 0x7e: 0x111, 0x83: 0x112, 0x84: 0x113, 0x85: 0x114, 0x86: 0x115, 0x87: 0x116, 0x88: 0x117 });
// 0x118..0x11a: i32.store, i32.store8, i64.store of a constant: addr, constant, offset
const STORE_CONSTANT = { 0x36: 0x118, 0x3a: 0x119, 0x37: 0x11a };
const I32_LOAD_CONSTANT_ADDRESS = 0x11b; // dst, effective address
// 0x120..0x125: f32 / f64 eq ne lt gt le ge + br_if: target, a, b; 0x126..0x12b: branch when false
/** For `constant OP x`: the op taking x first (commutative, or the mirrored compare). */
const MIRROR = { 0x6a: 0x6a, 0x6c: 0x6c, 0x71: 0x71, 0x72: 0x72, 0x73: 0x73, 0x7c: 0x7c, 0x7e: 0x7e, 0x83: 0x83, 0x84: 0x84, 0x85: 0x85, 0x46: 0x46, 0x47: 0x47, 0x48: 0x4a, 0x49: 0x4b, 0x4a: 0x48, 0x4b: 0x49, 0x4c: 0x4e, 0x4d: 0x4f, 0x4e: 0x4c, 0x4f: 0x4d };
const UNSIGNED_COMPARE = new Set([0x49, 0x4b, 0x4d, 0x4f]);

const UNARY = new Uint8Array(256);
for (const [from, to] of [[0x45, 0x45], [0x50, 0x50], [0x67, 0x69], [0x79, 0x7b], [0x8b, 0x91], [0x99, 0x9f], [0xa7, 0xbf]]) {
  UNARY.fill(1, from, to + 1);
}
/** The compare-and-branch opcode for a compare feeding br_if (0: none). */
function branchOnTrue(op) {
  if (op === 0x45) return BR_IFZ;
  if (op >= 0x46 && op <= 0x4f) return op - 0x46 + 0xd1;
  if (op >= 0x50 && op <= 0x5a) return op - 0x50 + 0xdb;
  if (op >= 0xef && op <= 0xf8) return op + 10;
  if (op >= 0x5b && op <= 0x66) return 0x120 + ((op - 0x5b) % 6);
  return 0;
}
/** The compare-and-branch opcode taken when the compare is false (for `if`; 0: none). */
const INVERSE = { 0: 1, 1: 0, 2: 8, 3: 9, 4: 6, 5: 7, 6: 4, 7: 5, 8: 2, 9: 3 }; // eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u
function branchOnFalse(op) {
  if (op === 0x45) return BR_IF;
  if (op === 0x50) return I64_BR_NEZ;
  if (op >= 0x46 && op <= 0x4f) return 0xd1 + INVERSE[op - 0x46];
  if (op >= 0x51 && op <= 0x5a) return 0xdc + INVERSE[op - 0x51];
  if (op >= 0xef && op <= 0xf8) return 0xf9 + INVERSE[op - 0xef];
  if (op >= 0x5b && op <= 0x66) return 0x126 + ((op - 0x5b) % 6); // !(a < b) is not a >= b with NaN
  return 0;
}

function blockArity(r) {
  const t = r.u8();
  if (t === 0x40) return 0;
  if (t >= F64 && t <= I32) return 1;
  throw new CompileError('multi-value block types are not MVP');
}

function skipImmediates(r, op) {
  if (op === 0x0c || op === 0x0d || op === 0x10 || (op >= 0x20 && op <= 0x24)) r.u32();
  else if (op === 0x0e) { for (let n = r.u32(); n >= 0; n -= 1) r.u32(); }
  else if (op === 0x11) { r.u32(); r.u8(); }
  else if (op >= 0x28 && op <= 0x3e) { r.u32(); r.u32(); }
  else if (op === 0x3f || op === 0x40) r.u8();
  else if (op === 0x41) r.i32();
  else if (op === 0x42) r.i64();
  else if (op === 0x43) r.f32();
  else if (op === 0x44) r.f64();
  else if (op === 0xfc) { if (r.u32() > 7) throw new CompileError('bulk memory and table instructions are not supported'); }
  else if ((op > 0xc4) || (op > 0x11 && op < 0x1a) || op === 0x1c || op === 0x1d || op === 0x1e || op === 0x1f || op === 0x25 || op === 0x26 || op === 0x27 || (op >= 0x06 && op <= 0x0a)) {
    throw new CompileError(`unsupported opcode 0x${op.toString(16)}`);
  }
}

function compileFunction(mod, funcs, f) {
  const r = new Reader(mod.bytes, f.body.start, f.body.end);
  if (f.type.results.length > 1) throw new CompileError('multi-value results are not supported');
  const localTypes = f.type.params.slice();
  for (let groups = r.u32(); groups > 0; groups -= 1) {
    const count = r.u32(), type = r.valtype();
    if (localTypes.length + count > 50000) throw new CompileError('too many locals');
    for (let i = 0; i < count; i += 1) localTypes.push(type);
  }
  const nlocals = localTypes.length;
  const code = [];
  // Per operand stack position, where its value is: its own slot (nlocals + position), a local's
  // slot while it is an unmaterialized local.get, or -1 - i for the unmaterialized constants[i].
  const stack = [];
  const constants = [];
  let maxHeight = 0;
  const ctrl = [{ loop: false, height: 0, arity: f.type.results.length, fixups: [], elseFix: -1 }];
  let dead = false, deadDepth = 0;
  let last = -1; // position of the last instruction if it wrote the top operand's own slot

  const slot = (p) => nlocals + p;
  const push = (ref) => { stack.push(ref); if (stack.length > maxHeight) maxHeight = stack.length; };
  const pop = () => {
    if (stack.length <= ctrl[ctrl.length - 1].height) throw new CompileError('operand stack underflow');
    return stack.pop();
  };
  const emit = (...words) => { code.push(...words); last = -1; };
  const produce = (op, ...operands) => {
    const dst = slot(stack.length);
    last = code.length;
    code.push(op, dst, ...operands);
    push(dst);
  };
  const pushConst = (value) => { constants.push(value); push(-constants.length); };
  const constant = (ref) => constants[-1 - ref];
  /** Copies `ref` (a slot or a constant) into slot `dst`. */
  const move = (dst, ref) => {
    if (ref < 0) emit(CONST, dst, constant(ref)); else if (ref !== dst) emit(COPY, dst, ref);
  };
  const materialize = (p) => {
    if (stack[p] !== slot(p)) { move(slot(p), stack[p]); stack[p] = slot(p); }
  };
  // At block boundaries pending local.gets are materialized (the block may write the local);
  // constants never change, so they may stay pending.
  const materializeLocals = () => { for (let p = 0; p < stack.length; p += 1) if (stack[p] >= 0) materialize(p); };
  /** Pops an operand, materializing a constant into its slot. */
  const popSlot = () => { if (stack.length && stack[stack.length - 1] < 0) materialize(stack.length - 1); return pop(); };
  const binary = (op) => {
    const b = stack[stack.length - 1], a = stack[stack.length - 2];
    if (b < 0 && (IMMEDIATE[op] || op === 0x6b || op === 0x7d)) {
      pop();
      let value = constant(b);
      if (op === 0x6b) { op = 0x6a; value = -value | 0; } // x - c is x + (-c)
      if (op === 0x7d) { op = 0x7c; value = BigInt.asIntN(64, -value); }
      if (op >= 0x86 && op <= 0x88) value &= 63n;
      produce(IMMEDIATE[op], popSlot(), UNSIGNED_COMPARE.has(op) ? value >>> 0 : value);
    } else if (a < 0 && b >= 0 && MIRROR[op]) {
      const x = pop(); pop();
      produce(IMMEDIATE[MIRROR[op]], x, UNSIGNED_COMPARE.has(MIRROR[op]) ? constant(a) >>> 0 : constant(a));
    } else {
      const y = popSlot(), x = popSlot();
      produce(op, x, y);
    }
  };
  const label = (depth) => {
    if (depth >= ctrl.length) throw new CompileError('branch depth out of range');
    return ctrl[ctrl.length - 1 - depth];
  };
  /** True when the last instruction is a compare that wrote `cond`, the just-popped top. */
  const fusable = (cond, toOp) => last >= 0 && cond === slot(stack.length) && code[last + 1] === cond && toOp(code[last]) !== 0;
  const branchIf = (cond, target) => { // returns the position of the target word
    let at;
    if (fusable(cond, branchOnTrue)) { code[last] = branchOnTrue(code[last]); code[last + 1] = target; at = last + 1; }
    else { code.push(BR_IF, target, cond); at = code.length - 2; }
    last = -1;
    return at;
  };
  const setLocal = (x, tee) => {
    if (x >= nlocals) throw new CompileError('local index out of range');
    const v = pop(), top = slot(stack.length);  // v may be a constant
    if (last >= 0 && v === top && code[last + 1] === top && !stack.includes(x)) {
      code[last + 1] = x; // the producer writes the local directly
      last = -1;
      if (tee) push(x);
      return;
    }
    for (let p = 0; p < stack.length; p += 1) if (stack[p] === x) materialize(p);
    move(x, v);
    last = -1;
    if (tee) push(v);
  };
  const call = (type, op, ...words) => {
    if (type.results.length > 1) throw new CompileError('multi-value results are not supported');
    const base = stack.length - type.params.length;
    if (base < ctrl[ctrl.length - 1].height) throw new CompileError('operand stack underflow');
    for (let p = base; p < stack.length; p += 1) materialize(p);
    stack.length = base;
    emit(op, ...words.map((w) => (w === null ? slot(base) : w)));
    if (type.results.length) push(slot(base));
  };

  for (;;) {
    const op = r.u8();
    if (dead) { // unreachable code: only track the nesting
      if (op === 0x02 || op === 0x03 || op === 0x04) { blockArity(r); deadDepth += 1; continue; }
      if (op === 0x0b && deadDepth > 0) { deadDepth -= 1; continue; }
      if (op === 0x05 && deadDepth > 0) continue;
      if (op !== 0x0b && op !== 0x05) { skipImmediates(r, op); continue; }
    }
    switch (op) {
      case 0x00: emit(0x00); dead = true; break;
      case 0x01: break;
      case 0x02: case 0x03: {
        const arity = blockArity(r);
        materializeLocals();
        last = -1;
        ctrl.push({ loop: op === 0x03, height: stack.length, arity, start: code.length, fixups: [], elseFix: -1 });
        break;
      }
      case 0x04: {
        const arity = blockArity(r);
        const cond = popSlot();
        materializeLocals();
        let at;
        if (fusable(cond, branchOnFalse)) { code[last] = branchOnFalse(code[last]); at = last + 1; }
        else { code.push(BR_IFZ, 0, cond); at = code.length - 2; }
        last = -1;
        ctrl.push({ loop: false, height: stack.length, arity, fixups: [], elseFix: at });
        break;
      }
      case 0x05: {
        const frame = ctrl[ctrl.length - 1];
        if (frame.elseFix < 0) throw new CompileError('else without if');
        if (!dead) {
          if (frame.arity) materialize(stack.length - 1);
          emit(BR, 0);
          frame.fixups.push(code.length - 1);
        }
        code[frame.elseFix] = code.length;
        frame.elseFix = -1;
        stack.length = frame.height;
        dead = false;
        last = -1;
        break;
      }
      case 0x0b: {
        const frame = ctrl.pop();
        if (!dead && frame.arity) materialize(stack.length - 1);
        if (frame.elseFix >= 0) code[frame.elseFix] = code.length;
        for (const at of frame.fixups) code[at] = code.length;
        if (stack.length > frame.height) stack.length = frame.height;
        if (frame.arity) push(slot(frame.height));
        dead = false;
        last = -1;
        if (ctrl.length === 0) {
          if (r.pos !== r.end) throw new CompileError('code after the end of the function');
          if (frame.arity) code.push(RETURN, slot(0)); else code.push(RETURN0);
          code.push(null); // makes the array generic (no unboxed doubles to box on every read)
          return { code, nparams: f.type.params.length, zeros: localTypes.slice(f.type.params.length).map((t) => (t === I64 ? 0n : 0)), frameSize: nlocals + maxHeight + 1 };
        }
        break;
      }
      case 0x0c: case 0x0f: {
        const frame = op === 0x0c ? label(r.u32()) : ctrl[0];
        if (frame === ctrl[0]) {
          if (frame.arity) materialize(stack.length - 1); // RETURN copies from a slot
          if (frame.arity) emit(RETURN, stack[stack.length - 1]); else emit(RETURN0);
        } else if (frame.loop) {
          emit(BR, frame.start);
        } else {
          if (frame.arity) move(slot(frame.height), stack[stack.length - 1]);
          emit(BR, 0);
          frame.fixups.push(code.length - 1);
        }
        dead = true;
        break;
      }
      case 0x0d: {
        const frame = label(r.u32());
        const cond = popSlot();
        if (frame.loop) branchIf(cond, frame.start);
        else if (frame.arity && stack[stack.length - 1] !== slot(frame.height)) {
          if (stack[stack.length - 1] < 0) materialize(stack.length - 1);
          emit(BR_IF_COPY, 0, cond, slot(frame.height), stack[stack.length - 1]);
          frame.fixups.push(code.length - 4);
        } else frame.fixups.push(branchIf(cond, 0));
        break;
      }
      case 0x0e: {
        const depths = Array.from({ length: r.u32() + 1 }, () => r.u32());
        const index = popSlot();
        if (stack.length && stack[stack.length - 1] < 0) materialize(stack.length - 1);
        const src = label(depths[depths.length - 1]).arity && !label(depths[depths.length - 1]).loop ? stack[stack.length - 1] : 0;
        emit(BR_TABLE, index, src, depths.length - 1);
        for (const depth of depths) {
          const frame = label(depth);
          if (frame.loop) code.push(frame.start, -1);
          else { frame.fixups.push(code.length); code.push(0, frame.arity ? slot(frame.height) : -1); }
        }
        dead = true;
        break;
      }
      case 0x10: {
        const index = r.u32();
        if (index >= funcs.length) throw new CompileError('call to an unknown function');
        call(funcs[index].type, funcs[index].host ? CALL_HOST : CALL, index, null);
        break;
      }
      case 0x11: {
        const type = mod.types[r.u32()];
        if (!type || r.u8() !== 0 || mod.tables.length === 0) throw new CompileError('bad call_indirect');
        const index = popSlot();
        call(type, CALL_INDIRECT, type.sigId, null, index);
        break;
      }
      case 0x1a: pop(); break;
      case 0x1b: { const c = popSlot(), b = popSlot(), a = popSlot(); produce(SELECT, a, b, c); break; }
      case 0x20: { const x = r.u32(); if (x >= nlocals) throw new CompileError('local index out of range'); push(x); break; }
      case 0x21: setLocal(r.u32(), false); break;
      case 0x22: setLocal(r.u32(), true); break;
      case 0x23: produce(GLOBAL_GET, r.u32()); break;
      case 0x24: { const index = r.u32(); emit(GLOBAL_SET, index, popSlot()); break; }
      case 0x3f: r.u8(); produce(0x3f); break;
      case 0x40: { r.u8(); const a = popSlot(); produce(0x40, a); break; }
      case 0x41: pushConst(r.i32()); break;
      case 0x42: pushConst(r.i64()); break;
      case 0x43: pushConst(r.f32()); break;
      case 0x44: pushConst(r.f64()); break;
      default:
        if (op >= 0x28 && op <= 0x35) {
          r.u32();
          const offset = r.u32(), a = stack[stack.length - 1];
          if (op === 0x28 && a < 0) { pop(); produce(I32_LOAD_CONSTANT_ADDRESS, (constant(a) >>> 0) + offset); }
          else produce(op, popSlot(), offset);
        } else if (op >= 0x36 && op <= 0x3e) {
          r.u32();
          const offset = r.u32(), v = stack[stack.length - 1];
          if (v < 0 && STORE_CONSTANT[op]) { pop(); emit(STORE_CONSTANT[op], popSlot(), constant(v), offset); }
          else { const value = popSlot(); emit(op, popSlot(), value, offset); }
        }
        else if (op >= 0x45 && op <= 0xbf) {
          if (UNARY[op]) produce(op, popSlot()); else binary(op);
        } else if (op >= 0xc0 && op <= 0xc4) produce(op - 0xc0 + 0x103, popSlot()); // sign extension
        else if (op === 0xfc) { // saturating truncation
          const sub = r.u32();
          if (sub > 7) throw new CompileError('bulk memory and table instructions are not supported');
          produce(0x108 + sub, popSlot());
        } else throw new CompileError(`unsupported opcode 0x${op.toString(16)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Memory (the exported object: `buffer` and `grow` like WebAssembly.Memory)

export class Memory {
  constructor({ initial = 0, maximum } = {}) {
    this.pages = initial;
    this.max = Math.min(maximum ?? MAX_PAGES, MAX_PAGES);
    this._buffer = new ArrayBuffer(initial * PAGE);
    this.dv = new DataView(this._buffer);
  }
  get buffer() { return this._buffer; }
  grow(delta) {
    const old = growMemory(this, delta);
    if (old < 0) throw new RangeError('Memory.grow(): maximum memory size exceeded');
    return old;
  }
}

/** Grows by `delta` pages into a new ArrayBuffer (the old one is detached); -1 on failure. */
function growMemory(memory, delta) {
  const old = memory.pages;
  delta = delta >>> 0;
  if (old + delta > memory.max) return -1;
  if (delta === 0) return old;
  let buffer;
  try { buffer = new ArrayBuffer((old + delta) * PAGE); } catch { return -1; }
  new Uint8Array(buffer).set(new Uint8Array(memory._buffer));
  try { structuredClone(memory._buffer, { transfer: [memory._buffer] }); } catch { /* cannot detach: stays stale */ }
  memory._buffer = buffer;
  memory.dv = new DataView(buffer);
  memory.pages = old + delta;
  return old;
}

// ---------------------------------------------------------------------------------------------
// Instantiation and execution

function toWasm(type, value) {
  switch (type) {
    case I32: return value | 0;
    case I64: return BigInt.asIntN(64, typeof value === 'bigint' ? value : BigInt(value));
    case F32: return Math.fround(value);
    default: return +value;
  }
}

/** Turns engine errors raised inside wasm code into traps. */
function asTrap(error) {
  if (error instanceof RangeError) {
    if (/call stack/i.test(error.message)) return new RuntimeError('call stack exhausted');
    return new RuntimeError('out of bounds memory access'); // from a DataView index
  }
  return error;
}

function createInstance(mod, imports) {
  const funcs = mod.funcTypes.map((typeIndex, index) => ({
    index, type: mod.types[typeIndex], sigId: mod.types[typeIndex].sigId, host: null,
    body: index >= mod.numImportedFuncs ? mod.bodies[index - mod.numImportedFuncs] : null,
    code: null, nparams: 0, zeros: null, frameSize: 0,
  }));
  const G = [];
  let memory = null;
  let importedFuncs = 0;
  for (const imp of mod.imports) {
    const value = imports?.[imp.module]?.[imp.name];
    const where = `import ${imp.module}.${imp.name}`;
    if (imp.kind === 0) {
      if (typeof value !== 'function') throw new LinkError(`${where}: a function is required`);
      funcs[importedFuncs++].host = value;
    } else if (imp.kind === 2) {
      if (!(value instanceof Memory)) throw new LinkError(`${where}: a Memory from this interpreter is required`);
      memory = value;
    } else if (imp.kind === 3) {
      const v = value !== null && typeof value === 'object' && 'value' in value ? value.value : value;
      G.push(toWasm(imp.type, v));
    } else throw new LinkError(`${where}: table imports are not supported`);
  }
  for (const global of mod.globals.slice(mod.numImportedGlobals)) {
    G.push(global.init.global !== undefined ? G[global.init.global] : global.init.value);
  }
  if (!memory && mod.memories.length) memory = new Memory({ initial: mod.memories[0].min, maximum: mod.memories[0].max ?? undefined });
  const table = mod.tables.length ? new Array(mod.tables[0].min).fill(null) : [];
  const offsetOf = (expr) => (expr.global !== undefined ? G[expr.global] : expr.value) >>> 0;
  for (const elem of mod.elems) {
    const offset = offsetOf(elem.offset);
    if (offset + elem.funcs.length > table.length) throw new RuntimeError('element segment out of bounds of the table');
    elem.funcs.forEach((index, i) => { table[offset + i] = funcs[index]; });
  }
  for (const data of mod.datas) {
    const offset = offsetOf(data.offset);
    if (!memory || offset + data.data.length > memory.buffer.byteLength) throw new RuntimeError('data segment out of bounds of the memory');
    new Uint8Array(memory.buffer, offset, data.data.length).set(data.data);
  }

  // The value stack of all frames (`values`, S in `run`), and the saved (code, pc, fp) of the callers.
  const values = [null];
  for (let i = 1; i < 1 << 16; i += 1) values.push(0);
  const frameCode = [], framePc = [], frameFp = [];
  let depth = 0;
  let hostTop = 0; // first free slot when wasm calls out to the host (for re-entrant calls)

  const compile = (f) => Object.assign(f, compileFunction(mod, funcs, f));
  const ensureStack = (size) => {
    if (size > MAX_SLOTS) trap('call stack exhausted');
    while (values.length < size) values.push(0);
  };
  /** A call from wasm to a host function: arguments at values[base...], result back into values[base]. */
  function callHost(f, base) {
    const args = [];
    for (let i = 0; i < f.type.params.length; i += 1) args.push(values[base + i]);
    const savedTop = hostTop, savedDepth = depth;
    hostTop = base + Math.max(1, args.length);
    let result;
    try { result = f.host(...args); } finally { hostTop = savedTop; depth = savedDepth; }
    if (f.type.results.length) values[base] = toWasm(f.type.results[0], result);
  }

  /** Runs `func` with its arguments at S[fp...]; its result is left in S[fp]. */
  function run(func, fp) {
    // Locals are faster than the closure's variables. `d` is the frame depth (`depth` while the
    // host runs: a re-entrant call starts above it).
    const S = values, funcList = funcs, tbl = table, globals = G, codes = frameCode, pcs = framePc, fps = frameFp;
    const baseDepth = depth;
    let d = depth;
    if (func.code === null) compile(func);
    ensureStack(fp + func.frameSize);
    for (let i = 0, z = func.zeros, j = fp + func.nparams; i < z.length; i += 1, j += 1) S[j] = z[i];
    let code = func.code, pc = 0;
    let dv = memory ? memory.dv : null;
    for (;;) {
      switch (code[pc]) {
        // The most frequent instructions come first: their feedback slots get one-byte
        // operands (no Wide prefix) in the bytecode of this big function.
        case 0xe7: S[fp + code[pc + 1]] = (S[fp + code[pc + 2]] + code[pc + 3]) | 0; pc += 4; break;
        case 0x28: S[fp + code[pc + 1]] = dv.getInt32((S[fp + code[pc + 2]] >>> 0) + code[pc + 3], true); pc += 4; break;
        case 0xc1: S[fp + code[pc + 1]] = code[pc + 2]; pc += 3; break; // CONST
        case 0xc0: S[fp + code[pc + 1]] = S[fp + code[pc + 2]]; pc += 3; break; // COPY
        case 0x36: dv.setInt32((S[fp + code[pc + 1]] >>> 0) + code[pc + 3], S[fp + code[pc + 2]], true); pc += 4; break;
        case 0x6a: S[fp + code[pc + 1]] = (S[fp + code[pc + 2]] + S[fp + code[pc + 3]]) | 0; pc += 4; break;
        case 0x2a: S[fp + code[pc + 1]] = dv.getFloat32((S[fp + code[pc + 2]] >>> 0) + code[pc + 3], true); pc += 4; break;
        case 0x94: S[fp + code[pc + 1]] = Math.fround(S[fp + code[pc + 2]] * S[fp + code[pc + 3]]); pc += 4; break;
        case 0x38: dv.setFloat32((S[fp + code[pc + 1]] >>> 0) + code[pc + 3], S[fp + code[pc + 2]], true); pc += 4; break;
        case 0x93: S[fp + code[pc + 1]] = Math.fround(S[fp + code[pc + 2]] - S[fp + code[pc + 3]]); pc += 4; break;
        case 0x92: S[fp + code[pc + 1]] = Math.fround(S[fp + code[pc + 2]] + S[fp + code[pc + 3]]); pc += 4; break;
        case 0xc9: { // CALL
          const callee = funcList[code[pc + 1]], calleeFp = fp + code[pc + 2];
          if (d >= MAX_DEPTH) trap('call stack exhausted');
          codes[d] = code; pcs[d] = pc + 3; fps[d] = fp; d += 1;
          if (callee.code === null) compile(callee);
          if (calleeFp + callee.frameSize > S.length) ensureStack(calleeFp + callee.frameSize);
          for (let i = 0, z = callee.zeros, j = calleeFp + callee.nparams; i < z.length; i += 1, j += 1) S[j] = z[i];
          code = callee.code; pc = 0; fp = calleeFp;
          break;
        }
        case 0xe8: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] & code[pc + 3]; pc += 4; break;
        case 0x2d: S[fp + code[pc + 1]] = dv.getUint8((S[fp + code[pc + 2]] >>> 0) + code[pc + 3]); pc += 4; break;
        case 0xc7: S[fp] = S[fp + code[pc + 1]]; // RETURN, then as RETURN0
        // falls through
        case 0xc8: // RETURN0
          if (d === baseDepth) return;
          d -= 1;
          code = codes[d]; pc = pcs[d]; fp = fps[d];
          break;
        case 0xd4: pc = (S[fp + code[pc + 2]] >>> 0) < (S[fp + code[pc + 3]] >>> 0) ? code[pc + 1] : pc + 4; break;
        case 0xc2: pc = code[pc + 1]; break; // BR
        case 0xee: S[fp + code[pc + 1]] = Math.imul(S[fp + code[pc + 2]], code[pc + 3]); pc += 4; break;
        case 0xeb: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] << code[pc + 3]; pc += 4; break;
        case 0x3a: dv.setInt8((S[fp + code[pc + 1]] >>> 0) + code[pc + 3], S[fp + code[pc + 2]]); pc += 4; break;
        case 0x84: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] | S[fp + code[pc + 3]]; pc += 4; break;
        case 0xc3: pc = S[fp + code[pc + 2]] !== 0 ? code[pc + 1] : pc + 3; break; // BR_IF
        case 0xcd: globals[code[pc + 1]] = S[fp + code[pc + 2]]; pc += 3; break; // GLOBAL_SET
        case 0xf9: pc = S[fp + code[pc + 2]] === code[pc + 3] ? code[pc + 1] : pc + 4; break;
        case 0xc4: pc = S[fp + code[pc + 2]] === 0 ? code[pc + 1] : pc + 3; break; // BR_IFZ
        case 0x37: dv.setBigInt64((S[fp + code[pc + 1]] >>> 0) + code[pc + 3], S[fp + code[pc + 2]], true); pc += 4; break;
        case 0x29: S[fp + code[pc + 1]] = dv.getBigInt64((S[fp + code[pc + 2]] >>> 0) + code[pc + 3], true); pc += 4; break;
        case 0xce: // SELECT
          S[fp + code[pc + 1]] = S[fp + code[pc + 4]] !== 0 ? S[fp + code[pc + 2]] : S[fp + code[pc + 3]];
          pc += 5;
          break;
        case 0xfa: pc = S[fp + code[pc + 2]] !== code[pc + 3] ? code[pc + 1] : pc + 4; break;
        case 0xda: pc = (S[fp + code[pc + 2]] >>> 0) >= (S[fp + code[pc + 3]] >>> 0) ? code[pc + 1] : pc + 4; break;

        case 0x00: trap('unreachable executed'); break;

        // loads: dst, addr, offset
        case 0x2b: S[fp + code[pc + 1]] = dv.getFloat64((S[fp + code[pc + 2]] >>> 0) + code[pc + 3], true); pc += 4; break;
        case 0x2c: S[fp + code[pc + 1]] = dv.getInt8((S[fp + code[pc + 2]] >>> 0) + code[pc + 3]); pc += 4; break;
        case 0x2e: S[fp + code[pc + 1]] = dv.getInt16((S[fp + code[pc + 2]] >>> 0) + code[pc + 3], true); pc += 4; break;
        case 0x2f: S[fp + code[pc + 1]] = dv.getUint16((S[fp + code[pc + 2]] >>> 0) + code[pc + 3], true); pc += 4; break;
        case 0x30: S[fp + code[pc + 1]] = BigInt(dv.getInt8((S[fp + code[pc + 2]] >>> 0) + code[pc + 3])); pc += 4; break;
        case 0x31: S[fp + code[pc + 1]] = BigInt(dv.getUint8((S[fp + code[pc + 2]] >>> 0) + code[pc + 3])); pc += 4; break;
        case 0x32: S[fp + code[pc + 1]] = BigInt(dv.getInt16((S[fp + code[pc + 2]] >>> 0) + code[pc + 3], true)); pc += 4; break;
        case 0x33: S[fp + code[pc + 1]] = BigInt(dv.getUint16((S[fp + code[pc + 2]] >>> 0) + code[pc + 3], true)); pc += 4; break;
        case 0x34: S[fp + code[pc + 1]] = BigInt(dv.getInt32((S[fp + code[pc + 2]] >>> 0) + code[pc + 3], true)); pc += 4; break;
        case 0x35: S[fp + code[pc + 1]] = BigInt(dv.getUint32((S[fp + code[pc + 2]] >>> 0) + code[pc + 3], true)); pc += 4; break;
        // stores: addr, value, offset
        case 0x39: dv.setFloat64((S[fp + code[pc + 1]] >>> 0) + code[pc + 3], S[fp + code[pc + 2]], true); pc += 4; break;
        case 0x3b: dv.setInt16((S[fp + code[pc + 1]] >>> 0) + code[pc + 3], S[fp + code[pc + 2]], true); pc += 4; break;
        case 0x3c: dv.setUint8((S[fp + code[pc + 1]] >>> 0) + code[pc + 3], Number(BigInt.asUintN(8, S[fp + code[pc + 2]]))); pc += 4; break;
        case 0x3d: dv.setUint16((S[fp + code[pc + 1]] >>> 0) + code[pc + 3], Number(BigInt.asUintN(16, S[fp + code[pc + 2]])), true); pc += 4; break;
        case 0x3e: dv.setUint32((S[fp + code[pc + 1]] >>> 0) + code[pc + 3], Number(BigInt.asUintN(32, S[fp + code[pc + 2]])), true); pc += 4; break;
        case 0x3f: S[fp + code[pc + 1]] = memory.pages; pc += 2; break;
        case 0x40: S[fp + code[pc + 1]] = growMemory(memory, S[fp + code[pc + 2]]); dv = memory.dv; pc += 3; break;

        // i32 compares, then i64 and float compares: dst, a [, b]
        case 0x45: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] === 0 ? 1 : 0; pc += 3; break;
        case 0x46: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] === S[fp + code[pc + 3]] ? 1 : 0; pc += 4; break;
        case 0x47: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] !== S[fp + code[pc + 3]] ? 1 : 0; pc += 4; break;
        case 0x48: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] < S[fp + code[pc + 3]] ? 1 : 0; pc += 4; break;
        case 0x49: S[fp + code[pc + 1]] = (S[fp + code[pc + 2]] >>> 0) < (S[fp + code[pc + 3]] >>> 0) ? 1 : 0; pc += 4; break;
        case 0x4a: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] > S[fp + code[pc + 3]] ? 1 : 0; pc += 4; break;
        case 0x4b: S[fp + code[pc + 1]] = (S[fp + code[pc + 2]] >>> 0) > (S[fp + code[pc + 3]] >>> 0) ? 1 : 0; pc += 4; break;
        case 0x4c: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] <= S[fp + code[pc + 3]] ? 1 : 0; pc += 4; break;
        case 0x4d: S[fp + code[pc + 1]] = (S[fp + code[pc + 2]] >>> 0) <= (S[fp + code[pc + 3]] >>> 0) ? 1 : 0; pc += 4; break;
        case 0x4e: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >= S[fp + code[pc + 3]] ? 1 : 0; pc += 4; break;
        case 0x4f: S[fp + code[pc + 1]] = (S[fp + code[pc + 2]] >>> 0) >= (S[fp + code[pc + 3]] >>> 0) ? 1 : 0; pc += 4; break;
        case 0x50: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] === 0n ? 1 : 0; pc += 3; break;
        case 0x51: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] === S[fp + code[pc + 3]] ? 1 : 0; pc += 4; break;
        case 0x52: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] !== S[fp + code[pc + 3]] ? 1 : 0; pc += 4; break;
        case 0x53: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] < S[fp + code[pc + 3]] ? 1 : 0; pc += 4; break;
        case 0x54: S[fp + code[pc + 1]] = ltU64(S[fp + code[pc + 2]], S[fp + code[pc + 3]]) ? 1 : 0; pc += 4; break;
        case 0x55: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] > S[fp + code[pc + 3]] ? 1 : 0; pc += 4; break;
        case 0x56: S[fp + code[pc + 1]] = ltU64(S[fp + code[pc + 3]], S[fp + code[pc + 2]]) ? 1 : 0; pc += 4; break;
        case 0x57: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] <= S[fp + code[pc + 3]] ? 1 : 0; pc += 4; break;
        case 0x58: S[fp + code[pc + 1]] = ltU64(S[fp + code[pc + 3]], S[fp + code[pc + 2]]) ? 0 : 1; pc += 4; break;
        case 0x59: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >= S[fp + code[pc + 3]] ? 1 : 0; pc += 4; break;
        case 0x5a: S[fp + code[pc + 1]] = ltU64(S[fp + code[pc + 2]], S[fp + code[pc + 3]]) ? 0 : 1; pc += 4; break;
        case 0x5b: case 0x61: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] === S[fp + code[pc + 3]] ? 1 : 0; pc += 4; break;
        case 0x5c: case 0x62: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] !== S[fp + code[pc + 3]] ? 1 : 0; pc += 4; break;
        case 0x5d: case 0x63: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] < S[fp + code[pc + 3]] ? 1 : 0; pc += 4; break;
        case 0x5e: case 0x64: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] > S[fp + code[pc + 3]] ? 1 : 0; pc += 4; break;
        case 0x5f: case 0x65: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] <= S[fp + code[pc + 3]] ? 1 : 0; pc += 4; break;
        case 0x60: case 0x66: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >= S[fp + code[pc + 3]] ? 1 : 0; pc += 4; break;

        // i32 arithmetic
        case 0x67: S[fp + code[pc + 1]] = Math.clz32(S[fp + code[pc + 2]]); pc += 3; break;
        case 0x68: S[fp + code[pc + 1]] = ctz32(S[fp + code[pc + 2]]); pc += 3; break;
        case 0x69: S[fp + code[pc + 1]] = popcnt32(S[fp + code[pc + 2]]); pc += 3; break;
        case 0x6b: S[fp + code[pc + 1]] = (S[fp + code[pc + 2]] - S[fp + code[pc + 3]]) | 0; pc += 4; break;
        case 0x6c: S[fp + code[pc + 1]] = Math.imul(S[fp + code[pc + 2]], S[fp + code[pc + 3]]); pc += 4; break;
        case 0x6d: S[fp + code[pc + 1]] = divS32(S[fp + code[pc + 2]], S[fp + code[pc + 3]]); pc += 4; break;
        case 0x6e: S[fp + code[pc + 1]] = divU32(S[fp + code[pc + 2]], S[fp + code[pc + 3]]); pc += 4; break;
        case 0x6f: S[fp + code[pc + 1]] = remS32(S[fp + code[pc + 2]], S[fp + code[pc + 3]]); pc += 4; break;
        case 0x70: S[fp + code[pc + 1]] = remU32(S[fp + code[pc + 2]], S[fp + code[pc + 3]]); pc += 4; break;
        case 0x71: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] & S[fp + code[pc + 3]]; pc += 4; break;
        case 0x72: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] | S[fp + code[pc + 3]]; pc += 4; break;
        case 0x73: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] ^ S[fp + code[pc + 3]]; pc += 4; break;
        case 0x74: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] << S[fp + code[pc + 3]]; pc += 4; break;
        case 0x75: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >> S[fp + code[pc + 3]]; pc += 4; break;
        case 0x76: S[fp + code[pc + 1]] = (S[fp + code[pc + 2]] >>> S[fp + code[pc + 3]]) | 0; pc += 4; break;
        case 0x77: { const a = S[fp + code[pc + 2]], b = S[fp + code[pc + 3]]; S[fp + code[pc + 1]] = (a << b) | (a >>> (32 - b)); pc += 4; break; }
        case 0x78: { const a = S[fp + code[pc + 2]], b = S[fp + code[pc + 3]]; S[fp + code[pc + 1]] = (a >>> b) | (a << (32 - b)); pc += 4; break; }

        // i64 arithmetic
        case 0x79: S[fp + code[pc + 1]] = clz64(S[fp + code[pc + 2]]); pc += 3; break;
        case 0x7a: S[fp + code[pc + 1]] = ctz64(S[fp + code[pc + 2]]); pc += 3; break;
        case 0x7b: S[fp + code[pc + 1]] = popcnt64(S[fp + code[pc + 2]]); pc += 3; break;
        case 0x7c: S[fp + code[pc + 1]] = BigInt.asIntN(64, S[fp + code[pc + 2]] + S[fp + code[pc + 3]]); pc += 4; break;
        case 0x7d: S[fp + code[pc + 1]] = BigInt.asIntN(64, S[fp + code[pc + 2]] - S[fp + code[pc + 3]]); pc += 4; break;
        case 0x7e: S[fp + code[pc + 1]] = BigInt.asIntN(64, S[fp + code[pc + 2]] * S[fp + code[pc + 3]]); pc += 4; break;
        case 0x7f: S[fp + code[pc + 1]] = divS64(S[fp + code[pc + 2]], S[fp + code[pc + 3]]); pc += 4; break;
        case 0x80: S[fp + code[pc + 1]] = divU64(S[fp + code[pc + 2]], S[fp + code[pc + 3]]); pc += 4; break;
        case 0x81: S[fp + code[pc + 1]] = remS64(S[fp + code[pc + 2]], S[fp + code[pc + 3]]); pc += 4; break;
        case 0x82: S[fp + code[pc + 1]] = remU64(S[fp + code[pc + 2]], S[fp + code[pc + 3]]); pc += 4; break;
        case 0x83: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] & S[fp + code[pc + 3]]; pc += 4; break;
        case 0x85: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] ^ S[fp + code[pc + 3]]; pc += 4; break;
        case 0x86: S[fp + code[pc + 1]] = BigInt.asIntN(64, S[fp + code[pc + 2]] << (S[fp + code[pc + 3]] & 63n)); pc += 4; break;
        case 0x87: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >> (S[fp + code[pc + 3]] & 63n); pc += 4; break;
        case 0x88: S[fp + code[pc + 1]] = BigInt.asIntN(64, BigInt.asUintN(64, S[fp + code[pc + 2]]) >> (S[fp + code[pc + 3]] & 63n)); pc += 4; break;
        case 0x89: S[fp + code[pc + 1]] = rotl64(S[fp + code[pc + 2]], S[fp + code[pc + 3]]); pc += 4; break;
        case 0x8a: S[fp + code[pc + 1]] = rotr64(S[fp + code[pc + 2]], S[fp + code[pc + 3]]); pc += 4; break;

        // f32 arithmetic (rounded to f32 after every operation), then f64
        case 0x8b: case 0x99: S[fp + code[pc + 1]] = Math.abs(S[fp + code[pc + 2]]); pc += 3; break;
        case 0x8c: case 0x9a: S[fp + code[pc + 1]] = -S[fp + code[pc + 2]]; pc += 3; break;
        case 0x8d: case 0x9b: S[fp + code[pc + 1]] = Math.ceil(S[fp + code[pc + 2]]); pc += 3; break;
        case 0x8e: case 0x9c: S[fp + code[pc + 1]] = Math.floor(S[fp + code[pc + 2]]); pc += 3; break;
        case 0x8f: case 0x9d: S[fp + code[pc + 1]] = Math.trunc(S[fp + code[pc + 2]]); pc += 3; break;
        case 0x90: case 0x9e: S[fp + code[pc + 1]] = nearest(S[fp + code[pc + 2]]); pc += 3; break;
        case 0x91: S[fp + code[pc + 1]] = Math.fround(Math.sqrt(S[fp + code[pc + 2]])); pc += 3; break;
        case 0x95: S[fp + code[pc + 1]] = Math.fround(S[fp + code[pc + 2]] / S[fp + code[pc + 3]]); pc += 4; break;
        case 0x96: case 0xa4: S[fp + code[pc + 1]] = Math.min(S[fp + code[pc + 2]], S[fp + code[pc + 3]]); pc += 4; break;
        case 0x97: case 0xa5: S[fp + code[pc + 1]] = Math.max(S[fp + code[pc + 2]], S[fp + code[pc + 3]]); pc += 4; break;
        case 0x98: case 0xa6: S[fp + code[pc + 1]] = copysign(S[fp + code[pc + 2]], S[fp + code[pc + 3]]); pc += 4; break;
        case 0x9f: S[fp + code[pc + 1]] = Math.sqrt(S[fp + code[pc + 2]]); pc += 3; break;
        case 0xa0: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] + S[fp + code[pc + 3]]; pc += 4; break;
        case 0xa1: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] - S[fp + code[pc + 3]]; pc += 4; break;
        case 0xa2: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] * S[fp + code[pc + 3]]; pc += 4; break;
        case 0xa3: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] / S[fp + code[pc + 3]]; pc += 4; break;

        // conversions: dst, a
        case 0xa7: S[fp + code[pc + 1]] = Number(BigInt.asIntN(32, S[fp + code[pc + 2]])); pc += 3; break;
        case 0xa8: case 0xaa: S[fp + code[pc + 1]] = truncS32(S[fp + code[pc + 2]]); pc += 3; break;
        case 0xa9: case 0xab: S[fp + code[pc + 1]] = truncU32(S[fp + code[pc + 2]]); pc += 3; break;
        case 0xac: S[fp + code[pc + 1]] = BigInt(S[fp + code[pc + 2]]); pc += 3; break;
        case 0xad: S[fp + code[pc + 1]] = BigInt(S[fp + code[pc + 2]] >>> 0); pc += 3; break;
        case 0xae: case 0xb0: S[fp + code[pc + 1]] = truncS64(S[fp + code[pc + 2]]); pc += 3; break;
        case 0xaf: case 0xb1: S[fp + code[pc + 1]] = truncU64(S[fp + code[pc + 2]]); pc += 3; break;
        case 0xb2: case 0xb6: S[fp + code[pc + 1]] = Math.fround(S[fp + code[pc + 2]]); pc += 3; break;
        case 0xb3: S[fp + code[pc + 1]] = Math.fround(S[fp + code[pc + 2]] >>> 0); pc += 3; break;
        case 0xb4: S[fp + code[pc + 1]] = bigToF32(S[fp + code[pc + 2]]); pc += 3; break;
        case 0xb5: S[fp + code[pc + 1]] = bigToF32(BigInt.asUintN(64, S[fp + code[pc + 2]])); pc += 3; break;
        case 0xb7: case 0xbb: S[fp + code[pc + 1]] = S[fp + code[pc + 2]]; pc += 3; break;
        case 0xb8: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >>> 0; pc += 3; break;
        case 0xb9: S[fp + code[pc + 1]] = Number(S[fp + code[pc + 2]]); pc += 3; break;
        case 0xba: S[fp + code[pc + 1]] = Number(BigInt.asUintN(64, S[fp + code[pc + 2]])); pc += 3; break;
        case 0xbc: S[fp + code[pc + 1]] = reinterpretF32(S[fp + code[pc + 2]]); pc += 3; break;
        case 0xbd: S[fp + code[pc + 1]] = reinterpretF64(S[fp + code[pc + 2]]); pc += 3; break;
        case 0xbe: S[fp + code[pc + 1]] = reinterpretI32(S[fp + code[pc + 2]]); pc += 3; break;
        case 0xbf: S[fp + code[pc + 1]] = reinterpretI64(S[fp + code[pc + 2]]); pc += 3; break;

        // internal instructions (see the formats above compileFunction)
        case 0xc5: // BR_IF_COPY
          if (S[fp + code[pc + 2]] !== 0) { S[fp + code[pc + 3]] = S[fp + code[pc + 4]]; pc = code[pc + 1]; } else pc += 5;
          break;
        case 0xc6: { // BR_TABLE
          const n = code[pc + 3];
          let i = S[fp + code[pc + 1]] >>> 0;
          if (i > n) i = n;
          const at = pc + 4 + 2 * i, dst = code[at + 1];
          if (dst >= 0) S[fp + dst] = S[fp + code[pc + 2]];
          pc = code[at];
          break;
        }
        case 0xcb: { // CALL_INDIRECT
          const i = S[fp + code[pc + 3]] >>> 0;
          if (i >= tbl.length) trap('call_indirect: table index out of bounds');
          const callee = tbl[i], calleeFp = fp + code[pc + 2];
          if (callee === null) trap('call_indirect: uninitialized table element');
          if (callee.sigId !== code[pc + 1]) trap('call_indirect: function signature mismatch');
          if (callee.host !== null) { depth = d; callHost(callee, calleeFp); dv = memory ? memory.dv : null; pc += 4; break; }
          if (d >= MAX_DEPTH) trap('call stack exhausted');
          codes[d] = code; pcs[d] = pc + 4; fps[d] = fp; d += 1;
          if (callee.code === null) compile(callee);
          if (calleeFp + callee.frameSize > S.length) ensureStack(calleeFp + callee.frameSize);
          for (let i = 0, z = callee.zeros, j = calleeFp + callee.nparams; i < z.length; i += 1, j += 1) S[j] = z[i];
          code = callee.code; pc = 0; fp = calleeFp;
          break;
        }
        case 0xca: depth = d; callHost(funcList[code[pc + 1]], fp + code[pc + 2]); dv = memory ? memory.dv : null; pc += 3; break; // CALL_HOST
        case 0xcc: S[fp + code[pc + 1]] = globals[code[pc + 2]]; pc += 3; break; // GLOBAL_GET

        // compare-and-branch: target, a [, b]
        case 0xd1: pc = S[fp + code[pc + 2]] === S[fp + code[pc + 3]] ? code[pc + 1] : pc + 4; break;
        case 0xd2: pc = S[fp + code[pc + 2]] !== S[fp + code[pc + 3]] ? code[pc + 1] : pc + 4; break;
        case 0xd3: pc = S[fp + code[pc + 2]] < S[fp + code[pc + 3]] ? code[pc + 1] : pc + 4; break;
        case 0xd5: pc = S[fp + code[pc + 2]] > S[fp + code[pc + 3]] ? code[pc + 1] : pc + 4; break;
        case 0xd6: pc = (S[fp + code[pc + 2]] >>> 0) > (S[fp + code[pc + 3]] >>> 0) ? code[pc + 1] : pc + 4; break;
        case 0xd7: pc = S[fp + code[pc + 2]] <= S[fp + code[pc + 3]] ? code[pc + 1] : pc + 4; break;
        case 0xd8: pc = (S[fp + code[pc + 2]] >>> 0) <= (S[fp + code[pc + 3]] >>> 0) ? code[pc + 1] : pc + 4; break;
        case 0xd9: pc = S[fp + code[pc + 2]] >= S[fp + code[pc + 3]] ? code[pc + 1] : pc + 4; break;
        case 0xdb: pc = S[fp + code[pc + 2]] === 0n ? code[pc + 1] : pc + 3; break;
        case 0xdc: pc = S[fp + code[pc + 2]] === S[fp + code[pc + 3]] ? code[pc + 1] : pc + 4; break;
        case 0xdd: pc = S[fp + code[pc + 2]] !== S[fp + code[pc + 3]] ? code[pc + 1] : pc + 4; break;
        case 0xde: pc = S[fp + code[pc + 2]] < S[fp + code[pc + 3]] ? code[pc + 1] : pc + 4; break;
        case 0xdf: pc = ltU64(S[fp + code[pc + 2]], S[fp + code[pc + 3]]) ? code[pc + 1] : pc + 4; break;
        case 0xe0: pc = S[fp + code[pc + 2]] > S[fp + code[pc + 3]] ? code[pc + 1] : pc + 4; break;
        case 0xe1: pc = ltU64(S[fp + code[pc + 3]], S[fp + code[pc + 2]]) ? code[pc + 1] : pc + 4; break;
        case 0xe2: pc = S[fp + code[pc + 2]] <= S[fp + code[pc + 3]] ? code[pc + 1] : pc + 4; break;
        case 0xe3: pc = ltU64(S[fp + code[pc + 3]], S[fp + code[pc + 2]]) ? pc + 4 : code[pc + 1]; break;
        case 0xe4: pc = S[fp + code[pc + 2]] >= S[fp + code[pc + 3]] ? code[pc + 1] : pc + 4; break;
        case 0xe5: pc = ltU64(S[fp + code[pc + 2]], S[fp + code[pc + 3]]) ? pc + 4 : code[pc + 1]; break;
        case 0xe6: pc = S[fp + code[pc + 2]] !== 0n ? code[pc + 1] : pc + 3; break;

        // i32 operations with a constant: dst, a, constant
        case 0xe9: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] | code[pc + 3]; pc += 4; break;
        case 0xea: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] ^ code[pc + 3]; pc += 4; break;
        case 0xec: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >> code[pc + 3]; pc += 4; break;
        case 0xed: S[fp + code[pc + 1]] = (S[fp + code[pc + 2]] >>> code[pc + 3]) | 0; pc += 4; break;
        case 0xef: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] === code[pc + 3] ? 1 : 0; pc += 4; break;
        case 0xf0: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] !== code[pc + 3] ? 1 : 0; pc += 4; break;
        case 0xf1: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] < code[pc + 3] ? 1 : 0; pc += 4; break;
        case 0xf2: S[fp + code[pc + 1]] = (S[fp + code[pc + 2]] >>> 0) < code[pc + 3] ? 1 : 0; pc += 4; break;
        case 0xf3: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] > code[pc + 3] ? 1 : 0; pc += 4; break;
        case 0xf4: S[fp + code[pc + 1]] = (S[fp + code[pc + 2]] >>> 0) > code[pc + 3] ? 1 : 0; pc += 4; break;
        case 0xf5: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] <= code[pc + 3] ? 1 : 0; pc += 4; break;
        case 0xf6: S[fp + code[pc + 1]] = (S[fp + code[pc + 2]] >>> 0) <= code[pc + 3] ? 1 : 0; pc += 4; break;
        case 0xf7: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >= code[pc + 3] ? 1 : 0; pc += 4; break;
        case 0xf8: S[fp + code[pc + 1]] = (S[fp + code[pc + 2]] >>> 0) >= code[pc + 3] ? 1 : 0; pc += 4; break;
        // compare with a constant and branch: target, a, constant
        case 0xfb: pc = S[fp + code[pc + 2]] < code[pc + 3] ? code[pc + 1] : pc + 4; break;
        case 0xfc: pc = (S[fp + code[pc + 2]] >>> 0) < code[pc + 3] ? code[pc + 1] : pc + 4; break;
        case 0xfd: pc = S[fp + code[pc + 2]] > code[pc + 3] ? code[pc + 1] : pc + 4; break;
        case 0xfe: pc = (S[fp + code[pc + 2]] >>> 0) > code[pc + 3] ? code[pc + 1] : pc + 4; break;
        case 0xff: pc = S[fp + code[pc + 2]] <= code[pc + 3] ? code[pc + 1] : pc + 4; break;
        case 0x100: pc = (S[fp + code[pc + 2]] >>> 0) <= code[pc + 3] ? code[pc + 1] : pc + 4; break;
        case 0x101: pc = S[fp + code[pc + 2]] >= code[pc + 3] ? code[pc + 1] : pc + 4; break;
        case 0x102: pc = (S[fp + code[pc + 2]] >>> 0) >= code[pc + 3] ? code[pc + 1] : pc + 4; break;

        // sign extension, saturating truncation (post-MVP, common in current toolchains): dst, a
        case 0x103: S[fp + code[pc + 1]] = (S[fp + code[pc + 2]] << 24) >> 24; pc += 3; break;
        case 0x104: S[fp + code[pc + 1]] = (S[fp + code[pc + 2]] << 16) >> 16; pc += 3; break;
        case 0x105: S[fp + code[pc + 1]] = BigInt.asIntN(8, S[fp + code[pc + 2]]); pc += 3; break;
        case 0x106: S[fp + code[pc + 1]] = BigInt.asIntN(16, S[fp + code[pc + 2]]); pc += 3; break;
        case 0x107: S[fp + code[pc + 1]] = BigInt.asIntN(32, S[fp + code[pc + 2]]); pc += 3; break;
        case 0x108: case 0x10a: S[fp + code[pc + 1]] = satS32(S[fp + code[pc + 2]]); pc += 3; break;
        case 0x109: case 0x10b: S[fp + code[pc + 1]] = satU32(S[fp + code[pc + 2]]); pc += 3; break;
        case 0x10c: case 0x10e: S[fp + code[pc + 1]] = satS64(S[fp + code[pc + 2]]); pc += 3; break;
        case 0x10d: case 0x10f: S[fp + code[pc + 1]] = satU64(S[fp + code[pc + 2]]); pc += 3; break;

        // i64 operations with a constant: dst, a, constant (shift counts already masked)
        case 0x110: S[fp + code[pc + 1]] = BigInt.asIntN(64, S[fp + code[pc + 2]] + code[pc + 3]); pc += 4; break;
        case 0x111: S[fp + code[pc + 1]] = BigInt.asIntN(64, S[fp + code[pc + 2]] * code[pc + 3]); pc += 4; break;
        case 0x112: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] & code[pc + 3]; pc += 4; break;
        case 0x113: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] | code[pc + 3]; pc += 4; break;
        case 0x114: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] ^ code[pc + 3]; pc += 4; break;
        case 0x115: S[fp + code[pc + 1]] = BigInt.asIntN(64, S[fp + code[pc + 2]] << code[pc + 3]); pc += 4; break;
        case 0x116: S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >> code[pc + 3]; pc += 4; break;
        case 0x117: S[fp + code[pc + 1]] = BigInt.asIntN(64, BigInt.asUintN(64, S[fp + code[pc + 2]]) >> code[pc + 3]); pc += 4; break;
        // stores of a constant: addr, constant, offset; i32.load from a constant address: dst, address
        case 0x118: dv.setInt32((S[fp + code[pc + 1]] >>> 0) + code[pc + 3], code[pc + 2], true); pc += 4; break;
        case 0x119: dv.setInt8((S[fp + code[pc + 1]] >>> 0) + code[pc + 3], code[pc + 2]); pc += 4; break;
        case 0x11a: dv.setBigInt64((S[fp + code[pc + 1]] >>> 0) + code[pc + 3], code[pc + 2], true); pc += 4; break;
        case 0x11b: S[fp + code[pc + 1]] = dv.getInt32(code[pc + 2], true); pc += 3; break;

        // float compare-and-branch: target, a, b; taken when the compare is true, then when false
        case 0x120: pc = S[fp + code[pc + 2]] === S[fp + code[pc + 3]] ? code[pc + 1] : pc + 4; break;
        case 0x121: pc = S[fp + code[pc + 2]] !== S[fp + code[pc + 3]] ? code[pc + 1] : pc + 4; break;
        case 0x122: pc = S[fp + code[pc + 2]] < S[fp + code[pc + 3]] ? code[pc + 1] : pc + 4; break;
        case 0x123: pc = S[fp + code[pc + 2]] > S[fp + code[pc + 3]] ? code[pc + 1] : pc + 4; break;
        case 0x124: pc = S[fp + code[pc + 2]] <= S[fp + code[pc + 3]] ? code[pc + 1] : pc + 4; break;
        case 0x125: pc = S[fp + code[pc + 2]] >= S[fp + code[pc + 3]] ? code[pc + 1] : pc + 4; break;
        case 0x126: pc = S[fp + code[pc + 2]] === S[fp + code[pc + 3]] ? pc + 4 : code[pc + 1]; break;
        case 0x127: pc = S[fp + code[pc + 2]] !== S[fp + code[pc + 3]] ? pc + 4 : code[pc + 1]; break;
        case 0x128: pc = S[fp + code[pc + 2]] < S[fp + code[pc + 3]] ? pc + 4 : code[pc + 1]; break;
        case 0x129: pc = S[fp + code[pc + 2]] > S[fp + code[pc + 3]] ? pc + 4 : code[pc + 1]; break;
        case 0x12a: pc = S[fp + code[pc + 2]] <= S[fp + code[pc + 3]] ? pc + 4 : code[pc + 1]; break;
        case 0x12b: pc = S[fp + code[pc + 2]] >= S[fp + code[pc + 3]] ? pc + 4 : code[pc + 1]; break;
        default: throw new Error(`wasm-interpreter: bad internal opcode ${code[pc]} at ${pc}`);
      }
    }
  }

  /** The JS function for an exported (or imported-and-re-exported) wasm function. */
  function exportFunction(f) {
    if (f.host) return f.host;
    const { params, results } = f.type;
    return function exported(...args) {
      const base = hostTop, savedDepth = depth;
      ensureStack(base + params.length + 1);
      for (let i = 0; i < params.length; i += 1) values[base + i] = toWasm(params[i], args[i]);
      try {
        run(f, base);
      } catch (error) {
        throw asTrap(error);
      } finally {
        depth = savedDepth;
        hostTop = base;
      }
      return results.length ? values[base] : undefined;
    };
  }

  const exports = {};
  for (const exp of mod.exports) {
    if (exp.kind === 0) exports[exp.name] = exportFunction(funcs[exp.index]);
    else if (exp.kind === 1) {
      exports[exp.name] = {
        get length() { return table.length; },
        get: (i) => (table[i] ? exportFunction(table[i]) : null),
      };
    } else if (exp.kind === 2) exports[exp.name] = memory;
    else if (exp.kind === 3) {
      const index = exp.index;
      exports[exp.name] = {
        get value() { return G[index]; },
        set value(v) {
          if (!mod.globals[index].mutable) throw new TypeError('cannot set an immutable global');
          G[index] = toWasm(mod.globals[index].type, v);
        },
        valueOf() { return G[index]; },
      };
    }
  }
  Object.freeze(exports);
  if (mod.start !== null) exportFunction(funcs[mod.start])();
  return { exports };
}

/** Compiles (parses) a module: `{ imports, exports }` descriptions like WebAssembly.Module. */
export function compile(bytes) {
  const data = bytes instanceof Uint8Array ? bytes : ArrayBuffer.isView(bytes)
    ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes);
  const mod = parseModule(data);
  const kinds = ['function', 'table', 'memory', 'global'];
  return {
    _mod: mod,
    imports: mod.imports.map((i) => ({ module: i.module, name: i.name, kind: kinds[i.kind] })),
    exports: mod.exports.map((e) => ({ name: e.name, kind: kinds[e.kind] })),
  };
}

/**
 * Like WebAssembly.instantiate(bytes, imports), but synchronous: `{ module, instance }` with
 * `instance.exports`. Also accepts a module from `compile` (then returns the instance).
 */
export function instantiate(bytes, imports = {}) {
  if (bytes && bytes._mod) return { exports: createInstance(bytes._mod, imports).exports };
  const module = compile(bytes);
  return { module, instance: createInstance(module._mod, imports) };
}

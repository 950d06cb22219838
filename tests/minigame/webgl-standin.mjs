// A WebGL stand-in for the mini-game sandbox: no pixels, but every call is recorded and its
// arguments checked the way a strict driver would (right enum, a live object of the right kind,
// finite numbers, in-bounds buffer writes, a linked program and bound attributes at draw time).
// A bad call throws, which fails the game and so the test.

const GL = {
  ARRAY_BUFFER: 0x8892, STATIC_DRAW: 0x88e4, DYNAMIC_DRAW: 0x88e8, STREAM_DRAW: 0x88e0,
  FLOAT: 0x1406, TRIANGLE_STRIP: 0x0005, TRIANGLES: 0x0004, BLEND: 0x0be2, ONE: 1, ZERO: 0,
  SRC_ALPHA: 0x0302, ONE_MINUS_SRC_ALPHA: 0x0303, COLOR_BUFFER_BIT: 0x4000,
  DEPTH_BUFFER_BIT: 0x0100, VERTEX_SHADER: 0x8b31, FRAGMENT_SHADER: 0x8b30,
  COMPILE_STATUS: 0x8b81, LINK_STATUS: 0x8b82, MAX_VERTEX_ATTRIBS: 16,
  TEXTURE_2D: 0x0de1, TEXTURE_MIN_FILTER: 0x2801, TEXTURE_MAG_FILTER: 0x2800, TEXTURE_WRAP_S: 0x2802,
  TEXTURE_WRAP_T: 0x2803, LINEAR: 0x2601, NEAREST: 0x2600, CLAMP_TO_EDGE: 0x812f, RGBA: 0x1908,
  UNSIGNED_BYTE: 0x1401, MAX_TEXTURE_SIZE: 4096,
};

class Handle {
  constructor(kind, id) {
    this.kind = kind;
    this.id = id;
  }
}

export class WebGlStandIn {
  constructor(canvas, version) {
    Object.assign(this, GL);
    this.canvas = canvas;
    this.version = version;
    this.calls = new Map();
    this.nextId = 1;
    this.shaders = new Map();
    this.programs = new Map();
    this.buffers = new Map();
    this.boundArray = null;
    this.program = null;
    this.attributes = new Map();
    this.viewportRect = null;
    this.textures = new Map();
    this.boundTexture = null;
    /** The last `u_text_atlas` value: texture width, height, and 1 when labels are drawn. */
    this.textAtlas = null;
    this.frames = { clears: 0, draws: 0, instancesDrawn: 0, instancesMax: 0, textDraws: 0 };
  }

  record(name) {
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
  }

  fail(message) {
    throw new Error(`WebGL stand-in: ${message}`);
  }

  handle(kind, value, name) {
    if (!(value instanceof Handle) || value.kind !== kind) this.fail(`${name}: expected a ${kind}, got ${value}`);
    return value;
  }

  finite(name, ...values) {
    for (const value of values) if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(`${name}: ${value} is not a finite number`);
  }

  integer(name, value, low, high) {
    if (!Number.isInteger(value) || value < low || value > high) this.fail(`${name}: ${value} is not an integer in ${low}..${high}`);
  }

  createShader(kind) {
    this.record('createShader');
    if (kind !== GL.VERTEX_SHADER && kind !== GL.FRAGMENT_SHADER) this.fail(`createShader: bad kind ${kind}`);
    const shader = new Handle('shader', this.nextId++);
    this.shaders.set(shader, { kind, source: null, compiled: false });
    return shader;
  }

  shaderSource(shader, source) {
    this.record('shaderSource');
    this.handle('shader', shader, 'shaderSource');
    if (typeof source !== 'string' || !/void\s+main\s*\(/.test(source)) this.fail('shaderSource: not GLSL with a main()');
    this.shaders.get(shader).source = source;
  }

  compileShader(shader) {
    this.record('compileShader');
    const state = this.shaders.get(this.handle('shader', shader, 'compileShader'));
    if (state.source === null) this.fail('compileShader: no source');
    // WebGL1 GLSL (ES 1.00): the program both versions accept.
    if (/#version\s+300/.test(state.source)) this.fail('compileShader: GLSL ES 3.00 would not run on WebGL1');
    if (state.kind === GL.FRAGMENT_SHADER && !/gl_FragColor/.test(state.source)) this.fail('compileShader: fragment shader writes no colour');
    if (state.kind === GL.VERTEX_SHADER && !/gl_Position/.test(state.source)) this.fail('compileShader: vertex shader sets no position');
    state.compiled = true;
  }

  getShaderParameter(shader, parameter) {
    this.record('getShaderParameter');
    if (parameter !== GL.COMPILE_STATUS) this.fail(`getShaderParameter: unexpected ${parameter}`);
    return this.shaders.get(this.handle('shader', shader, 'getShaderParameter')).compiled;
  }

  getShaderInfoLog() {
    return '';
  }

  createProgram() {
    this.record('createProgram');
    const program = new Handle('program', this.nextId++);
    this.programs.set(program, { shaders: [], linked: false, attributes: new Map(), source: '' });
    return program;
  }

  attachShader(program, shader) {
    this.record('attachShader');
    const state = this.programs.get(this.handle('program', program, 'attachShader'));
    const shaderState = this.shaders.get(this.handle('shader', shader, 'attachShader'));
    if (!shaderState.compiled) this.fail('attachShader: the shader is not compiled');
    state.shaders.push(shaderState);
  }

  bindAttribLocation(program, location, name) {
    this.record('bindAttribLocation');
    const state = this.programs.get(this.handle('program', program, 'bindAttribLocation'));
    this.integer('bindAttribLocation', location, 0, GL.MAX_VERTEX_ATTRIBS - 1);
    if (typeof name !== 'string' || !/^a_[a-z]+$/.test(name)) this.fail(`bindAttribLocation: bad name ${name}`);
    state.attributes.set(name, location);
  }

  linkProgram(program) {
    this.record('linkProgram');
    const state = this.programs.get(this.handle('program', program, 'linkProgram'));
    const kinds = state.shaders.map((shader) => shader.kind).sort();
    if (kinds.length !== 2 || kinds[0] === kinds[1]) this.fail('linkProgram: needs one vertex and one fragment shader');
    const vertex = state.shaders.find((shader) => shader.kind === GL.VERTEX_SHADER).source;
    for (const name of state.attributes.keys()) {
      if (!new RegExp(`attribute\\s+\\w+\\s+${name}\\b`).test(vertex)) this.fail(`linkProgram: ${name} is bound but not declared`);
    }
    state.source = state.shaders.map((shader) => shader.source).join('\n');
    state.linked = true;
  }

  getProgramParameter(program, parameter) {
    this.record('getProgramParameter');
    if (parameter !== GL.LINK_STATUS) this.fail(`getProgramParameter: unexpected ${parameter}`);
    return this.programs.get(this.handle('program', program, 'getProgramParameter')).linked;
  }

  getProgramInfoLog() {
    return '';
  }

  useProgram(program) {
    this.record('useProgram');
    const state = this.programs.get(this.handle('program', program, 'useProgram'));
    if (!state.linked) this.fail('useProgram: not linked');
    this.program = state;
  }

  getUniformLocation(program, name) {
    this.record('getUniformLocation');
    const state = this.programs.get(this.handle('program', program, 'getUniformLocation'));
    const match = new RegExp(`uniform\\s+(\\w+)\\s+${name}\\b`).exec(state.source);
    if (!match) return null;
    return Object.assign(new Handle('uniform', this.nextId++), { name, type: match[1], program: state });
  }

  uniform(name, location, type, values) {
    this.record(name);
    this.handle('uniform', location, name);
    if (location.program !== this.program) this.fail(`${name}: the location belongs to another program`);
    if (location.type !== type) this.fail(`${name}: ${location.name} is a ${location.type}`);
    this.finite(name, ...values);
  }

  uniform1f(location, x) {
    this.uniform('uniform1f', location, 'float', [x]);
  }

  uniform3f(location, x, y, z) {
    this.uniform('uniform3f', location, 'vec3', [x, y, z]);
    if (location.name === 'u_text_atlas') {
      if (!(x > 0 && y > 0) || (z !== 0 && z !== 1)) this.fail(`uniform3f: text atlas ${x}x${y} ready ${z}`);
      this.textAtlas = [x, y, z];
    }
  }

  createTexture() {
    this.record('createTexture');
    const texture = new Handle('texture', this.nextId++);
    this.textures.set(texture, { image: null });
    return texture;
  }

  bindTexture(target, texture) {
    this.record('bindTexture');
    if (target !== GL.TEXTURE_2D) this.fail(`bindTexture: unexpected target ${target}`);
    this.boundTexture = texture === null ? null : this.textures.get(this.handle('texture', texture, 'bindTexture'));
  }

  texParameteri(target, name, value) {
    this.record('texParameteri');
    if (target !== GL.TEXTURE_2D || !this.boundTexture) this.fail('texParameteri: no texture bound');
    const allowed = {
      [GL.TEXTURE_MIN_FILTER]: [GL.LINEAR, GL.NEAREST], [GL.TEXTURE_MAG_FILTER]: [GL.LINEAR, GL.NEAREST],
      [GL.TEXTURE_WRAP_S]: [GL.CLAMP_TO_EDGE], [GL.TEXTURE_WRAP_T]: [GL.CLAMP_TO_EDGE],
    };
    // Non-power-of-two textures need clamping and no mipmaps in WebGL1: only those are offered.
    if (!allowed[name]?.includes(value)) this.fail(`texParameteri: ${name} = ${value} is not allowed here`);
  }

  /** The six-argument form only: a canvas as the source (what the text texture uses). */
  texImage2D(target, level, internalFormat, format, type, source, ...rest) {
    this.record('texImage2D');
    if (rest.length > 0) this.fail('texImage2D: only the (target, level, internalformat, format, type, source) form is used');
    if (target !== GL.TEXTURE_2D || !this.boundTexture) this.fail('texImage2D: no texture bound');
    this.integer('texImage2D level', level, 0, 0);
    if (internalFormat !== GL.RGBA || format !== GL.RGBA || type !== GL.UNSIGNED_BYTE) this.fail('texImage2D: expected RGBA / UNSIGNED_BYTE');
    if (!source?.drawnWith2d) this.fail('texImage2D: the source is not a canvas drawn with a 2D context');
    this.integer('texImage2D width', source.width, 1, GL.MAX_TEXTURE_SIZE);
    this.integer('texImage2D height', source.height, 1, GL.MAX_TEXTURE_SIZE);
    this.boundTexture.image = { width: source.width, height: source.height, texts: [...source.texts] };
    this.uploadedTexts = this.boundTexture.image.texts;
  }

  uniform2f(location, x, y) {
    this.uniform('uniform2f', location, 'vec2', [x, y]);
    if (!(x > 0 && y > 0)) this.fail(`uniform2f: resolution ${x}x${y} is not positive`);
  }

  createBuffer() {
    this.record('createBuffer');
    const buffer = new Handle('buffer', this.nextId++);
    this.buffers.set(buffer, { size: 0 });
    return buffer;
  }

  bindBuffer(target, buffer) {
    this.record('bindBuffer');
    if (target !== GL.ARRAY_BUFFER) this.fail(`bindBuffer: unexpected target ${target}`);
    this.boundArray = buffer === null ? null : this.buffers.get(this.handle('buffer', buffer, 'bindBuffer'));
  }

  bufferData(target, sizeOrData, usage) {
    this.record('bufferData');
    if (target !== GL.ARRAY_BUFFER || !this.boundArray) this.fail('bufferData: no array buffer bound');
    if (![GL.STATIC_DRAW, GL.DYNAMIC_DRAW, GL.STREAM_DRAW].includes(usage)) this.fail(`bufferData: bad usage ${usage}`);
    if (typeof sizeOrData === 'number') {
      this.integer('bufferData', sizeOrData, 1, 64 * 1024 * 1024);
      this.boundArray.size = sizeOrData;
    } else {
      if (!ArrayBuffer.isView(sizeOrData)) this.fail('bufferData: data is not a typed array');
      this.boundArray.size = sizeOrData.byteLength;
    }
  }

  bufferSubData(target, offset, data) {
    this.record('bufferSubData');
    if (target !== GL.ARRAY_BUFFER || !this.boundArray) this.fail('bufferSubData: no array buffer bound');
    if (!ArrayBuffer.isView(data) || Object.prototype.toString.call(data) !== '[object Float32Array]') this.fail('bufferSubData: expected a Float32Array');
    this.integer('bufferSubData', offset, 0, this.boundArray.size);
    if (offset + data.byteLength > this.boundArray.size) this.fail(`bufferSubData: ${data.byteLength} bytes at ${offset} overflow a ${this.boundArray.size}-byte buffer`);
    for (let index = 0; index < data.length; index += 1) if (!Number.isFinite(data[index])) this.fail(`bufferSubData: float ${index} is ${data[index]}`);
    this.boundArray.lastWrite = data.byteLength;
  }

  enableVertexAttribArray(location) {
    this.record('enableVertexAttribArray');
    this.integer('enableVertexAttribArray', location, 0, GL.MAX_VERTEX_ATTRIBS - 1);
    this.attributes.set(location, { ...this.attributes.get(location), enabled: true });
  }

  vertexAttribPointer(location, size, type, normalized, stride, offset) {
    this.record('vertexAttribPointer');
    this.integer('vertexAttribPointer location', location, 0, GL.MAX_VERTEX_ATTRIBS - 1);
    this.integer('vertexAttribPointer size', size, 1, 4);
    if (type !== GL.FLOAT) this.fail(`vertexAttribPointer: type ${type} is not FLOAT`);
    if (normalized !== false) this.fail('vertexAttribPointer: FLOAT attributes are not normalized');
    this.integer('vertexAttribPointer stride', stride, 0, 255);
    if (stride % 4 !== 0 || offset % 4 !== 0) this.fail('vertexAttribPointer: stride and offset must be multiples of 4');
    if (stride !== 0 && offset + size * 4 > stride) this.fail('vertexAttribPointer: the attribute overruns its stride');
    if (!this.boundArray) this.fail('vertexAttribPointer: no buffer bound');
    this.attributes.set(location, { ...this.attributes.get(location), buffer: this.boundArray, size, stride, offset, divisor: 0 });
  }

  vertexAttribDivisor(location, divisor) {
    this.record('vertexAttribDivisor');
    if (this.version !== 2) this.fail('vertexAttribDivisor is WebGL2 only');
    this.integer('vertexAttribDivisor', divisor, 0, 1);
    const state = this.attributes.get(location);
    if (!state) this.fail(`vertexAttribDivisor: attribute ${location} has no pointer`);
    state.divisor = divisor;
  }

  enable(capability) {
    this.record('enable');
    if (capability !== GL.BLEND) this.fail(`enable: unexpected capability ${capability}`);
  }

  blendFunc(source, destination) {
    this.record('blendFunc');
    const factors = [GL.ZERO, GL.ONE, GL.SRC_ALPHA, GL.ONE_MINUS_SRC_ALPHA];
    if (!factors.includes(source) || !factors.includes(destination)) this.fail('blendFunc: bad factor');
  }

  viewport(x, y, width, height) {
    this.record('viewport');
    for (const value of [x, y, width, height]) this.integer('viewport', value, 0, 16384);
    if (x + width > this.canvas.width || y + height > this.canvas.height) {
      this.fail(`viewport ${x},${y} ${width}x${height} exceeds the ${this.canvas.width}x${this.canvas.height} canvas`);
    }
    this.viewportRect = { x, y, width, height };
  }

  clearColor(r, g, b, a) {
    this.record('clearColor');
    this.finite('clearColor', r, g, b, a);
    for (const value of [r, g, b, a]) if (value < 0 || value > 1) this.fail(`clearColor: ${value} outside 0..1`);
  }

  clear(mask) {
    this.record('clear');
    if ((mask & ~(GL.COLOR_BUFFER_BIT | GL.DEPTH_BUFFER_BIT)) !== 0) this.fail(`clear: bad mask ${mask}`);
    this.frames.clears += 1;
  }

  drawArraysInstanced(mode, first, count, instances) {
    this.record('drawArraysInstanced');
    if (this.version !== 2) this.fail('drawArraysInstanced is WebGL2 only');
    if (mode !== GL.TRIANGLE_STRIP && mode !== GL.TRIANGLES) this.fail(`drawArraysInstanced: mode ${mode}`);
    this.integer('drawArraysInstanced first', first, 0, 0);
    this.integer('drawArraysInstanced count', count, 3, 6);
    this.integer('drawArraysInstanced instances', instances, 1, 1 << 20);
    if (!this.program) this.fail('drawArraysInstanced: no program in use');
    if (!this.viewportRect) this.fail('drawArraysInstanced: no viewport set');
    for (const [name, location] of this.program.attributes) {
      const state = this.attributes.get(location);
      if (!state?.enabled || !state.buffer) this.fail(`drawArraysInstanced: ${name} has no enabled buffer`);
      const elements = state.divisor === 1 ? instances : count;
      const stride = state.stride || state.size * 4;
      const needed = (elements - 1) * stride + state.offset + state.size * 4;
      const written = state.divisor === 1 ? state.buffer.lastWrite ?? 0 : state.buffer.size;
      if (needed > written) this.fail(`drawArraysInstanced: ${name} reads ${needed} bytes, ${written} were written`);
    }
    if (this.textAtlas?.[2] === 1) {
      const image = this.boundTexture?.image;
      if (!image) this.fail('drawArraysInstanced: labels drawn with no text texture');
      if (image.width !== this.textAtlas[0] || image.height !== this.textAtlas[1]) {
        this.fail(`drawArraysInstanced: u_text_atlas says ${this.textAtlas[0]}x${this.textAtlas[1]}, the texture is ${image.width}x${image.height}`);
      }
      this.frames.textDraws += 1;
    }
    this.frames.draws += 1;
    this.frames.instancesDrawn += instances;
    this.frames.instancesMax = Math.max(this.frames.instancesMax, instances);
  }

  getExtension() {
    return null;
  }

  /** What the test reports and asserts on. */
  summary() {
    return {
      version: this.version,
      calls: Object.fromEntries(this.calls),
      canvas: { width: this.canvas.width, height: this.canvas.height },
      viewport: this.viewportRect,
      texts: this.uploadedTexts ?? [],
      ...this.frames,
    };
  }
}

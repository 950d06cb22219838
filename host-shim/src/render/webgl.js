// The WebGL renderer for hosts without wasm-bindgen (mini-game containers): the same program,
// quad, instance layout and single instanced draw call as game-wasm's own browser renderer
// (gl.rs). The shader sources, attribute locations and instance layout come from the wasm, so
// the two renderers cannot drift apart; only the GL plumbing is written twice.

const GL = {
  ARRAY_BUFFER: 0x8892,
  STATIC_DRAW: 0x88e4,
  DYNAMIC_DRAW: 0x88e8,
  FLOAT: 0x1406,
  TRIANGLE_STRIP: 0x0005,
  BLEND: 0x0be2,
  ONE: 1,
  ONE_MINUS_SRC_ALPHA: 0x0303,
  COLOR_BUFFER_BIT: 0x4000,
  VERTEX_SHADER: 0x8b31,
  FRAGMENT_SHADER: 0x8b30,
  COMPILE_STATUS: 0x8b81,
  LINK_STATUS: 0x8b82,
  TEXTURE_2D: 0x0de1,
  TEXTURE_MIN_FILTER: 0x2801,
  TEXTURE_MAG_FILTER: 0x2800,
  TEXTURE_WRAP_S: 0x2802,
  TEXTURE_WRAP_T: 0x2803,
  LINEAR: 0x2601,
  CLAMP_TO_EDGE: 0x812f,
  RGBA: 0x1908,
  UNSIGNED_BYTE: 0x1401,
};

/** The attributes' byte offsets within one instance (rect, colour, shape: 4 floats each). */
const INSTANCE_ATTRIBUTES = [['a_rect', 0], ['a_color', 16], ['a_shape', 32]];

function compile(gl, kind, source) {
  const shader = gl.createShader(kind);
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (!gl.getShaderParameter(shader, GL.COMPILE_STATUS)) {
    throw new Error(`shader does not compile: ${gl.getShaderInfoLog(shader)}`);
  }
  return shader;
}

/** Context kinds, best first: WebGL2, else WebGL1 with instancing. */
function context(canvas, attributes) {
  const gl2 = canvas.getContext('webgl2', attributes);
  if (gl2) {
    return {
      gl: gl2,
      webgl2: true,
      divisor: (location, divisor) => gl2.vertexAttribDivisor(location, divisor),
      drawInstanced: (count) => gl2.drawArraysInstanced(GL.TRIANGLE_STRIP, 0, 4, count),
    };
  }
  const gl = canvas.getContext('webgl', attributes);
  if (!gl) throw new Error('this device offers no WebGL');
  const instancing = gl.getExtension('ANGLE_instanced_arrays');
  if (!instancing) throw new Error('WebGL1 without ANGLE_instanced_arrays');
  return {
    gl,
    webgl2: false,
    divisor: (location, divisor) => instancing.vertexAttribDivisorANGLE(location, divisor),
    drawInstanced: (count) => instancing.drawArraysInstancedANGLE(GL.TRIANGLE_STRIP, 0, 4, count),
  };
}

/**
 * `program`: `{ vertexShader, fragmentShader, attributes: Map(name -> location),
 * instanceFloats, instancesMax }` from the wasm. `viewport()` gives the drawing rectangle in CSS
 * pixels within the canvas (`{ x, y, width, height, canvasWidth, canvasHeight }`): the safe
 * area, where the wasm lays the game out.
 */
export class WebGlRenderer {
  constructor(canvas, program, { preserveDrawingBuffer = false, viewport } = {}) {
    this.canvas = canvas;
    this.viewport = viewport;
    const { gl, webgl2, divisor, drawInstanced } = context(canvas, {
      alpha: false, antialias: false, premultipliedAlpha: true, preserveDrawingBuffer,
    });
    this.gl = gl;
    this.webgl2 = webgl2;
    this.drawInstanced = drawInstanced;
    this.instanceFloats = program.instanceFloats;

    const linked = gl.createProgram();
    gl.attachShader(linked, compile(gl, GL.VERTEX_SHADER, program.vertexShader));
    gl.attachShader(linked, compile(gl, GL.FRAGMENT_SHADER, program.fragmentShader));
    for (const [name, location] of program.attributes) gl.bindAttribLocation(linked, location, name);
    gl.linkProgram(linked);
    if (!gl.getProgramParameter(linked, GL.LINK_STATUS)) {
      throw new Error(`shader program does not link: ${gl.getProgramInfoLog(linked)}`);
    }
    gl.useProgram(linked);
    this.resolution = gl.getUniformLocation(linked, 'u_resolution');
    this.time = gl.getUniformLocation(linked, 'u_time');
    this.textAtlas = gl.getUniformLocation(linked, 'u_text_atlas');
    if (!this.resolution || !this.time || !this.textAtlas) throw new Error('the shader program lacks its uniforms');
    // The text texture, on unit 0 where the sampler reads by default; it stays bound there.
    this.textTexture = gl.createTexture();
    gl.bindTexture(GL.TEXTURE_2D, this.textTexture);
    for (const [parameter, value] of [[GL.TEXTURE_MIN_FILTER, GL.LINEAR], [GL.TEXTURE_MAG_FILTER, GL.LINEAR],
      [GL.TEXTURE_WRAP_S, GL.CLAMP_TO_EDGE], [GL.TEXTURE_WRAP_T, GL.CLAMP_TO_EDGE]]) {
      gl.texParameteri(GL.TEXTURE_2D, parameter, value);
    }
    /** `{ generation, width, height }` of the text canvas last uploaded, or null. */
    this.textUploaded = null;

    const corner = program.attributes.get('a_corner');
    gl.bindBuffer(GL.ARRAY_BUFFER, gl.createBuffer());
    gl.bufferData(GL.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), GL.STATIC_DRAW);
    gl.enableVertexAttribArray(corner);
    gl.vertexAttribPointer(corner, 2, GL.FLOAT, false, 8, 0);

    this.instances = gl.createBuffer();
    gl.bindBuffer(GL.ARRAY_BUFFER, this.instances);
    gl.bufferData(GL.ARRAY_BUFFER, program.instancesMax * program.instanceFloats * 4, GL.DYNAMIC_DRAW);
    const stride = program.instanceFloats * 4;
    for (const [name, offset] of INSTANCE_ATTRIBUTES) {
      const location = program.attributes.get(name);
      gl.enableVertexAttribArray(location);
      gl.vertexAttribPointer(location, 4, GL.FLOAT, false, stride, offset);
      divisor(location, 1);
    }
    gl.enable(GL.BLEND);
    gl.blendFunc(GL.ONE, GL.ONE_MINUS_SRC_ALPHA);
  }

  /** Uploads the text canvas drawn for atlas `generation` (`width` x `height` texels). */
  uploadText(canvas, { generation, width, height }) {
    const { gl } = this;
    gl.bindTexture(GL.TEXTURE_2D, this.textTexture);
    gl.texImage2D(GL.TEXTURE_2D, 0, GL.RGBA, GL.RGBA, GL.UNSIGNED_BYTE, canvas);
    this.textUploaded = { generation, width, height };
  }

  /**
   * Draws one frame: `frame` is `{ widthPx, heightPx, instances (Float32Array view), timeS,
   * background: [r, g, b], dpr, textGeneration }`. Labels show only while the uploaded text
   * canvas is the one for `textGeneration`. Returns the draw calls made.
   */
  draw(frame) {
    const { gl } = this;
    const area = this.viewport?.() ?? null;
    const canvasWidth = area ? Math.round(area.canvasWidth * frame.dpr) : frame.widthPx;
    const canvasHeight = area ? Math.round(area.canvasHeight * frame.dpr) : frame.heightPx;
    if (this.canvas.width !== canvasWidth) this.canvas.width = canvasWidth;
    if (this.canvas.height !== canvasHeight) this.canvas.height = canvasHeight;
    // Clear the whole canvas (clear ignores the viewport), then draw inside the safe area.
    // GL's viewport origin is the bottom-left corner.
    const left = area ? Math.round(area.x * frame.dpr) : 0;
    const top = area ? Math.round(area.y * frame.dpr) : 0;
    const bottom = Math.max(0, canvasHeight - top - frame.heightPx);
    gl.viewport(left, bottom, frame.widthPx, frame.heightPx);
    gl.clearColor(frame.background[0], frame.background[1], frame.background[2], 1);
    gl.clear(GL.COLOR_BUFFER_BIT);
    gl.uniform2f(this.resolution, frame.widthPx, frame.heightPx);
    gl.uniform1f(this.time, frame.timeS);
    const text = this.textUploaded;
    const ready = text !== null && text.generation === frame.textGeneration;
    gl.uniform3f(this.textAtlas, text?.width ?? 1, text?.height ?? 1, ready ? 1 : 0);
    const count = frame.instances.length / this.instanceFloats;
    if (count === 0) return 0;
    gl.bindBuffer(GL.ARRAY_BUFFER, this.instances);
    gl.bufferSubData(GL.ARRAY_BUFFER, 0, frame.instances);
    this.drawInstanced(count);
    return 1;
  }
}

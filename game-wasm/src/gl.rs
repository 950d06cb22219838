//! The WebGL renderer: one program, one quad, one instance buffer, one instanced draw call per
//! frame. WebGL2 where the canvas offers it, else WebGL1 with `ANGLE_instanced_arrays`.
//!
//! Every JavaScript object is reached through unchecked casts: a mini-game canvas is not a DOM
//! element, so `instanceof` checks would fail there, while the method calls work on both.

use js_sys::{Float32Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    AngleInstancedArrays, HtmlCanvasElement, WebGl2RenderingContext, WebGlBuffer, WebGlProgram,
    WebGlRenderingContext as Gl1, WebGlShader, WebGlUniformLocation,
};

use crate::scene::{Rgba, Scene, INSTANCES_MAX, INSTANCE_FLOATS};

/// Both context kinds; their shared methods have the same names in web-sys.
enum Context {
    Gl1(Gl1, AngleInstancedArrays),
    Gl2(WebGl2RenderingContext),
}

/// Calls a method both context kinds share.
macro_rules! gl {
    ($context:expr, $method:ident ( $($argument:expr),* $(,)? )) => {
        match &$context {
            Context::Gl1(gl, _) => gl.$method($($argument),*),
            Context::Gl2(gl) => gl.$method($($argument),*),
        }
    };
}

const VERTEX_SHADER: &str = r#"
attribute vec2 a_corner;
attribute vec4 a_rect;
attribute vec4 a_color;
attribute vec4 a_shape;
uniform vec2 u_resolution;
varying vec2 v_local;
varying vec2 v_half;
varying vec4 v_color;
varying vec3 v_shape;
void main() {
  // One pixel of margin so the anti-aliased edge is not cut off.
  vec2 local = a_corner * (a_rect.zw + 1.0);
  float c = cos(a_shape.w);
  float s = sin(a_shape.w);
  vec2 position = a_rect.xy + vec2(local.x * c - local.y * s, local.x * s + local.y * c);
  vec2 clip = position / u_resolution * 2.0 - 1.0;
  gl_Position = vec4(clip.x, -clip.y, 0.0, 1.0);
  v_local = local;
  v_half = a_rect.zw;
  v_color = a_color;
  v_shape = a_shape.xyz;
}
"#;

/// Signed distances in pixels (negative inside); the edge is anti-aliased over one pixel.
/// Shape numbers and flags are `scene::shape` and `scene::flag`.
const FRAGMENT_SHADER: &str = r#"
#ifdef GL_FRAGMENT_PRECISION_HIGH
precision highp float;
#else
precision mediump float;
#endif
uniform float u_time;
varying vec2 v_local;
varying vec2 v_half;
varying vec4 v_color;
varying vec3 v_shape;

float box_sd(vec2 p, vec2 half_size, float radius) {
  vec2 q = abs(p) - half_size + radius;
  return length(max(q, 0.0)) + min(max(q.x, q.y), 0.0) - radius;
}
float triangle_sd(vec2 p, float r) {
  // Equilateral, pointing up (screen y grows downwards, so flip first).
  p.y = -p.y + r * 0.25;
  const float k = 1.7320508;
  p.x = abs(p.x) - r;
  p.y = p.y + r / k;
  if (p.x + k * p.y > 0.0) p = vec2(p.x - k * p.y, -k * p.x - p.y) / 2.0;
  p.x -= clamp(p.x, -2.0 * r, 0.0);
  return -length(p) * sign(p.y);
}
float hexagon_sd(vec2 p, float r) {
  const vec3 k = vec3(-0.8660254, 0.5, 0.5773503);
  p = abs(p);
  p -= 2.0 * min(dot(k.xy, p), 0.0) * k.xy;
  p -= vec2(clamp(p.x, -k.z * r, k.z * r), r);
  return length(p) * sign(p.y);
}
float star_sd(vec2 p, float r, float inner) {
  // Five points, one pointing up.
  p.y = -p.y;
  const vec2 k1 = vec2(0.809017, -0.5877853);
  const vec2 k2 = vec2(-0.809017, -0.5877853);
  p.x = abs(p.x);
  p -= 2.0 * max(dot(k1, p), 0.0) * k1;
  p -= 2.0 * max(dot(k2, p), 0.0) * k2;
  p.x = abs(p.x);
  p.y -= r;
  vec2 ba = inner * vec2(-k1.y, k1.x) - vec2(0.0, 1.0);
  float h = clamp(dot(p, ba) / dot(ba, ba), 0.0, r);
  return length(p - ba * h) * sign(p.y * ba.x - p.x * ba.y);
}
float bit(float value, float power) {
  return mod(floor(value / power + 0.5 / power), 2.0);
}
float digit_sd(vec2 p, vec2 half_size, float mask) {
  float t = half_size.x * 0.32;
  float w = half_size.x - t * 0.5;
  float h = half_size.y - t * 0.5;
  vec2 horizontal = vec2(w - t * 0.6, t * 0.5);
  vec2 vertical = vec2(t * 0.5, h * 0.5 - t * 0.6);
  float d = 1e5;
  if (bit(mask, 1.0) > 0.5) d = min(d, box_sd(p - vec2(0.0, -h), horizontal, t * 0.5));
  if (bit(mask, 2.0) > 0.5) d = min(d, box_sd(p - vec2(w, -h * 0.5), vertical, t * 0.5));
  if (bit(mask, 4.0) > 0.5) d = min(d, box_sd(p - vec2(w, h * 0.5), vertical, t * 0.5));
  if (bit(mask, 8.0) > 0.5) d = min(d, box_sd(p - vec2(0.0, h), horizontal, t * 0.5));
  if (bit(mask, 16.0) > 0.5) d = min(d, box_sd(p - vec2(-w, h * 0.5), vertical, t * 0.5));
  if (bit(mask, 32.0) > 0.5) d = min(d, box_sd(p - vec2(-w, -h * 0.5), vertical, t * 0.5));
  if (bit(mask, 64.0) > 0.5) d = min(d, box_sd(p, horizontal, t * 0.5));
  return d;
}
vec3 hue(float h) {
  return clamp(abs(mod(h * 6.0 + vec3(0.0, 4.0, 2.0), 6.0) - 3.0) - 1.0, 0.0, 1.0);
}
void main() {
  vec2 p = v_local;
  float r = min(v_half.x, v_half.y);
  float kind = v_shape.x;
  float parameter = v_shape.y;
  float flags = v_shape.z;
  vec3 color = v_color.rgb;
  float d;
  if (kind < 0.5) d = box_sd(p, v_half, parameter * r);
  else if (kind < 1.5) d = length(p) - r;
  else if (kind < 2.5) d = (abs(p.x) + abs(p.y) - r) * 0.7071068;
  else if (kind < 3.5) d = triangle_sd(p, r * 0.78);
  else if (kind < 4.5) d = hexagon_sd(p, r * 0.9);
  else if (kind < 5.5) d = star_sd(p, r, 0.45);
  else if (kind < 6.5) d = abs(length(p) - r * (1.0 - parameter * 0.5)) - r * parameter * 0.5;
  else if (kind < 7.5) {
    d = length(p) - r;
    float angle = atan(p.y, p.x) / 6.2831853;
    color = mix(vec3(0.12), hue(angle + u_time * 0.4), smoothstep(0.2, 0.8, length(p) / r));
  } else d = digit_sd(p, v_half, parameter);
  if (bit(flags, 1.0) > 0.5) color = mix(color, vec3(1.0), 0.55 * step(0.5, fract(p.y / r * 1.6)));
  if (bit(flags, 2.0) > 0.5) color = mix(color, vec3(1.0), 0.55 * step(0.5, fract(p.x / r * 1.6)));
  if (bit(flags, 4.0) > 0.5) {
    float ring = abs(length(p) - r * 0.62) - r * 0.1;
    color = mix(color, vec3(1.0), 0.8 * clamp(0.5 - ring, 0.0, 1.0));
  }
  if (bit(flags, 8.0) > 0.5) {
    color *= 0.82 + 0.25 * clamp(-p.y / r, -1.0, 1.0);
    color += 0.35 * (1.0 - smoothstep(0.0, r * 0.32, length(p - vec2(-0.32, -0.38) * r)));
  }
  float alpha = clamp(0.5 - d, 0.0, 1.0) * v_color.a;
  gl_FragColor = vec4(color * alpha, alpha);
}
"#;

const ATTRIBUTE_CORNER: u32 = 0;
const ATTRIBUTE_RECT: u32 = 1;
const ATTRIBUTE_COLOR: u32 = 2;
const ATTRIBUTE_SHAPE: u32 = 3;

pub struct Renderer {
    context: Context,
    canvas: HtmlCanvasElement,
    resolution: WebGlUniformLocation,
    time: WebGlUniformLocation,
    instance_buffer: WebGlBuffer,
    /// Draw calls of the last frame (at most `DRAW_CALLS_MAX` by design).
    pub draw_calls: u32,
    pub webgl2: bool,
}

/// One instanced draw per frame; the budget allows a few more for later layers.
pub const DRAW_CALLS_MAX: u32 = 8;

fn error(message: impl Into<String>) -> JsValue {
    JsValue::from_str(&message.into())
}

impl Renderer {
    /// Takes a WebGL context from `canvas` (any object with `getContext`).
    pub fn new(canvas: JsValue, preserve_drawing_buffer: bool) -> Result<Renderer, JsValue> {
        let canvas: HtmlCanvasElement = canvas.unchecked_into();
        let options = Object::new();
        Reflect::set(&options, &"alpha".into(), &false.into())?;
        Reflect::set(&options, &"antialias".into(), &false.into())?;
        Reflect::set(&options, &"premultipliedAlpha".into(), &true.into())?;
        Reflect::set(
            &options,
            &"preserveDrawingBuffer".into(),
            &preserve_drawing_buffer.into(),
        )?;
        let context = match canvas.get_context_with_context_options("webgl2", &options) {
            Ok(Some(gl)) => Context::Gl2(gl.unchecked_into()),
            _ => {
                let gl: Gl1 = canvas
                    .get_context_with_context_options("webgl", &options)?
                    .ok_or_else(|| error("this device offers no WebGL"))?
                    .unchecked_into();
                let instancing: AngleInstancedArrays = gl
                    .get_extension("ANGLE_instanced_arrays")?
                    .ok_or_else(|| error("WebGL1 without ANGLE_instanced_arrays"))?
                    .unchecked_into();
                Context::Gl1(gl, instancing)
            }
        };
        let webgl2 = matches!(context, Context::Gl2(_));
        let program = link(&context)?;
        gl!(context, use_program(Some(&program)));
        let uniform = |name: &str| {
            gl!(context, get_uniform_location(&program, name))
                .ok_or_else(|| error(format!("uniform {name} missing")))
        };
        let resolution = uniform("u_resolution")?;
        let time = uniform("u_time")?;
        // The unit quad, as a triangle strip.
        let corners: [f32; 8] = [-1.0, -1.0, 1.0, -1.0, -1.0, 1.0, 1.0, 1.0];
        let corner_buffer = gl!(context, create_buffer()).ok_or_else(|| error("no buffer"))?;
        gl!(
            context,
            bind_buffer(Gl1::ARRAY_BUFFER, Some(&corner_buffer))
        );
        // SAFETY: the view lives only for this call, and nothing allocates meanwhile.
        let view = unsafe { Float32Array::view(&corners) };
        gl!(
            context,
            buffer_data_with_array_buffer_view(Gl1::ARRAY_BUFFER, &view, Gl1::STATIC_DRAW)
        );
        gl!(context, enable_vertex_attrib_array(ATTRIBUTE_CORNER));
        gl!(
            context,
            vertex_attrib_pointer_with_i32(ATTRIBUTE_CORNER, 2, Gl1::FLOAT, false, 8, 0)
        );
        let instance_buffer = gl!(context, create_buffer()).ok_or_else(|| error("no buffer"))?;
        gl!(
            context,
            bind_buffer(Gl1::ARRAY_BUFFER, Some(&instance_buffer))
        );
        let bytes = (INSTANCES_MAX * INSTANCE_FLOATS * 4) as i32;
        gl!(
            context,
            buffer_data_with_i32(Gl1::ARRAY_BUFFER, bytes, Gl1::DYNAMIC_DRAW)
        );
        let stride = (INSTANCE_FLOATS * 4) as i32;
        for (attribute, offset) in [
            (ATTRIBUTE_RECT, 0),
            (ATTRIBUTE_COLOR, 16),
            (ATTRIBUTE_SHAPE, 32),
        ] {
            gl!(context, enable_vertex_attrib_array(attribute));
            gl!(
                context,
                vertex_attrib_pointer_with_i32(attribute, 4, Gl1::FLOAT, false, stride, offset)
            );
            match &context {
                Context::Gl1(_, instancing) => instancing.vertex_attrib_divisor_angle(attribute, 1),
                Context::Gl2(gl) => gl.vertex_attrib_divisor(attribute, 1),
            }
        }
        gl!(context, enable(Gl1::BLEND));
        gl!(context, blend_func(Gl1::ONE, Gl1::ONE_MINUS_SRC_ALPHA));
        Ok(Renderer {
            context,
            canvas,
            resolution,
            time,
            instance_buffer,
            draw_calls: 0,
            webgl2,
        })
    }

    /// Sizes the drawing buffer to `width_px` x `height_px` device pixels (when it changed).
    pub fn resize(&mut self, width_px: u32, height_px: u32) {
        if self.canvas.width() != width_px {
            self.canvas.set_width(width_px);
        }
        if self.canvas.height() != height_px {
            self.canvas.set_height(height_px);
        }
    }

    pub fn draw(&mut self, scene: &Scene, background: Rgba) {
        let (width, height) = (self.canvas.width(), self.canvas.height());
        let context = &self.context;
        gl!(context, viewport(0, 0, width as i32, height as i32));
        gl!(
            context,
            clear_color(background[0], background[1], background[2], 1.0)
        );
        gl!(context, clear(Gl1::COLOR_BUFFER_BIT));
        gl!(
            context,
            uniform2f(Some(&self.resolution), width as f32, height as f32)
        );
        gl!(context, uniform1f(Some(&self.time), scene.time_s));
        let count = scene.instance_count() as i32;
        self.draw_calls = 0;
        if count == 0 {
            return;
        }
        gl!(
            context,
            bind_buffer(Gl1::ARRAY_BUFFER, Some(&self.instance_buffer))
        );
        // SAFETY: a view straight over the instance list in linear memory, used before anything
        // can allocate (and so grow the memory and detach it).
        let view = unsafe { Float32Array::view(&scene.instances) };
        gl!(
            context,
            buffer_sub_data_with_i32_and_array_buffer_view(Gl1::ARRAY_BUFFER, 0, &view)
        );
        match context {
            Context::Gl1(_, instancing) => {
                instancing.draw_arrays_instanced_angle(Gl1::TRIANGLE_STRIP, 0, 4, count)
            }
            Context::Gl2(gl) => gl.draw_arrays_instanced(Gl1::TRIANGLE_STRIP, 0, 4, count),
        }
        self.draw_calls += 1;
        debug_assert!(self.draw_calls <= DRAW_CALLS_MAX);
    }
}

fn compile(context: &Context, kind: u32, source: &str) -> Result<WebGlShader, JsValue> {
    let shader = gl!(context, create_shader(kind)).ok_or_else(|| error("no shader"))?;
    gl!(context, shader_source(&shader, source));
    gl!(context, compile_shader(&shader));
    if gl!(context, get_shader_parameter(&shader, Gl1::COMPILE_STATUS)).as_bool() == Some(true) {
        Ok(shader)
    } else {
        let log = gl!(context, get_shader_info_log(&shader)).unwrap_or_default();
        Err(error(format!("shader does not compile: {log}")))
    }
}

fn link(context: &Context) -> Result<WebGlProgram, JsValue> {
    let vertex = compile(context, Gl1::VERTEX_SHADER, VERTEX_SHADER)?;
    let fragment = compile(context, Gl1::FRAGMENT_SHADER, FRAGMENT_SHADER)?;
    let program = gl!(context, create_program()).ok_or_else(|| error("no program"))?;
    gl!(context, attach_shader(&program, &vertex));
    gl!(context, attach_shader(&program, &fragment));
    for (location, name) in [
        (ATTRIBUTE_CORNER, "a_corner"),
        (ATTRIBUTE_RECT, "a_rect"),
        (ATTRIBUTE_COLOR, "a_color"),
        (ATTRIBUTE_SHAPE, "a_shape"),
    ] {
        gl!(context, bind_attrib_location(&program, location, name));
    }
    gl!(context, link_program(&program));
    if gl!(context, get_program_parameter(&program, Gl1::LINK_STATUS)).as_bool() == Some(true) {
        Ok(program)
    } else {
        let log = gl!(context, get_program_info_log(&program)).unwrap_or_default();
        Err(error(format!("shader program does not link: {log}")))
    }
}

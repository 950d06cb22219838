//! The renderer's GPU program, shared by both hosts: the browser's renderer (`gl.rs`) compiles
//! it through web-sys, a mini-game host's JavaScript renderer reads it through `play_abi`.
//! One quad, instanced once per entry of `scene::Scene::instances`; the instance layout is
//! `scene::INSTANCE_FLOATS` floats: `a_rect` (centre, half size), `a_color`, `a_shape`.

pub const VERTEX_SHADER: &str = r#"
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
pub const FRAGMENT_SHADER: &str = r#"
#ifdef GL_FRAGMENT_PRECISION_HIGH
precision highp float;
#else
precision mediump float;
#endif
uniform float u_time;
// The text texture (`text.rs`): white glyphs on transparent, one label per row.
uniform sampler2D u_text;
// Its width and height in texels, and 1 when it holds the rows the scene names (a host that
// has not drawn them yet, or cannot, leaves it 0 and labels are simply not drawn).
uniform vec3 u_text_atlas;
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
// A label: the quad's pixels map one to one onto its box in the text texture, whose corner is
// (flags, parameter).
vec4 text_color(vec2 p) {
  if (u_text_atlas.z < 0.5 || abs(p.x) > v_half.x || abs(p.y) > v_half.y) return vec4(0.0);
  vec2 uv = (p + v_half + v_shape.zy) / u_text_atlas.xy;
  float alpha = texture2D(u_text, uv).a * v_color.a;
  return vec4(v_color.rgb * alpha, alpha);
}
void main() {
  vec2 p = v_local;
  if (v_shape.x > 8.5) {
    gl_FragColor = text_color(p);
    return;
  }
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

pub const ATTRIBUTE_CORNER: u32 = 0;
pub const ATTRIBUTE_RECT: u32 = 1;
pub const ATTRIBUTE_COLOR: u32 = 2;
pub const ATTRIBUTE_SHAPE: u32 = 3;

/// Attribute locations, bound before linking so both hosts agree without asking the driver.
pub const ATTRIBUTES: [(u32, &str); 4] = [
    (ATTRIBUTE_CORNER, "a_corner"),
    (ATTRIBUTE_RECT, "a_rect"),
    (ATTRIBUTE_COLOR, "a_color"),
    (ATTRIBUTE_SHAPE, "a_shape"),
];

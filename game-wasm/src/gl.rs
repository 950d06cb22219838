//! The WebGL renderer: one program, one quad, one instance buffer, one instanced draw call per
//! frame. WebGL2 where the canvas offers it, else WebGL1 with `ANGLE_instanced_arrays`.
//!
//! Every JavaScript object is reached through unchecked casts: a mini-game canvas is not a DOM
//! element, so `instanceof` checks would fail there, while the method calls work on both.

use js_sys::{Float32Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    AngleInstancedArrays, HtmlCanvasElement, WebGl2RenderingContext, WebGlBuffer, WebGlProgram,
    WebGlRenderingContext as Gl1, WebGlShader, WebGlTexture, WebGlUniformLocation,
};

use alloc::format;
use alloc::string::String;

use crate::scene::{Rgba, Scene, INSTANCES_MAX, INSTANCE_FLOATS};
use crate::shaders::{
    ATTRIBUTES, ATTRIBUTE_COLOR, ATTRIBUTE_CORNER, ATTRIBUTE_RECT, ATTRIBUTE_SHAPE,
    FRAGMENT_SHADER, VERTEX_SHADER,
};

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

pub struct Renderer {
    context: Context,
    canvas: HtmlCanvasElement,
    resolution: WebGlUniformLocation,
    time: WebGlUniformLocation,
    text_atlas: WebGlUniformLocation,
    text_texture: WebGlTexture,
    /// The text atlas generation the texture holds, and its size in texels.
    text_uploaded: Option<(u32, u32, u32)>,
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
        let text_atlas = uniform("u_text_atlas")?;
        // The sampler reads texture unit 0, its default; the texture stays bound there.
        let text_texture = gl!(context, create_texture()).ok_or_else(|| error("no texture"))?;
        gl!(context, bind_texture(Gl1::TEXTURE_2D, Some(&text_texture)));
        for (parameter, value) in [
            (Gl1::TEXTURE_MIN_FILTER, Gl1::LINEAR),
            (Gl1::TEXTURE_MAG_FILTER, Gl1::LINEAR),
            (Gl1::TEXTURE_WRAP_S, Gl1::CLAMP_TO_EDGE),
            (Gl1::TEXTURE_WRAP_T, Gl1::CLAMP_TO_EDGE),
        ] {
            gl!(
                context,
                tex_parameteri(Gl1::TEXTURE_2D, parameter, value as i32)
            );
        }
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
            text_atlas,
            text_texture,
            text_uploaded: None,
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

    /// Uploads the text canvas the host drew for atlas `generation` (any object WebGL takes as
    /// a texture source: a DOM canvas, an `OffscreenCanvas`).
    pub fn upload_text(
        &mut self,
        canvas: JsValue,
        generation: u32,
        width_px: u32,
        height_px: u32,
    ) -> Result<(), JsValue> {
        let canvas: HtmlCanvasElement = canvas.unchecked_into();
        let context = &self.context;
        gl!(
            context,
            bind_texture(Gl1::TEXTURE_2D, Some(&self.text_texture))
        );
        let (target, format, kind) = (Gl1::TEXTURE_2D, Gl1::RGBA, Gl1::UNSIGNED_BYTE);
        match context {
            Context::Gl1(gl, _) => gl.tex_image_2d_with_u32_and_u32_and_canvas(
                target,
                0,
                format as i32,
                format,
                kind,
                &canvas,
            )?,
            Context::Gl2(gl) => gl.tex_image_2d_with_u32_and_u32_and_html_canvas_element(
                target,
                0,
                format as i32,
                format,
                kind,
                &canvas,
            )?,
        }
        self.text_uploaded = Some((generation, width_px, height_px));
        Ok(())
    }

    pub fn draw(&mut self, scene: &Scene, background: Rgba, text_generation: u32) {
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
        let (width_texels, height_texels, ready) = match self.text_uploaded {
            Some((generation, width, height)) => (
                width as f32,
                height as f32,
                if generation == text_generation {
                    1.0
                } else {
                    0.0
                },
            ),
            None => (1.0, 1.0, 0.0),
        };
        gl!(
            context,
            uniform3f(Some(&self.text_atlas), width_texels, height_texels, ready)
        );
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
    for (location, name) in ATTRIBUTES {
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

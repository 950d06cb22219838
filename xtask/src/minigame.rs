//! `cargo xtask minigame`: the game for WeChat, Alipay and Douyin mini-game containers.
//!
//! 1. game-wasm for `wasm32v1-none` (MVP wasm plus mutable globals), profile `minigame`.
//! 2. Post-processing: custom sections and exported globals dropped (`wasm_module`).
//! 3. Checks: wabt's `wasm-validate` with every post-MVP feature disabled; exports only
//!    functions and the memory; no imports; `game.wasm.br` within [`WASM_BR_BYTES_MAX`].
//! 4. The shim bundled into one CommonJS file (`playproof.js`, esbuild) for runtimes that have
//!    `require` but no ES modules.
//! 5. The sound cues rendered into WAV files (`host-shim/scripts/render-cues.mjs`): the
//!    containers play only audio files from the package.
//! 6. One ready-to-open project folder per platform under [`MINIGAME_DIR`].

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, ensure, Context, Result};
use serde_json::json;

use crate::shell::{cargo, run};
use crate::wasm_module::{self, ExternKind};
use crate::{setup, web};

pub const MINIGAME_DIR: &str = "target/minigame";
/// Where `host-shim/scripts/render-cues.mjs` puts the sound cues, in the output and each project.
const SOUNDS_DIR: &str = "sounds";
const COMPILED: &str = "target/wasm32v1-none/minigame/game_wasm.wasm";
/// The budget for the compressed module (the platforms' package limit is 4 MB in all, and a
/// low-end phone compiles wasm with about ten times its size in memory).
pub const WASM_BR_BYTES_MAX: usize = 150_000;
/// Post-MVP features `wasm-validate` must find absent. Mutable globals stay allowed: the
/// stack pointer is one, and every target platform supports them.
const POST_MVP_FEATURES_OFF: [&str; 6] = [
    "--disable-saturating-float-to-int",
    "--disable-sign-extension",
    "--disable-simd",
    "--disable-multi-value",
    "--disable-bulk-memory",
    "--disable-reference-types",
];

pub struct Platform {
    pub name: &'static str,
    /// The platform object `game.js` hands to the shim.
    api: &'static str,
    tool: &'static str,
}

pub const PLATFORMS: [Platform; 3] = [
    Platform {
        name: "wechat",
        api: "wx",
        tool: "WeChat DevTools (微信开发者工具)",
    },
    Platform {
        name: "alipay",
        api: "my",
        tool: "Alipay Mini Program Studio (支付宝小程序开发者工具)",
    },
    Platform {
        name: "douyin",
        api: "tt",
        tool: "Douyin DevTools (抖音开发者工具)",
    },
];

/// What the player's game talks to and how it logs in (`config.js` in each project).
pub struct Options {
    pub backend_url: String,
    pub login: String,
    pub dev_player: String,
    pub first_level: Option<String>,
    pub wechat_appid: String,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            backend_url: "http://127.0.0.1:8080".into(),
            login: "dev".into(),
            dev_player: "minigame".into(),
            first_level: None,
            wechat_appid: "touristappid".into(),
        }
    }
}

impl Options {
    pub fn parse(args: &[&str]) -> Result<Options> {
        let mut options = Options::default();
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            let mut value = || {
                args.next()
                    .map(|value| value.to_string())
                    .with_context(|| format!("{flag} needs a value"))
            };
            match *flag {
                "--backend" => options.backend_url = value()?,
                "--login" => options.login = value()?,
                "--player" => options.dev_player = value()?,
                "--first-level" => options.first_level = Some(value()?),
                "--wechat-appid" => options.wechat_appid = value()?,
                other => bail!(
                    "unknown option {other:?}; options: --backend URL, --login dev|wechat, \
                     --player NAME, --first-level ID, --wechat-appid ID"
                ),
            }
        }
        ensure!(
            options.backend_url.starts_with("http://")
                || options.backend_url.starts_with("https://"),
            "--backend must be an http:// or https:// URL, not {:?}",
            options.backend_url
        );
        ensure!(
            matches!(options.login.as_str(), "dev" | "wechat"),
            "--login must be dev or wechat, not {:?}",
            options.login
        );
        Ok(options)
    }
}

/// Builds, checks and writes every project folder (printing the sizes).
pub fn build(options: &Options) -> Result<()> {
    setup::rust_targets()?;
    setup::node()?;
    setup::npm_ci("host-shim")?;
    setup::wabt()?;
    setup::binaryen()?;
    cargo(&[
        "build",
        "-p",
        "game-wasm",
        "--profile",
        "minigame",
        "--target",
        "wasm32v1-none",
    ])?;
    let out = PathBuf::from(MINIGAME_DIR);
    if out.exists() {
        fs::remove_dir_all(&out).with_context(|| format!("clearing {MINIGAME_DIR}"))?;
    }
    fs::create_dir_all(&out)?;

    let compiled = fs::read(COMPILED).with_context(|| format!("reading {COMPILED}"))?;
    let stripped =
        wasm_module::strip_for_minigame(&compiled).context("post-processing the wasm")?;
    let wasm_path = out.join("game.wasm");
    fs::write(&wasm_path, &stripped)?;
    // Two structural binaryen passes: identical functions merged (monomorphised copies the
    // linker kept apart) and what the stripped exports left unreachable removed. They change no
    // instruction's meaning, so replay hashes stay (the sandboxes' cross-target checks run this
    // module). Measured on the brotli size that the budget counts: 151,140 to 148,161 bytes;
    // `-Oz` made the raw module 15% smaller but its brotli 0.5% larger, so it is not used.
    let wasm_file = wasm_path
        .to_str()
        .context("the mini-game folder's path is not UTF-8")?;
    run(
        "wasm-opt",
        &[
            "--mvp-features",
            "--duplicate-function-elimination",
            "--remove-unused-module-elements",
            wasm_file,
            "-o",
            wasm_file,
        ],
    )?;
    let wasm = fs::read(&wasm_path).with_context(|| format!("reading {}", wasm_path.display()))?;
    check_module(&wasm, &wasm_path)?;
    let wasm_br = brotli(&wasm)?;
    ensure!(
        wasm_br.len() <= WASM_BR_BYTES_MAX,
        "game.wasm.br is {} bytes, over the budget of {WASM_BR_BYTES_MAX}",
        wasm_br.len()
    );
    fs::write(out.join("game.wasm.br"), &wasm_br)?;

    let bundle = out.join("playproof.js");
    run(
        "host-shim/node_modules/.bin/esbuild",
        &[
            "host-shim/src/minigame/main.js",
            "--bundle",
            "--format=cjs",
            "--platform=neutral",
            "--target=es2017",
            "--minify",
            "--legal-comments=none",
            &format!("--outfile={}", bundle.display()),
        ],
    )?;
    let bundle_bytes = fs::metadata(&bundle)?.len() as usize;
    // The containers play only audio files they ship: the browser's synthesised cues, rendered.
    let out_text = out
        .to_str()
        .context("the mini-game folder's path is not UTF-8")?;
    run("node", &["host-shim/scripts/render-cues.mjs", out_text])?;

    for platform in &PLATFORMS {
        project(platform, options, &out, &wasm_br)?;
    }
    eprintln!(
        "\nmini-game projects in {MINIGAME_DIR}/{{wechat,alipay,douyin}}: game.wasm {} bytes, \
         game.wasm.br {} bytes (budget {WASM_BR_BYTES_MAX}), playproof.js {bundle_bytes} bytes; \
         backend {}",
        wasm.len(),
        wasm_br.len(),
        options.backend_url
    );
    Ok(())
}

/// MVP-only, nothing imported, only functions and the memory exported.
fn check_module(wasm: &[u8], path: &Path) -> Result<()> {
    let path_text = path.to_string_lossy();
    let mut args: Vec<&str> = POST_MVP_FEATURES_OFF.to_vec();
    args.push(&path_text);
    run("wasm-validate", &args)?;
    let imports = wasm_module::imports(wasm)?;
    ensure!(
        imports.is_empty(),
        "{path_text} imports {:?}; the mini-game module must be self-contained",
        imports
            .iter()
            .map(|import| format!("{}.{} ({:?})", import.module, import.name, import.kind))
            .collect::<Vec<_>>()
    );
    let exports = wasm_module::exports(wasm)?;
    let unexpected: Vec<String> = exports
        .iter()
        .filter(|export| !matches!(export.kind, ExternKind::Function | ExternKind::Memory))
        .map(|export| format!("{} ({:?})", export.name, export.kind))
        .collect();
    ensure!(
        unexpected.is_empty(),
        "{path_text} exports {unexpected:?}: WeChat on iOS refuses exported globals"
    );
    ensure!(
        exports
            .iter()
            .any(|export| export.name == "memory" && export.kind == ExternKind::Memory),
        "{path_text} does not export its memory"
    );
    eprintln!(
        "{path_text}: MVP-only (wasm-validate, post-MVP features off), {} exports: functions \
         and the memory only, no imports",
        exports.len()
    );
    Ok(())
}

/// Brotli at its best ratio (the web build's precompressed siblings use it too).
pub(crate) fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut compressed = Vec::new();
    {
        // Quality 11 (the smallest output), a 4 MiB window (wider than the module).
        let mut writer = brotli::CompressorWriter::new(&mut compressed, 4096, 11, 22);
        writer.write_all(bytes)?;
    }
    Ok(compressed)
}

/// One platform's folder: entry, configs, the bundle, the wasm, the sounds, the theme and the
/// levels.
fn project(platform: &Platform, options: &Options, out: &Path, wasm_br: &[u8]) -> Result<()> {
    let dir = out.join(platform.name);
    fs::create_dir_all(dir.join("levels"))?;
    fs::create_dir_all(dir.join(SOUNDS_DIR))?;
    fs::write(dir.join("game.wasm.br"), wasm_br)?;
    for sound in fs::read_dir(out.join(SOUNDS_DIR))? {
        let sound = sound?;
        fs::copy(sound.path(), dir.join(SOUNDS_DIR).join(sound.file_name()))
            .with_context(|| format!("copying {}", sound.path().display()))?;
    }
    fs::copy(out.join("playproof.js"), dir.join("playproof.js"))?;
    fs::copy("assets/themes/default.json", dir.join("theme.json"))?;
    let mut levels = Vec::new();
    for entry in web::level_entries()? {
        let file = entry
            .path
            .file_name()
            .context("a level file has a name")?
            .to_string_lossy()
            .into_owned();
        fs::copy(&entry.path, dir.join("levels").join(&file))
            .with_context(|| format!("copying {}", entry.path.display()))?;
        levels.push(json!({
            "id": entry.id,
            "name": entry.name,
            "mode": entry.mode,
            "path": format!("levels/{file}"),
        }));
    }
    let config = json!({
        "backendUrl": options.backend_url,
        "login": options.login,
        "devPlayer": options.dev_player,
        "firstLevel": options.first_level,
        "theme": "theme.json",
        "levels": levels,
    });
    fs::write(
        dir.join("config.js"),
        format!(
            "// Made by `cargo xtask minigame`; edit backendUrl here or pass --backend.\n\
             module.exports = {};\n",
            serde_json::to_string_pretty(&config)?
        ),
    )?;
    fs::write(dir.join("game.js"), game_js(platform))?;
    fs::write(
        dir.join("game.json"),
        serde_json::to_string_pretty(&json!({
            "deviceOrientation": "portrait",
            "showStatusBar": false,
            "networkTimeout": { "request": 10000 },
        }))? + "\n",
    )?;
    fs::write(
        dir.join("project.config.json"),
        serde_json::to_string_pretty(&project_config(platform, options))? + "\n",
    )?;
    eprintln!(
        "{}: open {} in {}",
        platform.name,
        dir.display(),
        platform.tool
    );
    Ok(())
}

fn game_js(platform: &Platform) -> String {
    format!(
        "// The mini-game's entry: hands the {api} runtime to the bundled shim.\n\
         const {{ boot }} = require('./playproof.js');\n\
         const config = require('./config.js');\n\
         \n\
         const root = typeof GameGlobal !== 'undefined' ? GameGlobal\n  \
         : (typeof $global !== 'undefined' ? $global : globalThis);\n\
         boot({{ platform: '{name}', global: root, config }}).catch((error) => {{\n  \
         console.error('PlayProof could not start:', error);\n\
         }});\n",
        api = platform.api,
        name = platform.name,
    )
}

fn project_config(platform: &Platform, options: &Options) -> serde_json::Value {
    match platform.name {
        "wechat" => json!({
            "appid": options.wechat_appid,
            "compileType": "game",
            "projectname": "playproof",
            "libVersion": "3.0.0",
            // A LAN dev backend is plain http on an IP: the tool must not insist on https.
            "setting": { "urlCheck": false, "es6": false, "minified": true },
        }),
        "douyin" => json!({
            "appid": "testappid",
            "projectname": "playproof",
            "setting": { "urlCheck": false, "es6": false },
        }),
        _ => json!({
            "projectname": "playproof",
            "setting": { "transpile": false, "minify": true },
        }),
    }
}

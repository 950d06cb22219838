//! Installs what the build and tests need, skipping whatever is already present.

use anyhow::{bail, Result};

use crate::shell::{output, run};

/// Rust targets: `wasm32-unknown-unknown` for the web build, `wasm32v1-none` for the no_std
/// core check (and the mini-game artifact).
pub const RUST_TARGETS: [&str; 2] = ["wasm32-unknown-unknown", "wasm32v1-none"];

/// Oldest Node.js the tests run on (global `WebAssembly` with BigInt i64 parameters).
const NODE_MAJOR_MIN: u32 = 18;

/// Debian's Chromium: the real browser the browser tests drive.
const CHROMIUM_PATH: &str = "/usr/bin/chromium";
/// Debian's chromedriver for it: wasm-bindgen-test-runner drives Chromium through it.
pub const CHROMEDRIVER_PATH: &str = "/usr/bin/chromedriver";

/// npm projects whose packages the tests need.
pub const NPM_PROJECTS: [&str; 2] = ["tests/browser", "host-shim"];

pub fn all() -> Result<()> {
    rust_targets()?;
    node()?;
    chromium()?;
    wasm_bindgen_cli()?;
    NPM_PROJECTS.iter().try_for_each(|project| npm_ci(project))
}

pub fn chromium() -> Result<()> {
    if !(std::path::Path::new(CHROMIUM_PATH).exists()
        && std::path::Path::new(CHROMEDRIVER_PATH).exists())
    {
        apt_install(&["chromium", "chromium-driver"])?;
    }
    cjk_font()
}

/// A Simplified Chinese font for headless Chromium, so the screenshots of the game's Chinese
/// words show characters rather than boxes. WenQuanYi Micro Hei is one 5 MB file that covers
/// GB 2312 (every phrase in game-wasm's `text.rs`); Noto CJK is several times larger.
const CJK_FONT_PACKAGE: &str = "fonts-wqy-microhei";
const CJK_FONT_PATH: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

pub fn cjk_font() -> Result<()> {
    if std::path::Path::new(CJK_FONT_PATH).exists() {
        return Ok(());
    }
    apt_install(&[CJK_FONT_PACKAGE])
}

/// Installs an npm project's locked packages unless `node_modules` is newer than the lock file.
pub fn npm_ci(project: &str) -> Result<()> {
    let lock = std::path::Path::new(project).join("package-lock.json");
    let installed = std::path::Path::new(project).join("node_modules/.package-lock.json");
    let modified = |path: &std::path::Path| {
        std::fs::metadata(path)
            .and_then(|meta| meta.modified())
            .ok()
    };
    if let (Some(lock_time), Some(installed_time)) = (modified(&lock), modified(&installed)) {
        if installed_time >= lock_time {
            return Ok(());
        }
    }
    run(
        "npm",
        &["ci", "--prefix", project, "--no-audit", "--no-fund"],
    )
}

pub fn rust_targets() -> Result<()> {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    let missing: Vec<&str> = RUST_TARGETS
        .iter()
        .copied()
        .filter(|target| !installed.lines().any(|line| line == *target))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut args = vec!["target", "add"];
    args.extend(missing);
    run("rustup", &args)
}

pub fn node() -> Result<()> {
    if node_major().is_some_and(|major| major >= NODE_MAJOR_MIN) {
        return Ok(());
    }
    apt_install(&["nodejs"])?;
    match node_major() {
        Some(major) if major >= NODE_MAJOR_MIN => Ok(()),
        found => bail!("Node.js {NODE_MAJOR_MIN} or newer is needed; found {found:?}"),
    }
}

fn node_major() -> Option<u32> {
    let version = output("node", &["--version"])?;
    version
        .trim_start_matches('v')
        .split('.')
        .next()?
        .parse()
        .ok()
}

/// Installs Debian packages (the machines run as root; `apt-get update` first).
/// wabt: `wasm-validate` checks the mini-game artifact with every post-MVP feature off.
pub fn wabt() -> Result<()> {
    if output("wasm-validate", &["--version"]).is_some() {
        return Ok(());
    }
    apt_install(&["wabt"])
}

/// binaryen: `wasm-opt` merges and drops dead code from the mini-game artifact (its budget).
pub fn binaryen() -> Result<()> {
    if output("wasm-opt", &["--version"]).is_some() {
        return Ok(());
    }
    apt_install(&["binaryen"])
}

pub fn apt_install(packages: &[&str]) -> Result<()> {
    run("apt-get", &["update", "-qq"])?;
    let mut args = vec!["install", "-y", "-qq", "--no-install-recommends"];
    args.extend_from_slice(packages);
    run("apt-get", &args)
}

/// Installs wasm-bindgen-cli at exactly the version of the `wasm-bindgen` crate in Cargo.lock
/// (the CLI refuses modules made by any other version), unless that version is already on the
/// path.
pub fn wasm_bindgen_cli() -> Result<()> {
    let version = locked_version("wasm-bindgen")?;
    let installed = output("wasm-bindgen", &["--version"]).unwrap_or_default();
    if installed.split_whitespace().nth(1) == Some(version.as_str()) {
        return Ok(());
    }
    crate::shell::cargo(&["install", "wasm-bindgen-cli", "--version", &version])
}

/// The version Cargo.lock pins for `package`.
fn locked_version(package: &str) -> Result<String> {
    let lock = std::fs::read_to_string("Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == format!("name = \"{package}\"") {
            if let Some(version) = lines
                .next()
                .and_then(|line| line.strip_prefix("version = \""))
                .and_then(|rest| rest.strip_suffix('"'))
            {
                return Ok(version.to_string());
            }
        }
    }
    bail!("Cargo.lock has no {package}")
}

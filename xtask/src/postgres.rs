//! A PostgreSQL for the tests: Debian's `postgresql` package, one cluster on 127.0.0.1 in a temp
//! directory, one database. Each step is skipped when already done, so repeated runs are quick.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::setup::apt_install;
use crate::shell::{output, run};

/// Loopback port of the test cluster; away from the default 5432 so a system cluster is untouched.
pub const PORT: u16 = 54_329;
/// The database the tests use (each test makes its own schema inside it).
pub const DATABASE: &str = "playproof_test";
/// Connections the cluster allows: every test store holds a small pool, and tests run in parallel.
const CONNECTIONS_MAX: u32 = 400;
/// The OS user that owns and runs the cluster (made by the Debian package).
const OWNER: &str = "postgres";

/// Ensures the cluster runs and the database exists; returns its URL.
pub fn ensure() -> Result<String> {
    let bin = server_bin_dir().or_else(|_| {
        apt_install(&["postgresql"])?;
        server_bin_dir()
    })?;
    let root = std::env::temp_dir().join("playproof-postgres");
    let data = root.join("data");
    if !data.join("PG_VERSION").exists() {
        std::fs::create_dir_all(&root).with_context(|| format!("creating {}", root.display()))?;
        run("chown", &["-R", OWNER, &path_str(&root)?])?;
        as_owner(
            &bin.join("initdb"),
            &[
                "-D",
                &path_str(&data)?,
                "--auth=trust",
                "--username=postgres",
                "--encoding=UTF8",
            ],
        )?;
    }
    if !is_ready() {
        let options = format!(
            "-p {PORT} -k {} -c listen_addresses=127.0.0.1 -c max_connections={CONNECTIONS_MAX}",
            path_str(&root)?
        );
        as_owner(
            &bin.join("pg_ctl"),
            &[
                "-D",
                &path_str(&data)?,
                "-l",
                &path_str(&root.join("server.log"))?,
                "-o",
                &options,
                "-w",
                "start",
            ],
        )?;
    }
    if !is_ready() {
        bail!(
            "PostgreSQL did not start; see {}",
            root.join("server.log").display()
        );
    }
    let exists = output(
        "psql",
        &[
            "-h",
            "127.0.0.1",
            "-p",
            &PORT.to_string(),
            "-U",
            "postgres",
            "-tAc",
            &format!("SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"),
        ],
    )
    .unwrap_or_default();
    if exists != "1" {
        run(
            "createdb",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &PORT.to_string(),
                "-U",
                "postgres",
                DATABASE,
            ],
        )?;
    }
    Ok(format!("postgres://postgres@127.0.0.1:{PORT}/{DATABASE}"))
}

/// The newest installed server's `bin` directory, e.g. `/usr/lib/postgresql/15/bin`.
fn server_bin_dir() -> Result<PathBuf> {
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .with_context(|| format!("listing {}", root.display()))?
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let version = path.file_name()?.to_str()?.parse().ok()?;
            path.join("bin/initdb")
                .exists()
                .then_some((version, path.join("bin")))
        })
        .collect();
    versions.sort();
    match versions.pop() {
        Some((_, bin)) => Ok(bin),
        None => bail!("no PostgreSQL server under {}", root.display()),
    }
}

fn is_ready() -> bool {
    output("pg_isready", &["-h", "127.0.0.1", "-p", &PORT.to_string()]).is_some()
}

fn as_owner(program: &Path, args: &[&str]) -> Result<()> {
    let mut command = vec!["-u", OWNER, "--"];
    let program = path_str(program)?;
    command.push(&program);
    command.extend_from_slice(args);
    run("runuser", &command)
}

fn path_str(path: &Path) -> Result<String> {
    path.to_str()
        .map(str::to_string)
        .with_context(|| format!("{} is not UTF-8", path.display()))
}

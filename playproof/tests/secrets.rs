//! Secrets at rest, as an operator meets them: `playproof keys` writes private files, and
//! `playproof serve` refuses to start from exposed or weak secrets, naming the file or variable
//! and the reason. Everything it refuses is refused before a database is opened or a port bound.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        let mut random = [0u8; 8];
        getrandom::fill(&mut random).unwrap();
        let path =
            std::env::temp_dir().join(format!("playproof-{label}-{}", u64::from_le_bytes(random)));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Runs `playproof` with exactly the environment variables given (none inherited that matter).
fn playproof(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_playproof"));
    command
        .args(args)
        .current_dir(repo_root())
        .env("RUST_BACKTRACE", "0")
        .env_remove("PLAYPROOF_TICKET_SECRET")
        .env_remove("PLAYPROOF_TOKEN_SECRET")
        .env_remove("PLAYPROOF_OPERATOR_TOKEN");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("playproof runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn path(path: &Path) -> String {
    path.display().to_string()
}

const TOKEN_SECRET: &str = "6d1f0a3b9c2e4f5a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c";
const OPERATOR_TOKEN: &str = "Zk3pQ8vN2xR7tL5wB9mC4yH6jD1sF0gA-u_eKoIiPqWr";

/// `serve` arguments that would start a service in `dir` if the secrets were acceptable.
fn serve_args(dir: &Path, keys: Option<&Path>) -> Vec<String> {
    let mut args = vec![
        "serve".to_string(),
        "--db".into(),
        format!("sqlite:{}", dir.join("ledger.sqlite").display()),
        "--listen".into(),
        "127.0.0.1:0".into(),
        "--metrics-listen".into(),
        "127.0.0.1:0".into(),
    ];
    if let Some(keys) = keys {
        args.extend(["--keys".into(), path(keys)]);
    }
    args
}

fn refused(output: &Output) -> String {
    let stderr = text(&output.stderr);
    assert!(!output.status.success(), "serve started: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn key_files_are_written_private_and_atomically_through_rotation_and_retirement() {
    let dir = TempDir::new("keys");
    let keys = dir.0.join("keys.json");
    let output = playproof(&["keys", "new", "--out", &path(&keys)], &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(mode(&keys), 0o600);

    let output = playproof(&["keys", "rotate", "--keys", &path(&keys)], &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(mode(&keys), 0o600);
    let ring: serde_json::Value = serde_json::from_slice(&std::fs::read(&keys).unwrap()).unwrap();
    assert_eq!(ring["issuing_key_id"], 2);
    assert_eq!(ring["keys"].as_array().unwrap().len(), 2);

    let output = playproof(
        &["keys", "retire", "--keys", &path(&keys), "--id", "1"],
        &[],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(mode(&keys), 0o600);
    let ring: serde_json::Value = serde_json::from_slice(&std::fs::read(&keys).unwrap()).unwrap();
    assert_eq!(ring["keys"][0]["status"], "retired");
    assert_eq!(
        ring["keys"][0].get("secret_key"),
        None,
        "a retired key keeps no secret"
    );
    // No temporary file is left beside the ring.
    let names: Vec<_> = std::fs::read_dir(&dir.0)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("keys.json")]);

    // The issuing key cannot be retired.
    let output = playproof(
        &["keys", "retire", "--keys", &path(&keys), "--id", "2"],
        &[],
    );
    let stderr = text(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("rotate to a new key before retiring it"),
        "{stderr}"
    );
}

#[test]
fn serve_refuses_a_key_file_others_can_read_naming_the_file() {
    let dir = TempDir::new("exposed");
    let keys = dir.0.join("keys.json");
    assert!(playproof(&["keys", "new", "--out", &path(&keys)], &[])
        .status
        .success());
    std::fs::set_permissions(&keys, std::fs::Permissions::from_mode(0o644)).unwrap();
    let args = serve_args(&dir.0, Some(&keys));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let stderr = refused(&playproof(
        &args,
        &[("PLAYPROOF_TOKEN_SECRET", TOKEN_SECRET)],
    ));
    assert!(stderr.contains(&path(&keys)), "{stderr}");
    assert!(
        stderr.contains("readable or writable by others (mode 0644)"),
        "{stderr}"
    );
    assert!(!dir.0.join("ledger.sqlite").exists(), "nothing was opened");
}

/// `serve` arguments, its environment, and a line its refusal must contain.
type Case<'a> = (&'a [&'a str], Vec<(&'a str, &'a str)>, &'a str);

#[test]
fn serve_refuses_weak_secrets_and_short_operator_tokens_naming_each() {
    let dir = TempDir::new("weak");
    let keys = dir.0.join("keys.json");
    assert!(playproof(&["keys", "new", "--out", &path(&keys)], &[])
        .status
        .success());
    let with_keys = serve_args(&dir.0, Some(&keys));
    let with_keys: Vec<&str> = with_keys.iter().map(String::as_str).collect();
    let from_env = serve_args(&dir.0, None);
    let from_env: Vec<&str> = from_env.iter().map(String::as_str).collect();
    let zero = "00".repeat(32);
    let pattern = "ab".repeat(30);
    let cases: Vec<Case> = vec![
        (
            &from_env,
            vec![
                ("PLAYPROOF_TICKET_SECRET", zero.as_str()),
                ("PLAYPROOF_TOKEN_SECRET", TOKEN_SECRET),
            ],
            "PLAYPROOF_TICKET_SECRET: every byte is 0x00",
        ),
        (
            &from_env,
            vec![
                ("PLAYPROOF_TICKET_SECRET", TOKEN_SECRET),
                ("PLAYPROOF_TOKEN_SECRET", "abcdef"),
            ],
            "PLAYPROOF_TOKEN_SECRET: 3 bytes; a secret is exactly 32",
        ),
        (
            &with_keys,
            vec![
                ("PLAYPROOF_TOKEN_SECRET", TOKEN_SECRET),
                ("PLAYPROOF_OPERATOR_TOKEN", "hunter2hunter2"),
            ],
            "PLAYPROOF_OPERATOR_TOKEN: 14 characters; at least 43",
        ),
        (
            &with_keys,
            vec![
                ("PLAYPROOF_TOKEN_SECRET", TOKEN_SECRET),
                ("PLAYPROOF_OPERATOR_TOKEN", pattern.as_str()),
            ],
            "PLAYPROOF_OPERATOR_TOKEN: only 2 distinct characters",
        ),
    ];
    for (args, env, expected) in cases {
        let stderr = refused(&playproof(args, &env));
        assert!(
            stderr.contains(expected),
            "expected {expected:?} in: {stderr}"
        );
    }
    assert!(!dir.0.join("ledger.sqlite").exists(), "nothing was opened");
    // A token of 32 random bytes passes the same rule.
    assert_eq!(
        playproof_server::secrets::check_operator_token(OPERATOR_TOKEN),
        Ok(())
    );
}

#[test]
fn operators_get_a_token_once_and_serve_refuses_a_bad_roster_naming_the_entry() {
    let dir = TempDir::new("roster");
    let roster = dir.0.join("operators.json");
    let added = playproof(
        &["operators", "add", "--roster", &path(&roster), "li.wei"],
        &[],
    );
    assert!(added.status.success(), "{}", text(&added.stderr));
    let stdout = text(&added.stdout);
    let token = stdout
        .lines()
        .find_map(|line| line.rsplit_once(": ").map(|(_, token)| token.to_string()))
        .expect("the token is printed");
    assert_eq!(token.len(), 64, "{stdout}");
    let saved = std::fs::read_to_string(&roster).unwrap();
    assert!(
        saved.contains("li.wei") && !saved.contains(&token),
        "{saved}"
    );
    let listed = playproof(&["operators", "list", "--roster", &path(&roster)], &[]);
    assert_eq!(text(&listed.stdout), "li.wei\n");
    let refused_name = playproof(
        &["operators", "add", "--roster", &path(&roster), "Li Wei"],
        &[],
    );
    assert_eq!(refused_name.status.code(), Some(1));
    assert!(
        text(&refused_name.stderr).contains("only a-z, 0-9"),
        "{}",
        text(&refused_name.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&roster).unwrap(),
        saved,
        "a refused add writes nothing"
    );

    let keys = dir.0.join("keys.json");
    assert!(playproof(&["keys", "new", "--out", &path(&keys)], &[])
        .status
        .success());
    std::fs::write(
        &roster,
        r#"{"operators":[{"name":"li.wei","token_sha256":"not-hex"}]}"#,
    )
    .unwrap();
    let mut args = serve_args(&dir.0, Some(&keys));
    args.extend(["--operators".to_string(), path(&roster)]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let stderr = refused(&playproof(
        &args,
        &[("PLAYPROOF_TOKEN_SECRET", TOKEN_SECRET)],
    ));
    assert!(
        stderr.contains(&format!(
            "{}: operators[0].token_sha256: not 64 lowercase hex digits",
            path(&roster)
        )),
        "{stderr}"
    );
    assert!(!dir.0.join("ledger.sqlite").exists(), "nothing was opened");
}

/// A child process killed when dropped.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 request over a fresh connection; the response body.
fn post_json(address: &str, path: &str, player: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         X-PlayProof-Dev-Player: {player}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}\n{body}");
    body.to_string()
}

#[test]
fn serve_signs_tickets_with_the_issuing_key_of_its_ring() {
    use std::io::BufRead;
    let dir = TempDir::new("ring");
    let keys = dir.0.join("keys.json");
    assert!(playproof(&["keys", "new", "--out", &path(&keys)], &[])
        .status
        .success());
    assert!(playproof(&["keys", "rotate", "--keys", &path(&keys)], &[])
        .status
        .success());
    let mut args = serve_args(&dir.0, Some(&keys));
    args.push("--dev".into());
    let mut child = Command::new(env!("CARGO_BIN_EXE_playproof"));
    child
        .args(&args)
        .current_dir(repo_root())
        .env_remove("PLAYPROOF_TICKET_SECRET")
        .env("PLAYPROOF_TOKEN_SECRET", TOKEN_SECRET)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    let mut child = Child(child.spawn().expect("serve starts"));
    // Read standard output to its end on a thread: the service prints more lines, and a closed
    // pipe would end it.
    let stdout = child.0.stdout.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if let Some(address) = line.strip_prefix("listening on http://") {
                let _ = sender.send(address.to_string());
            }
        }
    });
    let address = receiver
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("serve prints its address");
    let session_key = playproof_proof::SessionKey::from_entropy([9; 32]);
    let public_key: String = session_key
        .public_key()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let body = post_json(
        &address,
        "/v1/tickets",
        "ann",
        &format!(r#"{{"level_id":"m3-01-first-steps","session_public_key":"{public_key}"}}"#),
    );
    let reply: serde_json::Value = serde_json::from_str(&body).unwrap();
    let ticket_hex = reply["ticket_hex"].as_str().unwrap();
    let ticket: Vec<u8> = (0..ticket_hex.len())
        .step_by(2)
        .map(|index| u8::from_str_radix(&ticket_hex[index..index + 2], 16).unwrap())
        .collect();
    let ticket = playproof_proof::decode_ticket(&ticket).unwrap();
    assert_eq!(
        ticket.key_id,
        playproof_proof::KeyId(2),
        "the rotated-in key issues"
    );
    drop(child);
}

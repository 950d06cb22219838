//! The payout stand-in for `cargo xtask run`: the WeChat Pay stand-in (`paysim`) on loopback,
//! and the `serve` options that point the service's WeChat rail at it, so a newcomer's
//! withdrawal goes through request signatures, a bill, the player's confirmation (on the
//! stand-in's page of bills waiting for the player, `/standin/`, standing in for WeChat's
//! confirmation page) and a signed notification, all on one machine.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// The stand-in's address.
const LISTEN: &str = "127.0.0.1:8091";
/// Its files: a stand-in merchant key (made on first use) and its own public key.
const DIR: &str = "target/web-dev/paysim";
/// The release binary `cargo build --release --workspace` makes.
const BINARY: &str = "target/release/paysim";
/// Made-up merchant identity and APIv3 key of the stand-in: they open nothing anywhere else.
const MCHID: &str = "1900000109";
const APP_ID: &str = "wxstandin00000000";
const SERIAL: &str = "STANDIN0000000000000000000000000000000000";
const PUBLIC_KEY_ID: &str = "PUB_KEY_ID_STANDIN";
const APIV3_KEY: &str = "standin-apiv3-key-not-a-secret!!";
/// The stand-in writes its public key at start; how long to wait for it.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The running stand-in; stopped when dropped.
pub struct Standin {
    child: Child,
    listen: String,
}

impl Drop for Standin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start(serve_listen: &str) -> Result<Standin> {
    let dir = PathBuf::from(DIR);
    let public_key = dir.join("standin-wechatpay-public-key.pem");
    // A key from an earlier run belongs to an earlier stand-in key pair.
    let _ = std::fs::remove_file(&public_key);
    std::env::set_var("PLAYPROOF_WECHAT_PAY_APIV3_KEY", APIV3_KEY);
    let child = Command::new(BINARY)
        .args([
            "--listen", LISTEN, "--dir", DIR, "--mchid", MCHID, "--app-id", APP_ID,
        ])
        .args([
            "--merchant-serial",
            SERIAL,
            "--platform-key-id",
            PUBLIC_KEY_ID,
        ])
        // The player confirms on the stand-in's page, never the stand-in by itself.
        .args(["--confirm-after-ms", "0"])
        .spawn()
        .with_context(|| format!("starting {BINARY}"))?;
    let standin = Standin {
        child,
        listen: serve_listen.to_string(),
    };
    let started = Instant::now();
    while !Path::new(&public_key).exists() {
        if started.elapsed() > START_TIMEOUT {
            bail!("the payout stand-in did not start within {START_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!(
        "PlayProof: withdrawals are paid through the WeChat Pay stand-in on {LISTEN}; a browser \
         has no WeChat, so confirm them (or decline, fail, expire) on its page \
         http://{LISTEN}/standin/ (docs/PAYOUTS.md)"
    );
    Ok(standin)
}

impl Standin {
    /// `serve`'s options for the WeChat rail against this stand-in.
    pub fn serve_args(&self) -> Vec<String> {
        vec![
            "--payout-rail=wechat".into(),
            format!("--wechat-pay-mchid={MCHID}"),
            format!("--wechat-pay-app-id={APP_ID}"),
            format!("--wechat-pay-key={DIR}/standin-merchant-key.pem"),
            format!("--wechat-pay-serial={SERIAL}"),
            format!("--wechat-pay-public-key={DIR}/standin-wechatpay-public-key.pem"),
            format!("--wechat-pay-public-key-id={PUBLIC_KEY_ID}"),
            format!("--wechat-pay-base-url=http://{LISTEN}"),
            // Notifications stay on loopback whatever address the page is served on.
            format!(
                "--payout-notify-base=http://127.0.0.1:{}",
                self.listen.rsplit(':').next().unwrap_or("8080")
            ),
        ]
    }
}

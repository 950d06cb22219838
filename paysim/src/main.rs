//! `paysim`: the WeChat Pay stand-in as a process, for `cargo xtask run`.
//!
//! In `--dir` it keeps a stand-in merchant key pair (made on first use, the private half mode
//! 0600; the service signs its requests with it) and writes its own public key for the service.
//! A browser has no `wx.requestMerchantTransfer`: the player uses the stand-in's page of bills
//! waiting for confirmation instead (`GET /standin/`, see `wechat::PAGE_PATH`), where they
//! confirm, decline, or make the transfer fail or expire; or the stand-in
//! confirms each bill on the player's behalf after `--confirm-after-ms` (0: never, as
//! `cargo xtask run` starts it). Either way a withdrawal runs to its end on one machine.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use playproof_paysim::clock::SimClock;
use playproof_paysim::wechat::{WechatConfig, WechatSim};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::RsaPrivateKey;

/// Files in `--dir`.
pub const MERCHANT_KEY_FILE: &str = "standin-merchant-key.pem";
pub const PLATFORM_PUBLIC_KEY_FILE: &str = "standin-wechatpay-public-key.pem";

#[derive(Parser)]
#[command(about = "Loopback WeChat Pay merchant-transfer stand-in")]
struct Args {
    #[arg(long, default_value = "127.0.0.1:8091")]
    listen: SocketAddr,
    /// Where the stand-in merchant key and the stand-in's public key live.
    #[arg(long)]
    dir: PathBuf,
    #[arg(long)]
    mchid: String,
    #[arg(long)]
    app_id: String,
    #[arg(long)]
    merchant_serial: String,
    #[arg(long)]
    platform_key_id: String,
    /// Confirm each bill this long after it was made (0: never).
    #[arg(long, default_value_t = 3_000)]
    confirm_after_ms: u64,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let apiv3_key = std::env::var("PLAYPROOF_WECHAT_PAY_APIV3_KEY")
        .context("PLAYPROOF_WECHAT_PAY_APIV3_KEY (32 characters) is not set")?;
    let apiv3_key: [u8; 32] = apiv3_key
        .as_bytes()
        .try_into()
        .context("PLAYPROOF_WECHAT_PAY_APIV3_KEY must be 32 bytes")?;
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("creating {}", args.dir.display()))?;
    let merchant = merchant_key(&args.dir.join(MERCHANT_KEY_FILE))?;
    let config = WechatConfig {
        mchid: args.mchid,
        app_id: args.app_id,
        merchant_serial: args.merchant_serial,
        merchant_key: merchant.to_public_key(),
        apiv3_key,
        platform_key_id: args.platform_key_id,
    };
    let sim = WechatSim::start(config, Arc::new(SimClock::new()), args.listen).await?;
    let public_pem = sim
        .platform_public_key()
        .to_public_key_pem(LineEnding::LF)?;
    let public_path = args.dir.join(PLATFORM_PUBLIC_KEY_FILE);
    std::fs::write(&public_path, public_pem)
        .with_context(|| format!("writing {}", public_path.display()))?;
    println!("paysim: WeChat Pay stand-in on {}", sim.base_url);
    let mut seen = std::collections::BTreeMap::new();
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => return Ok(()),
            _ = tokio::time::sleep(Duration::from_millis(200)) => {}
        }
        if args.confirm_after_ms == 0 {
            continue;
        }
        let now = std::time::Instant::now();
        for bill in sim.bills() {
            let first_seen = *seen.entry(bill.out_bill_no.clone()).or_insert(now);
            if bill.state == "WAIT_USER_CONFIRM"
                && now.duration_since(first_seen) >= Duration::from_millis(args.confirm_after_ms)
                && sim.confirm(&bill.out_bill_no).await
            {
                println!("paysim: the player confirmed {}", bill.out_bill_no);
            }
        }
    }
}

/// The stand-in merchant key: read, or made and written with mode 0600 on first use. It signs
/// nothing but requests to this stand-in.
fn merchant_key(path: &Path) -> Result<RsaPrivateKey> {
    if path.exists() {
        let pem =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        return RsaPrivateKey::from_pkcs8_pem(&pem)
            .with_context(|| format!("{}: not a PKCS#8 PEM key", path.display()));
    }
    let key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048)?;
    let pem = key.to_pkcs8_pem(LineEnding::LF)?;
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(pem.as_bytes())?;
    Ok(key)
}

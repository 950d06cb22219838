//! `paysim`: the WeChat Pay stand-in as a process, for `cargo xtask run`.
//!
//! It reads the merchant's public key, writes its own public key where the service will read
//! it, and confirms each bill on the player's behalf after `--confirm-after-ms` (a browser has
//! no `wx.requestMerchantTransfer`), so a withdrawal runs to `succeeded` on one machine.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use playproof_paysim::clock::SimClock;
use playproof_paysim::wechat::{WechatConfig, WechatSim};
use rsa::pkcs8::{DecodePublicKey, EncodePublicKey, LineEnding};

#[derive(Parser)]
#[command(about = "Loopback WeChat Pay merchant-transfer stand-in")]
struct Args {
    #[arg(long, default_value = "127.0.0.1:8091")]
    listen: SocketAddr,
    #[arg(long)]
    mchid: String,
    #[arg(long)]
    app_id: String,
    #[arg(long)]
    merchant_serial: String,
    /// The merchant's public key (PEM), which verifies the service's requests.
    #[arg(long)]
    merchant_public_key: PathBuf,
    /// Where to write the stand-in's own public key (PEM) for the service.
    #[arg(long)]
    write_platform_public_key: PathBuf,
    #[arg(long)]
    platform_key_id: String,
    /// Confirm each bill this long after it was made (0: never; the test confirms).
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
    let pem = std::fs::read_to_string(&args.merchant_public_key)
        .with_context(|| format!("reading {}", args.merchant_public_key.display()))?;
    let merchant_key = rsa::RsaPublicKey::from_public_key_pem(&pem).with_context(|| {
        format!(
            "{}: not a PEM public key",
            args.merchant_public_key.display()
        )
    })?;
    let config = WechatConfig {
        mchid: args.mchid,
        app_id: args.app_id,
        merchant_serial: args.merchant_serial,
        merchant_key,
        apiv3_key,
        platform_key_id: args.platform_key_id,
    };
    let sim = WechatSim::start(config, Arc::new(SimClock::new()), args.listen).await?;
    let public_pem = sim
        .platform_public_key()
        .to_public_key_pem(LineEnding::LF)?;
    std::fs::write(&args.write_platform_public_key, public_pem)
        .with_context(|| format!("writing {}", args.write_platform_public_key.display()))?;
    println!("paysim: WeChat Pay stand-in on {}", sim.base_url);
    if args.confirm_after_ms == 0 {
        return Ok(tokio::signal::ctrl_c().await?);
    }
    let mut seen = std::collections::BTreeMap::new();
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => return Ok(()),
            _ = tokio::time::sleep(Duration::from_millis(200)) => {}
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

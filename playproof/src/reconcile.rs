//! `playproof ledger reconcile --rail R --date D`: the ledger's withdrawals on rail R requested
//! on local day D against the provider's answers to queries and its statement file; every
//! difference is listed, and any makes the exit status 1.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use playproof_server::clock::SystemClock;
use playproof_server::rails::alipay::AlipayProvider;
use playproof_server::rails::provider::Provider;
use playproof_server::rails::reconcile::{self, Difference, ProviderLine};
use playproof_server::rails::wechat::{WechatProvider, CALL_TIMEOUT_S};
use playproof_server::rails::{Credentials, RailArgs, RailKind};

use crate::output::outln;

#[derive(clap::Args)]
pub struct ReconcileArgs {
    /// Database: `sqlite:PATH` or `postgres://…`.
    #[arg(long, default_value = "sqlite:.playproof/ledger.sqlite")]
    db: String,
    #[arg(long)]
    pg_schema: Option<String>,
    /// The rail: `wechat` or `alipay`.
    #[arg(long)]
    rail: String,
    /// The local day, `YYYY-MM-DD`.
    #[arg(long)]
    date: String,
    /// The day starts at local midnight this many minutes east of UTC.
    #[arg(long, default_value_t = 480, allow_hyphen_values = true)]
    utc_offset_minutes: i32,
    /// The provider's statement of the day, CSV in UTF-8: WeChat Pay's merchant-transfer bill,
    /// or Alipay's account statement (账务明细).
    #[arg(long, value_name = "FILE")]
    statement: Option<PathBuf>,
    /// Also query the provider for each withdrawal (needs the rail's credential options, as
    /// for `serve`).
    #[arg(long)]
    query: bool,
    #[command(flatten)]
    credentials: RailArgs,
}

pub fn run(args: ReconcileArgs) -> Result<()> {
    let rail = RailKind::parse(&args.rail)
        .filter(|rail| rail.has_provider())
        .with_context(|| format!("--rail {:?}: expected wechat or alipay", args.rail))?;
    let (start_ms, end_ms) = reconcile::local_day_span_ms(&args.date, args.utc_offset_minutes)
        .with_context(|| format!("--date {:?}: expected YYYY-MM-DD", args.date))?;
    if args.statement.is_none() && !args.query {
        bail!("nothing to compare with: give --statement FILE, --query, or both");
    }
    let statement = match &args.statement {
        None => None,
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                anyhow::anyhow!(
                    "{}: not UTF-8 (Alipay's download is GBK: convert it with \
                     `iconv -f GBK -t UTF-8`)",
                    path.display()
                )
            })?;
            let read = match rail {
                RailKind::Alipay => reconcile::read_alipay_statement(&text),
                _ => reconcile::read_wechat_statement(&text),
            };
            Some(read.with_context(|| format!("{}", path.display()))?)
        }
    };
    let (db, pg_schema) = (args.db.clone(), args.pg_schema.clone());
    crate::ledger::with_store(&db, pg_schema.as_deref(), |store| async move {
        let ledger = store
            .withdrawals_requested_between(rail, start_ms, end_ms)
            .await
            .context("reading the day's withdrawals")?;
        outln!(
            "reconcile {rail} {}: {} withdrawals in the ledger",
            args.date,
            ledger.len()
        )?;
        let mut differences = 0;
        if let Some(lines) = &statement {
            differences += report("statement", &ledger, lines)?;
        }
        if args.query {
            let lines = query(&args, rail, &ledger).await?;
            differences += report("queries", &ledger, &lines)?;
        }
        if differences > 0 {
            bail!("reconcile: {differences} differences");
        }
        outln!("reconcile: the ledger and the provider agree")?;
        Ok(())
    })
}

fn report(
    source: &str,
    ledger: &[playproof_server::store::WithdrawalRecord],
    lines: &[ProviderLine],
) -> Result<usize> {
    let differences: Vec<Difference> = reconcile::compare(ledger, lines);
    outln!(
        "{source}: {} bills, {} differences",
        lines.len(),
        differences.len()
    )?;
    for difference in &differences {
        outln!("  {source}: {difference}")?;
    }
    Ok(differences.len())
}

async fn query(
    args: &ReconcileArgs,
    rail: RailKind,
    ledger: &[playproof_server::store::WithdrawalRecord],
) -> Result<Vec<ProviderLine>> {
    let mut credentials = args.credentials.clone();
    credentials.payout_rail = rail.as_str().to_string();
    let apiv3_key = std::env::var(playproof_server::rails::config::WECHAT_PAY_APIV3_KEY_ENV).ok();
    let config = credentials
        .load(10, None, apiv3_key.as_deref())
        .context("the rail's credentials")?;
    let timeout = Duration::from_secs(CALL_TIMEOUT_S);
    let provider: Box<dyn Provider> = match config.credentials {
        Credentials::Wechat(credentials) => Box::new(
            WechatProvider::new(credentials, Arc::new(SystemClock), timeout)
                .context("the HTTP client")?,
        ),
        Credentials::Alipay(credentials) => {
            Box::new(AlipayProvider::new(credentials, timeout).context("the HTTP client")?)
        }
        Credentials::Manual => bail!("the manual rail has no provider to query"),
    };
    reconcile::query_all(provider.as_ref(), ledger)
        .await
        .with_context(|| format!("querying the {rail} provider"))
}

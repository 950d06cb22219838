//! Stand-ins for the payout providers, on loopback, speaking their real protocols: for the
//! service's tests and for `cargo xtask run`, so a withdrawal can be followed end to end on one
//! machine without a merchant account.
//!
//! - [`wechat`]: WeChat Pay's merchant transfer (`/v3/fund-app/mch-transfer/transfer-bills`),
//!   request signatures checked, answers signed, encrypted `MCHTRANSFER.BILL.FINISHED`
//!   notifications, with fault controls and a test-controlled clock for the 24-hour expiry.
//! - [`alipay`]: Alipay's gateway for `alipay.fund.trans.uni.transfer` and
//!   `alipay.fund.trans.order.query`, RSA2 both ways, signed `alipay.fund.trans.order.changed`
//!   notifications, with fault controls.
//!
//! They hold no money and no real keys: each makes its own key pair when it starts.

pub mod alipay;
pub mod clock;
pub mod wechat;

/// `count` random letters and digits.
pub fn random_text(count: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut bytes = vec![0u8; count];
    getrandom::fill(&mut bytes).expect("the OS random source");
    bytes
        .iter()
        .map(|byte| char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()]))
        .collect()
}

/// Seconds since the Unix epoch: signature timestamps follow the real clock, whatever the
/// test clock says, because the service checks them against its own.
pub fn unix_s_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

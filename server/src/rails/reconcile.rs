//! Reconciliation: what the ledger recorded for a rail's withdrawals of one day against what
//! the provider reports: its answers to queries by bill number, and its statement file.
//!
//! ```text
//!   ledger: withdrawals on the rail requested that local day, with their payout state
//!   provider: a query per bill, and/or the statement's lines (bill number, amount, state)
//!        ─► compare bill by bill ─► every difference, named
//! ```
//!
//! The two sides agree when the amounts are equal and the outcomes are the same kind: paid on
//! both sides, or not paid on both (failed, cancelled, expired, or never created). A bill still
//! in flight on both sides is not a difference; one side finished and the other not is (a lost
//! notification, which the outbox will fetch; listed so the operator knows).

use std::collections::BTreeMap;

use super::provider::{Bill, CallError, Provider};
use super::PayoutState;
use crate::store::WithdrawalRecord;

/// How the provider (or the ledger) sees a bill's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Paid,
    NotPaid,
    InFlight,
}

impl Outcome {
    pub fn of(state: PayoutState) -> Outcome {
        match state.settles_as_paid() {
            Some(true) => Outcome::Paid,
            Some(false) => Outcome::NotPaid,
            None => Outcome::InFlight,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Outcome::Paid => "paid",
            Outcome::NotPaid => "not paid",
            Outcome::InFlight => "in flight",
        }
    }
}

/// One bill as the provider reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderLine {
    pub bill_no: String,
    pub amount_fen: i64,
    pub outcome: Outcome,
    /// The provider's own state name, for the report.
    pub provider_state: String,
}

/// One difference between the ledger and the provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Difference {
    /// The provider has a bill the ledger has no withdrawal for.
    UnknownBill { bill_no: String, amount_fen: i64 },
    /// The ledger has a withdrawal the provider does not report.
    MissingAtProvider {
        withdrawal_id: String,
        state: String,
    },
    AmountDiffers {
        withdrawal_id: String,
        ledger_fen: i64,
        provider_fen: i64,
    },
    OutcomeDiffers {
        withdrawal_id: String,
        ledger_state: String,
        provider_state: String,
    },
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::UnknownBill { bill_no, amount_fen } => write!(
                f,
                "{bill_no}: the provider reports {amount_fen} fen; the ledger has no such withdrawal"
            ),
            Difference::MissingAtProvider {
                withdrawal_id,
                state,
            } => write!(
                f,
                "{withdrawal_id}: {state} in the ledger; the provider does not report it"
            ),
            Difference::AmountDiffers {
                withdrawal_id,
                ledger_fen,
                provider_fen,
            } => write!(
                f,
                "{withdrawal_id}: {ledger_fen} fen in the ledger, {provider_fen} fen at the provider"
            ),
            Difference::OutcomeDiffers {
                withdrawal_id,
                ledger_state,
                provider_state,
            } => write!(
                f,
                "{withdrawal_id}: {ledger_state} in the ledger, {provider_state} at the provider"
            ),
        }
    }
}

/// Compares the ledger's withdrawals with the provider's lines. A withdrawal that never
/// reached the provider and ended unpaid (a refused create) needs no line.
pub fn compare(ledger: &[WithdrawalRecord], provider: &[ProviderLine]) -> Vec<Difference> {
    let mut lines: BTreeMap<&str, &ProviderLine> = provider
        .iter()
        .map(|line| (line.bill_no.as_str(), line))
        .collect();
    let mut differences = Vec::new();
    for record in ledger {
        let state = PayoutState::parse(&record.state).unwrap_or(PayoutState::Requested);
        let ledger_outcome = Outcome::of(state);
        let Some(line) = lines.remove(record.id.as_str()) else {
            if ledger_outcome != Outcome::NotPaid {
                differences.push(Difference::MissingAtProvider {
                    withdrawal_id: record.id.clone(),
                    state: record.state.clone(),
                });
            }
            continue;
        };
        if line.amount_fen != record.amount_fen {
            differences.push(Difference::AmountDiffers {
                withdrawal_id: record.id.clone(),
                ledger_fen: record.amount_fen,
                provider_fen: line.amount_fen,
            });
        }
        if line.outcome != ledger_outcome {
            differences.push(Difference::OutcomeDiffers {
                withdrawal_id: record.id.clone(),
                ledger_state: format!("{} ({})", record.state, ledger_outcome.name()),
                provider_state: format!("{} ({})", line.provider_state, line.outcome.name()),
            });
        }
    }
    for line in lines.into_values() {
        differences.push(Difference::UnknownBill {
            bill_no: line.bill_no.clone(),
            amount_fen: line.amount_fen,
        });
    }
    differences
}

/// The provider's answer for each of the ledger's withdrawals, by query. A bill it does not
/// know is left out (and shows as missing if the ledger says it was paid or is in flight).
pub async fn query_all(
    provider: &dyn Provider,
    ledger: &[WithdrawalRecord],
) -> Result<Vec<ProviderLine>, CallError> {
    let mut lines = Vec::with_capacity(ledger.len());
    for record in ledger {
        let bill = Bill {
            withdrawal_id: record.id.clone(),
            player_id: record.player_id.clone(),
            amount_fen: record.amount_fen,
        };
        match provider.query(&bill, false).await {
            Ok(report) => {
                let amount_fen = report
                    .evidence
                    .fields
                    .get("transfer_amount")
                    .and_then(serde_json::Value::as_i64)
                    .unwrap_or(record.amount_fen);
                lines.push(ProviderLine {
                    bill_no: record.id.clone(),
                    amount_fen,
                    outcome: report.to.map_or(Outcome::InFlight, Outcome::of),
                    provider_state: report.evidence.provider_state.unwrap_or_default(),
                });
            }
            Err(CallError::NotFound) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(lines)
}

/// A statement file could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("statement line {line}: {reason}")]
pub struct StatementError {
    pub line: usize,
    pub reason: String,
}

/// Reads a WeChat Pay merchant-transfer statement (CSV, as downloaded from the merchant
/// console): a header row naming the columns, then one row per bill, each field possibly
/// prefixed with a backtick (WeChat Pay's guard against spreadsheets reading numbers), amounts
/// in yuan with two decimals; summary rows after a blank line or a row whose bill number is
/// empty are ignored. Columns are found by name: the merchant's bill number (`商家单号` or
/// `out_bill_no`), the amount (`转账金额(元)` or `transfer_amount`), the state (`转账状态` or
/// `state`).
pub fn read_wechat_statement(text: &str) -> Result<Vec<ProviderLine>, StatementError> {
    let mut rows = text.lines().enumerate();
    let (_, header) = rows.next().ok_or(StatementError {
        line: 1,
        reason: "empty file".into(),
    })?;
    let names: Vec<String> = split_row(header);
    let column = |choices: &[&str]| {
        names
            .iter()
            .position(|name| choices.contains(&name.as_str()))
            .ok_or(StatementError {
                line: 1,
                reason: format!("no column named {}", choices.join(" or ")),
            })
    };
    let bill_column = column(&["商家单号", "out_bill_no"])?;
    let amount_column = column(&["转账金额(元)", "transfer_amount"])?;
    let state_column = column(&["转账状态", "state"])?;
    let mut lines = Vec::new();
    for (index, row) in rows {
        let line = index + 1;
        if row.trim().is_empty() {
            break;
        }
        let fields = split_row(row);
        let field = |column: usize| {
            fields
                .get(column)
                .map(String::as_str)
                .ok_or(StatementError {
                    line,
                    reason: format!("{} fields, expected at least {}", fields.len(), column + 1),
                })
        };
        let bill_no = field(bill_column)?.to_string();
        if bill_no.is_empty() {
            break;
        }
        let amount_fen = parse_yuan(field(amount_column)?).ok_or_else(|| StatementError {
            line,
            reason: format!(
                "amount {:?} is not yuan with at most two decimals",
                field(amount_column).unwrap_or("")
            ),
        })?;
        let provider_state = field(state_column)?.to_string();
        let outcome = super::wechat::payout_state(&provider_state, false)
            .map_or(Outcome::InFlight, Outcome::of);
        lines.push(ProviderLine {
            bill_no,
            amount_fen,
            outcome,
            provider_state,
        });
    }
    Ok(lines)
}

/// Column names of Alipay's account statement (账务明细, the `signcustomer` bill) this reader
/// needs: the merchant's order number, and the money in and out, in yuan.
const ALIPAY_ORDER_COLUMN: &str = "商户订单号";
const ALIPAY_IN_COLUMNS: &[&str] = &["收入金额（+元）", "收入金额(+元)", "收入金额"];
const ALIPAY_OUT_COLUMNS: &[&str] = &["支出金额（-元）", "支出金额(-元)", "支出金额"];

/// Reads Alipay's account statement (账务明细 CSV, UTF-8): lines starting with `#` (the title,
/// account and period above the table, the end marker and totals below it) are skipped; the
/// first other line names the columns; each row is one movement of the merchant's balance.
/// Rows are grouped by the merchant's order number (a transfer's `out_biz_no`; rows without
/// one, such as fees and top-ups, are not transfers): money out is the transfer paid, money
/// back in under the same number is the transfer returned. A transfer that never moved money
/// (failed, closed) has no row, which the comparison reads as "not paid".
pub fn read_alipay_statement(text: &str) -> Result<Vec<ProviderLine>, StatementError> {
    let mut rows = text
        .lines()
        .enumerate()
        .filter(|(_, row)| !row.trim_start().starts_with('#') && !row.trim().is_empty());
    let (header_index, header) = rows.next().ok_or(StatementError {
        line: 1,
        reason: "no header row (every line is empty or a # comment)".into(),
    })?;
    let names = split_row(header);
    let column = |choices: &[&str]| {
        names
            .iter()
            .position(|name| choices.contains(&name.as_str()))
            .ok_or(StatementError {
                line: header_index + 1,
                reason: format!("no column named {}", choices.join(" or ")),
            })
    };
    let order_column = column(&[ALIPAY_ORDER_COLUMN])?;
    let in_column = column(ALIPAY_IN_COLUMNS)?;
    let out_column = column(ALIPAY_OUT_COLUMNS)?;
    // Per order number: (fen out, fen back in).
    let mut moved: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for (index, row) in rows {
        let line = index + 1;
        let fields = split_row(row);
        let field = |column: usize| {
            fields
                .get(column)
                .map(String::as_str)
                .ok_or(StatementError {
                    line,
                    reason: format!("{} fields, expected at least {}", fields.len(), column + 1),
                })
        };
        let order = field(order_column)?;
        if order.is_empty() {
            continue;
        }
        let amount = |column: usize, name: &str| -> Result<i64, StatementError> {
            let text = field(column)?;
            let unsigned = text.trim_start_matches(['+', '-']);
            if unsigned.is_empty() {
                return Ok(0);
            }
            parse_yuan(unsigned).ok_or_else(|| StatementError {
                line,
                reason: format!("{name} {text:?} is not yuan with at most two decimals"),
            })
        };
        let out_fen = amount(out_column, &names[out_column])?;
        let in_fen = amount(in_column, &names[in_column])?;
        let entry = moved.entry(order.to_string()).or_default();
        entry.0 += out_fen;
        entry.1 += in_fen;
    }
    Ok(moved
        .into_iter()
        .map(|(bill_no, (out_fen, in_fen))| {
            // Paid: what left and stayed out. Returned: what left and came back.
            let (outcome, provider_state, amount_fen) = if out_fen > in_fen {
                (Outcome::Paid, "paid out", out_fen - in_fen)
            } else {
                (Outcome::NotPaid, "returned", out_fen.max(in_fen))
            };
            ProviderLine {
                bill_no,
                amount_fen,
                outcome,
                provider_state: provider_state.to_string(),
            }
        })
        .collect())
}

fn split_row(row: &str) -> Vec<String> {
    row.split(',')
        .map(|field| {
            field
                .trim()
                .trim_start_matches('`')
                .trim_matches('"')
                .to_string()
        })
        .collect()
}

/// `12.34` yuan as 1234 fen; at most two decimals, no sign.
pub fn parse_yuan(text: &str) -> Option<i64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || fraction.len() > 2 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let cents: i64 = format!("{fraction:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(cents)
}

/// The Unix-ms span of local date `YYYY-MM-DD` at `utc_offset_minutes` east of UTC.
pub fn local_day_span_ms(date: &str, utc_offset_minutes: i32) -> Option<(i64, i64)> {
    let mut parts = date.splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || date.len() != 10 {
        return None;
    }
    // Days from 1970-01-01 of a proleptic Gregorian date (the usual era arithmetic).
    let shifted_year = if month <= 2 { year - 1 } else { year };
    let era = shifted_year.div_euclid(400);
    let year_of_era = shifted_year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    let start_ms = days * 86_400_000 - i64::from(utc_offset_minutes) * 60_000;
    Some((start_ms, start_ms + 86_400_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, amount_fen: i64, state: &str) -> WithdrawalRecord {
        WithdrawalRecord {
            id: id.into(),
            player_id: "p".into(),
            amount_fen,
            status: String::new(),
            requested_at_ms: 0,
            created: false,
            rail: "wechat".into(),
            state: state.into(),
        }
    }

    fn line(bill_no: &str, amount_fen: i64, provider_state: &str) -> ProviderLine {
        ProviderLine {
            bill_no: bill_no.into(),
            amount_fen,
            outcome: super::super::wechat::payout_state(provider_state, false)
                .map_or(Outcome::InFlight, Outcome::of),
            provider_state: provider_state.into(),
        }
    }

    #[test]
    fn every_difference_is_listed_and_agreement_is_silent() {
        let ledger = [
            record("wpaid", 30, "succeeded"),
            record("wfailed", 20, "failed"),
            record("wrefused", 20, "failed"),
            record("wwaiting", 10, "awaiting_confirmation"),
            record("wlost", 15, "awaiting_confirmation"),
            record("wamount", 25, "succeeded"),
            record("wgone", 40, "succeeded"),
        ];
        let provider = [
            line("wpaid", 30, "SUCCESS"),
            line("wfailed", 20, "FAIL"),
            line("wwaiting", 10, "WAIT_USER_CONFIRM"),
            line("wlost", 15, "SUCCESS"),
            line("wamount", 26, "SUCCESS"),
            line("wstranger", 99, "SUCCESS"),
        ];
        let differences: Vec<String> = compare(&ledger, &provider)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            differences,
            vec![
                "wlost: awaiting_confirmation (in flight) in the ledger, SUCCESS (paid) at the provider",
                "wamount: 25 fen in the ledger, 26 fen at the provider",
                "wgone: succeeded in the ledger; the provider does not report it",
                "wstranger: the provider reports 99 fen; the ledger has no such withdrawal",
            ]
        );
    }

    #[test]
    fn an_alipay_statement_is_read_by_column_name_grouping_rows_by_order_number() {
        let text = "#支付宝账务明细查询\n#账号：[20880000000000000156]\n\
            账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注\n\
            2026001\t,2026a\t,wpaid\t,,2026-12-03 10:00:00,p***@x.com,,-0.30,99.70,,转账,\n\
            2026002\t,2026b\t,wback\t,,2026-12-03 10:01:00,q***@x.com,,-0.20,99.50,,转账,\n\
            2026003\t,2026c\t,wback\t,,2026-12-03 11:00:00,q***@x.com,+0.20,,99.70,,转账退回,\n\
            2026004\t,2026d\t,\t,,2026-12-03 12:00:00,,,-0.01,99.69,,服务费,\n\
            #-----------------------------------------账务明细列表结束------------------------------------\n\
            #支出合计：3笔，共0.51元\n";
        let line = |bill_no: &str, amount_fen, outcome, state: &str| ProviderLine {
            bill_no: bill_no.into(),
            amount_fen,
            outcome,
            provider_state: state.into(),
        };
        assert_eq!(
            read_alipay_statement(text).unwrap(),
            vec![
                line("wback", 20, Outcome::NotPaid, "returned"),
                line("wpaid", 30, Outcome::Paid, "paid out"),
            ]
        );
        let no_column = "#title\n账务流水号,商户订单号,收入金额（+元）\n";
        assert_eq!(
            read_alipay_statement(no_column).unwrap_err(),
            StatementError {
                line: 2,
                reason: "no column named 支出金额（-元） or 支出金额(-元) or 支出金额".into()
            }
        );
        let bad_amount = "商户订单号,收入金额（+元）,支出金额（-元）\nw1,,-0.3x\n";
        assert_eq!(read_alipay_statement(bad_amount).unwrap_err().line, 2);
    }

    #[test]
    fn a_wechat_statement_is_read_by_column_name_with_its_backticks() {
        let text = "转账时间,商家单号,微信单号,转账金额(元),转账状态\n\
                    `2026-12-03 10:00:00,`wabc,`1330000,`0.30,`SUCCESS\n\
                    `2026-12-03 11:00:00,`wdef,`1330001,`12.5,`FAIL\n\
                    \n\
                    总笔数,2\n";
        assert_eq!(
            read_wechat_statement(text).unwrap(),
            vec![line("wabc", 30, "SUCCESS"), line("wdef", 1250, "FAIL")]
        );
        let bad = "商家单号,转账金额(元),转账状态\nwabc,0.305,SUCCESS\n";
        assert_eq!(read_wechat_statement(bad).unwrap_err().line, 2);
        assert!(read_wechat_statement("a,b\n")
            .unwrap_err()
            .reason
            .contains("商家单号"));
    }

    #[test]
    fn dates_are_local_days() {
        // 2026-12-03 00:00 in UTC+8 is 2026-12-02T16:00:00Z.
        assert_eq!(
            local_day_span_ms("2026-12-03", 480),
            Some((1_796_227_200_000, 1_796_313_600_000))
        );
        assert_eq!(local_day_span_ms("2026-13-03", 480), None);
        assert_eq!(parse_yuan("0.1"), Some(10));
        assert_eq!(parse_yuan("-1"), None);
    }
}

//! Prometheus metrics, kept as atomics and written in the text exposition format. The service
//! needs a handful of counters and two histograms; a metrics framework would be more code than
//! this file.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the latency histogram buckets, in seconds.
const LATENCY_BUCKETS_S: [f64; 12] = [
    0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0,
];
/// Upper bounds of the commit batch size histogram.
const BATCH_BUCKETS: [u64; 9] = [1, 2, 4, 8, 16, 32, 64, 128, 256];

struct Histogram<const N: usize> {
    buckets: [AtomicU64; N],
    count: AtomicU64,
    /// Sum in microseconds (latency) or items (batch size).
    sum: AtomicU64,
}

impl<const N: usize> Histogram<N> {
    fn new() -> Self {
        Histogram {
            buckets: std::array::from_fn(|_| AtomicU64::new(0)),
            count: AtomicU64::new(0),
            sum: AtomicU64::new(0),
        }
    }

    fn observe(&self, bucket: Option<usize>, sum: u64) {
        if let Some(index) = bucket {
            self.buckets[index].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum.fetch_add(sum, Ordering::Relaxed);
    }

    fn write(&self, out: &mut String, name: &str, bounds: &[String], sum_scale: f64) {
        let _ = writeln!(out, "# TYPE {name} histogram");
        let mut cumulative = 0;
        for (bound, bucket) in bounds.iter().zip(&self.buckets) {
            cumulative += bucket.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let sum = self.sum.load(Ordering::Relaxed) as f64 * sum_scale;
        let _ = writeln!(out, "{name}_sum {sum}");
        let _ = writeln!(out, "{name}_count {count}");
    }
}

pub struct Metrics {
    proofs_accepted: AtomicU64,
    proofs_rejected: AtomicU64,
    proofs_duplicate: AtomicU64,
    proofs_unusable: AtomicU64,
    paid_fen: AtomicU64,
    tickets_issued: AtomicU64,
    rate_limited: AtomicU64,
    http_client_errors: AtomicU64,
    http_server_errors: AtomicU64,
    withdrawals_requested: AtomicU64,
    auth_failures: AtomicU64,
    connections_open: AtomicU64,
    connections_refused: AtomicU64,
    connections_header_timeout: AtomicU64,
    connections_idle_closed: AtomicU64,
    proof_latency: Histogram<12>,
    commit_latency: Histogram<12>,
    commit_batch: Histogram<9>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            proofs_accepted: AtomicU64::new(0),
            proofs_rejected: AtomicU64::new(0),
            proofs_duplicate: AtomicU64::new(0),
            proofs_unusable: AtomicU64::new(0),
            paid_fen: AtomicU64::new(0),
            tickets_issued: AtomicU64::new(0),
            rate_limited: AtomicU64::new(0),
            http_client_errors: AtomicU64::new(0),
            http_server_errors: AtomicU64::new(0),
            withdrawals_requested: AtomicU64::new(0),
            auth_failures: AtomicU64::new(0),
            connections_open: AtomicU64::new(0),
            connections_refused: AtomicU64::new(0),
            connections_header_timeout: AtomicU64::new(0),
            connections_idle_closed: AtomicU64::new(0),
            proof_latency: Histogram::new(),
            commit_latency: Histogram::new(),
            commit_batch: Histogram::new(),
        }
    }
}

fn latency_bucket(elapsed: Duration) -> Option<usize> {
    let seconds = elapsed.as_secs_f64();
    LATENCY_BUCKETS_S.iter().position(|bound| seconds <= *bound)
}

/// How a submitted proof ended, for the counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProofResult {
    Accepted { paid_fen: i64 },
    Rejected,
    Duplicate,
    Unusable,
}

impl Metrics {
    pub fn record_proof(&self, result: ProofResult, elapsed: Duration) {
        let counter = match result {
            ProofResult::Accepted { paid_fen } => {
                self.paid_fen
                    .fetch_add(paid_fen.max(0) as u64, Ordering::Relaxed);
                &self.proofs_accepted
            }
            ProofResult::Rejected => &self.proofs_rejected,
            ProofResult::Duplicate => &self.proofs_duplicate,
            ProofResult::Unusable => &self.proofs_unusable,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        self.proof_latency
            .observe(latency_bucket(elapsed), elapsed.as_micros() as u64);
    }

    pub fn record_commit(&self, batch: usize, elapsed: Duration) {
        self.commit_latency
            .observe(latency_bucket(elapsed), elapsed.as_micros() as u64);
        let bucket = BATCH_BUCKETS
            .iter()
            .position(|bound| batch as u64 <= *bound);
        self.commit_batch.observe(bucket, batch as u64);
    }

    pub fn record_ticket(&self) {
        self.tickets_issued.fetch_add(1, Ordering::Relaxed);
    }

    pub fn record_withdrawal(&self) {
        self.withdrawals_requested.fetch_add(1, Ordering::Relaxed);
    }

    pub fn record_rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    /// A request refused for a wrong token, credential or operator token.
    pub fn record_auth_failure(&self) {
        self.auth_failures.fetch_add(1, Ordering::Relaxed);
    }

    pub fn connection_opened(&self) {
        self.connections_open.fetch_add(1, Ordering::Relaxed);
    }

    pub fn connection_closed(&self) {
        self.connections_open.fetch_sub(1, Ordering::Relaxed);
    }

    /// A connection closed on accept: over the cap and the health reserve.
    pub fn record_connection_refused(&self) {
        self.connections_refused.fetch_add(1, Ordering::Relaxed);
    }

    /// A connection closed because its request head did not arrive in time (slowloris).
    pub fn record_header_timeout(&self) {
        self.connections_header_timeout
            .fetch_add(1, Ordering::Relaxed);
    }

    /// A connection closed for idleness.
    pub fn record_idle_closed(&self) {
        self.connections_idle_closed.fetch_add(1, Ordering::Relaxed);
    }

    pub fn record_status(&self, status: u16) {
        match status {
            400..=499 => self.http_client_errors.fetch_add(1, Ordering::Relaxed),
            500..=599 => self.http_server_errors.fetch_add(1, Ordering::Relaxed),
            _ => 0,
        };
    }

    /// Accepted proofs so far.
    pub fn proofs_accepted(&self) -> u64 {
        self.proofs_accepted.load(Ordering::Relaxed)
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let proof_counters = [
            ("accepted", &self.proofs_accepted),
            ("rejected", &self.proofs_rejected),
            ("duplicate", &self.proofs_duplicate),
            ("unusable", &self.proofs_unusable),
        ];
        out.push_str("# TYPE playproof_proofs_total counter\n");
        for (result, counter) in proof_counters {
            let _ = writeln!(
                out,
                "playproof_proofs_total{{result=\"{result}\"}} {}",
                counter.load(Ordering::Relaxed)
            );
        }
        let counters = [
            ("playproof_paid_fen_total", &self.paid_fen),
            ("playproof_tickets_issued_total", &self.tickets_issued),
            ("playproof_rate_limited_total", &self.rate_limited),
            (
                "playproof_withdrawals_requested_total",
                &self.withdrawals_requested,
            ),
            (
                "playproof_http_client_errors_total",
                &self.http_client_errors,
            ),
            (
                "playproof_http_server_errors_total",
                &self.http_server_errors,
            ),
            ("playproof_auth_failures_total", &self.auth_failures),
            (
                "playproof_connections_refused_total",
                &self.connections_refused,
            ),
            (
                "playproof_connections_header_timeout_total",
                &self.connections_header_timeout,
            ),
            (
                "playproof_connections_idle_closed_total",
                &self.connections_idle_closed,
            ),
        ];
        for (name, counter) in counters {
            let _ = writeln!(
                out,
                "# TYPE {name} counter\n{name} {}",
                counter.load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# TYPE playproof_connections_open gauge\nplayproof_connections_open {}",
            self.connections_open.load(Ordering::Relaxed)
        );
        let latency_bounds: Vec<String> = LATENCY_BUCKETS_S.iter().map(|b| b.to_string()).collect();
        self.proof_latency
            .write(&mut out, "playproof_proof_seconds", &latency_bounds, 1e-6);
        self.commit_latency
            .write(&mut out, "playproof_commit_seconds", &latency_bounds, 1e-6);
        let batch_bounds: Vec<String> = BATCH_BUCKETS.iter().map(|b| b.to_string()).collect();
        self.commit_batch
            .write(&mut out, "playproof_commit_batch_size", &batch_bounds, 1.0);
        out
    }
}

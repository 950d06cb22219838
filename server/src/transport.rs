//! The HTTP transport: how connections are accepted, bounded in time and number, and closed.
//!
//! ```text
//! accept ─► admit (full │ health only │ closed at once) ─► HTTP/1.1 ─► idle watch ─► close
//!                                                            ▲
//!                            shutdown: stop accepting, finish in-flight requests, grace period
//! ```
//!
//! - **Header read**: a request's head must be complete within [`TransportLimits::header_read`]
//!   of the server starting to wait for it (hyper's header timer), so a client that trickles
//!   header bytes (slowloris) is cut off.
//! - **Idle**: a connection with no request in flight that moves no byte for
//!   [`TransportLimits::idle`] is closed, whether it never sent anything or sits between
//!   keep-alive requests.
//! - **Body read** and **whole request**: applied per request by the router ([`crate::http`]),
//!   with [`DeadlineBody`] and a timeout around the handler.
//! - **Connection cap**: past [`TransportLimits::connections_max`] a connection only gets the
//!   health endpoints (the next [`TransportLimits::health_connections_reserved`]), so a load
//!   balancer still sees the truth; past both it is closed on accept, so the process never runs
//!   out of file descriptors. One address holds at most
//!   [`TransportLimits::connections_per_address_max`] of them.
//! - **Graceful shutdown**: stop accepting, let every in-flight request finish (its write is
//!   answered), close idle connections, and give up after [`TransportLimits::shutdown_grace`].

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tower::Service;

use crate::metrics::Metrics;

/// Default header-read timeout, in milliseconds. A head is at most a few KiB; a phone on a poor
/// mobile link (~10 KB/s) sends it in well under a second, so 10 s is all stalls and no work.
pub const HEADER_READ_TIMEOUT_MS_DEFAULT: u64 = 10_000;
/// Default body-read timeout, in milliseconds, from the end of the head to the body's last byte.
/// The largest body is a 128 KiB proof: about 13 s at 10 KB/s, so 20 s.
pub const BODY_READ_TIMEOUT_MS_DEFAULT: u64 = 20_000;
/// Default idle timeout, in milliseconds: shorter than the header timer so that an idle
/// keep-alive connection is closed by this rule, and long enough for a game's next request
/// (ticket, proof, balance come within seconds of each other) to reuse the connection.
pub const IDLE_TIMEOUT_MS_DEFAULT: u64 = 5_000;
/// Default whole-request timeout, in milliseconds: body read, replay queue and the bounded
/// ledger write ([`crate::store::WRITE_WAIT_MS_DEFAULT`]) together, with room to spare.
pub const REQUEST_TIMEOUT_MS_DEFAULT: u64 = 30_000;
/// Default cap on connections that get the whole API. One connection holds one file descriptor
/// and a few KiB; [`connections_max_for_open_files`] lowers it under a small open-file limit.
pub const CONNECTIONS_MAX_DEFAULT: usize = 1_024;
/// Default cap on connections from one address: a quarter of the cap, so one client cannot hold
/// it all, while a carrier-grade NAT address fronting hundreds of players (each with a connection
/// or two, briefly) still fits.
pub const CONNECTIONS_PER_ADDRESS_MAX_DEFAULT: usize = CONNECTIONS_MAX_DEFAULT / 4;
/// Default connections past the cap kept for the health endpoints (load balancers, probes).
pub const HEALTH_CONNECTIONS_RESERVED_DEFAULT: usize = 16;
/// Default grace period of a shutdown, in milliseconds: below the 30 s most process managers
/// (systemd's default, Kubernetes' `terminationGracePeriodSeconds`) wait before SIGKILL.
pub const SHUTDOWN_GRACE_MS_DEFAULT: u64 = 20_000;
/// File descriptors kept back from connections: database connections (the read pool and the
/// writer), both listeners, level and static files, logs.
pub const FDS_RESERVED: u64 = 64;

/// The transport's bounds; see the module documentation for what each one stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TransportLimits {
    pub header_read: Duration,
    pub body_read: Duration,
    pub idle: Duration,
    pub request: Duration,
    pub connections_max: usize,
    pub health_connections_reserved: usize,
    pub connections_per_address_max: usize,
    pub shutdown_grace: Duration,
}

impl Default for TransportLimits {
    fn default() -> Self {
        TransportLimits {
            header_read: Duration::from_millis(HEADER_READ_TIMEOUT_MS_DEFAULT),
            body_read: Duration::from_millis(BODY_READ_TIMEOUT_MS_DEFAULT),
            idle: Duration::from_millis(IDLE_TIMEOUT_MS_DEFAULT),
            request: Duration::from_millis(REQUEST_TIMEOUT_MS_DEFAULT),
            connections_max: CONNECTIONS_MAX_DEFAULT,
            health_connections_reserved: HEALTH_CONNECTIONS_RESERVED_DEFAULT,
            connections_per_address_max: CONNECTIONS_PER_ADDRESS_MAX_DEFAULT,
            shutdown_grace: Duration::from_millis(SHUTDOWN_GRACE_MS_DEFAULT),
        }
    }
}

/// The largest connection cap that fits the process's open-file limit (`RLIMIT_NOFILE`), keeping
/// [`FDS_RESERVED`] descriptors and the health reserve back; `None` when the limit is unknown.
pub fn connections_max_for_open_files(health_reserved: usize) -> Option<usize> {
    let limit = open_files_limit()?;
    let usable = limit.saturating_sub(FDS_RESERVED + health_reserved as u64);
    Some(usize::try_from(usable).unwrap_or(usize::MAX).max(1))
}

fn open_files_limit() -> Option<u64> {
    // `/proc/self/limits` is the limit as the kernel applies it, without a libc binding; other
    // systems keep the configured cap.
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    soft_open_files_limit(&text)
}

/// The soft "Max open files" limit from the text of `/proc/self/limits`.
fn soft_open_files_limit(limits: &str) -> Option<u64> {
    let line = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// What a connection may ask for, by its place in the admission order. Put in every request's
/// extensions; [`crate::http`] answers anything but health on an [`Admission::HealthOnly`]
/// connection with 503 `overloaded`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    Full,
    HealthOnly,
}

/// Serves `router` on `listener` within `limits` until `shutdown` completes, then shuts down
/// gracefully. Requests carry [`ConnectInfo<SocketAddr>`] and [`Admission`] extensions.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: TransportLimits,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let (stop, stopping) = watch::channel(false);
    let open = Arc::new(AtomicUsize::new(0));
    let per_address = Arc::new(PerAddress::default());
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of descriptors or a connection reset before accept: not fatal.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(ACCEPT_ERROR_PAUSE_MS)).await;
                    continue;
                }
            },
        };
        // Reap finished connections so the set stays as small as the open count.
        while connections.try_join_next().is_some() {}
        let from_peer = per_address.count(peer.ip());
        let Some(admission) = admit(open.load(Ordering::Acquire), from_peer, &limits) else {
            metrics.record_connection_refused();
            drop(stream);
            continue;
        };
        let ticket = OpenConnection::new(&open, &per_address, peer.ip(), &metrics);
        let router = router.clone();
        let stopping = stopping.clone();
        let metrics = metrics.clone();
        connections.spawn(async move {
            let ended =
                serve_connection(stream, ticket, peer, admission, router, limits, stopping).await;
            match ended {
                Ended::HeaderTimeout => metrics.record_header_timeout(),
                Ended::Idle => metrics.record_idle_closed(),
                Ended::Done => {}
            }
        });
    }
    drop(listener);
    let _ = stop.send(true);
    let drained = tokio::time::timeout(limits.shutdown_grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            still_open = connections.len(),
            grace_ms = limits.shutdown_grace.as_millis() as u64,
            "shutdown grace period over; closing the remaining connections"
        );
        connections.shutdown().await;
    }
    Ok(())
}

/// Pause after a failed `accept` (typically out of descriptors) before the next one, in ms.
const ACCEPT_ERROR_PAUSE_MS: u64 = 50;

/// Where a new connection goes when `open` connections are already being served, `from_peer`
/// of them from the same address.
fn admit(open: usize, from_peer: usize, limits: &TransportLimits) -> Option<Admission> {
    if from_peer >= limits.connections_per_address_max {
        None
    } else if open < limits.connections_max {
        Some(Admission::Full)
    } else if open < limits.connections_max + limits.health_connections_reserved {
        Some(Admission::HealthOnly)
    } else {
        None
    }
}

/// Open connections per client address.
#[derive(Default)]
struct PerAddress(Mutex<HashMap<IpAddr, usize>>);

impl PerAddress {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, usize>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn count(&self, address: IpAddr) -> usize {
        self.lock().get(&address).copied().unwrap_or(0)
    }
}

/// Counts a connection as open (in all and for its address) until dropped.
struct OpenConnection {
    open: Arc<AtomicUsize>,
    per_address: Arc<PerAddress>,
    address: IpAddr,
    metrics: Arc<Metrics>,
}

impl OpenConnection {
    fn new(
        open: &Arc<AtomicUsize>,
        per_address: &Arc<PerAddress>,
        address: IpAddr,
        metrics: &Arc<Metrics>,
    ) -> Self {
        open.fetch_add(1, Ordering::AcqRel);
        *per_address.lock().entry(address).or_insert(0) += 1;
        metrics.connection_opened();
        OpenConnection {
            open: open.clone(),
            per_address: per_address.clone(),
            address,
            metrics: metrics.clone(),
        }
    }
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::AcqRel);
        let mut per_address = self.per_address.lock();
        if let Some(count) = per_address.get_mut(&self.address) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                per_address.remove(&self.address);
            }
        }
        drop(per_address);
        self.metrics.connection_closed();
    }
}

/// Why a connection ended, for the metrics.
enum Ended {
    HeaderTimeout,
    Idle,
    Done,
}

/// One connection: HTTP/1.1 with the header timer, watched for idleness and for shutdown.
async fn serve_connection(
    stream: TcpStream,
    ticket: OpenConnection,
    peer: SocketAddr,
    admission: Admission,
    router: Router,
    limits: TransportLimits,
    mut stopping: watch::Receiver<bool>,
) -> Ended {
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Watched {
        _ticket: ticket,
        inner: stream,
        activity: activity.clone(),
    });
    let service = {
        let activity = activity.clone();
        hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            request.extensions_mut().insert(admission);
            let in_flight = InFlight::enter(&activity);
            let mut router = router.clone();
            async move {
                let response = router.call(request.map(Body::new)).await;
                drop(in_flight);
                response
            }
        })
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read)
        .keep_alive(true);
    let connection = builder.serve_connection(io, service);
    tokio::pin!(connection);
    let mut shutting_down = *stopping.borrow();
    if shutting_down {
        connection.as_mut().graceful_shutdown();
    }
    loop {
        tokio::select! {
            result = connection.as_mut() => {
                return match result {
                    Ok(()) => Ended::Done,
                    Err(error) if error.is_timeout() => {
                        tracing::debug!(%peer, "request head not received in time; closed");
                        Ended::HeaderTimeout
                    }
                    Err(error) => {
                        tracing::debug!(%peer, %error, "connection ended with an error");
                        Ended::Done
                    }
                };
            }
            () = activity.idle_for(limits.idle) => {
                tracing::debug!(%peer, "idle connection closed");
                return Ended::Idle;
            }
            changed = stopping.changed(), if !shutting_down => {
                if changed.is_err() || *stopping.borrow() {
                    shutting_down = true;
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// When a connection last moved a byte, and how many of its requests are being handled.
struct Activity {
    started: Instant,
    last_io_ms: AtomicU64,
    in_flight: AtomicUsize,
}

impl Activity {
    fn new() -> Self {
        Activity {
            started: Instant::now(),
            last_io_ms: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
        }
    }

    fn touch(&self) {
        let now_ms = self.started.elapsed().as_millis() as u64;
        self.last_io_ms.store(now_ms, Ordering::Relaxed);
    }

    /// Completes once no request is in flight and no byte has moved for `idle`.
    async fn idle_for(&self, idle: Duration) {
        loop {
            let last_io_ms = self.last_io_ms.load(Ordering::Relaxed);
            let deadline = self.started + Duration::from_millis(last_io_ms) + idle;
            let now = Instant::now();
            if now < deadline {
                tokio::time::sleep_until(deadline).await;
            } else if self.in_flight.load(Ordering::Acquire) == 0 {
                return;
            } else {
                // A request in flight is the handler's time (bounded by the request timeout);
                // its end counts as activity, so look again one idle period from now.
                tokio::time::sleep_until(now + idle).await;
            }
        }
    }
}

/// A request being handled on a connection; the connection is not idle meanwhile.
struct InFlight(Arc<Activity>);

impl InFlight {
    fn enter(activity: &Arc<Activity>) -> Self {
        activity.in_flight.fetch_add(1, Ordering::AcqRel);
        InFlight(activity.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.touch();
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A socket that notes every byte it moves in its [`Activity`].
///
/// It carries its connection's [`OpenConnection`] ticket, declared first so that it drops
/// first: the connection stops counting against the caps before the peer can see the socket
/// close. A client that waits for the close and connects again is never refused for a
/// connection that is already gone.
struct Watched {
    _ticket: OpenConnection,
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.touch();
        }
        result
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(written)) if written > 0) {
            self.activity.touch();
        }
        result
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(written)) if written > 0) {
            self.activity.touch();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A request body that fails with [`BodyTimedOut`] when it is not complete by a deadline.
pub struct DeadlineBody {
    inner: Body,
    deadline: Pin<Box<tokio::time::Sleep>>,
    limit: Duration,
}

impl DeadlineBody {
    pub fn new(inner: Body, limit: Duration) -> Self {
        DeadlineBody {
            inner,
            deadline: Box::pin(tokio::time::sleep(limit)),
            limit,
        }
    }
}

/// The request body did not arrive in time.
#[derive(Debug, thiserror::Error)]
#[error("the request body was not received within {limit_ms} ms")]
pub struct BodyTimedOut {
    pub limit_ms: u64,
}

impl http_body::Body for DeadlineBody {
    type Data = axum::body::Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|frame| frame.map_err(Into::into)));
        }
        if self.deadline.as_mut().poll(cx).is_ready() {
            let limit_ms = self.limit.as_millis() as u64;
            return Poll::Ready(Some(Err(Box::new(BodyTimedOut { limit_ms }))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// Whether `error` or any error under it is a [`BodyTimedOut`].
pub fn is_body_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if error.is::<BodyTimedOut>() {
            return true;
        }
        current = error.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_past_the_cap_get_health_only_then_are_closed() {
        let limits = TransportLimits {
            connections_max: 2,
            health_connections_reserved: 1,
            connections_per_address_max: 2,
            ..TransportLimits::default()
        };
        assert_eq!(admit(0, 0, &limits), Some(Admission::Full));
        assert_eq!(admit(1, 1, &limits), Some(Admission::Full));
        assert_eq!(admit(2, 0, &limits), Some(Admission::HealthOnly));
        assert_eq!(admit(3, 0, &limits), None);
        // One address at its own cap is closed on accept while others are still served.
        assert_eq!(admit(1, 2, &limits), None);
    }

    #[test]
    fn the_soft_open_files_limit_is_read_from_proc_limits() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units     \n\
                      Max processes             63432                63432                processes \n\
                      Max open files            512                  524288               files     \n";
        assert_eq!(soft_open_files_limit(limits), Some(512));
        assert_eq!(soft_open_files_limit("Max open files unlimited"), None);
    }
}

//! Who is calling: pluggable login providers that turn a client credential into a player id, and
//! the service's own bearer tokens that carry that id afterwards.
//!
//! Providers: [`DevAuthenticator`] (local play: the credential is the player name) and
//! [`WeChatAuthenticator`] (the mini-game's `wx.login` code, exchanged through WeChat's
//! `code2session` API). Another platform is one more [`Authenticator`].

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use crate::logging::redact_secrets;

/// Longest player id, in bytes (the ticket format's bound).
pub const PLAYER_ID_BYTES_MAX: usize = 64;
/// Longest dev-mode player name, in bytes.
pub const DEV_PLAYER_BYTES_MAX: usize = 32;
/// Longest login credential accepted, in bytes (a WeChat code is 32).
pub const CREDENTIAL_BYTES_MAX: usize = 256;
/// Longest bearer token accepted, in bytes.
pub const TOKEN_BYTES_MAX: usize = 512;
/// How long a login token is valid, in milliseconds.
pub const TOKEN_TTL_MS: u64 = 24 * 60 * 60 * 1000;
/// Timeout of one call to WeChat, in seconds.
pub const WECHAT_TIMEOUT_S: u64 = 5;
/// Largest WeChat answer read, in bytes.
pub const WECHAT_RESPONSE_BYTES_MAX: usize = 16 * 1024;
/// How long a client should wait after WeChat's rate limit (errcode 45011, "retry next
/// minute"), in milliseconds.
pub const PROVIDER_RETRY_AFTER_MS: u64 = 60_000;
/// WeChat's production API base URL.
pub const WECHAT_API_BASE: &str = "https://api.weixin.qq.com";

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("{message}")]
    InvalidCredential { code: &'static str, message: String },
    /// The provider asks us to slow down; the field is its own words, for the log only.
    #[error("the login provider is busy; try again in a minute")]
    ProviderRateLimited(String),
    /// The provider failed, could not be reached or answered nonsense. The field is the detail
    /// for the server's log (redacted of secrets there); a client only ever sees the fixed text.
    #[error("the login provider could not be reached or failed; try again later")]
    Upstream(String),
    #[error("no login provider {0:?}")]
    UnknownProvider(String),
    #[error("missing or invalid bearer token: {0}")]
    BadToken(&'static str),
    /// The platform refuses the account as high-risk (WeChat `code2session` errcode 40226).
    #[error("the platform refused this account as high-risk; it cannot play for rewards")]
    HighRiskUser,
}

impl AuthError {
    /// Stable machine-readable reason code.
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::InvalidCredential { code, .. } => code,
            AuthError::ProviderRateLimited(_) => "provider_rate_limited",
            AuthError::Upstream(_) => "provider_unavailable",
            AuthError::UnknownProvider(_) => "unknown_provider",
            AuthError::BadToken(_) => "unauthenticated",
            AuthError::HighRiskUser => "high_risk_user",
        }
    }
}

/// Who logged in: the player id, and the platform's union id for the person when it gives one
/// (WeChat's `unionid`: the same person across the operator's apps; risk links accounts by it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Login {
    pub player_id: String,
    pub union_id: Option<String>,
}

impl Login {
    fn player(player_id: String) -> Login {
        Login {
            player_id,
            union_id: None,
        }
    }
}

pub type LoginFuture<'a> = Pin<Box<dyn Future<Output = Result<Login, AuthError>> + Send + 'a>>;
pub type RiskRankFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Option<i64>, AuthError>> + Send + 'a>>;

/// A login provider.
pub trait Authenticator: Send + Sync + 'static {
    /// The provider's name in `POST /v1/login`.
    fn provider(&self) -> &'static str;
    /// Exchanges a client credential for a player id (1 to [`PLAYER_ID_BYTES_MAX`] bytes).
    fn login<'a>(&'a self, credential: &'a str) -> LoginFuture<'a>;
    /// The platform's marketing-cheating risk rank for one of its players (0 none to 4
    /// highest), seen from `client_ip`; `None` where the platform offers none.
    fn risk_rank<'a>(&'a self, _player_id: &'a str, _client_ip: &'a str) -> RiskRankFuture<'a> {
        Box::pin(async { Ok(None) })
    }
}

/// Local play: the credential is the player name itself. Never enable in production.
pub struct DevAuthenticator;

/// Checks a dev-mode player name: 1 to 32 of `[a-z0-9_-]`.
pub fn check_dev_player(name: &str) -> Result<String, AuthError> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-';
    if name.is_empty() || name.len() > DEV_PLAYER_BYTES_MAX || !name.chars().all(allowed) {
        return Err(AuthError::InvalidCredential {
            code: "invalid_player_name",
            message: format!(
                "player name must be 1 to {DEV_PLAYER_BYTES_MAX} of a-z, 0-9, '_' or '-'"
            ),
        });
    }
    Ok(format!("dev-{name}"))
}

impl Authenticator for DevAuthenticator {
    fn provider(&self) -> &'static str {
        "dev"
    }

    fn login<'a>(&'a self, credential: &'a str) -> LoginFuture<'a> {
        Box::pin(async move { check_dev_player(credential).map(Login::player) })
    }
}

/// WeChat mini-game login: `code2session` with the app's id and secret.
pub struct WeChatAuthenticator {
    base_url: String,
    app_id: String,
    app_secret: String,
    client: reqwest::Client,
    /// The server-side `access_token` and when to stop using it.
    access_token: tokio::sync::Mutex<Option<(String, std::time::Instant)>>,
}

/// Margin before an `access_token`'s stated expiry at which a new one is fetched, in seconds.
const ACCESS_TOKEN_MARGIN_S: u64 = 300;
/// `getUserRiskRank` scene 1: marketing cheating (0 is registration).
const RISK_SCENE_MARKETING_CHEATING: i64 = 1;

#[derive(Debug, Deserialize)]
struct AccessToken {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    errcode: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct RiskRank {
    #[serde(default)]
    risk_rank: Option<i64>,
    #[serde(default)]
    errcode: Option<i64>,
    #[serde(default)]
    errmsg: Option<String>,
}

/// WeChat's `code2session` answer. Errors come as `errcode`/`errmsg` with HTTP 200.
#[derive(Debug, Deserialize)]
struct Code2Session {
    #[serde(default)]
    openid: Option<String>,
    /// Present when the mini-game's account is bound to a WeChat Open Platform account.
    #[serde(default)]
    unionid: Option<String>,
    #[serde(default)]
    errcode: Option<i64>,
    #[serde(default)]
    errmsg: Option<String>,
}

impl WeChatAuthenticator {
    /// `base_url` is [`WECHAT_API_BASE`] in production; tests point it at a local stand-in.
    pub fn new(base_url: &str, app_id: &str, app_secret: &str) -> Result<Self, AuthError> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(WECHAT_TIMEOUT_S))
            .build()
            .map_err(|error| AuthError::Upstream(format!("HTTP client: {error}")))?;
        Ok(WeChatAuthenticator {
            base_url: base_url.trim_end_matches('/').to_string(),
            app_id: app_id.to_string(),
            app_secret: app_secret.to_string(),
            client,
            access_token: tokio::sync::Mutex::new(None),
        })
    }

    /// Reads a WeChat answer: HTTP 200, at most [`WECHAT_RESPONSE_BYTES_MAX`] bytes, JSON.
    async fn answer<T: serde::de::DeserializeOwned>(
        what: &str,
        response: Result<reqwest::Response, reqwest::Error>,
    ) -> Result<T, AuthError> {
        // `without_url`: URLs carry the app secret or the access token in their query.
        let response = response.map_err(|error| {
            AuthError::Upstream(format!("calling {what}: {}", error.without_url()))
        })?;
        let status = response.status();
        let body = response.bytes().await.map_err(|error| {
            AuthError::Upstream(format!("reading {what}: {}", error.without_url()))
        })?;
        if !status.is_success() || body.len() > WECHAT_RESPONSE_BYTES_MAX {
            return Err(AuthError::Upstream(format!(
                "{what} answered HTTP {status} with {} bytes",
                body.len()
            )));
        }
        serde_json::from_slice(&body)
            .map_err(|error| AuthError::Upstream(format!("{what} answer: {error}")))
    }

    /// The server's `access_token` (`GET /cgi-bin/token`), cached until shortly before expiry.
    async fn access_token(&self) -> Result<String, AuthError> {
        let mut cached = self.access_token.lock().await;
        if let Some((token, until)) = cached.as_ref() {
            if std::time::Instant::now() < *until {
                return Ok(token.clone());
            }
        }
        let response = self
            .client
            .get(format!("{}/cgi-bin/token", self.base_url))
            .query(&[
                ("grant_type", "client_credential"),
                ("appid", self.app_id.as_str()),
                ("secret", self.app_secret.as_str()),
            ])
            .send()
            .await;
        let answer: AccessToken = Self::answer("getAccessToken", response).await?;
        let token = answer
            .access_token
            .filter(|token| !token.is_empty() && answer.errcode.unwrap_or(0) == 0)
            .ok_or_else(|| {
                AuthError::Upstream(format!("getAccessToken errcode {:?}", answer.errcode))
            })?;
        let lifetime_s = answer
            .expires_in
            .unwrap_or(0)
            .saturating_sub(ACCESS_TOKEN_MARGIN_S);
        let until = std::time::Instant::now() + Duration::from_secs(lifetime_s);
        *cached = Some((token.clone(), until));
        Ok(token)
    }

    async fn user_risk_rank(&self, openid: &str, client_ip: &str) -> Result<i64, AuthError> {
        let token = self.access_token().await?;
        let response = self
            .client
            .post(format!("{}/wxa/getuserriskrank", self.base_url))
            .query(&[("access_token", token.as_str())])
            .json(&serde_json::json!({
                "appid": self.app_id,
                "openid": openid,
                "scene": RISK_SCENE_MARKETING_CHEATING,
                "client_ip": client_ip,
            }))
            .send()
            .await;
        let answer: RiskRank = Self::answer("getUserRiskRank", response).await?;
        match (answer.errcode.unwrap_or(0), answer.risk_rank) {
            (0, Some(rank)) if (0..=4).contains(&rank) => Ok(rank),
            (errcode, rank) => Err(AuthError::Upstream(format!(
                "getUserRiskRank errcode {errcode} rank {rank:?}: {}",
                answer.errmsg.unwrap_or_default()
            ))),
        }
    }

    /// `text` without the app secret: neither as a `secret=` parameter nor anywhere else (an
    /// upstream answer may echo what it was sent).
    fn redact(&self, text: &str) -> String {
        let text = redact_secrets(text);
        if self.app_secret.is_empty() {
            return text;
        }
        text.replace(&self.app_secret, "<redacted>")
    }

    async fn exchange(&self, code: &str) -> Result<Login, AuthError> {
        let valid = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        if code.is_empty() || code.len() > CREDENTIAL_BYTES_MAX || !code.chars().all(valid) {
            return Err(AuthError::InvalidCredential {
                code: "invalid_code",
                message: "the login code is empty, too long or has characters a code never has"
                    .into(),
            });
        }
        let url = format!("{}/sns/jscode2session", self.base_url);
        let response = self
            .client
            .get(&url)
            .query(&[
                ("appid", self.app_id.as_str()),
                ("secret", self.app_secret.as_str()),
                ("js_code", code),
                ("grant_type", "authorization_code"),
            ])
            .send()
            .await
            // `without_url`: the URL carries the app secret in its query.
            .map_err(|error| {
                AuthError::Upstream(format!("calling code2session: {}", error.without_url()))
            })?;
        let status = response.status();
        let body = response.bytes().await.map_err(|error| {
            AuthError::Upstream(format!("reading code2session: {}", error.without_url()))
        })?;
        if !status.is_success() {
            return Err(AuthError::Upstream(format!(
                "code2session answered HTTP {status}"
            )));
        }
        if body.len() > WECHAT_RESPONSE_BYTES_MAX {
            return Err(AuthError::Upstream(format!(
                "code2session answered {} bytes",
                body.len()
            )));
        }
        let answer: Code2Session = serde_json::from_slice(&body)
            .map_err(|error| AuthError::Upstream(format!("code2session answer: {error}")))?;
        let message = answer.errmsg.unwrap_or_default();
        match answer.errcode.unwrap_or(0) {
            0 => {}
            // 40029: invalid code; 40163: code already used.
            40029 | 40163 => {
                // WeChat's own words go to the log, not to the client.
                tracing::info!(provider = "wechat", errmsg = %self.redact(&message),
                    "WeChat refused a login code");
                return Err(AuthError::InvalidCredential {
                    code: "invalid_code",
                    message: "WeChat refused the login code: it is invalid or already used".into(),
                });
            }
            45011 => return Err(AuthError::ProviderRateLimited(message)),
            // 40226: WeChat ranks the user high-risk and blocks the login.
            40226 => {
                tracing::info!(provider = "wechat", errmsg = %self.redact(&message),
                    "WeChat refused a high-risk user");
                return Err(AuthError::HighRiskUser);
            }
            other => {
                return Err(AuthError::Upstream(format!(
                    "code2session errcode {other}: {message}"
                )))
            }
        }
        let openid = answer
            .openid
            .filter(|openid| !openid.is_empty() && openid.len() <= PLAYER_ID_BYTES_MAX - 3)
            .ok_or_else(|| AuthError::Upstream("code2session gave no usable openid".into()))?;
        // A union id is only a link between accounts: one out of bounds is dropped, not fatal.
        let union_id = answer
            .unionid
            .filter(|union_id| !union_id.is_empty() && union_id.len() <= PLAYER_ID_BYTES_MAX);
        Ok(Login {
            player_id: format!("wx-{openid}"),
            union_id: union_id.map(|union_id| format!("wechat:{union_id}")),
        })
    }
}

impl Authenticator for WeChatAuthenticator {
    fn provider(&self) -> &'static str {
        "wechat"
    }

    fn login<'a>(&'a self, credential: &'a str) -> LoginFuture<'a> {
        Box::pin(async move {
            let result = self.exchange(credential).await;
            match &result {
                Err(AuthError::Upstream(detail)) => tracing::warn!(
                    provider = "wechat",
                    detail = %self.redact(detail),
                    "login provider failed"
                ),
                Err(AuthError::ProviderRateLimited(detail)) => tracing::warn!(
                    provider = "wechat",
                    detail = %self.redact(detail),
                    "login provider is rate limiting"
                ),
                _ => {}
            }
            result
        })
    }

    fn risk_rank<'a>(&'a self, player_id: &'a str, client_ip: &'a str) -> RiskRankFuture<'a> {
        Box::pin(async move {
            let Some(openid) = player_id.strip_prefix("wx-") else {
                return Ok(None);
            };
            let result = self.user_risk_rank(openid, client_ip).await;
            if let Err(AuthError::Upstream(detail)) = &result {
                tracing::warn!(provider = "wechat", detail = %self.redact(detail),
                    "risk rank unavailable");
            }
            result.map(Some)
        })
    }
}

type HmacSha256 = Hmac<Sha256>;

/// The service's bearer tokens: `v1.<player id as hex>.<expiry ms>.<HMAC-SHA256 as hex>`.
/// Stateless, so every instance sharing the secret accepts them.
pub struct TokenSigner {
    secret: [u8; 32],
}

impl TokenSigner {
    pub fn new(secret: [u8; 32]) -> Self {
        TokenSigner { secret }
    }

    fn mac(&self, text: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.secret).expect("HMAC takes any key length");
        mac.update(text.as_bytes());
        mac
    }

    pub fn issue(&self, player_id: &str, now_ms: u64) -> (String, u64) {
        let expires_at_ms = now_ms.saturating_add(TOKEN_TTL_MS);
        let body = format!(
            "v1.{}.{expires_at_ms}",
            crate::hex::encode(player_id.as_bytes())
        );
        let tag = crate::hex::encode(&self.mac(&body).finalize().into_bytes());
        (format!("{body}.{tag}"), expires_at_ms)
    }

    pub fn verify(&self, token: &str, now_ms: u64) -> Result<String, AuthError> {
        if token.len() > TOKEN_BYTES_MAX {
            return Err(AuthError::BadToken("token too long"));
        }
        let (body, tag) = token
            .rsplit_once('.')
            .ok_or(AuthError::BadToken("malformed token"))?;
        let tag = crate::hex::decode(tag).ok_or(AuthError::BadToken("malformed token"))?;
        self.mac(body)
            .verify_slice(&tag)
            .map_err(|_| AuthError::BadToken("token signature does not match"))?;
        let mut parts = body.split('.');
        let (Some("v1"), Some(player), Some(expires), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(AuthError::BadToken("malformed token"));
        };
        let expires_at_ms: u64 = expires
            .parse()
            .map_err(|_| AuthError::BadToken("malformed token"))?;
        if now_ms > expires_at_ms {
            return Err(AuthError::BadToken("token expired"));
        }
        let player = crate::hex::decode(player).and_then(|bytes| String::from_utf8(bytes).ok());
        player.ok_or(AuthError::BadToken("malformed token"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_refuse_tampering_and_expiry() {
        let signer = TokenSigner::new([7; 32]);
        let (token, expires_at_ms) = signer.issue("dev-alice", 1_000);
        assert_eq!(expires_at_ms, 1_000 + TOKEN_TTL_MS);
        assert_eq!(signer.verify(&token, 2_000), Ok("dev-alice".to_string()));
        assert_eq!(
            signer.verify(&token, expires_at_ms + 1),
            Err(AuthError::BadToken("token expired"))
        );
        let forged = token.replace(
            &crate::hex::encode(b"dev-alice"),
            &crate::hex::encode(b"dev-mallory"),
        );
        assert_eq!(
            signer.verify(&forged, 2_000),
            Err(AuthError::BadToken("token signature does not match"))
        );
        let other = TokenSigner::new([8; 32]);
        assert!(other.verify(&token, 2_000).is_err());
    }

    #[test]
    fn dev_names_are_checked_and_namespaced() {
        assert_eq!(check_dev_player("alice-1"), Ok("dev-alice-1".into()));
        for bad in ["", "Alice", "a b", &"x".repeat(DEV_PLAYER_BYTES_MAX + 1)] {
            assert_eq!(
                check_dev_player(bad).unwrap_err().code(),
                "invalid_player_name"
            );
        }
    }
}

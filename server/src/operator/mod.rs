//! The operator console: read views under `/v1/operator/` (the review queue, one game in full,
//! a player, withdrawals, campaign budgets) and the console page itself at `/operator`, built
//! into the binary so it is there without a static directory.
//!
//! ```text
//! browser (/operator, token in sessionStorage)
//!    | GET  /v1/operator/...   Authorization: Bearer <operator token>
//!    v
//! views.rs  <-  store/console.rs (reads)            the replay viewer:
//!    | POST /v1/operator/holds/{id}/release ...       /pkg/ (the player's wasm, feature web)
//!    v                                                 + level file + the game's input log
//! the existing operator actions (service.rs, writer)
//! ```
//!
//! Every read checks the operator token first, exactly as the actions do, so a refusal says
//! nothing about what exists. The page holds nothing of value: the token is typed in and kept in
//! the tab's `sessionStorage`; it travels as a bearer header, never as a cookie, so another site
//! cannot make the browser send it (no CSRF surface).

mod page;
pub mod roster;
pub mod views;

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use crate::http::{bearer, query};
use crate::service::{check_limit, ApiError, Service};
use crate::store::Cursor;
use views::parse_cursor;

pub use page::page_routes;

type ApiResult<T> = Result<T, ApiError>;

/// The read endpoints, to be merged with the API routes (so they get its rate limits and the
/// budget of failed authentications).
pub fn api_routes() -> Router<Arc<Service>> {
    Router::new()
        .route("/v1/operator/review-queue", get(review_queue))
        .route("/v1/operator/games/{session_id}", get(game))
        .route("/v1/operator/players/{player_id}", get(player))
        .route("/v1/operator/withdrawals", get(withdrawals))
        .route("/v1/operator/campaigns", get(campaigns))
        .route("/v1/operator/actions", get(actions))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageQuery {
    /// The `next` of the previous page.
    after: Option<String>,
    before: Option<String>,
    limit: Option<i64>,
}

impl PageQuery {
    fn cursor(&self) -> ApiResult<Option<Cursor>> {
        let text = match (&self.after, &self.before) {
            (Some(_), Some(_)) => {
                return Err(ApiError::coded(
                    "invalid_field",
                    "give at most one of after and before",
                ))
            }
            (Some(text), None) | (None, Some(text)) => text,
            (None, None) => return Ok(None),
        };
        parse_cursor(text).map(Some).ok_or_else(|| {
            ApiError::coded(
                "invalid_field",
                "a cursor is the `next` of a previous page: {at_ms}.{id}",
            )
        })
    }
}

/// The operator's page request: the token first, then the page's bounds.
fn operator_page(
    service: &Service,
    headers: &HeaderMap,
    page: Result<Query<PageQuery>, QueryRejection>,
) -> ApiResult<(Option<Cursor>, i64)> {
    service.authenticate_operator(bearer(headers))?;
    let page = query(page)?;
    Ok((page.cursor()?, check_limit(page.limit)?))
}

async fn review_queue(
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
    page: Result<Query<PageQuery>, QueryRejection>,
) -> ApiResult<Json<views::QueueView>> {
    let (cursor, limit) = operator_page(&service, &headers, page)?;
    let games = service.store().review_queue(cursor.as_ref(), limit).await?;
    let next = (games.len() as i64 == limit)
        .then(|| games.last())
        .flatten()
        .and_then(|last| {
            let risk = last.risk.as_ref()?;
            Some(views::cursor_text(&Cursor {
                at_ms: risk.decided_at_ms,
                id: last.game.session_id.clone(),
            }))
        });
    Ok(Json(views::QueueView {
        games: games.into_iter().map(views::GameSummary::from).collect(),
        next,
    }))
}

async fn game(
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
    Path(session_id): Path<String>,
) -> ApiResult<Json<views::GameView>> {
    service.authenticate_operator(bearer(&headers))?;
    let record = service
        .store()
        .game_record(&session_id)
        .await?
        .ok_or_else(|| ApiError::coded("game_not_found", "no decided game with this session id"))?;
    Ok(Json(views::game_view(record).map_err(ApiError::internal)?))
}

async fn player(
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
    Path(player_id): Path<String>,
    page: Result<Query<PageQuery>, QueryRejection>,
) -> ApiResult<Json<views::PlayerView>> {
    let (cursor, limit) = operator_page(&service, &headers, page)?;
    let record = service
        .store()
        .player_record(&player_id, cursor.as_ref(), limit)
        .await?
        .ok_or_else(|| ApiError::coded("player_not_found", "the ledger has no such player"))?;
    Ok(Json(views::player_view(record, limit)))
}

async fn withdrawals(
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
    page: Result<Query<PageQuery>, QueryRejection>,
) -> ApiResult<Json<views::WithdrawalsView>> {
    let (cursor, limit) = operator_page(&service, &headers, page)?;
    let record = service
        .store()
        .withdrawals_record(cursor.as_ref(), limit)
        .await?;
    Ok(Json(views::withdrawals_view(record, limit)))
}

async fn campaigns(
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
) -> ApiResult<Json<views::CampaignsView>> {
    service.authenticate_operator(bearer(&headers))?;
    let budgets = service.store().campaign_budgets().await?;
    Ok(Json(views::CampaignsView { campaigns: budgets }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionsQuery {
    /// The `next` of the previous page: the oldest `seq` on it.
    before: Option<i64>,
    limit: Option<i64>,
}

/// Who decided what, newest first.
async fn actions(
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
    page: Result<Query<ActionsQuery>, QueryRejection>,
) -> ApiResult<Json<views::ActionsView>> {
    service.authenticate_operator(bearer(&headers))?;
    let page = query(page)?;
    let limit = check_limit(page.limit)?;
    let actions = service.store().operator_actions(page.before, limit).await?;
    let next = (actions.len() as i64 == limit)
        .then(|| actions.last().map(|last| last.seq))
        .flatten();
    Ok(Json(views::ActionsView { actions, next }))
}

//! The player's way through the game: which screen shows, what a tap on it does, and what the
//! host must fetch or start. Platform-neutral and pure: the host feeds it data (the level list,
//! the server's answers) and taps; it answers with a [`Request`] when it needs the outside world.
//!
//! ```text
//!   Start ──tap──► Intro ──Start──► Playing ──(proof)──► Result ──Retry──► Playing
//!                  ▲   │                                   │ Next ─────► Intro (next level)
//!                  │   └──Map──► Map ◄──────────Map────────┘
//!                  └──tile─────── │ ──Wallet──► Wallet ──Back──► Map
//!                                 └──Settings─► Settings ──Back──► Map
//!   Intro ──Leaderboard──► Leaderboard ──entry──► Watching (a ghost replay) ──tap──► Leaderboard
//! ```
//!
//! On the wallet, the withdraw flow ([`Withdraw`]): the server's states drive it, never a
//! platform's callback, so money shows as paid only when the server says `succeeded`.
//!
//! ```text
//!   Idle ──Withdraw──► Choosing ──amount──► Confirming ──Confirm──► Sent ──(server)──► Following
//!     ▲                   │ Dismiss             │ Dismiss              │ refusal         │ final
//!     └───────────────────┴─────────────────────┴────── Refused ◄──────┘      OK ◄────────┘
//! ```

use alloc::string::String;
use alloc::vec::Vec;

use game_core::match3::Objective;
use game_core::{Level, LevelGame, TICK_HZ};
use serde_json::Value;

use crate::text::{Lang, Phrase};

/// The screen on show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Start,
    Map,
    Intro,
    /// A session is on the board; the flow draws nothing.
    Playing,
    /// The game is over and its proof is with the server (or its receipt is in).
    Result,
    Wallet,
    Settings,
    /// A break reminder after long continuous play, before the next game starts.
    Break,
    /// The selected level's top verified scores.
    Leaderboard,
    /// A leaderboard entry's game played back from its input log (a ghost replay); the flow
    /// draws nothing but a caption, and any tap goes back to the board.
    Watching,
}

/// What a tap on a screen's element does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    /// The start screen: anywhere.
    Begin,
    /// A level's tile on the map.
    Open(u16),
    /// The intro's Start and the result's Retry.
    Play,
    Next,
    Map,
    Wallet,
    Settings,
    PagePrevious,
    PageNext,
    Toggle(Setting),
    /// The break reminder is read: the clock of continuous play starts again.
    Rested,
    /// The selected level's leaderboard, and back from it to the level's intro.
    Leaderboard,
    /// Watch the game of the board's entry at this rank.
    Watch(u16),
    Back,
    /// The wallet's withdraw flow: open it, pick the `index`th of [`Flow::withdraw_amounts`],
    /// confirm, cancel a withdrawal waiting for the player, and put a message or choice away.
    Withdraw,
    Amount(u16),
    Confirm,
    CancelWithdrawal,
    Dismiss,
}

impl Act {
    /// A stable name, for hosts' accessibility layers and tests.
    pub fn name(self) -> &'static str {
        match self {
            Act::Begin => "begin",
            Act::Open(_) => "open",
            Act::Play => "play",
            Act::Next => "next",
            Act::Map => "map",
            Act::Wallet => "wallet",
            Act::Settings => "settings",
            Act::PagePrevious => "page_previous",
            Act::PageNext => "page_next",
            Act::Toggle(Setting::Sound) => "sound",
            Act::Toggle(Setting::Vibration) => "vibration",
            Act::Toggle(Setting::Reminders) => "reminders",
            Act::Toggle(Setting::Language) => "language",
            Act::Rested => "rested",
            Act::Leaderboard => "leaderboard",
            Act::Watch(_) => "watch",
            Act::Back => "back",
            Act::Withdraw => "withdraw",
            Act::Amount(_) => "amount",
            Act::Confirm => "confirm",
            Act::CancelWithdrawal => "cancel_withdrawal",
            Act::Dismiss => "dismiss",
        }
    }
}

impl Screen {
    pub fn name(self) -> &'static str {
        match self {
            Screen::Start => "start",
            Screen::Map => "map",
            Screen::Intro => "intro",
            Screen::Playing => "playing",
            Screen::Result => "result",
            Screen::Wallet => "wallet",
            Screen::Settings => "settings",
            Screen::Break => "break",
            Screen::Leaderboard => "leaderboard",
            Screen::Watching => "watching",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    Sound,
    Vibration,
    Reminders,
    Language,
}

/// What the host must do for the flow. Sent as one word: the kind in the low byte
/// ([`REQUEST_KINDS`] names them), the argument above it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    Nothing,
    /// Load level `index`'s file and hand it over (`Data::Level`).
    Level(u16),
    /// Ask for a ticket for level `index` and start its session.
    Play(u16),
    /// Fetch the balance and history (`Data::Balance`, `Data::History`).
    Wallet,
    /// Keep and apply these settings ([`Settings::bits`]).
    Settings(u32),
    /// Fetch level `index`'s leaderboard (`Data::Leaderboard`).
    Leaderboard(u16),
    /// Withdraw this many fen (at most [`WITHDRAW_WORD_FEN_MAX`]) and follow the withdrawal:
    /// each state as `Data::Withdrawal`, a refusal as `Data::WithdrawRefused`.
    Withdraw(u32),
    /// Cancel the withdrawal being followed (`POST /v1/withdrawals/{id}/cancel`).
    CancelWithdrawal,
    /// Fetch the game of level `level`'s board entry at `rank` (`GET
    /// /v1/levels/{id}/leaderboard/{rank}/run`) and hand it over as `Data::Run`.
    Run {
        level: u16,
        rank: u16,
    },
}

/// `name:kind` pairs for the host.
pub const REQUEST_KINDS: &str =
    "level:1,play:2,wallet:3,settings:4,leaderboard:5,withdraw:6,cancel_withdrawal:7,run:20";

/// The largest amount a request word carries: 24 bits above the kind's byte, ¥167,772.15,
/// more than any rail's largest single transfer (Alipay's ¥50,000).
pub const WITHDRAW_WORD_FEN_MAX: i64 = 0xFF_FFFF;

impl Request {
    pub fn word(self) -> u32 {
        match self {
            Request::Nothing => 0,
            Request::Level(index) => 1 | u32::from(index) << 8,
            Request::Play(index) => 2 | u32::from(index) << 8,
            Request::Wallet => 3,
            Request::Settings(bits) => 4 | bits << 8,
            Request::Leaderboard(index) => 5 | u32::from(index) << 8,
            Request::Withdraw(fen) => 6 | fen << 8,
            Request::CancelWithdrawal => 7,
            Request::Run { level, rank } => 20 | u32::from(level) << 8 | u32::from(rank) << 16,
        }
    }
}

/// What the host hands the flow, by kind ([`DATA_KINDS`] names them); each is the JSON the
/// package or the server gives, unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Data {
    /// The package's level list: `[{ "id", "name" }]`.
    Levels = 0,
    /// The server's `GET /v1/levels`: what each level pays and the player's best stars.
    Offers = 1,
    /// The server's `GET /v1/balance`.
    Balance = 2,
    /// The server's `GET /v1/transfers`.
    History = 3,
    /// The server's receipt for the last proof.
    Receipt = 4,
    /// The level file of the level asked for with [`Request::Level`].
    Level = 5,
    /// `{ "earns_only": bool }`: the platform pays nothing out (Douyin).
    Platform = 6,
    /// The operator's responsible-play policy: `{ "reminder_minutes": N }`.
    Policy = 7,
    /// The server's `GET /v1/levels/{id}/leaderboard` for the level asked for.
    Leaderboard = 8,
    /// The withdrawal being followed, as the server's `/v1/withdrawals` answers it (`state`,
    /// `amount_fen`, `rail`), with `"confirmed": true` added by the host once the player
    /// confirmed on WeChat's page (which pays nothing by itself).
    Withdrawal = 9,
    /// The server's refusal of a withdrawal: its reason code alone, as UTF-8 (`error.code` of
    /// the server's answer; `offline` when the server could not be reached). Plain bytes, not
    /// JSON: a serde reader for a one-field wrapper costs the mini-game artifact a kilobyte.
    WithdrawRefused = 10,
    /// The server's run of a board entry (`seed`, `level_hash`, `input_log_hex`), asked for
    /// with [`Request::Run`]; `{}` when it could not be had (the flow goes back to the board).
    Run = 20,
    /// The operator's responsible-play policy refused a ticket: the server's reason code alone,
    /// as UTF-8 (`quiet_hours`, `daily_play_limit`). The intro says it in the player's words.
    PlayRefused = 21,
}

pub const DATA_KINDS: &str = "levels:0,offers:1,balance:2,history:3,receipt:4,level:5,\
    platform:6,policy:7,leaderboard:8,withdrawal:9,withdraw_refused:10,run:20,play_refused:21";

impl Data {
    pub fn from_code(code: u32) -> Option<Data> {
        Some(match code {
            0 => Data::Levels,
            1 => Data::Offers,
            2 => Data::Balance,
            3 => Data::History,
            4 => Data::Receipt,
            5 => Data::Level,
            6 => Data::Platform,
            7 => Data::Policy,
            8 => Data::Leaderboard,
            9 => Data::Withdrawal,
            10 => Data::WithdrawRefused,
            20 => Data::Run,
            21 => Data::PlayRefused,
            _ => return None,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("unknown data kind {0}")]
    Kind(u32),
    #[error("{kind:?} data is not what the flow reads: {error}")]
    Json {
        kind: Data,
        error: serde_json::Error,
    },
    #[error("{kind:?} data is not what the flow reads: {field} is missing or of another type")]
    Field { kind: Data, field: &'static str },
    #[error("the level file is invalid: {0}")]
    Level(game_core::LevelError),
    #[error(
        "reminder_minutes is {0}; it must be {REMINDER_MINUTES_MIN} to {REMINDER_MINUTES_MAX}"
    )]
    ReminderMinutes(i64),
    /// Not one of the server's payout states (docs/PAYOUTS.md).
    #[error("the withdrawal's state is not one the wallet knows")]
    WithdrawalState,
}

/// Continuous play before the break reminder, by default: 30 minutes, the span the issue and
/// common responsible-gaming guidance name; the operator's policy may set another.
pub const REMINDER_S_DEFAULT: f32 = 30.0 * 60.0;
/// The shortest and longest reminder spans an operator may set, in minutes: under 5 the
/// reminder would interrupt every other game; over 4 hours it reminds no one.
pub const REMINDER_MINUTES_MIN: u32 = 5;
pub const REMINDER_MINUTES_MAX: u32 = 240;

/// Levels one map holds: a mini-game ships a few dozen.
pub const LEVELS_MAX: usize = 200;
/// History rows the wallet keeps (a page of the server's answer).
pub const HISTORY_ROWS_MAX: usize = 20;

/// One level on the map.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LevelCard {
    pub id: String,
    pub name: String,
    pub best_stars: u8,
    /// The most one game pays under the level's table, without a boost.
    pub up_to_fen: i64,
    /// A running campaign's boost and its sponsor's name.
    pub boost_fen: i64,
    pub sponsor: Option<String>,
}

/// What the intro says a level asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Intro {
    pub level: u16,
    pub goal: IntroGoal,
    pub limit: Limit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntroGoal {
    Score(u32),
    Collect(u32),
    Jelly,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    Moves(u16),
    Seconds(u32),
}

impl Intro {
    pub fn of(level_index: u16, level: &Level) -> Intro {
        let (goal, limit) = match &level.game {
            LevelGame::Match3(spec) => {
                let goal = match spec.objectives.first() {
                    Some(Objective::Score(points)) => IntroGoal::Score(*points),
                    Some(Objective::Collect { count, .. }) => IntroGoal::Collect(u32::from(*count)),
                    Some(Objective::ClearJelly) => IntroGoal::Jelly,
                    None => IntroGoal::Score(spec.stars.first().copied().unwrap_or(0)),
                };
                (goal, Limit::Moves(spec.moves))
            }
            LevelGame::MergeDrop(spec) => (
                IntroGoal::Score(spec.stars[0]),
                Limit::Seconds(spec.time_limit_ticks.div_ceil(TICK_HZ)),
            ),
        };
        Intro {
            level: level_index,
            goal,
            limit,
        }
    }
}

/// How the game on the board ended, from the session (the client reads it; not the host).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub passed: bool,
    /// What was missing, on a lost game.
    pub short: Option<Short>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Short {
    Points(u32),
    Pieces(u32),
    Jelly(u32),
}

/// The server's verdict on the last game.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Receipt {
    pub score: i64,
    pub stars: i64,
    pub payout_fen: i64,
    pub boost_fen: i64,
    pub capped: bool,
    pub balance_fen: i64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Balance {
    pub balance_fen: i64,
    pub pending_withdrawal_fen: i64,
    pub earned_today_fen: i64,
    pub daily_cap_fen: i64,
    /// The smallest withdrawal the server's rail takes.
    pub withdrawal_min_fen: i64,
    /// Seconds played today, and the operator's daily limit in minutes (0: none).
    pub played_today_s: i64,
    pub daily_play_minutes: i64,
}

/// What a balance without a minimum means: 0.1 yuan, the providers' smallest transfer.
const WITHDRAWAL_MIN_FEN: i64 = 10;

/// Amounts the wallet offers besides the minimum and the whole balance: ¥1 and ¥5, round
/// sums under what cash-reward players usually hold.
pub const WITHDRAW_PRESETS_FEN: [i64; 2] = [100, 500];

/// A withdrawal's state as the player is told it (the server's payout states, docs/PAYOUTS.md;
/// `Paying` is a bill the player confirmed, or one on a rail without confirmation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payout {
    Sent,
    Waiting,
    Paying,
    Paid,
    Failed,
    Cancelled,
    Expired,
    /// Parked for an operator's review.
    Review,
}

impl Payout {
    /// The state from the server's name, the rail and whether the player confirmed.
    fn of(state: &str, rail: &str, confirmed: bool) -> Option<Payout> {
        Some(match state {
            "requested" => Payout::Sent,
            "submitted" if rail == "wechat" => Payout::Sent,
            "submitted" => Payout::Paying,
            "awaiting_confirmation" if confirmed => Payout::Paying,
            "awaiting_confirmation" => Payout::Waiting,
            "succeeded" => Payout::Paid,
            "failed" => Payout::Failed,
            "cancelled" => Payout::Cancelled,
            "expired" => Payout::Expired,
            "review" => Payout::Review,
            _ => return None,
        })
    }

    /// Nothing more will happen to the withdrawal (a review waits for an operator, not the
    /// player, so the wallet lets it go too).
    pub fn is_final(self) -> bool {
        !matches!(self, Payout::Sent | Payout::Waiting | Payout::Paying)
    }
}

/// Why the server refused a withdrawal, by its reason code (`server/src/reasons.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    BelowMinimum,
    AboveTransferMaximum,
    AboveDailyMaximum,
    RealNameRequired,
    NotEnoughBalance,
    Offline,
    /// Anything else: try again later.
    Other,
}

impl Refusal {
    fn of(code: &str) -> Refusal {
        match code {
            "below_withdrawal_minimum" | "invalid_amount" => Refusal::BelowMinimum,
            "above_transfer_maximum" => Refusal::AboveTransferMaximum,
            "above_daily_withdrawal_maximum" => Refusal::AboveDailyMaximum,
            "real_name_required" => Refusal::RealNameRequired,
            "insufficient_balance" => Refusal::NotEnoughBalance,
            "offline" => Refusal::Offline,
            _ => Refusal::Other,
        }
    }
}

/// Where the wallet's withdraw flow is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Withdraw {
    #[default]
    Idle,
    Choosing,
    Confirming(i64),
    /// Asked for; the server has not answered yet.
    Sent(i64),
    Following {
        amount_fen: i64,
        payout: Payout,
    },
    Refused(Refusal),
}

/// One line of the wallet's history: what it was and the amount, signed for the player.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HistoryRow {
    pub kind: Phrase,
    pub amount_fen: i64,
}

impl HistoryRow {
    fn of(kind: &str, amount_fen: i64) -> HistoryRow {
        let (kind, sign) = match kind {
            "payout" => (Phrase::Reward, 1),
            "boost" => (Phrase::Boost, 1),
            "withdrawal" => (Phrase::Withdrawal, -1),
            "withdrawal_failed" => (Phrase::Withdrawal, 1),
            _ => (Phrase::Other, 1),
        };
        HistoryRow {
            kind,
            amount_fen: sign * amount_fen,
        }
    }
}

/// One entry of a level's leaderboard: rank, public pseudonym (never a player id), verified
/// score.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoardEntry {
    pub rank: u32,
    pub name: String,
    pub score: i64,
}

/// Leaderboard entries the screen keeps (the server's default page).
pub const BOARD_ROWS_MAX: usize = 20;

/// A board entry's game, as the server answered it: with the selected level's file, the seed
/// and the input log replay it exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub level_hash: Vec<u8>,
    pub seed: u64,
    pub input_log: Vec<u8>,
}

/// `text`'s bytes from lowercase or uppercase hex digits; `None` on anything else.
fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    let digits = text.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    let nibble = |digit: u8| char::from(digit).to_digit(16).map(|value| value as u8);
    digits
        .chunks_exact(2)
        .map(|pair| Some(nibble(pair[0])? << 4 | nibble(pair[1])?))
        .collect()
}

/// The player's choices; kept by the host as [`Settings::bits`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    pub sound: bool,
    pub vibration: bool,
    pub reminders: bool,
    pub lang: Lang,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            sound: true,
            vibration: true,
            reminders: true,
            lang: Lang::Zh,
        }
    }
}

/// [`Settings::bits`]: one bit each, named for the host.
pub const SETTING_BITS: &str = "sound:1,vibration:2,reminders:4,english:8";

impl Settings {
    pub fn bits(&self) -> u32 {
        u32::from(self.sound)
            | u32::from(self.vibration) << 1
            | u32::from(self.reminders) << 2
            | u32::from(self.lang == Lang::En) << 3
    }

    pub fn from_bits(bits: u32) -> Settings {
        Settings {
            sound: bits & 1 != 0,
            vibration: bits & 2 != 0,
            reminders: bits & 4 != 0,
            lang: if bits & 8 != 0 { Lang::En } else { Lang::Zh },
        }
    }
}

/// Fields of the host's JSON by name. Every kind is parsed by one `serde_json::Value` reader
/// and read here: a derived reader per answer cost the mini-game artifact several hundred
/// bytes of brotli each (see `cargo xtask minigame`'s budget). Absent optional fields take their default;
/// a field of another type is refused like a missing one.
struct Fields<'a> {
    kind: Data,
    value: &'a Value,
}

impl<'a> Fields<'a> {
    fn of(kind: Data, value: &'a Value) -> Fields<'a> {
        Fields { kind, value }
    }

    fn wrong(&self, field: &'static str) -> DataError {
        DataError::Field {
            kind: self.kind,
            field,
        }
    }

    /// The field, `None` when absent or null.
    fn get(&self, field: &'static str) -> Option<&'a Value> {
        self.value.get(field).filter(|value| !value.is_null())
    }

    fn int(&self, field: &'static str) -> Result<i64, DataError> {
        self.get(field)
            .and_then(Value::as_i64)
            .ok_or_else(|| self.wrong(field))
    }

    fn int_or(&self, field: &'static str, default: i64) -> Result<i64, DataError> {
        self.get(field).map_or(Ok(default), |_| self.int(field))
    }

    fn flag(&self, field: &'static str) -> Result<bool, DataError> {
        self.get(field)
            .and_then(Value::as_bool)
            .ok_or_else(|| self.wrong(field))
    }

    fn flag_or(&self, field: &'static str, default: bool) -> Result<bool, DataError> {
        self.get(field).map_or(Ok(default), |_| self.flag(field))
    }

    fn text(&self, field: &'static str) -> Result<&'a str, DataError> {
        self.get(field)
            .and_then(Value::as_str)
            .ok_or_else(|| self.wrong(field))
    }

    fn text_or_none(&self, field: &'static str) -> Result<Option<&'a str>, DataError> {
        self.get(field).map(|_| self.text(field)).transpose()
    }

    fn list(&self, field: &'static str) -> Result<&'a Vec<Value>, DataError> {
        self.get(field)
            .and_then(Value::as_array)
            .ok_or_else(|| self.wrong(field))
    }

    /// The value itself as a list (the package's level list).
    fn items(&self) -> Result<&'a Vec<Value>, DataError> {
        self.value.as_array().ok_or_else(|| self.wrong("[]"))
    }
}

/// Where the player is and what the screens show.
#[derive(Clone, Debug)]
pub struct Flow {
    pub screen: Screen,
    pub levels: Vec<LevelCard>,
    /// The level the intro, the game and the result are about.
    pub selected: u16,
    pub intro: Option<Intro>,
    pub outcome: Option<Outcome>,
    pub receipt: Option<Receipt>,
    pub balance: Option<Balance>,
    pub history: Vec<HistoryRow>,
    pub settings: Settings,
    pub earns_only: bool,
    /// The map's page (set by the map's layout, which knows how many tiles fit).
    pub map_page: u16,
    /// Seconds of continuous play (games and screens while the app is shown), and the span
    /// after which the player is reminded to take a break.
    pub played_s: f32,
    pub reminder_s: f32,
    /// The selected level's leaderboard, once the server's answer is in, and the player's own
    /// entry on it (when the player has one).
    pub board: Option<Vec<BoardEntry>>,
    pub board_you: Option<BoardEntry>,
    /// The selected level's file, kept for a ghost replay (which checks it against the run's
    /// level hash), and the run the host handed over, until the client takes it.
    pub level_file: Vec<u8>,
    pub run: Option<Run>,
    /// Why the last ticket was refused, in the player's words (the operator's rest rules).
    notice: Option<Phrase>,
    pub withdraw: Withdraw,
}

impl Default for Flow {
    fn default() -> Flow {
        Flow {
            screen: Screen::Start,
            levels: Vec::new(),
            selected: 0,
            intro: None,
            outcome: None,
            receipt: None,
            balance: None,
            history: Vec::new(),
            settings: Settings::default(),
            earns_only: false,
            map_page: 0,
            played_s: 0.0,
            reminder_s: REMINDER_S_DEFAULT,
            board: None,
            board_you: None,
            level_file: Vec::new(),
            run: None,
            notice: None,
            withdraw: Withdraw::Idle,
        }
    }
}

impl Flow {
    /// Takes data from the host. A bad answer changes nothing and says why.
    pub fn accept(&mut self, kind: Data, bytes: &[u8]) -> Result<(), DataError> {
        if kind == Data::Level {
            let level = Level::from_json(bytes).map_err(DataError::Level)?;
            self.intro = Some(Intro::of(self.selected, &level));
            self.level_file = bytes.to_vec();
            return Ok(());
        }
        if kind == Data::PlayRefused {
            // Only the operator's rest rules have words of their own; anything else is the
            // host's error to show.
            self.notice = match core::str::from_utf8(bytes).unwrap_or_default().trim() {
                "quiet_hours" => Some(Phrase::RestQuietHours),
                "daily_play_limit" => Some(Phrase::RestDailyLimit),
                _ => None,
            };
            return Ok(());
        }
        if kind == Data::WithdrawRefused {
            // Any code is a refusal; one the game does not know is "try again later".
            let code = core::str::from_utf8(bytes).unwrap_or_default();
            self.withdraw = Withdraw::Refused(Refusal::of(code.trim()));
            return Ok(());
        }
        let value: Value =
            serde_json::from_slice(bytes).map_err(|error| DataError::Json { kind, error })?;
        let at = Fields::of(kind, &value);
        match kind {
            Data::Levels => {
                let mut levels = Vec::new();
                for item in at.items()?.iter().take(LEVELS_MAX) {
                    let item = Fields::of(kind, item);
                    let id = item.text("id")?;
                    let name = String::from(item.text("name")?);
                    // Keep what the server already said about levels that stay.
                    let known = self.levels.iter().find(|known| known.id == id);
                    levels.push(LevelCard {
                        name,
                        ..known.cloned().unwrap_or_else(|| LevelCard {
                            id: String::from(id),
                            ..LevelCard::default()
                        })
                    });
                }
                self.levels = levels;
            }
            Data::Offers => {
                let mut offers = Vec::new();
                for offer in at.list("levels")? {
                    let offer = Fields::of(kind, offer);
                    // The sponsor as players read it; older servers send only the campaign id.
                    let sponsor = match offer.text_or_none("sponsor_name")? {
                        Some(name) => Some(String::from(name)),
                        None => offer.text_or_none("sponsor")?.map(String::from),
                    };
                    offers.push((
                        offer.text("level_id")?,
                        offer.int("up_to_fen")?,
                        offer.int_or("boost_fen", 0)?,
                        sponsor,
                        offer.int_or("best_stars", 0)?,
                    ));
                }
                for (id, up_to_fen, boost_fen, sponsor, stars) in offers {
                    if let Some(level) = self.levels.iter_mut().find(|l| l.id == id) {
                        level.up_to_fen = up_to_fen;
                        level.boost_fen = boost_fen;
                        level.sponsor = sponsor;
                        level.best_stars = level.best_stars.max(stars.clamp(0, 3) as u8);
                    }
                }
            }
            Data::Balance => {
                self.balance = Some(Balance {
                    balance_fen: at.int("balance_fen")?,
                    pending_withdrawal_fen: at.int("pending_withdrawal_fen")?,
                    earned_today_fen: at.int("earned_today_fen")?,
                    daily_cap_fen: at.int("daily_cap_fen")?,
                    withdrawal_min_fen: at.int_or("withdrawal_min_fen", WITHDRAWAL_MIN_FEN)?,
                    played_today_s: at.int_or("played_today_s", 0)?,
                    daily_play_minutes: at.int_or("daily_play_minutes", 0)?,
                })
            }
            Data::History => {
                let mut history = Vec::new();
                for transfer in at.list("transfers")?.iter().take(HISTORY_ROWS_MAX) {
                    let transfer = Fields::of(kind, transfer);
                    history.push(HistoryRow::of(
                        transfer.text("kind")?,
                        transfer.int("amount_fen")?,
                    ));
                }
                self.history = history;
            }
            Data::Receipt => {
                let receipt = Receipt {
                    score: at.int("score")?,
                    stars: at.int("stars")?,
                    payout_fen: at.int("payout_fen")?,
                    boost_fen: at.int_or("boost_fen", 0)?,
                    capped: at.flag_or("capped", false)?,
                    balance_fen: at.int("balance_fen")?,
                };
                if let Some(level) = self.levels.get_mut(usize::from(self.selected)) {
                    level.best_stars = level.best_stars.max(receipt.stars.clamp(0, 3) as u8);
                }
                if let Some(balance) = self.balance.as_mut() {
                    balance.balance_fen = receipt.balance_fen;
                }
                self.receipt = Some(receipt);
            }
            Data::Platform => self.earns_only = at.flag("earns_only")?,
            Data::Leaderboard => {
                let mut entries = Vec::new();
                for entry in at.list("entries")?.iter().take(BOARD_ROWS_MAX) {
                    let entry = Fields::of(kind, entry);
                    entries.push(BoardEntry {
                        rank: u32::try_from(entry.int("rank")?).map_err(|_| entry.wrong("rank"))?,
                        name: String::from(entry.text("name")?),
                        score: entry.int("score")?,
                    });
                }
                let you = match at.get("you") {
                    Some(you) => {
                        let you = Fields::of(kind, you);
                        Some(BoardEntry {
                            rank: u32::try_from(you.int("rank")?).map_err(|_| you.wrong("rank"))?,
                            name: String::from(you.text("name")?),
                            score: you.int("score")?,
                        })
                    }
                    None => None,
                };
                // An answer about another level than the one on show is late: dropped.
                let level_id = at.text("level_id")?;
                let selected = self.levels.get(usize::from(self.selected));
                if selected.is_some_and(|level| level.id == level_id) {
                    self.board = Some(entries);
                    self.board_you = you;
                }
            }
            Data::Policy => {
                let minutes = at.int("reminder_minutes")?;
                if !(i64::from(REMINDER_MINUTES_MIN)..=i64::from(REMINDER_MINUTES_MAX))
                    .contains(&minutes)
                {
                    return Err(DataError::ReminderMinutes(minutes));
                }
                self.reminder_s = minutes as f32 * 60.0;
            }
            Data::Withdrawal => {
                let state = at.text("state")?;
                let rail = at.text_or_none("rail")?.unwrap_or_default();
                let payout = Payout::of(state, rail, at.flag_or("confirmed", false)?)
                    .ok_or(DataError::WithdrawalState)?;
                let amount_fen = at.int("amount_fen")?;
                // A choice under way is the player's; news of a withdrawal waits for it.
                if !matches!(self.withdraw, Withdraw::Choosing | Withdraw::Confirming(_)) {
                    self.withdraw = Withdraw::Following { amount_fen, payout };
                }
            }
            Data::Run => {
                // Late (the player went back) or empty (the host could not get it): the board.
                if self.screen != Screen::Watching {
                    return Ok(());
                }
                if at.get("input_log_hex").is_none() {
                    self.screen = Screen::Leaderboard;
                    return Ok(());
                }
                let hex = |field| hex_bytes(at.text(field)?).ok_or_else(|| at.wrong(field));
                self.run = Some(Run {
                    level_hash: hex("level_hash")?,
                    seed: at.text("seed")?.parse().map_err(|_| at.wrong("seed"))?,
                    input_log: hex("input_log_hex")?,
                });
            }
            Data::Level | Data::WithdrawRefused | Data::PlayRefused => {}
        }
        Ok(())
    }

    /// A ghost replay could not start (the run does not replay on this level file): back to
    /// the board.
    pub fn watch_failed(&mut self) {
        self.run = None;
        if self.screen == Screen::Watching {
            self.screen = Screen::Leaderboard;
        }
    }

    /// What the wallet offers to withdraw, smallest first: the minimum, the presets between
    /// it and the balance, and the whole balance; nothing below the minimum.
    pub fn withdraw_amounts(&self) -> Vec<i64> {
        let Some(balance) = self.balance else {
            return Vec::new();
        };
        let all = balance.balance_fen.min(WITHDRAW_WORD_FEN_MAX);
        let min = balance.withdrawal_min_fen.max(1);
        if all < min || self.earns_only {
            return Vec::new();
        }
        let mut amounts = Vec::new();
        amounts.push(min);
        amounts.extend(
            WITHDRAW_PRESETS_FEN
                .iter()
                .filter(|&&fen| fen > min && fen < all),
        );
        if all > min {
            amounts.push(all);
        }
        amounts
    }

    /// A tap in the withdraw flow.
    fn withdraw_act(&mut self, act: Act) -> Request {
        let (withdraw, request) = match (act, self.withdraw) {
            (Act::Withdraw, Withdraw::Idle) => (Withdraw::Choosing, Request::Nothing),
            (Act::Amount(index), Withdraw::Choosing) => {
                match self.withdraw_amounts().get(usize::from(index)) {
                    Some(&fen) => (Withdraw::Confirming(fen), Request::Nothing),
                    None => (Withdraw::Choosing, Request::Nothing),
                }
            }
            (Act::Confirm, Withdraw::Confirming(fen)) => {
                (Withdraw::Sent(fen), Request::Withdraw(fen as u32))
            }
            (
                Act::CancelWithdrawal,
                following @ Withdraw::Following {
                    payout: Payout::Waiting,
                    ..
                },
            ) => (following, Request::CancelWithdrawal),
            // Put away: a choice, a refusal, a final state (the wallet is fetched again).
            (Act::Dismiss, Withdraw::Choosing | Withdraw::Confirming(_)) => {
                (Withdraw::Idle, Request::Nothing)
            }
            (Act::Dismiss, Withdraw::Refused(_)) => (Withdraw::Idle, Request::Wallet),
            (Act::Dismiss, Withdraw::Following { payout, .. }) if payout.is_final() => {
                (Withdraw::Idle, Request::Wallet)
            }
            (_, unchanged) => (unchanged, Request::Nothing),
        };
        self.withdraw = withdraw;
        request
    }

    /// The first level not yet passed (the last when all are).
    fn next_to_play(&self) -> u16 {
        let index = self
            .levels
            .iter()
            .position(|level| level.best_stars == 0)
            .unwrap_or(self.levels.len().saturating_sub(1));
        index as u16
    }

    fn open(&mut self, index: u16) -> Request {
        self.selected = index;
        self.intro = None;
        self.screen = Screen::Intro;
        Request::Level(index)
    }

    /// A tap on an element that acts.
    pub fn act(&mut self, act: Act) -> Request {
        // A notice is read once the player does anything else.
        if act != Act::Play {
            self.notice = None;
        }
        match act {
            Act::Begin => self.open(self.next_to_play()),
            Act::Open(index) if usize::from(index) < self.levels.len() => self.open(index),
            Act::Open(_) => Request::Nothing,
            Act::Play if self.settings.reminders && self.played_s >= self.reminder_s => {
                // The game waits until the player has read the reminder.
                self.screen = Screen::Break;
                Request::Nothing
            }
            Act::Rested => {
                self.played_s = 0.0;
                self.screen = Screen::Intro;
                Request::Nothing
            }
            Act::Leaderboard => {
                self.board = None;
                self.board_you = None;
                self.screen = Screen::Leaderboard;
                Request::Leaderboard(self.selected)
            }
            Act::Watch(rank) => {
                self.run = None;
                self.screen = Screen::Watching;
                Request::Run {
                    level: self.selected,
                    rank,
                }
            }
            Act::Back if self.screen == Screen::Watching => {
                self.run = None;
                self.screen = Screen::Leaderboard;
                Request::Nothing
            }
            Act::Back => {
                self.screen = Screen::Intro;
                Request::Nothing
            }
            Act::Play => {
                self.outcome = None;
                self.receipt = None;
                self.screen = Screen::Playing;
                Request::Play(self.selected)
            }
            Act::Next => {
                let next = self.selected.saturating_add(1);
                if usize::from(next) < self.levels.len() {
                    self.open(next)
                } else {
                    self.screen = Screen::Map;
                    Request::Nothing
                }
            }
            Act::Map => {
                self.screen = Screen::Map;
                Request::Nothing
            }
            Act::Wallet => {
                self.screen = Screen::Wallet;
                // A finished withdrawal's news was seen; an open one is found again.
                if matches!(self.withdraw, Withdraw::Following { payout, .. } if payout.is_final())
                    || matches!(self.withdraw, Withdraw::Refused(_))
                {
                    self.withdraw = Withdraw::Idle;
                }
                Request::Wallet
            }
            Act::Withdraw
            | Act::Amount(_)
            | Act::Confirm
            | Act::CancelWithdrawal
            | Act::Dismiss => self.withdraw_act(act),
            Act::Settings => {
                self.screen = Screen::Settings;
                Request::Nothing
            }
            Act::PagePrevious => {
                self.map_page = self.map_page.saturating_sub(1);
                Request::Nothing
            }
            Act::PageNext => {
                self.map_page = self.map_page.saturating_add(1);
                Request::Nothing
            }
            Act::Toggle(setting) => {
                let settings = &mut self.settings;
                match setting {
                    Setting::Sound => settings.sound = !settings.sound,
                    Setting::Vibration => settings.vibration = !settings.vibration,
                    Setting::Reminders => settings.reminders = !settings.reminders,
                    Setting::Language => {
                        settings.lang = match settings.lang {
                            Lang::Zh => Lang::En,
                            Lang::En => Lang::Zh,
                        }
                    }
                }
                Request::Settings(settings.bits())
            }
        }
    }

    /// `dt_s` more seconds of play (the host sends no frames while the app is hidden, so a
    /// pause does not count). A long pause is a rest: see [`Flow::rested_for`].
    pub fn played(&mut self, dt_s: f32) {
        if dt_s.is_finite() && dt_s > 0.0 {
            self.played_s += dt_s;
        }
    }

    /// The app was away for `away_s` seconds: a pause of a quarter of the reminder's span or
    /// more counts as a rest, and continuous play starts again.
    pub fn rested_for(&mut self, away_s: f32) {
        if away_s >= self.reminder_s / 4.0 {
            self.played_s = 0.0;
        }
    }

    /// The session on the board has ended; the result screen shows while the proof is checked.
    pub fn game_over(&mut self, outcome: Outcome) {
        self.outcome = Some(outcome);
        self.receipt = None;
        self.screen = Screen::Result;
    }

    /// The game could not be played or verified (no ticket, offline, a refusal): back to the
    /// level's intro, from which the player can try again.
    pub fn game_failed(&mut self) {
        self.screen = Screen::Intro;
    }

    /// What the intro tells the player about a ticket the operator's rules refused, until the
    /// player moves on.
    pub fn notice(&self) -> Option<Phrase> {
        self.notice.filter(|_| self.screen == Screen::Intro)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    const LEVELS: &str = r#"[{"id":"a","name":"First"},{"id":"b","name":"Second"}]"#;

    fn flow() -> Flow {
        let mut flow = Flow::default();
        flow.accept(Data::Levels, LEVELS.as_bytes()).unwrap();
        flow
    }

    #[test]
    fn a_newcomers_first_tap_opens_the_first_levels_intro_and_start_plays_it() {
        let mut flow = flow();
        assert_eq!(flow.act(Act::Begin), Request::Level(0));
        assert_eq!(flow.screen, Screen::Intro);
        assert_eq!(flow.act(Act::Play), Request::Play(0));
        assert_eq!(flow.screen, Screen::Playing);
    }

    #[test]
    fn the_start_screen_opens_the_first_level_not_yet_passed() {
        let mut flow = flow();
        flow.levels[0].best_stars = 2;
        assert_eq!(flow.act(Act::Begin), Request::Level(1));
    }

    #[test]
    fn a_result_offers_retry_next_and_map() {
        let mut flow = flow();
        flow.act(Act::Begin);
        flow.act(Act::Play);
        flow.game_over(Outcome {
            passed: true,
            short: None,
        });
        assert_eq!(flow.screen, Screen::Result);
        let receipt = br#"{"verdict":"accepted","score":900,"stars":2,"payout_fen":10,"boost_fen":0,"capped":false,"balance_fen":110}"#;
        flow.accept(Data::Receipt, receipt).unwrap();
        assert_eq!(
            flow.levels[0].best_stars, 2,
            "the map shows the stars earned"
        );
        assert_eq!(flow.clone().act(Act::Play), Request::Play(0));
        assert_eq!(flow.clone().act(Act::Next), Request::Level(1));
        let mut to_map = flow.clone();
        assert_eq!(to_map.act(Act::Map), Request::Nothing);
        assert_eq!(to_map.screen, Screen::Map);
    }

    #[test]
    fn next_after_the_last_level_goes_to_the_map() {
        let mut flow = flow();
        flow.act(Act::Open(1));
        assert_eq!(flow.act(Act::Next), Request::Nothing);
        assert_eq!(flow.screen, Screen::Map);
    }

    #[test]
    fn a_ticket_the_operators_rest_rules_refused_is_said_on_the_intro_until_the_player_moves_on() {
        let mut flow = flow();
        flow.act(Act::Begin);
        assert_eq!(flow.act(Act::Play), Request::Play(0));
        flow.game_failed();
        flow.accept(Data::PlayRefused, b"daily_play_limit").unwrap();
        assert_eq!(flow.screen, Screen::Intro);
        assert_eq!(flow.notice(), Some(Phrase::RestDailyLimit));
        // Trying again keeps it in sight; going anywhere else puts it away.
        flow.act(Act::Play);
        flow.game_failed();
        assert_eq!(flow.notice(), Some(Phrase::RestDailyLimit));
        flow.act(Act::Map);
        assert_eq!(flow.notice(), None);
        flow.accept(Data::PlayRefused, b"quiet_hours").unwrap();
        flow.act(Act::Open(0));
        assert_eq!(
            flow.notice(),
            None,
            "a notice is read once the player moves on"
        );
        // Other refusals are the host's to show.
        flow.accept(Data::PlayRefused, b"rate_limited").unwrap();
        assert_eq!(flow.notice(), None);
    }

    #[test]
    fn the_servers_offers_fill_the_map_and_survive_a_new_level_list() {
        let mut flow = flow();
        let offers = br#"{"levels":[{"level_id":"b","up_to_fen":20,"boost_fen":5,"sponsor":"launch-week","sponsor_name":"Spring Tea","best_stars":3},{"level_id":"gone","up_to_fen":1}]}"#;
        flow.accept(Data::Offers, offers).unwrap();
        let b = &flow.levels[1];
        assert_eq!(
            (b.up_to_fen, b.boost_fen, b.sponsor.as_deref(), b.best_stars),
            (20, 5, Some("Spring Tea"), 3)
        );
        // A server that names only the campaign: the id stands in.
        let offers = br#"{"levels":[{"level_id":"b","up_to_fen":20,"boost_fen":5,"sponsor":"launch-week"}]}"#;
        flow.accept(Data::Offers, offers).unwrap();
        assert_eq!(flow.levels[1].sponsor.as_deref(), Some("launch-week"));
        flow.accept(Data::Levels, LEVELS.as_bytes()).unwrap();
        assert_eq!(flow.levels[1].up_to_fen, 20);
    }

    #[test]
    fn the_wallet_reads_the_servers_balance_and_history_signed_for_the_player() {
        let mut flow = flow();
        assert_eq!(flow.act(Act::Wallet), Request::Wallet);
        flow.accept(
            Data::Balance,
            br#"{"player_id":"p","balance_fen":150,"pending_withdrawal_fen":100,"earned_today_fen":35,"daily_cap_fen":2000,"withdrawal_min_fen":100}"#,
        )
        .unwrap();
        flow.accept(
            Data::History,
            br#"{"transfers":[{"seq":3,"id":"w","kind":"withdrawal","from":"x","to":"y","amount_fen":100,"created_at_ms":1},{"seq":2,"id":"p","kind":"payout","from":"x","to":"y","amount_fen":20,"created_at_ms":1}],"next_before":null}"#,
        )
        .unwrap();
        assert_eq!(flow.balance.unwrap().earned_today_fen, 35);
        assert_eq!(
            flow.history,
            [
                HistoryRow {
                    kind: Phrase::Withdrawal,
                    amount_fen: -100
                },
                HistoryRow {
                    kind: Phrase::Reward,
                    amount_fen: 20
                }
            ]
        );
    }

    #[test]
    fn settings_toggle_and_travel_as_bits() {
        let mut flow = flow();
        flow.act(Act::Settings);
        assert_eq!(
            flow.act(Act::Toggle(Setting::Sound)),
            Request::Settings(0b0110)
        );
        assert_eq!(
            flow.act(Act::Toggle(Setting::Language)),
            Request::Settings(0b1110)
        );
        assert_eq!(Settings::from_bits(0b1110), flow.settings);
        assert_eq!(flow.settings.lang, Lang::En);
    }

    #[test]
    fn after_long_continuous_play_the_next_game_waits_for_a_break_reminder() {
        let mut flow = flow();
        flow.act(Act::Begin);
        flow.played(29.0 * 60.0);
        assert_eq!(
            flow.clone().act(Act::Play),
            Request::Play(0),
            "29 minutes: play on"
        );
        flow.played(60.0);
        assert_eq!(flow.act(Act::Play), Request::Nothing);
        assert_eq!(flow.screen, Screen::Break);
        assert_eq!(flow.act(Act::Rested), Request::Nothing);
        assert_eq!(flow.screen, Screen::Intro);
        assert_eq!(
            flow.act(Act::Play),
            Request::Play(0),
            "the clock started again"
        );
    }

    #[test]
    fn the_operator_sets_the_reminder_and_the_player_may_turn_it_off() {
        let mut flow = flow();
        flow.accept(Data::Policy, br#"{"reminder_minutes":10}"#)
            .unwrap();
        flow.act(Act::Begin);
        flow.played(10.0 * 60.0);
        assert_eq!(flow.clone().act(Act::Play), Request::Nothing);
        flow.act(Act::Toggle(Setting::Reminders));
        assert_eq!(flow.act(Act::Play), Request::Play(0));
        let error = flow
            .accept(Data::Policy, br#"{"reminder_minutes":1}"#)
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "reminder_minutes is 1; it must be 5 to 240"
        );
    }

    #[test]
    fn a_long_pause_is_a_rest() {
        let mut flow = flow();
        flow.played(40.0 * 60.0);
        flow.rested_for(60.0);
        assert_eq!(flow.played_s, 40.0 * 60.0, "a minute away is no rest");
        flow.rested_for(10.0 * 60.0);
        assert_eq!(flow.played_s, 0.0);
    }

    #[test]
    fn the_leaderboard_shows_the_selected_levels_answer_and_drops_a_late_one() {
        let mut flow = flow();
        flow.act(Act::Open(1));
        assert_eq!(flow.act(Act::Leaderboard), Request::Leaderboard(1));
        assert_eq!(flow.screen, Screen::Leaderboard);
        let late =
            br#"{"level_id":"a","entries":[{"rank":1,"name":"Swift Otter #0427","score":9}]}"#;
        flow.accept(Data::Leaderboard, late).unwrap();
        assert_eq!(flow.board, None);
        let board =
            br#"{"level_id":"b","entries":[{"rank":1,"name":"Swift Otter #0427","score":900}]}"#;
        flow.accept(Data::Leaderboard, board).unwrap();
        assert_eq!(
            flow.board.as_deref(),
            Some(
                &[BoardEntry {
                    rank: 1,
                    name: "Swift Otter #0427".into(),
                    score: 900
                }][..]
            )
        );
        assert_eq!(flow.act(Act::Back), Request::Nothing);
        assert_eq!(flow.screen, Screen::Intro);
    }

    /// The flow on the wallet with `balance_fen` to spend and a 10-fen minimum.
    fn wallet(balance_fen: i64) -> Flow {
        let mut flow = flow();
        flow.act(Act::Wallet);
        let balance = alloc::format!(
            r#"{{"balance_fen":{balance_fen},"pending_withdrawal_fen":0,"earned_today_fen":0,"daily_cap_fen":2000,"withdrawal_min_fen":10}}"#
        );
        flow.accept(Data::Balance, balance.as_bytes()).unwrap();
        flow
    }

    fn withdrawal(state: &str, rail: &str, confirmed: bool) -> alloc::string::String {
        alloc::format!(
            r#"{{"withdrawal_id":"w1","player_id":"p","amount_fen":100,"status":"pending","requested_at_ms":1,"rail":"{rail}","state":"{state}","confirmed":{confirmed}}}"#
        )
    }

    #[test]
    fn the_wallet_offers_the_minimum_round_sums_and_everything() {
        assert_eq!(wallet(730).withdraw_amounts(), [10, 100, 500, 730]);
        assert_eq!(wallet(120).withdraw_amounts(), [10, 100, 120]);
        assert_eq!(wallet(10).withdraw_amounts(), [10]);
        assert!(wallet(9).withdraw_amounts().is_empty());
        let mut douyin = wallet(730);
        douyin.earns_only = true;
        assert!(douyin.withdraw_amounts().is_empty());
    }

    #[test]
    fn a_withdrawal_is_chosen_confirmed_and_then_asked_of_the_host() {
        let mut flow = wallet(730);
        assert_eq!(flow.act(Act::Withdraw), Request::Nothing);
        assert_eq!(flow.withdraw, Withdraw::Choosing);
        assert_eq!(flow.act(Act::Amount(1)), Request::Nothing);
        assert_eq!(flow.withdraw, Withdraw::Confirming(100));
        assert_eq!(flow.act(Act::Confirm), Request::Withdraw(100));
        assert_eq!(Request::Withdraw(100).word(), 6 | 100 << 8);
        assert_eq!(flow.withdraw, Withdraw::Sent(100));
        assert_eq!(flow.act(Act::Confirm), Request::Nothing, "asked once");
        let mut changed_mind = wallet(730);
        changed_mind.act(Act::Withdraw);
        changed_mind.act(Act::Amount(3));
        assert_eq!(changed_mind.act(Act::Dismiss), Request::Nothing);
        assert_eq!(changed_mind.withdraw, Withdraw::Idle);
    }

    #[test]
    fn the_servers_states_are_followed_and_only_succeeded_is_paid() {
        let mut flow = wallet(730);
        let follow = |flow: &mut Flow, state, rail, confirmed| {
            flow.accept(
                Data::Withdrawal,
                withdrawal(state, rail, confirmed).as_bytes(),
            )
            .unwrap();
            match flow.withdraw {
                Withdraw::Following { amount_fen, payout } => {
                    assert_eq!(amount_fen, 100);
                    payout
                }
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(
            follow(&mut flow, "requested", "wechat", false),
            Payout::Sent
        );
        assert_eq!(
            follow(&mut flow, "submitted", "wechat", false),
            Payout::Sent
        );
        assert_eq!(
            follow(&mut flow, "awaiting_confirmation", "wechat", false),
            Payout::Waiting
        );
        assert_eq!(flow.act(Act::Dismiss), Request::Nothing, "not while open");
        assert_eq!(flow.act(Act::CancelWithdrawal), Request::CancelWithdrawal);
        // WeChat's page was confirmed: paying, still not paid.
        let paying = follow(&mut flow, "awaiting_confirmation", "wechat", true);
        assert_eq!(paying, Payout::Paying);
        assert_eq!(flow.act(Act::CancelWithdrawal), Request::Nothing);
        assert_eq!(
            follow(&mut flow, "submitted", "alipay", false),
            Payout::Paying
        );
        for (state, payout) in [
            ("succeeded", Payout::Paid),
            ("failed", Payout::Failed),
            ("cancelled", Payout::Cancelled),
            ("expired", Payout::Expired),
            ("review", Payout::Review),
        ] {
            assert_eq!(follow(&mut flow, state, "wechat", true), payout);
            assert!(payout.is_final());
        }
        assert_eq!(
            flow.act(Act::Dismiss),
            Request::Wallet,
            "OK fetches the wallet"
        );
        assert_eq!(flow.withdraw, Withdraw::Idle);
        let error = flow
            .accept(
                Data::Withdrawal,
                withdrawal("paid", "wechat", false).as_bytes(),
            )
            .unwrap_err();
        assert!(matches!(error, DataError::WithdrawalState), "{error}");
        assert_eq!(flow.withdraw, Withdraw::Idle);
    }

    #[test]
    fn an_open_withdrawal_found_again_does_not_interrupt_a_choice() {
        let mut flow = wallet(730);
        flow.act(Act::Withdraw);
        let open = withdrawal("awaiting_confirmation", "wechat", false);
        flow.accept(Data::Withdrawal, open.as_bytes()).unwrap();
        assert_eq!(flow.withdraw, Withdraw::Choosing);
        flow.act(Act::Dismiss);
        flow.accept(Data::Withdrawal, open.as_bytes()).unwrap();
        assert!(matches!(
            flow.withdraw,
            Withdraw::Following {
                payout: Payout::Waiting,
                ..
            }
        ));
        // Leaving and reopening the wallet keeps following it.
        flow.act(Act::Map);
        assert_eq!(flow.act(Act::Wallet), Request::Wallet);
        assert!(matches!(flow.withdraw, Withdraw::Following { .. }));
    }

    #[test]
    fn a_refusal_is_kept_by_its_reason_code() {
        let mut flow = wallet(730);
        for (code, refusal) in [
            ("below_withdrawal_minimum", Refusal::BelowMinimum),
            ("above_transfer_maximum", Refusal::AboveTransferMaximum),
            ("above_daily_withdrawal_maximum", Refusal::AboveDailyMaximum),
            ("real_name_required", Refusal::RealNameRequired),
            ("insufficient_balance", Refusal::NotEnoughBalance),
            ("offline", Refusal::Offline),
            ("storage_timeout", Refusal::Other),
        ] {
            flow.accept(Data::WithdrawRefused, code.as_bytes()).unwrap();
            assert_eq!(flow.withdraw, Withdraw::Refused(refusal), "{code}");
        }
        assert_eq!(flow.act(Act::Dismiss), Request::Wallet);
        assert_eq!(flow.withdraw, Withdraw::Idle);
    }

    #[test]
    fn bad_data_is_refused_with_its_kind_and_changes_nothing() {
        let mut flow = flow();
        let error = flow.accept(Data::Receipt, b"{\"score\":").unwrap_err();
        assert!(error.to_string().starts_with("Receipt data"), "{error}");
        assert!(flow.receipt.is_none());
        assert!(matches!(
            flow.accept(Data::Level, b"{}"),
            Err(DataError::Level(_))
        ));
    }

    #[test]
    fn the_intro_reads_the_objective_and_the_limit_from_the_level_file() {
        let level = Level::from_json(include_bytes!(
            "../../assets/levels/match3/m3-05-jelly.json"
        ))
        .unwrap();
        let intro = Intro::of(4, &level);
        assert_eq!(intro.goal, IntroGoal::Jelly);
        assert!(matches!(intro.limit, Limit::Moves(moves) if moves > 0));
        let merge = Level::from_json(include_bytes!(
            "../../assets/levels/merge/md-01-classic.json"
        ))
        .unwrap();
        assert!(matches!(Intro::of(0, &merge).limit, Limit::Seconds(s) if s > 0));
    }
}

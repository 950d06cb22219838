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
//! ```

use alloc::string::String;
use alloc::vec::Vec;

use game_core::match3::Objective;
use game_core::{Level, LevelGame, TICK_HZ};
use serde::Deserialize;

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
    Back,
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
            Act::Back => "back",
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
}

/// `name:kind` pairs for the host.
pub const REQUEST_KINDS: &str = "level:1,play:2,wallet:3,settings:4,leaderboard:5";

impl Request {
    pub fn word(self) -> u32 {
        match self {
            Request::Nothing => 0,
            Request::Level(index) => 1 | u32::from(index) << 8,
            Request::Play(index) => 2 | u32::from(index) << 8,
            Request::Wallet => 3,
            Request::Settings(bits) => 4 | bits << 8,
            Request::Leaderboard(index) => 5 | u32::from(index) << 8,
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
}

pub const DATA_KINDS: &str =
    "levels:0,offers:1,balance:2,history:3,receipt:4,level:5,platform:6,policy:7,leaderboard:8";

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
    #[error("the level file is invalid: {0}")]
    Level(game_core::LevelError),
    #[error(
        "reminder_minutes is {0}; it must be {REMINDER_MINUTES_MIN} to {REMINDER_MINUTES_MAX}"
    )]
    ReminderMinutes(u32),
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct LevelCard {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub best_stars: u8,
    /// The most one game pays under the level's table, without a boost.
    #[serde(default)]
    pub up_to_fen: i64,
    /// A running campaign's boost and its sponsor's name.
    #[serde(default)]
    pub boost_fen: i64,
    #[serde(default)]
    pub sponsor: Option<String>,
}

#[derive(Deserialize)]
struct Offers {
    levels: Vec<Offer>,
}

#[derive(Deserialize)]
struct Offer {
    level_id: String,
    up_to_fen: i64,
    #[serde(default)]
    boost_fen: i64,
    #[serde(default)]
    sponsor: Option<String>,
    #[serde(default)]
    best_stars: u8,
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Receipt {
    pub score: i64,
    pub stars: i64,
    pub payout_fen: i64,
    #[serde(default)]
    pub boost_fen: i64,
    #[serde(default)]
    pub capped: bool,
    pub balance_fen: i64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Balance {
    pub balance_fen: i64,
    pub pending_withdrawal_fen: i64,
    pub earned_today_fen: i64,
    pub daily_cap_fen: i64,
}

/// One line of the wallet's history: what it was and the amount, signed for the player.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HistoryRow {
    pub kind: Phrase,
    pub amount_fen: i64,
}

#[derive(Deserialize)]
struct Transfers {
    transfers: Vec<Transfer>,
}

#[derive(Deserialize)]
struct Transfer {
    kind: String,
    amount_fen: i64,
}

impl HistoryRow {
    fn of(transfer: &Transfer) -> HistoryRow {
        let (kind, sign) = match transfer.kind.as_str() {
            "payout" => (Phrase::Reward, 1),
            "boost" => (Phrase::Boost, 1),
            "withdrawal" => (Phrase::Withdrawal, -1),
            "withdrawal_failed" => (Phrase::Withdrawal, 1),
            _ => (Phrase::Other, 1),
        };
        HistoryRow {
            kind,
            amount_fen: sign * transfer.amount_fen,
        }
    }
}

/// One entry of a level's leaderboard: rank, public pseudonym (never a player id), verified
/// score.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct BoardEntry {
    pub rank: u32,
    pub name: String,
    pub score: i64,
}

#[derive(Deserialize)]
struct Board {
    level_id: String,
    entries: Vec<BoardEntry>,
}

/// Leaderboard entries the screen keeps (the server's default page).
pub const BOARD_ROWS_MAX: usize = 20;

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
    /// The selected level's leaderboard, once the server's answer is in.
    pub board: Option<Vec<BoardEntry>>,
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
        }
    }
}

impl Flow {
    /// Takes data from the host. A bad answer changes nothing and says why.
    pub fn accept(&mut self, kind: Data, bytes: &[u8]) -> Result<(), DataError> {
        let json = |error| DataError::Json { kind, error };
        match kind {
            Data::Levels => {
                let mut levels: Vec<LevelCard> = serde_json::from_slice(bytes).map_err(json)?;
                levels.truncate(LEVELS_MAX);
                // Keep what the server already said about levels that stay.
                for level in &mut levels {
                    if let Some(known) = self.levels.iter().find(|known| known.id == level.id) {
                        let name = core::mem::take(&mut level.name);
                        *level = LevelCard {
                            name,
                            ..known.clone()
                        };
                    }
                }
                self.levels = levels;
            }
            Data::Offers => {
                let offers: Offers = serde_json::from_slice(bytes).map_err(json)?;
                for offer in offers.levels {
                    if let Some(level) = self.levels.iter_mut().find(|l| l.id == offer.level_id) {
                        level.up_to_fen = offer.up_to_fen;
                        level.boost_fen = offer.boost_fen;
                        level.sponsor = offer.sponsor;
                        level.best_stars = level.best_stars.max(offer.best_stars.min(3));
                    }
                }
            }
            Data::Balance => self.balance = Some(serde_json::from_slice(bytes).map_err(json)?),
            Data::History => {
                let transfers: Transfers = serde_json::from_slice(bytes).map_err(json)?;
                self.history = transfers
                    .transfers
                    .iter()
                    .take(HISTORY_ROWS_MAX)
                    .map(HistoryRow::of)
                    .collect();
            }
            Data::Receipt => {
                let receipt: Receipt = serde_json::from_slice(bytes).map_err(json)?;
                if let Some(level) = self.levels.get_mut(usize::from(self.selected)) {
                    level.best_stars = level.best_stars.max(receipt.stars.clamp(0, 3) as u8);
                }
                if let Some(balance) = self.balance.as_mut() {
                    balance.balance_fen = receipt.balance_fen;
                }
                self.receipt = Some(receipt);
            }
            Data::Level => {
                let level = Level::from_json(bytes).map_err(DataError::Level)?;
                self.intro = Some(Intro::of(self.selected, &level));
            }
            Data::Platform => {
                #[derive(Deserialize)]
                struct Platform {
                    earns_only: bool,
                }
                let platform: Platform = serde_json::from_slice(bytes).map_err(json)?;
                self.earns_only = platform.earns_only;
            }
            Data::Leaderboard => {
                let board: Board = serde_json::from_slice(bytes).map_err(json)?;
                // An answer about another level than the one on show is late: dropped.
                let selected = self.levels.get(usize::from(self.selected));
                if selected.is_some_and(|level| level.id == board.level_id) {
                    let mut entries = board.entries;
                    entries.truncate(BOARD_ROWS_MAX);
                    self.board = Some(entries);
                }
            }
            Data::Policy => {
                #[derive(Deserialize)]
                struct Policy {
                    reminder_minutes: u32,
                }
                let policy: Policy = serde_json::from_slice(bytes).map_err(json)?;
                let minutes = policy.reminder_minutes;
                if !(REMINDER_MINUTES_MIN..=REMINDER_MINUTES_MAX).contains(&minutes) {
                    return Err(DataError::ReminderMinutes(minutes));
                }
                self.reminder_s = minutes as f32 * 60.0;
            }
        }
        Ok(())
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
                self.screen = Screen::Leaderboard;
                Request::Leaderboard(self.selected)
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
                Request::Wallet
            }
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
    fn the_servers_offers_fill_the_map_and_survive_a_new_level_list() {
        let mut flow = flow();
        let offers = br#"{"levels":[{"level_id":"b","up_to_fen":20,"boost_fen":5,"sponsor":"launch-week","best_stars":3},{"level_id":"gone","up_to_fen":1}]}"#;
        flow.accept(Data::Offers, offers).unwrap();
        let b = &flow.levels[1];
        assert_eq!(
            (b.up_to_fen, b.boost_fen, b.sponsor.as_deref(), b.best_stars),
            (20, 5, Some("launch-week"), 3)
        );
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

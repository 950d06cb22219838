//! Words on screen. The game decides what is written, where and how big; the host only
//! rasterises it, because fonts (Chinese ones above all) live in the platform, not in a 150 KB
//! wasm.
//!
//! - [`PHRASES`] is every string a player reads, Simplified Chinese and English side by side:
//!   the one table a translator edits. [`Lang::from_tag`] picks the language from the
//!   platform's (Chinese unless the platform says English).
//! - A [`Label`] is one line of a phrase in a box of whole device pixels. The [`TextAtlas`]
//!   gives each label in use a row of a texture; its [`TextAtlas::generation`] changes when
//!   the rows do. The host then reads [`TextAtlas::describe`], draws each row's text with its
//!   platform's 2D canvas at that size (white on transparent, so the game tints it) and
//!   uploads the canvas as the texture.
//! - The scene draws a label as a quad of the `TEXT` shape whose pixels map one to one onto
//!   its row, so text is as crisp as the screen at any pixel ratio.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

/// The languages a player can read the game in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// Simplified Chinese, the default.
    Zh,
    En,
}

impl Lang {
    /// The language for a platform's language tag (`zh_CN`, `zh-Hans`, `en-US`, ...): English
    /// when the tag says English, Simplified Chinese otherwise.
    pub fn from_tag(tag: &str) -> Lang {
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }
}

/// Everything the game writes, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phrase {
    /// Under the start screen's play button.
    Play,
    /// The start screen's hint that the whole screen is the button.
    TapAnywhere,
    /// HUD labels.
    Score,
    MovesLeft,
    SecondsLeft,
    NextPiece,
    /// Shown for a moment when the game comes back after the app was hidden.
    Resumed,
    /// The browser page's controls and receipt (the page reads them with `phrases_json`).
    Finish,
    Again,
    NextLevel,
    Verified,
    Stars,
    Payout,
    Balance,
    // The screens (`screens/`). A `{}` in a phrase takes a `Value`.
    /// The level map's title.
    Levels,
    /// A level's number on the map and the intro.
    LevelNumber,
    /// What a level pays at most, from its payout table.
    UpTo,
    /// A sponsor's campaign raises the level's payout.
    BoostedBy,
    Wallet,
    Settings,
    Back,
    Map,
    /// The level intro's button.
    Start,
    /// Level intro objectives.
    GoalScore,
    GoalCollect,
    GoalJelly,
    MovesCount,
    SecondsCount,
    /// The result screen's headline.
    Won,
    Lost,
    /// What was missing, on a lost game.
    PointsShort,
    PiecesShort,
    JellyLeft,
    Capped,
    /// While the proof is verified.
    Checking,
    /// Wallet.
    Pending,
    EarnedToday,
    OfCap,
    History,
    /// History rows, by transfer kind.
    Reward,
    Boost,
    Withdrawal,
    Other,
    /// Douyin: no withdrawals.
    EarnOnly,
    /// The wallet's withdraw button.
    Withdraw,
    ChooseAmount,
    /// The whole balance, as an amount to withdraw.
    AllOf,
    ConfirmAmount,
    Confirm,
    Cancel,
    CancelWithdrawal,
    Ok,
    /// Under the withdraw button: the rail's smallest withdrawal.
    MinimumIs,
    /// A withdrawal's states, each with its amount.
    PayoutSent,
    PayoutWaiting,
    PayoutPaying,
    PayoutPaid,
    PayoutFailed,
    PayoutCancelled,
    PayoutExpired,
    PayoutReview,
    /// Why the server refused a withdrawal, said kindly.
    RefusedMinimum,
    RefusedTransferMax,
    RefusedDailyMax,
    RefusedRealName,
    RefusedBalance,
    RefusedOffline,
    RefusedOther,
    /// Settings rows and their states.
    Sound,
    Vibration,
    Reminders,
    Language,
    On,
    Off,
    /// The language's own name.
    LanguageName,
    NoHistory,
    /// The map's pages.
    PagePrevious,
    PageNext,
    /// The break reminder.
    TakeABreak,
    PlayedMinutes,
    BreakHint,
    Continue,
    /// The leaderboard screen and its button.
    Leaderboard,
    /// The player's own entry under the board.
    MyRank,
    /// Along the bottom of a ghost replay.
    ReplayCaption,
    /// The map's daily play-time summary, and the operator's daily limit.
    PlayedToday,
    DailyPlayLimit,
    /// The HUD's earnings today against the cap.
    Today,
    /// The intro's word when the operator's rest rules refused a ticket.
    RestQuietHours,
    RestDailyLimit,
}

/// One phrase in each language.
pub struct PhraseText {
    pub phrase: Phrase,
    /// The name hosts look the phrase up by (`data-phrase` in the page).
    pub name: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

/// The string table, in `Phrase` order (a test checks it).
pub const PHRASES: [PhraseText; 90] = [
    PhraseText {
        phrase: Phrase::Play,
        name: "play",
        zh: "开始游戏",
        en: "Play",
    },
    PhraseText {
        phrase: Phrase::TapAnywhere,
        name: "tap_anywhere",
        zh: "点击任意位置开始",
        en: "Tap anywhere to start",
    },
    PhraseText {
        phrase: Phrase::Score,
        name: "score",
        zh: "得分",
        en: "Score",
    },
    PhraseText {
        phrase: Phrase::MovesLeft,
        name: "moves_left",
        zh: "剩余步数",
        en: "Moves",
    },
    PhraseText {
        phrase: Phrase::SecondsLeft,
        name: "seconds_left",
        zh: "剩余时间",
        en: "Time",
    },
    PhraseText {
        phrase: Phrase::NextPiece,
        name: "next_piece",
        zh: "下一个",
        en: "Next",
    },
    PhraseText {
        phrase: Phrase::Resumed,
        name: "resumed",
        zh: "继续游戏",
        en: "Resumed",
    },
    PhraseText {
        phrase: Phrase::Finish,
        name: "finish",
        zh: "结束",
        en: "Finish",
    },
    PhraseText {
        phrase: Phrase::Again,
        name: "again",
        zh: "再玩一次",
        en: "Again",
    },
    PhraseText {
        phrase: Phrase::NextLevel,
        name: "next_level",
        zh: "下一关",
        en: "Next level",
    },
    PhraseText {
        phrase: Phrase::Verified,
        name: "verified",
        zh: "服务器已验证",
        en: "Verified by the server",
    },
    PhraseText {
        phrase: Phrase::Stars,
        name: "stars",
        zh: "星级",
        en: "Stars",
    },
    PhraseText {
        phrase: Phrase::Payout,
        name: "payout",
        zh: "奖励",
        en: "Payout",
    },
    PhraseText {
        phrase: Phrase::Balance,
        name: "balance",
        zh: "余额",
        en: "Balance",
    },
    PhraseText {
        phrase: Phrase::Levels,
        name: "levels",
        zh: "关卡",
        en: "Levels",
    },
    PhraseText {
        phrase: Phrase::LevelNumber,
        name: "level_number",
        zh: "第 {} 关",
        en: "Level {}",
    },
    PhraseText {
        phrase: Phrase::UpTo,
        name: "up_to",
        zh: "最高 {}",
        en: "up to {}",
    },
    PhraseText {
        phrase: Phrase::BoostedBy,
        name: "boosted_by",
        zh: "{} 加码中",
        en: "boosted by {}",
    },
    PhraseText {
        phrase: Phrase::Wallet,
        name: "wallet",
        zh: "钱包",
        en: "Wallet",
    },
    PhraseText {
        phrase: Phrase::Settings,
        name: "settings",
        zh: "设置",
        en: "Settings",
    },
    PhraseText {
        phrase: Phrase::Back,
        name: "back",
        zh: "返回",
        en: "Back",
    },
    PhraseText {
        phrase: Phrase::Map,
        name: "map",
        zh: "关卡地图",
        en: "Map",
    },
    PhraseText {
        phrase: Phrase::Start,
        name: "start",
        zh: "开始",
        en: "Start",
    },
    PhraseText {
        phrase: Phrase::GoalScore,
        name: "goal_score",
        zh: "达到 {} 分",
        en: "Score {} points",
    },
    PhraseText {
        phrase: Phrase::GoalCollect,
        name: "goal_collect",
        zh: "收集 {} 个指定棋子",
        en: "Collect {} marked pieces",
    },
    PhraseText {
        phrase: Phrase::GoalJelly,
        name: "goal_jelly",
        zh: "清除全部果冻",
        en: "Clear all the jelly",
    },
    PhraseText {
        phrase: Phrase::MovesCount,
        name: "moves_count",
        zh: "{} 步",
        en: "{} moves",
    },
    PhraseText {
        phrase: Phrase::SecondsCount,
        name: "seconds_count",
        zh: "{} 秒",
        en: "{} seconds",
    },
    PhraseText {
        phrase: Phrase::Won,
        name: "won",
        zh: "过关！",
        en: "Level complete!",
    },
    PhraseText {
        phrase: Phrase::Lost,
        name: "lost",
        zh: "差一点！",
        en: "So close!",
    },
    PhraseText {
        phrase: Phrase::PointsShort,
        name: "points_short",
        zh: "还差 {} 分",
        en: "{} points short",
    },
    PhraseText {
        phrase: Phrase::PiecesShort,
        name: "pieces_short",
        zh: "还差 {} 个",
        en: "{} pieces short",
    },
    PhraseText {
        phrase: Phrase::JellyLeft,
        name: "jelly_left",
        zh: "还剩 {} 块果冻",
        en: "{} jelly left",
    },
    PhraseText {
        phrase: Phrase::Capped,
        name: "capped",
        zh: "今日奖励已达上限",
        en: "Today's cap is reached",
    },
    PhraseText {
        phrase: Phrase::Checking,
        name: "checking",
        zh: "服务器验证中…",
        en: "The server is checking…",
    },
    PhraseText {
        phrase: Phrase::Pending,
        name: "pending",
        zh: "提现中",
        en: "Pending",
    },
    PhraseText {
        phrase: Phrase::EarnedToday,
        name: "earned_today",
        zh: "今日已赚",
        en: "Earned today",
    },
    PhraseText {
        phrase: Phrase::OfCap,
        name: "of_cap",
        zh: "上限 {}",
        en: "cap {}",
    },
    PhraseText {
        phrase: Phrase::History,
        name: "history",
        zh: "收支记录",
        en: "History",
    },
    PhraseText {
        phrase: Phrase::Reward,
        name: "reward",
        zh: "游戏奖励",
        en: "Game reward",
    },
    PhraseText {
        phrase: Phrase::Boost,
        name: "boost",
        zh: "赞助加码",
        en: "Sponsor boost",
    },
    PhraseText {
        phrase: Phrase::Withdrawal,
        name: "withdrawal",
        zh: "提现",
        en: "Withdrawal",
    },
    PhraseText {
        phrase: Phrase::Other,
        name: "other",
        zh: "其他",
        en: "Other",
    },
    PhraseText {
        phrase: Phrase::EarnOnly,
        name: "earn_only",
        zh: "抖音版只能赚取奖励，不能提现",
        en: "On Douyin the game earns only; no withdrawals",
    },
    PhraseText {
        phrase: Phrase::Withdraw,
        name: "withdraw",
        zh: "提现",
        en: "Withdraw",
    },
    PhraseText {
        phrase: Phrase::ChooseAmount,
        name: "choose_amount",
        zh: "选择提现金额",
        en: "Choose an amount",
    },
    PhraseText {
        phrase: Phrase::AllOf,
        name: "all_of",
        zh: "全部 {}",
        en: "All {}",
    },
    PhraseText {
        phrase: Phrase::ConfirmAmount,
        name: "confirm_amount",
        zh: "确认提现 {}？",
        en: "Withdraw {}?",
    },
    PhraseText {
        phrase: Phrase::Confirm,
        name: "confirm",
        zh: "确认",
        en: "Confirm",
    },
    PhraseText {
        phrase: Phrase::Cancel,
        name: "cancel",
        zh: "取消",
        en: "Cancel",
    },
    PhraseText {
        phrase: Phrase::CancelWithdrawal,
        name: "cancel_withdrawal",
        zh: "取消提现",
        en: "Cancel it",
    },
    PhraseText {
        phrase: Phrase::Ok,
        name: "ok",
        zh: "知道了",
        en: "OK",
    },
    PhraseText {
        phrase: Phrase::MinimumIs,
        name: "minimum_is",
        zh: "最低提现 {}",
        en: "Withdraw from {}",
    },
    PhraseText {
        phrase: Phrase::PayoutSent,
        name: "payout_sent",
        zh: "提现 {} 已提交",
        en: "{} withdrawal sent",
    },
    PhraseText {
        phrase: Phrase::PayoutWaiting,
        name: "payout_waiting",
        zh: "请在微信中确认收款 {}",
        en: "Confirm {} in WeChat",
    },
    PhraseText {
        phrase: Phrase::PayoutPaying,
        name: "payout_paying",
        zh: "{} 正在打款…",
        en: "Paying {}…",
    },
    PhraseText {
        phrase: Phrase::PayoutPaid,
        name: "payout_paid",
        zh: "{} 已到账",
        en: "{} paid",
    },
    PhraseText {
        phrase: Phrase::PayoutFailed,
        name: "payout_failed",
        zh: "提现失败，{} 已退回余额",
        en: "Failed; {} is back in your balance",
    },
    PhraseText {
        phrase: Phrase::PayoutCancelled,
        name: "payout_cancelled",
        zh: "已取消，{} 已退回余额",
        en: "Cancelled; {} is back in your balance",
    },
    PhraseText {
        phrase: Phrase::PayoutExpired,
        name: "payout_expired",
        zh: "超时未确认，{} 已退回余额",
        en: "Not confirmed in time; {} is back",
    },
    PhraseText {
        phrase: Phrase::PayoutReview,
        name: "payout_review",
        zh: "提现 {} 审核中，请耐心等待",
        en: "{} is being reviewed; please wait",
    },
    PhraseText {
        phrase: Phrase::RefusedMinimum,
        name: "refused_minimum",
        zh: "金额低于最低提现额",
        en: "That is below the smallest withdrawal",
    },
    PhraseText {
        phrase: Phrase::RefusedTransferMax,
        name: "refused_transfer_max",
        zh: "超过单笔提现上限，请分次提现",
        en: "Too much for one withdrawal; take less",
    },
    PhraseText {
        phrase: Phrase::RefusedDailyMax,
        name: "refused_daily_max",
        zh: "今日提现已达上限，明天再来",
        en: "Today's withdrawals are at the limit; see you tomorrow",
    },
    PhraseText {
        phrase: Phrase::RefusedRealName,
        name: "refused_real_name",
        zh: "大额提现需要实名认证",
        en: "A withdrawal this large needs your real name",
    },
    PhraseText {
        phrase: Phrase::RefusedBalance,
        name: "refused_balance",
        zh: "余额不足",
        en: "Your balance is not enough",
    },
    PhraseText {
        phrase: Phrase::RefusedOffline,
        name: "refused_offline",
        zh: "网络不通，请稍后再试",
        en: "No connection; try again in a moment",
    },
    PhraseText {
        phrase: Phrase::RefusedOther,
        name: "refused_other",
        zh: "暂时无法提现，请稍后再试",
        en: "Withdrawing is not possible now; try later",
    },
    PhraseText {
        phrase: Phrase::Sound,
        name: "sound",
        zh: "声音",
        en: "Sound",
    },
    PhraseText {
        phrase: Phrase::Vibration,
        name: "vibration",
        zh: "振动",
        en: "Vibration",
    },
    PhraseText {
        phrase: Phrase::Reminders,
        name: "reminders",
        zh: "休息提醒",
        en: "Break reminders",
    },
    PhraseText {
        phrase: Phrase::Language,
        name: "language",
        zh: "语言",
        en: "Language",
    },
    PhraseText {
        phrase: Phrase::On,
        name: "on",
        zh: "开",
        en: "On",
    },
    PhraseText {
        phrase: Phrase::Off,
        name: "off",
        zh: "关",
        en: "Off",
    },
    PhraseText {
        phrase: Phrase::LanguageName,
        name: "language_name",
        zh: "中文",
        en: "English",
    },
    PhraseText {
        phrase: Phrase::NoHistory,
        name: "no_history",
        zh: "还没有记录",
        en: "Nothing yet",
    },
    PhraseText {
        phrase: Phrase::PagePrevious,
        name: "page_previous",
        zh: "上一页",
        en: "Previous",
    },
    PhraseText {
        phrase: Phrase::PageNext,
        name: "page_next",
        zh: "下一页",
        en: "Next",
    },
    PhraseText {
        phrase: Phrase::TakeABreak,
        name: "take_a_break",
        zh: "休息一下",
        en: "Time for a break",
    },
    PhraseText {
        phrase: Phrase::PlayedMinutes,
        name: "played_minutes",
        zh: "你已连续游戏 {} 分钟",
        en: "You have played for {} minutes",
    },
    PhraseText {
        phrase: Phrase::BreakHint,
        name: "break_hint",
        zh: "站起来走走，看看远处",
        en: "Stand up, stretch, look far away",
    },
    PhraseText {
        phrase: Phrase::Continue,
        name: "continue",
        zh: "继续",
        en: "Continue",
    },
    PhraseText {
        phrase: Phrase::Leaderboard,
        name: "leaderboard",
        zh: "排行榜",
        en: "Leaderboard",
    },
    PhraseText {
        phrase: Phrase::MyRank,
        name: "my_rank",
        zh: "我的排名",
        en: "My rank",
    },
    PhraseText {
        phrase: Phrase::ReplayCaption,
        name: "replay_caption",
        zh: "回放 · 轻触返回",
        en: "Replay · tap to go back",
    },
    PhraseText {
        phrase: Phrase::PlayedToday,
        name: "played_today",
        zh: "今日已玩 {} 分钟",
        en: "Played today: {} min",
    },
    PhraseText {
        phrase: Phrase::DailyPlayLimit,
        name: "daily_play_limit",
        zh: "每日上限 {} 分钟",
        en: "Daily limit {} min",
    },
    PhraseText {
        phrase: Phrase::Today,
        name: "today",
        zh: "今日 {}",
        en: "Today {}",
    },
    PhraseText {
        phrase: Phrase::RestQuietHours,
        name: "rest_quiet_hours",
        zh: "现在是休息时间，晚点再来玩吧",
        en: "Play is resting for now. Come back a little later!",
    },
    PhraseText {
        phrase: Phrase::RestDailyLimit,
        name: "rest_daily_limit",
        zh: "今天玩够啦，明天再来吧",
        en: "That's enough play for today. See you tomorrow!",
    },
];

/// Every phrase in `lang` as a JSON object by name, for pages that write words outside the
/// canvas (the browser page's buttons and receipt).
pub fn phrases_json(lang: Lang) -> String {
    let mut json = String::from("{");
    for (index, entry) in PHRASES.iter().enumerate() {
        if index > 0 {
            json.push(',');
        }
        json_string(&mut json, entry.name);
        json.push(':');
        json_string(&mut json, entry.phrase.text(lang));
    }
    json.push('}');
    json
}

/// `text` as a JSON string literal.
fn json_string(json: &mut String, text: &str) {
    json.push('"');
    for c in text.chars() {
        match c {
            '"' => json.push_str("\\\""),
            '\\' => json.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(json, "\\u{:04x}", c as u32);
            }
            c => json.push(c),
        }
    }
    json.push('"');
}

impl Phrase {
    pub fn text(self, lang: Lang) -> &'static str {
        let entry = &PHRASES[self as usize];
        match lang {
            Lang::Zh => entry.zh,
            Lang::En => entry.en,
        }
    }
}

/// What a label says: a phrase, a value, or a phrase with a value in its `{}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Text {
    Phrase(Phrase),
    Value(Value),
    With(Phrase, Value),
}

impl From<Phrase> for Text {
    fn from(phrase: Phrase) -> Text {
        Text::Phrase(phrase)
    }
}

/// A value written into a label, formatted by the game (never by the host).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    /// Money in fen, written in yuan: `¥0.20`.
    Fen(i64),
    /// An amount of a whole, in fen: `¥0.35/¥20.00`.
    FenOf(i64, i64),
    Count(i64),
    /// A word the host supplied (a level's or a sponsor's name), by its index in the atlas.
    Name(u16),
}

/// Longest host-supplied name kept, in bytes (longer ones are cut at a character boundary):
/// a name is a line of a screen, not a paragraph.
pub const NAME_BYTES_MAX: usize = 48;
/// Names one atlas keeps; the oldest go first (a map lists a few dozen levels).
pub const NAMES_MAX: usize = 256;

/// `fen` as yuan with two decimals and the sign first: `¥0.20`, `-¥1.00`.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    alloc::format!("{sign}¥{}.{:02}", abs / 100, abs % 100)
}

/// Where a label's text sits in its box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Centre,
    Right,
}

impl Align {
    pub fn name(self) -> &'static str {
        match self {
            Align::Left => "left",
            Align::Centre => "centre",
            Align::Right => "right",
        }
    }
}

/// One line of a phrase: font size and box in whole device pixels (the atlas's key).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label {
    pub text: Text,
    pub font_px: u16,
    pub width_px: u16,
    pub align: Align,
}

/// A line's height for its font size: room for CJK ascenders and Latin descenders.
pub fn line_height_px(font_px: u16) -> u16 {
    font_px + font_px.div_ceil(3)
}

/// The atlas texture's width in pixels: a full-width label on a 3x phone in landscape
/// (844 x 3 = 2532) is wider than any HUD or screen label needs; labels are clamped to it.
pub const ATLAS_WIDTH_PX: u16 = 2048;
/// Its height bound: 2048 rows of pixels is what every WebGL device supports
/// (`MAX_TEXTURE_SIZE` is at least 2048 on the phones mini-games run on).
pub const ATLAS_HEIGHT_PX_MAX: u16 = 2048;
/// Empty pixel rows between atlas rows, so linear filtering never bleeds a neighbour in.
const ROW_GAP_PX: u16 = 2;

/// The labels in use and their rows in the text texture.
#[derive(Debug, Default)]
pub struct TextAtlas {
    /// Each label in use and the top-left corner of its box in the texture.
    rows: Vec<(Label, (u16, u16))>,
    /// Shelves of labels of one line height, side by side: `(top, height, width used)`. A
    /// screen of short labels (the map's tiles) fits many to a shelf.
    shelves: Vec<(u16, u16, u16)>,
    /// Words the host supplied (sponsors' names), by [`Value::Name`] index.
    names: Vec<String>,
    height_px: u16,
    generation: u32,
}

/// What the host draws into the text canvas: one entry per row.
pub struct AtlasDescription {
    pub generation: u32,
    pub width: u16,
    pub height: u16,
    pub rows: Vec<RowDescription>,
}

pub struct RowDescription {
    pub text: String,
    pub x: u16,
    pub font_px: u16,
    pub y: u16,
    pub width: u16,
    pub height: u16,
    pub align: Align,
}

impl TextAtlas {
    /// The top of `label`'s row, adding the row when the label is new. When the texture is
    /// full it starts again from empty (the labels of the next frames come back at once).
    pub fn place(&mut self, label: Label) -> (u16, u16) {
        let label = Label {
            width_px: label.width_px.clamp(1, ATLAS_WIDTH_PX),
            ..label
        };
        if let Some(&(_, at)) = self.rows.iter().find(|(row, _)| *row == label) {
            return at;
        }
        let height = line_height_px(label.font_px);
        let width = label.width_px;
        let room = |shelf: &&mut (u16, u16, u16)| {
            shelf.1 == height && u32::from(shelf.2) + u32::from(width) <= u32::from(ATLAS_WIDTH_PX)
        };
        let at = if let Some(shelf) = self.shelves.iter_mut().find(room) {
            let at = (shelf.2, shelf.0);
            shelf.2 = (shelf.2 + width + ROW_GAP_PX).min(ATLAS_WIDTH_PX);
            at
        } else {
            if self.height_px + height > ATLAS_HEIGHT_PX_MAX {
                // Names stay: a screen may hold a `Value::Name` across the restart.
                self.rows.clear();
                self.shelves.clear();
                self.height_px = 0;
            }
            let y = self.height_px;
            self.shelves
                .push((y, height, (width + ROW_GAP_PX).min(ATLAS_WIDTH_PX)));
            self.height_px = (y + height + ROW_GAP_PX).min(ATLAS_HEIGHT_PX_MAX);
            (0, y)
        };
        self.rows.push((label, at));
        self.generation = self.generation.wrapping_add(1);
        at
    }

    /// The [`Value::Name`] for `name` (cut to [`NAME_BYTES_MAX`]), interned: the same name
    /// gives the same value, so its label keeps its row.
    pub fn name(&mut self, name: &str) -> Value {
        let mut end = name.len().min(NAME_BYTES_MAX);
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        let name = &name[..end];
        if let Some(index) = self.names.iter().position(|known| known == name) {
            return Value::Name(index as u16);
        }
        if self.names.len() >= NAMES_MAX {
            // Starting again keeps indices stable for the rows that survive: none do.
            self.names.clear();
            self.rows.clear();
            self.shelves.clear();
            self.height_px = 0;
            self.generation = self.generation.wrapping_add(1);
        }
        self.names.push(String::from(name));
        Value::Name((self.names.len() - 1) as u16)
    }

    /// `text` written out in `lang`.
    pub fn render(&self, text: Text, lang: Lang) -> String {
        match text {
            Text::Phrase(phrase) => String::from(phrase.text(lang)),
            Text::Value(value) => self.value(value),
            Text::With(phrase, value) => phrase.text(lang).replacen("{}", &self.value(value), 1),
        }
    }

    fn value(&self, value: Value) -> String {
        match value {
            Value::Fen(fen) => yuan(fen),
            Value::FenOf(part, whole) => alloc::format!("{}/{}", yuan(part), yuan(whole)),
            Value::Count(count) => alloc::format!("{count}"),
            Value::Name(index) => self
                .names
                .get(usize::from(index))
                .cloned()
                .unwrap_or_default(),
        }
    }

    /// Makes the host draw every row again (the language changed).
    pub fn invalidate(&mut self) {
        self.generation = self.generation.wrapping_add(1);
    }

    /// Changes whenever the rows change; the host redraws the texture then.
    pub fn generation(&self) -> u32 {
        self.generation
    }

    /// The texture's size in pixels (at least 1 x 1).
    pub fn size_px(&self) -> (u16, u16) {
        (ATLAS_WIDTH_PX, self.height_px.max(1))
    }

    /// The rows, with their text in `lang`, for the host to rasterise.
    pub fn describe(&self, lang: Lang) -> AtlasDescription {
        let (width, height) = self.size_px();
        AtlasDescription {
            generation: self.generation,
            width,
            height,
            rows: self
                .rows
                .iter()
                .map(|&(label, (x, y))| RowDescription {
                    text: self.render(label.text, lang),
                    x,
                    font_px: label.font_px,
                    y,
                    width: label.width_px,
                    height: line_height_px(label.font_px),
                    align: label.align,
                })
                .collect(),
        }
    }

    /// [`TextAtlas::describe`] as JSON, for hosts that take strings or bytes: `{ generation,
    /// width, height, rows: [{ text, font_px, x, y, width, height, align }] }`. Written by hand:
    /// serde's serialiser would cost the mini-game artifact more than these lines.
    pub fn describe_json(&self, lang: Lang) -> String {
        let description = self.describe(lang);
        let mut json = String::new();
        // Writing to a String cannot fail.
        let _ = write!(
            json,
            r#"{{"generation":{},"width":{},"height":{},"rows":["#,
            description.generation, description.width, description.height
        );
        for (index, row) in description.rows.iter().enumerate() {
            if index > 0 {
                json.push(',');
            }
            json.push_str(r#"{"text":"#);
            json_string(&mut json, &row.text);
            let _ = write!(
                json,
                r#","font_px":{},"x":{},"y":{},"width":{},"height":{},"align":"{}"}}"#,
                row.font_px,
                row.x,
                row.y,
                row.width,
                row.height,
                row.align.name()
            );
        }
        json.push_str("]}");
        json
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_phrase_order_and_complete_in_both_languages() {
        for (index, entry) in PHRASES.iter().enumerate() {
            assert_eq!(entry.phrase as usize, index, "{:?}", entry.phrase);
            assert!(
                !entry.zh.is_empty() && !entry.en.is_empty(),
                "{:?}",
                entry.phrase
            );
            assert!(
                entry
                    .zh
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{:?} has Chinese text",
                entry.phrase
            );
        }
    }

    #[test]
    fn a_phrase_takes_a_value_in_both_languages_or_in_neither() {
        for entry in &PHRASES {
            assert_eq!(
                entry.zh.matches("{}").count(),
                entry.en.matches("{}").count(),
                "{:?}",
                entry.phrase
            );
            assert!(entry.en.matches("{}").count() <= 1, "{:?}", entry.phrase);
        }
    }

    #[test]
    fn values_are_written_by_the_game_in_the_players_language() {
        let mut atlas = TextAtlas::default();
        let sponsor = atlas.name("launch-week");
        assert_eq!(atlas.name("launch-week"), sponsor, "a name is kept once");
        let up_to = Text::With(Phrase::UpTo, Value::Fen(20));
        assert_eq!(atlas.render(up_to, Lang::Zh), "最高 ¥0.20");
        assert_eq!(atlas.render(up_to, Lang::En), "up to ¥0.20");
        assert_eq!(
            atlas.render(Text::With(Phrase::BoostedBy, sponsor), Lang::En),
            "boosted by launch-week"
        );
        assert_eq!(
            atlas.render(Text::Value(Value::Fen(-1005)), Lang::Zh),
            "-¥10.05"
        );
        assert_eq!(atlas.render(Text::Value(Value::Count(42)), Lang::Zh), "42");
        let long = "长".repeat(40);
        let Value::Name(index) = atlas.name(&long) else {
            unreachable!()
        };
        assert_eq!(atlas.names[usize::from(index)].len(), NAME_BYTES_MAX);
    }

    #[test]
    fn the_page_reads_every_phrase_by_a_unique_name() {
        let mut names: Vec<&str> = PHRASES.iter().map(|entry| entry.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), PHRASES.len());
        let json = phrases_json(Lang::Zh);
        assert!(
            json.starts_with(r#"{"play":"开始游戏","tap_anywhere":"#),
            "{json}"
        );
        assert!(
            json.ends_with(r#""rest_daily_limit":"今天玩够啦，明天再来吧"}"#),
            "{json}"
        );
        assert!(phrases_json(Lang::En).contains(r#""next_level":"Next level""#));
    }

    #[test]
    fn the_platform_language_picks_english_only_when_it_says_english() {
        for (tag, lang) in [
            ("zh_CN", Lang::Zh),
            ("zh-Hans-CN", Lang::Zh),
            ("zh-TW", Lang::Zh),
            ("en", Lang::En),
            ("en-US", Lang::En),
            ("EN_gb", Lang::En),
            ("fr-FR", Lang::Zh),
            ("", Lang::Zh),
        ] {
            assert_eq!(Lang::from_tag(tag), lang, "{tag:?}");
        }
    }

    #[test]
    fn labels_of_one_height_share_a_shelf_and_keep_their_place() {
        let mut atlas = TextAtlas::default();
        let score = Label {
            text: Phrase::Score.into(),
            font_px: 36,
            width_px: 300,
            align: Align::Left,
        };
        let moves = Label {
            text: Phrase::MovesLeft.into(),
            ..score
        };
        let wide = Label {
            text: Phrase::Resumed.into(),
            width_px: ATLAS_WIDTH_PX,
            ..score
        };
        let big = Label {
            font_px: 48,
            ..score
        };
        assert_eq!(atlas.place(score), (0, 0));
        assert_eq!(atlas.place(moves), (300 + ROW_GAP_PX, 0), "beside it");
        let shelf = line_height_px(36) + ROW_GAP_PX;
        assert_eq!(atlas.place(wide), (0, shelf), "no room beside them");
        assert_eq!(
            atlas.place(big),
            (0, 2 * shelf),
            "another height, another shelf"
        );
        let generation = atlas.generation();
        assert_eq!(atlas.place(score), (0, 0), "the same label, the same place");
        assert_eq!(atlas.generation(), generation, "nothing new to draw");
        let description = atlas.describe(Lang::En);
        assert_eq!(description.rows.len(), 4);
        assert_eq!(description.rows[1].text, "Moves");
        assert_eq!(description.rows[1].x, 302);
        let height = line_height_px(36);
        let mut two = TextAtlas::default();
        two.place(score);
        two.place(moves);
        assert_eq!(
            two.describe_json(Lang::Zh),
            alloc::format!(
                r#"{{"generation":2,"width":2048,"height":{},"rows":[{{"text":"得分","font_px":36,"x":0,"y":0,"width":300,"height":{height},"align":"left"}},{{"text":"剩余步数","font_px":36,"x":302,"y":0,"width":300,"height":{height},"align":"left"}}]}}"#,
                height + ROW_GAP_PX
            )
        );
    }

    #[test]
    fn a_full_atlas_starts_again_and_says_so() {
        let mut atlas = TextAtlas::default();
        let label = |width_px| Label {
            text: Phrase::Play.into(),
            font_px: 200,
            width_px,
            align: Align::Centre,
        };
        // Labels wider than half the texture: one to a shelf.
        let mut width_px = ATLAS_WIDTH_PX / 2 + 1;
        while atlas.size_px().1 + line_height_px(200) <= ATLAS_HEIGHT_PX_MAX {
            atlas.place(label(width_px));
            width_px += 1;
        }
        let generation = atlas.generation();
        assert_eq!(atlas.place(label(width_px)), (0, 0));
        assert_ne!(atlas.generation(), generation);
        assert_eq!(atlas.describe(Lang::Zh).rows.len(), 1);
    }
}

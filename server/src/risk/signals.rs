//! Risk signals: each one a measurement of one game or one player, its strength from 0 (looks
//! human) to 1 (looks scripted), and a sentence saying what was measured. Pure functions over
//! facts the verifier already established; nothing here reads a clock or a database.
//!
//! ```text
//! of_play(PlayFacts)     reaction floor -> timing regularity -> quantised pacing -> slow motion
//! of_player(PlayerFacts) abandonment -> platform risk rank -> linked accounts
//! ```

use serde::{Deserialize, Serialize};

/// One game tick, in milliseconds (60 Hz).
pub const TICK_MS: f64 = 1000.0 / game_core::TICK_HZ as f64;
/// Fastest human reaction to a board becoming playable, in milliseconds. Simple visual reaction
/// times centre on 200-250 ms with few below 150 ms; choosing a match-3 swap or a drop point is
/// a choice reaction, slower still (Hick's law). 150 ms is below nearly every human's fastest.
pub const REACTION_FLOOR_MS: f64 = 150.0;
/// Fewest timed inputs before timing is judged at all: fewer intervals say nothing reliable.
pub const TIMED_INPUTS_MIN: usize = 8;
/// Coefficient of variation (standard deviation / mean) of human think times: measured choice
/// and move times are right-skewed (log-normal-like) with CV around 0.4-1.0. At or below
/// `CV_SCRIPTED` the pacing is a metronome; at or above `CV_HUMAN` it is unremarkable.
pub const CV_SCRIPTED: f64 = 0.10;
pub const CV_HUMAN: f64 = 0.35;
/// Share of reaction times on one exact tick count above which pacing is quantised (a bot
/// waiting a fixed delay). Human times spread over dozens of tick values; the most common one
/// rarely holds more than a fifth of them.
pub const MODE_SHARE_HUMAN: f64 = 0.25;
pub const MODE_SHARE_SCRIPTED: f64 = 0.60;
/// Wall-clock time over game time. The client runs the game in real time and pauses when hidden,
/// so an honest session is near 1 (ticket fetch, network and short pauses add a little);
/// `SLOW_HUMAN` and above starts to be suspicious, `SLOW_SCRIPTED` (a game played at a third
/// of its speed or slower, a bot thinking between frames) is strong.
pub const SLOW_HUMAN: f64 = 1.6;
pub const SLOW_SCRIPTED: f64 = 3.0;
/// Game time below which slow motion is not judged, in ms: a short game's ratio is dominated by
/// the time to fetch the ticket and send the proof.
pub const SLOW_GAME_MS_MIN: f64 = 20_000.0;
/// Tickets a player must have closed before an abandonment rate is judged.
pub const ABANDON_GAMES_MIN: i64 = 5;
/// Abandonment rates: a human quits now and then; a seed shopper abandons most tickets.
pub const ABANDON_HUMAN: f64 = 0.30;
pub const ABANDON_SCRIPTED: f64 = 0.75;
/// Players linked to one account (itself included) by a shared address, platform union id or
/// payee name. A household (a couple, parents and children, flatmates) puts 2 to 4 people
/// behind one home address, so up to `LINKED_HUMAN` says nothing; a farm runs dozens of
/// accounts behind a few addresses, and from `LINKED_SCRIPTED` the link is strong.
pub const LINKED_HUMAN: i64 = 4;
pub const LINKED_SCRIPTED: i64 = 10;
/// WeChat `getUserRiskRank` answers 0 (no risk) to 4 (highest).
pub const PLATFORM_RANK_MAX: i64 = 4;
/// Share of match-3 moves equal to the greedy bot's choice. Several swaps usually score alike
/// and a person looks at the goal, the specials and the board's shape, not only the next
/// cascade: agreement near 1 over a whole game is a bot (or a person copying one).
pub const GREEDY_AGREEMENT_HUMAN: f64 = 0.80;
pub const GREEDY_AGREEMENT_SCRIPTED: f64 = 0.98;
/// Share of match-3 moves equal to the lookahead bot's choice. It looks two moves ahead and
/// agrees with the greedy bot on only part of the moves, so a lookahead bot (and a noisy one
/// that picks a worse move now and then) passes the greedy signal; people who do not compute
/// follow-ups agree with it less than with the greedy move.
pub const LOOKAHEAD_AGREEMENT_HUMAN: f64 = 0.70;
pub const LOOKAHEAD_AGREEMENT_SCRIPTED: f64 = 0.95;
/// Merge-drop: a drop is precise when it lands within this many milli-units of the x of the
/// highest piece of its own tier (the column where it merges first). A finger on a phone aims
/// to about a millimetre, a few pixels, and a 10-unit-wide container spans ~350 px: about 0.1
/// units is one or two pixels, which a person hits now and then and a script every time.
pub const DROP_PRECISE_MILLI: i32 = 100;
/// Share of aimed drops (those with a same-tier piece to merge with) that are precise.
pub const DROP_PRECISION_HUMAN: f64 = 0.40;
pub const DROP_PRECISION_SCRIPTED: f64 = 0.80;
/// Merge-drop: median time from the reveal of a piece (the previous drop promotes the preview)
/// to its drop, in ms. To drop well a person reads the new piece, chooses a column and drags
/// there: a choice reaction (400-600 ms) plus an aimed movement (a few hundred ms, Fitts's
/// law). A median under `PREVIEW_SCRIPTED_MS` means every drop was decided and aimed faster
/// than that; over `PREVIEW_HUMAN_MS` is unremarkable.
pub const PREVIEW_HUMAN_MS: f64 = 900.0;
pub const PREVIEW_SCRIPTED_MS: f64 = 600.0;

/// The player's local time, as minutes east of UTC: China Standard Time (UTC+8). No platform
/// tells the service a player's time zone today; one that does would replace this per player.
pub const PLAYER_UTC_OFFSET_MINUTES: i64 = 8 * 60;
/// The night, in the player's local hours: [01:00, 06:00). People play late and early; few
/// play through these hours night after night, and a script does not sleep.
pub const NIGHT_START_HOUR: i64 = 1;
pub const NIGHT_END_HOUR: i64 = 6;
/// Game time at night within the last 24 hours, in ms: an hour and a half is a late evening
/// or a sleepless night; four hours is most of the night at play.
pub const NIGHT_HUMAN_MS: f64 = 90.0 * 60_000.0;
pub const NIGHT_SCRIPTED_MS: f64 = 4.0 * 3_600_000.0;
/// A pause between two games at least this long ends a session, in ms: a meal, a walk, sleep.
pub const SESSION_BREAK_MS: i64 = 15 * 60_000;
/// Continuous play (no such break), in ms: a long evening is 3-4 hours; ten hours without a
/// quarter of an hour away from the game is nobody's evening.
pub const SESSION_HUMAN_MS: f64 = 4.0 * 3_600_000.0;
pub const SESSION_SCRIPTED_MS: f64 = 10.0 * 3_600_000.0;
/// How far back a player's play is examined, in ms.
pub const PLAYER_HISTORY_MS: i64 = 24 * 3_600_000;
/// Earnings velocity: fen per hour of game time over the last 24 hours, against the median
/// of the population's recent games. Skill varies, so 3x the median says little; a bot that
/// wins every game's top tier as fast as the rules allow earns far more. Judged from half an
/// hour of play and a population of at least `VELOCITY_POPULATION_MIN` games.
pub const VELOCITY_HUMAN_RATIO: f64 = 3.0;
pub const VELOCITY_SCRIPTED_RATIO: f64 = 8.0;
pub const VELOCITY_PLAYED_MS_MIN: i64 = 30 * 60_000;
pub const VELOCITY_POPULATION_MIN: usize = 50;
/// Recent games of all players the population's median is taken over.
pub const VELOCITY_POPULATION_GAMES: i64 = 200;

/// One game of a player's recent history: its ticket's issue, its end (the proof's arrival;
/// the game being judged ends now) and what it paid, in fen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlayedGame {
    pub issued_at_ms: i64,
    pub ended_at_ms: i64,
    pub paid_fen: i64,
}

/// The time facts of a player, from its games of the last [`PLAYER_HISTORY_MS`] (in issue
/// order) and the population's recent games.
pub fn time_facts(history: &[PlayedGame], population: &[PlayedGame], now_ms: i64) -> TimeFacts {
    let night_play_ms = history
        .iter()
        .map(|game| night_overlap_ms(game.issued_at_ms, game.ended_at_ms))
        .sum();
    // Walk back from the latest game while the pauses stay short.
    let mut session_start_ms = now_ms;
    let mut next_start_ms = now_ms;
    for game in history.iter().rev() {
        if next_start_ms - game.ended_at_ms >= SESSION_BREAK_MS {
            break;
        }
        session_start_ms = game.issued_at_ms;
        next_start_ms = game.issued_at_ms;
    }
    let played_ms = history
        .iter()
        .map(|game| (game.ended_at_ms - game.issued_at_ms).max(0))
        .sum();
    let earned_fen = history.iter().map(|game| game.paid_fen).sum();
    let mut rates: Vec<i64> = population
        .iter()
        .filter(|game| game.ended_at_ms > game.issued_at_ms)
        .map(|game| game.paid_fen * 3_600_000 / (game.ended_at_ms - game.issued_at_ms))
        .collect();
    rates.sort_unstable();
    let population_median_fen_per_hour = if rates.len() >= VELOCITY_POPULATION_MIN {
        rates[rates.len() / 2]
    } else {
        0
    };
    TimeFacts {
        night_play_ms,
        session_ms: now_ms - session_start_ms,
        played_ms,
        earned_fen,
        population_median_fen_per_hour,
    }
}

/// Milliseconds of `[from_ms, to_ms)` in the player's local night.
fn night_overlap_ms(from_ms: i64, to_ms: i64) -> i64 {
    const DAY_MS: i64 = 24 * 3_600_000;
    let offset_ms = PLAYER_UTC_OFFSET_MINUTES * 60_000;
    let (from_local, to_local) = (from_ms + offset_ms, to_ms + offset_ms);
    let mut overlap = 0;
    let mut day = from_local.div_euclid(DAY_MS);
    while day * DAY_MS < to_local {
        let night_from = day * DAY_MS + NIGHT_START_HOUR * 3_600_000;
        let night_to = day * DAY_MS + NIGHT_END_HOUR * 3_600_000;
        overlap += (to_local.min(night_to) - from_local.max(night_from)).max(0);
        day += 1;
    }
    overlap
}

/// What [`time_facts`] found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeFacts {
    /// Game time in the player's local night within the history, in ms.
    pub night_play_ms: i64,
    /// The current session so far: from the first game after the last long break, in ms.
    pub session_ms: i64,
    /// Game time and earnings within the history.
    pub played_ms: i64,
    pub earned_fen: i64,
    /// The median fen per hour of the population's recent games (0: too few to judge).
    pub population_median_fen_per_hour: i64,
}

/// What the verifier's replay established about one game.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlayFacts {
    /// Per input, ticks the game had been accepting input before it came (the replay's own).
    pub reaction_ticks: Vec<u32>,
    /// Ticks the game ran.
    pub final_tick: u32,
    /// The ticket's issue time and the proof's arrival, server clock, in ms.
    pub issued_at_ms: u64,
    pub received_at_ms: u64,
    /// Play quality, when it was measured (only where it can change the decision).
    pub quality: Option<PlayQuality>,
}

/// How a game's choices compare with the project's bots, tallied during a replay: each
/// match-3 move against the greedy and lookahead bots' choices on the same board; each
/// merge-drop drop against the column where it merges first, and its time since the reveal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlayQuality {
    pub moves: u32,
    pub greedy_agreeing: u32,
    pub lookahead_agreeing: u32,
    /// Merge-drop drops that had a piece of their own tier to aim at, and of those the precise.
    pub aimed_drops: u32,
    pub precise_drops: u32,
    /// Merge-drop: per drop after the first, ticks from the reveal of the piece to its drop.
    pub preview_reaction_ticks: Vec<u32>,
    last_drop_tick: Option<u32>,
}

impl PlayQuality {
    /// Called with the game just before each input is applied (`replay_inspected`).
    pub fn inspect(&mut self, game: &game_core::Game, input: &game_core::Input) {
        use playproof_bots::Bot;
        // The bots use no randomness here; the generator only satisfies their signature.
        let mut unused = game_core::Pcg32::new(0, 0);
        if game.match3().is_some() {
            self.moves += 1;
            let agrees = |bot: &mut dyn Bot, unused: &mut game_core::Pcg32| {
                u32::from(bot.choose(game, unused) == Some(input.action))
            };
            self.greedy_agreeing += agrees(&mut playproof_bots::match3::GreedyBot, &mut unused);
            let mut lookahead = playproof_bots::match3::LookaheadBot::default();
            self.lookahead_agreeing += agrees(&mut lookahead, &mut unused);
            return;
        }
        let (Some(merge), game_core::Action::Drop { x_milli }) = (game.merge_drop(), input.action)
        else {
            return;
        };
        if let Some(previous) = self.last_drop_tick.replace(input.tick) {
            self.preview_reaction_ticks
                .push(input.tick.saturating_sub(previous));
        }
        let tier = merge.current_tier();
        let target = merge
            .pieces(game.kernel())
            .into_iter()
            .filter(|(_, piece_tier)| *piece_tier == tier)
            .max_by(|(a, _), (b, _)| a.position.y.total_cmp(&b.position.y))
            .map(|(body, _)| (body.position.x * 1000.0).round() as i64);
        if let Some(target_milli) = target {
            self.aimed_drops += 1;
            if (i64::from(x_milli) - target_milli).abs() <= i64::from(DROP_PRECISE_MILLI) {
                self.precise_drops += 1;
            }
        }
    }
}

/// What the ledger knows about the player, read in the verdict's transaction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlayerFacts {
    pub games_played: i64,
    pub games_abandoned: i64,
    /// The platform's last risk rank for the player (0 when none was asked).
    pub platform_risk_rank: i64,
    /// Players in the player's account cluster, the player included (0 or 1: no links known).
    pub linked_players: i64,
    /// When and how fast the player plays.
    pub time: TimeFacts,
}

/// The kinds of signal; a policy file weighs each by this name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    ReactionFloor,
    TimingRegularity,
    QuantisedPacing,
    SlowMotion,
    Abandonment,
    PlatformRisk,
    GreedyAgreement,
    LinkedAccounts,
    LookaheadAgreement,
    DropPrecision,
    PreviewReaction,
    NightPlay,
    SessionLength,
    EarningsVelocity,
}

impl SignalKind {
    pub const ALL: [SignalKind; 14] = [
        SignalKind::ReactionFloor,
        SignalKind::TimingRegularity,
        SignalKind::QuantisedPacing,
        SignalKind::SlowMotion,
        SignalKind::Abandonment,
        SignalKind::PlatformRisk,
        SignalKind::GreedyAgreement,
        SignalKind::LinkedAccounts,
        SignalKind::LookaheadAgreement,
        SignalKind::DropPrecision,
        SignalKind::PreviewReaction,
        SignalKind::NightPlay,
        SignalKind::SessionLength,
        SignalKind::EarningsVelocity,
    ];

    /// The time signals: read from the player's recent tickets, and only when weighed.
    pub const TIME: [SignalKind; 3] = [
        SignalKind::NightPlay,
        SignalKind::SessionLength,
        SignalKind::EarningsVelocity,
    ];

    /// The play-quality signals: costly to measure (a bot consulted before every move), so
    /// measured only where they can change the decision (`RiskPolicy::play_quality_decides`).
    pub const PLAY_QUALITY: [SignalKind; 4] = [
        SignalKind::GreedyAgreement,
        SignalKind::LookaheadAgreement,
        SignalKind::DropPrecision,
        SignalKind::PreviewReaction,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SignalKind::ReactionFloor => "reaction_floor",
            SignalKind::TimingRegularity => "timing_regularity",
            SignalKind::QuantisedPacing => "quantised_pacing",
            SignalKind::SlowMotion => "slow_motion",
            SignalKind::Abandonment => "abandonment",
            SignalKind::PlatformRisk => "platform_risk",
            SignalKind::GreedyAgreement => "greedy_agreement",
            SignalKind::LinkedAccounts => "linked_accounts",
            SignalKind::LookaheadAgreement => "lookahead_agreement",
            SignalKind::DropPrecision => "drop_precision",
            SignalKind::PreviewReaction => "preview_reaction",
            SignalKind::NightPlay => "night_play",
            SignalKind::SessionLength => "session_length",
            SignalKind::EarningsVelocity => "earnings_velocity",
        }
    }
}

/// One measurement and how scripted it looks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    pub kind: SignalKind,
    /// 0 (human-like or not measurable) to 1 (scripted).
    pub strength: f64,
    /// The measured value, in the unit the explanation names.
    pub measured: f64,
    pub explanation: String,
}

impl Signal {
    fn new(kind: SignalKind, strength: f64, measured: f64, explanation: String) -> Signal {
        debug_assert!(strength.is_finite() && measured.is_finite());
        Signal {
            kind,
            strength: strength.clamp(0.0, 1.0),
            measured,
            explanation,
        }
    }
}

/// 0 at `human`, 1 at `scripted`, linear between (either direction).
fn ramp(value: f64, human: f64, scripted: f64) -> f64 {
    ((value - human) / (scripted - human)).clamp(0.0, 1.0)
}

/// The play-quality signals that apply to a game with these inputs: match-3 moves are compared
/// with bots, merge-drop drops with their target and their piece's reveal.
pub fn play_quality_kinds(inputs: &[game_core::Input]) -> &'static [SignalKind] {
    match inputs.first().map(|input| input.action) {
        Some(game_core::Action::Swap { .. }) => &SignalKind::PLAY_QUALITY[..2],
        Some(game_core::Action::Drop { .. }) => &SignalKind::PLAY_QUALITY[2..],
        None => &[],
    }
}

/// Whether measuring the play-quality signals `kinds` costs little beside the replay itself:
/// merge-drop's (a look at the pieces before each drop; the bench measures it within the
/// replay's own noise), unlike match-3's (two bots searching every board, about 25 replays).
pub fn play_quality_is_cheap(kinds: &[SignalKind]) -> bool {
    !kinds.is_empty()
        && kinds.iter().all(|kind| {
            matches!(
                kind,
                SignalKind::DropPrecision | SignalKind::PreviewReaction
            )
        })
}

/// The signals of one game.
pub fn of_play(facts: &PlayFacts) -> Vec<Signal> {
    let reactions_ms: Vec<f64> = facts
        .reaction_ticks
        .iter()
        .map(|&ticks| f64::from(ticks) * TICK_MS)
        .collect();
    let mut signals = vec![
        reaction_floor(&reactions_ms),
        timing_regularity(&reactions_ms),
        quantised_pacing(&facts.reaction_ticks),
        slow_motion(facts),
    ];
    signals.extend(of_quality(facts.quality.as_ref()));
    signals
}

/// The play-quality signals; each says so when quality was not measured.
pub fn of_quality(quality: Option<&PlayQuality>) -> Vec<Signal> {
    let Some(quality) = quality else {
        return SignalKind::PLAY_QUALITY
            .into_iter()
            .map(|kind| {
                Signal::new(
                    kind,
                    0.0,
                    0.0,
                    "play quality not measured: it could not change this game's decision".into(),
                )
            })
            .collect();
    };
    vec![
        agreement(
            SignalKind::GreedyAgreement,
            "greedy",
            quality.greedy_agreeing,
            quality.moves,
            (GREEDY_AGREEMENT_HUMAN, GREEDY_AGREEMENT_SCRIPTED),
        ),
        agreement(
            SignalKind::LookaheadAgreement,
            "lookahead",
            quality.lookahead_agreeing,
            quality.moves,
            (LOOKAHEAD_AGREEMENT_HUMAN, LOOKAHEAD_AGREEMENT_SCRIPTED),
        ),
        drop_precision(quality),
        preview_reaction(&quality.preview_reaction_ticks),
    ]
}

/// Share of match-3 moves that were a bot's choice.
fn agreement(
    kind: SignalKind,
    bot: &str,
    agreeing: u32,
    moves: u32,
    (human, scripted): (f64, f64),
) -> Signal {
    if moves == 0 {
        return Signal::new(kind, 0.0, 0.0, "not a match-3 game".into());
    }
    if (moves as usize) < TIMED_INPUTS_MIN {
        return Signal::new(
            kind,
            0.0,
            f64::from(moves),
            format!("{moves} moves; at least {TIMED_INPUTS_MIN} are needed to judge play quality"),
        );
    }
    let share = f64::from(agreeing) / f64::from(moves);
    Signal::new(
        kind,
        ramp(share, human, scripted),
        share,
        format!(
            "{agreeing} of {moves} moves were exactly the {bot} bot's choice ({:.0}%)",
            share * 100.0
        ),
    )
}

/// Share of merge-drop drops landing right above the piece they merge with.
fn drop_precision(quality: &PlayQuality) -> Signal {
    let kind = SignalKind::DropPrecision;
    let aimed = quality.aimed_drops;
    if (aimed as usize) < TIMED_INPUTS_MIN {
        return Signal::new(
            kind,
            0.0,
            f64::from(aimed),
            format!(
                "{aimed} drops had a piece of their tier to aim at; at least {TIMED_INPUTS_MIN} \
                 are needed to judge precision"
            ),
        );
    }
    let share = f64::from(quality.precise_drops) / f64::from(aimed);
    Signal::new(
        kind,
        ramp(share, DROP_PRECISION_HUMAN, DROP_PRECISION_SCRIPTED),
        share,
        format!(
            "{} of {aimed} aimed drops landed within {DROP_PRECISE_MILLI} milli-units of the \
             piece they merge with ({:.0}%)",
            quality.precise_drops,
            share * 100.0
        ),
    )
}

/// Median time from a merge-drop piece's reveal to its drop.
fn preview_reaction(ticks: &[u32]) -> Signal {
    let kind = SignalKind::PreviewReaction;
    if ticks.len() < TIMED_INPUTS_MIN {
        return Signal::new(
            kind,
            0.0,
            ticks.len() as f64,
            format!(
                "{} drops after a reveal; at least {TIMED_INPUTS_MIN} are needed to judge the \
                 reaction to the preview",
                ticks.len()
            ),
        );
    }
    let mut sorted = ticks.to_vec();
    sorted.sort_unstable();
    let median_ms = f64::from(sorted[sorted.len() / 2]) * TICK_MS;
    Signal::new(
        kind,
        ramp(median_ms, PREVIEW_HUMAN_MS, PREVIEW_SCRIPTED_MS),
        median_ms,
        format!(
            "half the drops came within {median_ms:.0} ms of their piece's reveal (people: \
             {PREVIEW_HUMAN_MS:.0} ms or more)"
        ),
    )
}

fn too_few(kind: SignalKind, count: usize) -> Signal {
    Signal::new(
        kind,
        0.0,
        count as f64,
        format!("{count} timed inputs; at least {TIMED_INPUTS_MIN} are needed to judge timing"),
    )
}

/// Share of inputs that came sooner after the game became playable than a human can react.
fn reaction_floor(reactions_ms: &[f64]) -> Signal {
    let kind = SignalKind::ReactionFloor;
    if reactions_ms.len() < TIMED_INPUTS_MIN {
        return too_few(kind, reactions_ms.len());
    }
    let fast = reactions_ms
        .iter()
        .filter(|&&ms| ms < REACTION_FLOOR_MS)
        .count();
    let share = fast as f64 / reactions_ms.len() as f64;
    // One or two fast inputs are pre-planned moves; a third or more is not a person.
    Signal::new(
        kind,
        ramp(share, 0.10, 0.33),
        share,
        format!(
            "{fast} of {} inputs came under {REACTION_FLOOR_MS} ms after the game could take them \
             ({:.0}%)",
            reactions_ms.len(),
            share * 100.0
        ),
    )
}

/// Variation of reaction times: a person's vary widely, a fixed-delay script's barely.
fn timing_regularity(reactions_ms: &[f64]) -> Signal {
    let kind = SignalKind::TimingRegularity;
    if reactions_ms.len() < TIMED_INPUTS_MIN {
        return too_few(kind, reactions_ms.len());
    }
    let count = reactions_ms.len() as f64;
    let mean = reactions_ms.iter().sum::<f64>() / count;
    let variance = reactions_ms
        .iter()
        .map(|ms| (ms - mean) * (ms - mean))
        .sum::<f64>()
        / count;
    let cv = if mean > 0.0 {
        variance.sqrt() / mean
    } else {
        0.0
    };
    Signal::new(
        kind,
        ramp(cv, CV_HUMAN, CV_SCRIPTED),
        cv,
        format!(
            "reaction times average {mean:.0} ms with a coefficient of variation of {cv:.2} \
             (people: {CV_HUMAN} or more)"
        ),
    )
}

/// Share of reaction times on the single most common tick count.
fn quantised_pacing(reaction_ticks: &[u32]) -> Signal {
    let kind = SignalKind::QuantisedPacing;
    if reaction_ticks.len() < TIMED_INPUTS_MIN {
        return too_few(kind, reaction_ticks.len());
    }
    let mut sorted = reaction_ticks.to_vec();
    sorted.sort_unstable();
    let (mut mode, mut mode_count, mut run) = (sorted[0], 0usize, 0usize);
    for (index, &ticks) in sorted.iter().enumerate() {
        run = if index > 0 && sorted[index - 1] == ticks {
            run + 1
        } else {
            1
        };
        if run > mode_count {
            (mode, mode_count) = (ticks, run);
        }
    }
    let share = mode_count as f64 / sorted.len() as f64;
    Signal::new(
        kind,
        ramp(share, MODE_SHARE_HUMAN, MODE_SHARE_SCRIPTED),
        share,
        format!(
            "{mode_count} of {} reaction times are exactly {mode} ticks ({:.0}%)",
            sorted.len(),
            share * 100.0
        ),
    )
}

/// Wall-clock time between ticket and proof over the game's own time.
fn slow_motion(facts: &PlayFacts) -> Signal {
    let kind = SignalKind::SlowMotion;
    let game_ms = f64::from(facts.final_tick) * TICK_MS;
    let wall_ms = facts.received_at_ms.saturating_sub(facts.issued_at_ms) as f64;
    if game_ms < SLOW_GAME_MS_MIN {
        return Signal::new(
            kind,
            0.0,
            0.0,
            format!(
                "the game ran {:.1} s; games under {:.0} s are not judged for slow motion",
                game_ms / 1000.0,
                SLOW_GAME_MS_MIN / 1000.0
            ),
        );
    }
    let ratio = wall_ms / game_ms;
    Signal::new(
        kind,
        ramp(ratio, SLOW_HUMAN, SLOW_SCRIPTED),
        ratio,
        format!(
            "{:.1} s passed on the server's clock for {:.1} s of game time ({ratio:.1}x)",
            wall_ms / 1000.0,
            game_ms / 1000.0
        ),
    )
}

/// The signals of the player behind a game.
pub fn of_player(facts: &PlayerFacts) -> Vec<Signal> {
    vec![
        abandonment(facts),
        platform_risk(facts),
        linked_accounts(facts),
        night_play(&facts.time),
        session_length(&facts.time),
        earnings_velocity(&facts.time),
    ]
}

fn hours(ms: i64) -> f64 {
    ms as f64 / 3_600_000.0
}

/// Game time in the player's local night over the last day.
fn night_play(time: &TimeFacts) -> Signal {
    Signal::new(
        SignalKind::NightPlay,
        ramp(time.night_play_ms as f64, NIGHT_HUMAN_MS, NIGHT_SCRIPTED_MS),
        hours(time.night_play_ms),
        format!(
            "{:.1} h of play between {NIGHT_START_HOUR:02}:00 and {NIGHT_END_HOUR:02}:00 local \
             time (UTC{:+}) in the last 24 h",
            hours(time.night_play_ms),
            PLAYER_UTC_OFFSET_MINUTES / 60
        ),
    )
}

/// Continuous play without a break.
fn session_length(time: &TimeFacts) -> Signal {
    Signal::new(
        SignalKind::SessionLength,
        ramp(
            time.session_ms as f64,
            SESSION_HUMAN_MS,
            SESSION_SCRIPTED_MS,
        ),
        hours(time.session_ms),
        format!(
            "{:.1} h of play without a break of {} minutes",
            hours(time.session_ms),
            SESSION_BREAK_MS / 60_000
        ),
    )
}

/// Fen per hour of play against the population's median.
fn earnings_velocity(time: &TimeFacts) -> Signal {
    let kind = SignalKind::EarningsVelocity;
    if time.played_ms < VELOCITY_PLAYED_MS_MIN || time.population_median_fen_per_hour <= 0 {
        return Signal::new(
            kind,
            0.0,
            0.0,
            format!(
                "{:.1} h of play in the last 24 h; earnings velocity is judged from {} minutes \
                 against at least {VELOCITY_POPULATION_MIN} recent games of others",
                hours(time.played_ms),
                VELOCITY_PLAYED_MS_MIN / 60_000
            ),
        );
    }
    let fen_per_hour = time.earned_fen as f64 / hours(time.played_ms);
    let ratio = fen_per_hour / time.population_median_fen_per_hour as f64;
    Signal::new(
        kind,
        ramp(ratio, VELOCITY_HUMAN_RATIO, VELOCITY_SCRIPTED_RATIO),
        ratio,
        format!(
            "{fen_per_hour:.0} fen per hour of play in the last 24 h, {ratio:.1}x the median of \
             recent games ({} fen per hour)",
            time.population_median_fen_per_hour
        ),
    )
}

/// How many accounts share the player's address, union id or payee name.
fn linked_accounts(facts: &PlayerFacts) -> Signal {
    let players = facts.linked_players.max(1);
    let others = players - 1;
    Signal::new(
        SignalKind::LinkedAccounts,
        ramp(players as f64, LINKED_HUMAN as f64, LINKED_SCRIPTED as f64),
        players as f64,
        format!(
            "{others} other accounts share this player's address, platform union id or payee \
             name (a household is up to {LINKED_HUMAN} accounts in all, a farm {LINKED_SCRIPTED} or more)"
        ),
    )
}

fn abandonment(facts: &PlayerFacts) -> Signal {
    let kind = SignalKind::Abandonment;
    let closed = facts.games_played + facts.games_abandoned;
    if closed < ABANDON_GAMES_MIN {
        return Signal::new(
            kind,
            0.0,
            0.0,
            format!(
                "{closed} tickets closed; at least {ABANDON_GAMES_MIN} are needed to judge abandonment"
            ),
        );
    }
    let rate = facts.games_abandoned as f64 / closed as f64;
    Signal::new(
        kind,
        ramp(rate, ABANDON_HUMAN, ABANDON_SCRIPTED),
        rate,
        format!(
            "{} of {closed} tickets were abandoned for a new one ({:.0}%)",
            facts.games_abandoned,
            rate * 100.0
        ),
    )
}

fn platform_risk(facts: &PlayerFacts) -> Signal {
    let rank = facts.platform_risk_rank.clamp(0, PLATFORM_RANK_MAX);
    Signal::new(
        SignalKind::PlatformRisk,
        rank as f64 / PLATFORM_RANK_MAX as f64,
        rank as f64,
        format!(
            "the platform ranks the player's marketing-cheating risk {rank} of {PLATFORM_RANK_MAX}"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(reaction_ticks: Vec<u32>, final_tick: u32, wall_ms: u64) -> PlayFacts {
        PlayFacts {
            reaction_ticks,
            final_tick,
            issued_at_ms: 1_000_000,
            received_at_ms: 1_000_000 + wall_ms,
            quality: None,
        }
    }

    fn strength(signals: &[Signal], kind: SignalKind) -> f64 {
        signals.iter().find(|s| s.kind == kind).unwrap().strength
    }

    #[test]
    fn an_instant_bot_reacts_below_the_floor_on_a_metronome() {
        let signals = of_play(&facts(vec![0; 20], 3_600, 61_000));
        assert_eq!(strength(&signals, SignalKind::ReactionFloor), 1.0);
        assert_eq!(strength(&signals, SignalKind::TimingRegularity), 1.0);
        assert_eq!(strength(&signals, SignalKind::QuantisedPacing), 1.0);
        assert_eq!(strength(&signals, SignalKind::SlowMotion), 0.0);
    }

    #[test]
    fn varied_human_times_raise_no_timing_signal() {
        // 0.5 s to 4 s, spread: CV about 0.6, no value repeated.
        let ticks = vec![30, 95, 48, 210, 61, 140, 77, 33, 180, 52, 120, 240];
        let signals = of_play(&facts(ticks, 3_600, 62_000));
        for kind in [
            SignalKind::ReactionFloor,
            SignalKind::TimingRegularity,
            SignalKind::QuantisedPacing,
            SignalKind::SlowMotion,
        ] {
            assert_eq!(strength(&signals, kind), 0.0, "{kind:?}");
        }
    }

    #[test]
    fn a_game_played_at_a_sixth_of_its_speed_is_slow_motion() {
        let signals = of_play(&facts(vec![40; 3], 3_600, 6 * 60_000));
        let slow = signals
            .iter()
            .find(|s| s.kind == SignalKind::SlowMotion)
            .unwrap();
        assert_eq!(slow.strength, 1.0);
        assert!((slow.measured - 6.0).abs() < 1e-9);
        assert!(slow.explanation.contains("(6.0x)"), "{}", slow.explanation);
        // Too few inputs: timing is not judged, and says so.
        let floor = signals
            .iter()
            .find(|s| s.kind == SignalKind::ReactionFloor)
            .unwrap();
        assert_eq!(floor.strength, 0.0);
        assert!(floor.explanation.contains("at least 8"));
    }

    #[test]
    fn always_playing_the_greedy_move_is_a_bot() {
        let mut game = facts(vec![40; 12], 3_600, 61_000);
        let strength_at = |game: &PlayFacts| strength(&of_play(game), SignalKind::GreedyAgreement);
        let tally = |greedy_agreeing, moves| PlayQuality {
            greedy_agreeing,
            moves,
            ..PlayQuality::default()
        };
        game.quality = Some(tally(12, 12));
        assert_eq!(strength_at(&game), 1.0);
        game.quality = Some(tally(7, 12));
        assert_eq!(strength_at(&game), 0.0);
        game.quality = Some(tally(5, 5));
        assert_eq!(strength_at(&game), 0.0, "too few moves to judge");
        game.quality = None;
        let unmeasured = of_play(&game);
        let signal = unmeasured
            .iter()
            .find(|s| s.kind == SignalKind::LookaheadAgreement)
            .unwrap();
        assert_eq!(signal.strength, 0.0);
        assert!(signal.explanation.starts_with("play quality not measured"));
    }

    fn level(path: &str) -> game_core::Level {
        let path = format!("{}/../assets/levels/{path}", env!("CARGO_MANIFEST_DIR"));
        game_core::Level::from_json(&std::fs::read(path).unwrap()).unwrap()
    }

    /// The tally the verifier keeps during its replay, on real recordings.
    fn tally(level: &game_core::Level, bot: &mut dyn playproof_bots::Bot) -> PlayQuality {
        let pacing = playproof_bots::Pacing::HUMAN;
        let recording = playproof_bots::play(level, 11, bot, pacing, 5, 36_000).unwrap();
        let mut quality = PlayQuality::default();
        game_core::replay_inspected(level, 11, &recording.inputs, |game, input| {
            quality.inspect(game, input)
        })
        .unwrap();
        quality
    }

    #[test]
    fn the_replay_tally_counts_each_match3_bots_moves_as_its_own() {
        let level = level("match3/m3-10-gauntlet.json");
        let greedy = tally(&level, &mut playproof_bots::match3::GreedyBot);
        assert!(greedy.moves >= 8, "{greedy:?}");
        assert_eq!(greedy.greedy_agreeing, greedy.moves);
        let lookahead = tally(&level, &mut playproof_bots::match3::LookaheadBot::default());
        assert_eq!(lookahead.lookahead_agreeing, lookahead.moves);
        assert!(
            lookahead.greedy_agreeing < lookahead.moves,
            "the lookahead bot passes the greedy signal: {lookahead:?}"
        );
        let random = tally(&level, &mut playproof_bots::match3::RandomBot);
        assert!(random.greedy_agreeing < random.moves / 2, "{random:?}");
        assert!(random.lookahead_agreeing < random.moves / 2, "{random:?}");
        assert_eq!(
            (random.aimed_drops, random.preview_reaction_ticks.len()),
            (0, 0)
        );
    }

    #[test]
    fn a_merge_bot_that_aims_at_its_tier_drops_with_inhuman_precision() {
        let level = level("merge/md-01-classic.json");
        let aiming = tally(&level, &mut playproof_bots::merge::HeuristicBot);
        assert!(aiming.aimed_drops >= 8, "{aiming:?}");
        assert_eq!(aiming.precise_drops, aiming.aimed_drops);
        assert_eq!(
            strength(&of_quality(Some(&aiming)), SignalKind::DropPrecision),
            1.0
        );
        let random = tally(&level, &mut playproof_bots::merge::RandomBot);
        assert!(random.aimed_drops >= 8, "{random:?}");
        assert!(random.precise_drops * 5 < random.aimed_drops, "{random:?}");
        assert_eq!(random.moves, 0, "no match-3 moves");
        // Human pacing: 1-3 s after the cooldown, so never a quick reaction to the preview.
        assert!(random
            .preview_reaction_ticks
            .iter()
            .all(|&ticks| ticks >= 60));
        assert_eq!(
            strength(&of_quality(Some(&random)), SignalKind::PreviewReaction),
            0.0
        );
    }

    #[test]
    fn dropping_each_piece_as_soon_as_it_is_revealed_is_no_person() {
        let quick = PlayQuality {
            preview_reaction_ticks: vec![31; 12],
            ..PlayQuality::default()
        };
        let signal = of_quality(Some(&quick))
            .into_iter()
            .find(|s| s.kind == SignalKind::PreviewReaction)
            .unwrap();
        assert_eq!(signal.strength, 1.0);
        assert!((signal.measured - 31.0 * TICK_MS).abs() < 1e-9);
        let person = PlayQuality {
            preview_reaction_ticks: vec![50, 70, 62, 90, 120, 58, 75, 66, 200],
            ..PlayQuality::default()
        };
        assert_eq!(
            strength(&of_quality(Some(&person)), SignalKind::PreviewReaction),
            0.0
        );
    }

    #[test]
    fn a_seed_shopper_abandons_most_tickets() {
        let shopper = PlayerFacts {
            games_played: 2,
            games_abandoned: 8,
            platform_risk_rank: 0,
            linked_players: 1,
            ..PlayerFacts::default()
        };
        assert_eq!(strength(&of_player(&shopper), SignalKind::Abandonment), 1.0);
        let quitter = PlayerFacts {
            games_played: 8,
            games_abandoned: 2,
            platform_risk_rank: 0,
            linked_players: 1,
            ..PlayerFacts::default()
        };
        assert_eq!(strength(&of_player(&quitter), SignalKind::Abandonment), 0.0);
        let new = PlayerFacts {
            games_played: 0,
            games_abandoned: 3,
            platform_risk_rank: 4,
            linked_players: 1,
            ..PlayerFacts::default()
        };
        assert_eq!(strength(&of_player(&new), SignalKind::Abandonment), 0.0);
        assert_eq!(strength(&of_player(&new), SignalKind::PlatformRisk), 1.0);
    }

    const HOUR_MS: i64 = 3_600_000;
    /// 2026-12-03 00:00 in China Standard Time, as UTC milliseconds.
    const MIDNIGHT_CST_MS: i64 = 1_796_227_200_000;

    fn games(from_ms: i64, count: i64, every_ms: i64, length_ms: i64) -> Vec<PlayedGame> {
        (0..count)
            .map(|index| PlayedGame {
                issued_at_ms: from_ms + index * every_ms,
                ended_at_ms: from_ms + index * every_ms + length_ms,
                paid_fen: 10,
            })
            .collect()
    }

    #[test]
    fn a_script_playing_through_the_night_without_a_break_is_seen() {
        // Two-minute games back to back from 22:00 to 08:00 local time.
        let start = MIDNIGHT_CST_MS - 2 * HOUR_MS;
        let history = games(start, 300, 2 * 60_000, 110_000);
        let now = start + 10 * HOUR_MS;
        let time = time_facts(&history, &[], now);
        assert_eq!(time.session_ms, 10 * HOUR_MS);
        // Five night hours, less the 10 s between games.
        assert_eq!(time.night_play_ms, 150 * 110_000);
        let signals = of_player(&PlayerFacts {
            time,
            ..PlayerFacts::default()
        });
        assert_eq!(strength(&signals, SignalKind::SessionLength), 1.0);
        assert_eq!(strength(&signals, SignalKind::NightPlay), 1.0);
    }

    #[test]
    fn an_evening_with_breaks_is_unremarkable() {
        // 19:00-21:00 and 21:30-23:00: a half-hour break between.
        let evening = MIDNIGHT_CST_MS + 19 * HOUR_MS;
        let mut history = games(evening, 40, 3 * 60_000, 150_000);
        history.extend(games(evening + 150 * 60_000, 30, 3 * 60_000, 150_000));
        let now = evening + 4 * HOUR_MS;
        let time = time_facts(&history, &[], now);
        assert_eq!(time.session_ms, 4 * HOUR_MS - 150 * 60_000);
        assert_eq!(time.night_play_ms, 0);
        let signals = of_player(&PlayerFacts {
            time,
            ..PlayerFacts::default()
        });
        for kind in [SignalKind::SessionLength, SignalKind::NightPlay] {
            assert_eq!(strength(&signals, kind), 0.0, "{kind:?}");
        }
    }

    #[test]
    fn earnings_far_above_the_populations_pace_are_judged_against_its_median() {
        // The population: 100 three-minute games paying 5 fen, 100 fen per hour.
        let population = games(0, 100, 200_000, 180_000)
            .into_iter()
            .map(|game| PlayedGame {
                paid_fen: 5,
                ..game
            })
            .collect::<Vec<_>>();
        // One hour of one-minute games paying 15 fen: 900 fen per hour, 9x the median.
        let fast = games(10 * HOUR_MS, 60, 60_000, 60_000)
            .into_iter()
            .map(|game| PlayedGame {
                paid_fen: 15,
                ..game
            })
            .collect::<Vec<_>>();
        let time = time_facts(&fast, &population, 11 * HOUR_MS);
        assert_eq!(time.population_median_fen_per_hour, 100);
        let velocity = |time| {
            of_player(&PlayerFacts {
                time,
                ..PlayerFacts::default()
            })
            .into_iter()
            .find(|signal| signal.kind == SignalKind::EarningsVelocity)
            .unwrap()
        };
        let signal = velocity(time);
        assert_eq!((signal.strength, signal.measured), (1.0, 9.0));
        // Too small a population: not judged.
        let alone = time_facts(&fast, &population[..10], 11 * HOUR_MS);
        assert_eq!(velocity(alone).strength, 0.0);
    }

    #[test]
    fn a_household_behind_one_address_is_no_farm() {
        let linked = |linked_players| {
            strength(
                &of_player(&PlayerFacts {
                    linked_players,
                    ..PlayerFacts::default()
                }),
                SignalKind::LinkedAccounts,
            )
        };
        assert_eq!(linked(0), 0.0, "no links known");
        assert_eq!(linked(4), 0.0, "a family of four");
        assert_eq!(linked(7), 0.5);
        assert_eq!(linked(17), 1.0, "50 accounts behind three addresses");
    }
}

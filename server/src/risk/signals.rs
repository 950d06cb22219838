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
    /// Match-3 only: moves equal to the greedy bot's choice on the same board, of all moves.
    pub greedy_agreement: Option<GreedyAgreement>,
}

/// How often a game's moves were the greedy bot's, tallied during the verifier's replay.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GreedyAgreement {
    pub agreeing: u32,
    pub moves: u32,
}

impl GreedyAgreement {
    /// Called with the game just before each input is applied (`replay_inspected`).
    pub fn inspect(&mut self, game: &game_core::Game, input: &game_core::Input) {
        use playproof_bots::Bot;
        if game.match3().is_none() {
            return;
        }
        // The greedy bot uses no randomness; the generator only satisfies its signature.
        let mut unused = game_core::Pcg32::new(0, 0);
        self.moves += 1;
        if playproof_bots::match3::GreedyBot.choose(game, &mut unused) == Some(input.action) {
            self.agreeing += 1;
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
}

impl SignalKind {
    pub const ALL: [SignalKind; 8] = [
        SignalKind::ReactionFloor,
        SignalKind::TimingRegularity,
        SignalKind::QuantisedPacing,
        SignalKind::SlowMotion,
        SignalKind::Abandonment,
        SignalKind::PlatformRisk,
        SignalKind::GreedyAgreement,
        SignalKind::LinkedAccounts,
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

/// The signals of one game.
pub fn of_play(facts: &PlayFacts) -> Vec<Signal> {
    let reactions_ms: Vec<f64> = facts
        .reaction_ticks
        .iter()
        .map(|&ticks| f64::from(ticks) * TICK_MS)
        .collect();
    vec![
        reaction_floor(&reactions_ms),
        timing_regularity(&reactions_ms),
        quantised_pacing(&facts.reaction_ticks),
        slow_motion(facts),
        greedy_agreement(facts.greedy_agreement),
    ]
}

/// Share of match-3 moves that were the greedy bot's choice.
fn greedy_agreement(tally: Option<GreedyAgreement>) -> Signal {
    let kind = SignalKind::GreedyAgreement;
    let Some(GreedyAgreement { agreeing, moves }) = tally else {
        return Signal::new(kind, 0.0, 0.0, "not a match-3 game".into());
    };
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
        ramp(share, GREEDY_AGREEMENT_HUMAN, GREEDY_AGREEMENT_SCRIPTED),
        share,
        format!(
            "{agreeing} of {moves} moves were exactly the greedy bot's choice ({:.0}%)",
            share * 100.0
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
    ]
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
            greedy_agreement: None,
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
        game.greedy_agreement = Some(GreedyAgreement {
            agreeing: 12,
            moves: 12,
        });
        assert_eq!(strength_at(&game), 1.0);
        game.greedy_agreement = Some(GreedyAgreement {
            agreeing: 7,
            moves: 12,
        });
        assert_eq!(strength_at(&game), 0.0);
        game.greedy_agreement = Some(GreedyAgreement {
            agreeing: 5,
            moves: 5,
        });
        assert_eq!(strength_at(&game), 0.0, "too few moves to judge");
    }

    /// The tally the verifier keeps during its replay, on real recordings.
    fn tally(bot: &mut dyn playproof_bots::Bot) -> GreedyAgreement {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../assets/levels/match3/m3-10-gauntlet.json"
        );
        let level = game_core::Level::from_json(&std::fs::read(path).unwrap()).unwrap();
        let pacing = playproof_bots::Pacing::HUMAN;
        let recording = playproof_bots::play(&level, 11, bot, pacing, 5, 36_000).unwrap();
        let mut agreement = GreedyAgreement::default();
        game_core::replay_inspected(&level, 11, &recording.inputs, |game, input| {
            agreement.inspect(game, input)
        })
        .unwrap();
        assert_eq!(agreement.moves as usize, recording.inputs.len());
        agreement
    }

    #[test]
    fn the_replay_tally_counts_the_greedy_bots_moves_as_its_own() {
        let greedy = tally(&mut playproof_bots::match3::GreedyBot);
        assert!(greedy.moves >= 8, "{greedy:?}");
        assert_eq!(greedy.agreeing, greedy.moves);
        let random = tally(&mut playproof_bots::match3::RandomBot);
        assert!(random.agreeing < random.moves / 2, "{random:?}");
    }

    #[test]
    fn a_seed_shopper_abandons_most_tickets() {
        let shopper = PlayerFacts {
            games_played: 2,
            games_abandoned: 8,
            platform_risk_rank: 0,
            linked_players: 1,
        };
        assert_eq!(strength(&of_player(&shopper), SignalKind::Abandonment), 1.0);
        let quitter = PlayerFacts {
            games_played: 8,
            games_abandoned: 2,
            platform_risk_rank: 0,
            linked_players: 1,
        };
        assert_eq!(strength(&of_player(&quitter), SignalKind::Abandonment), 0.0);
        let new = PlayerFacts {
            games_played: 0,
            games_abandoned: 3,
            platform_risk_rank: 4,
            linked_players: 1,
        };
        assert_eq!(strength(&of_player(&new), SignalKind::Abandonment), 0.0);
        assert_eq!(strength(&of_player(&new), SignalKind::PlatformRisk), 1.0);
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

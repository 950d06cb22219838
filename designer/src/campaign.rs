//! A sponsor campaign simulated day by day from tuned games: players play the levels, each
//! play is one of the bot games tuning recorded (drawn by a seeded RNG), a paying play gets its
//! base payout plus the campaign's boost while the campaign's budget lasts (as the service pays
//! them). Says when the budget runs out and what the campaign pays per player.

use game_core::Pcg32;
use serde::Serialize;

use crate::tune::{ScoredGame, TuneReport};

/// Longest campaign simulated, in days.
pub const CAMPAIGN_DAYS_MAX: u32 = 3_650;

#[derive(Clone, Copy, Debug)]
pub struct CampaignConfig {
    /// The campaign's budget, spent on boosts.
    pub budget_fen: i64,
    /// Boost added to every paying play while the budget lasts.
    pub boost_fen: i64,
    pub plays_per_day: u32,
    /// Distinct players sharing those plays.
    pub players: u32,
    pub days: u32,
    /// Which bot of each level's ladder stands for the players (0 = the weakest).
    pub bot_index: usize,
    pub seed: u64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CampaignDay {
    pub day: u32,
    pub plays: u32,
    pub paying_plays: u32,
    pub base_fen: i64,
    pub boost_fen: i64,
    pub budget_left_fen: i64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CampaignReport {
    pub days: Vec<CampaignDay>,
    /// The first day on which the budget could not pay every boost; `None` if it lasted.
    pub budget_runs_out_on_day: Option<u32>,
    pub base_fen: i64,
    pub boost_fen: i64,
    /// (base + boost) / players, over the whole simulation.
    pub paid_per_player_fen: f64,
    /// (base + boost) / plays.
    pub paid_per_play_fen: f64,
}

/// Simulates the campaign over every level of `report` (plays spread uniformly over them).
pub fn simulate(report: &TuneReport, config: CampaignConfig) -> CampaignReport {
    let pools: Vec<&[ScoredGame]> = report
        .levels
        .iter()
        .filter_map(|level| {
            let bot = level
                .bots
                .get(config.bot_index.min(level.bots.len().saturating_sub(1)))?;
            Some(bot.games_played.as_slice()).filter(|games| !games.is_empty())
        })
        .collect();
    let mut rng = Pcg32::new(config.seed, 0xca4a);
    let mut budget_left_fen = config.budget_fen;
    let mut days = Vec::new();
    let mut runs_out = None;
    for day in 1..=config.days.min(CAMPAIGN_DAYS_MAX) {
        let mut today = CampaignDay {
            day,
            plays: 0,
            paying_plays: 0,
            base_fen: 0,
            boost_fen: 0,
            budget_left_fen,
        };
        for _ in 0..config.plays_per_day {
            let Some(pool) = pick(&mut rng, &pools) else {
                break;
            };
            let game = *pick(&mut rng, pool).expect("pools are not empty");
            today.plays += 1;
            if game.payout_fen <= 0 {
                continue;
            }
            today.paying_plays += 1;
            today.base_fen += game.payout_fen;
            if budget_left_fen >= config.boost_fen {
                budget_left_fen -= config.boost_fen;
                today.boost_fen += config.boost_fen;
            } else if runs_out.is_none() && config.boost_fen > 0 {
                runs_out = Some(day);
            }
        }
        today.budget_left_fen = budget_left_fen;
        days.push(today);
    }
    let base_fen: i64 = days.iter().map(|day| day.base_fen).sum();
    let boost_fen: i64 = days.iter().map(|day| day.boost_fen).sum();
    let plays: u64 = days.iter().map(|day| u64::from(day.plays)).sum();
    let paid = (base_fen + boost_fen) as f64;
    CampaignReport {
        days,
        budget_runs_out_on_day: runs_out,
        base_fen,
        boost_fen,
        paid_per_player_fen: paid / f64::from(config.players.max(1)),
        paid_per_play_fen: paid / (plays.max(1) as f64),
    }
}

fn pick<'a, T>(rng: &mut Pcg32, items: &'a [T]) -> Option<&'a T> {
    let last = u32::try_from(items.len().checked_sub(1)?).ok()?;
    items.get(rng.between(0, last) as usize)
}

/// The simulation as a few lines: the run-out day, totals, and a weekly budget line.
pub fn summary(report: &CampaignReport, config: &CampaignConfig) -> String {
    let mut text = format!(
        "campaign: budget {} fen, boost {} fen per paying play, {} plays/day by {} players, {} days (seed {})\n",
        config.budget_fen, config.boost_fen, config.plays_per_day, config.players, config.days, config.seed
    );
    text += &match report.budget_runs_out_on_day {
        Some(day) => format!("budget runs out on day {day}: boosts stop from then on\n"),
        None => format!(
            "budget lasts: {} fen left after {} days\n",
            report
                .days
                .last()
                .map_or(config.budget_fen, |day| day.budget_left_fen),
            report.days.len()
        ),
    };
    text += &format!(
        "paid: {} fen base + {} fen boost = {:.2} fen per play, {:.2} fen per player\n",
        report.base_fen, report.boost_fen, report.paid_per_play_fen, report.paid_per_player_fen
    );
    for day in report
        .days
        .iter()
        .filter(|day| day.day % 7 == 1 || day.day as usize == report.days.len())
    {
        text += &format!(
            "  day {:>4}: {} plays, {} paying, {} base + {} boost fen, {} fen left\n",
            day.day, day.plays, day.paying_plays, day.base_fen, day.boost_fen, day.budget_left_fen
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tune::{BotReport, Difficulty, LevelReport};

    fn report(payouts: &[i64]) -> TuneReport {
        let games: Vec<ScoredGame> = payouts
            .iter()
            .map(|&payout_fen| ScoredGame {
                score: 0,
                passed: payout_fen > 0,
                payout_fen,
            })
            .collect();
        let bot = BotReport {
            bot: "greedy".into(),
            games: games.len() as u32,
            passed: 0,
            pass_rate: 0.0,
            pass_rate_low: 0.0,
            pass_rate_high: 0.0,
            attempts_per_success: None,
            score_p10: 0,
            score_p50: 0,
            score_p90: 0,
            stars: [0; 4],
            moves_mean: 0.0,
            payout_mean_fen: 0.0,
            payout_standard_error_fen: 0.0,
            loss_payout_mean_fen: 0.0,
            games_played: games,
        };
        TuneReport {
            seed: 1,
            games_per_bot: payouts.len() as u32,
            levels: vec![LevelReport {
                path: "l.json".into(),
                level_id: "l".into(),
                mode: "match3",
                difficulty: Difficulty::Easy,
                payout_budget_per_play_fen: None,
                pays_on_loss: false,
                star_thresholds: vec![],
                fastest_pace: bot.clone(),
                fastest_pace_is_tuning_pace: true,
                fastest_pace_words: String::new(),
                bots: vec![bot],
                ladder_notes: vec![],
                unreached_stars: vec![],
                rare_stars: vec![],
            }],
            elapsed: std::time::Duration::ZERO,
            threads: 1,
            throughput: vec![],
        }
    }

    #[test]
    fn the_budget_runs_out_on_the_day_boosts_exceed_it() {
        // Every play pays 5 base; a boost of 10 per play, 10 plays a day: 100 fen a day from a
        // budget of 250 lasts two days and runs out on the third.
        let config = CampaignConfig {
            budget_fen: 250,
            boost_fen: 10,
            plays_per_day: 10,
            players: 4,
            days: 5,
            bot_index: 0,
            seed: 3,
        };
        let simulated = simulate(&report(&[5, 5, 5]), config);
        assert_eq!(simulated.budget_runs_out_on_day, Some(3));
        assert_eq!(simulated.boost_fen, 250);
        assert_eq!(simulated.base_fen, 5 * 50);
        assert_eq!(simulated.paid_per_player_fen, 500.0 / 4.0);
        assert_eq!(simulated.days[4].budget_left_fen, 0);
    }

    #[test]
    fn plays_that_pay_nothing_get_no_boost() {
        let config = CampaignConfig {
            budget_fen: 1_000,
            boost_fen: 10,
            plays_per_day: 20,
            players: 1,
            days: 3,
            bot_index: 0,
            seed: 3,
        };
        let simulated = simulate(&report(&[0]), config);
        assert_eq!(simulated.budget_runs_out_on_day, None);
        assert_eq!((simulated.base_fen, simulated.boost_fen), (0, 0));
        assert_eq!(simulated.days.len(), 3);
    }
}

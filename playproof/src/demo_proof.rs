//! `playproof demo-proof`: issue a ticket, let a bot play the level, sign the proof. For trying
//! the verifier out; a real client gets its ticket from the backend before it plays.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use game_core::{Level, RULES_VERSION, SESSION_TICKS_MAX, TICK_HZ};
use playproof_bots::{play, standard_bot, Pacing};
use playproof_proof::{level_hash, ProofBody, SessionId, SessionKey, TicketBody};

use crate::keys::KeyFile;
use crate::output::outln;

#[derive(clap::Args)]
pub struct Args {
    /// Server key ring (from `playproof keys new`); its issuing key signs the ticket.
    #[arg(long)]
    keys: PathBuf,
    /// Level file to play.
    #[arg(long)]
    level: PathBuf,
    /// Where to write the proof.
    #[arg(long)]
    out: PathBuf,
    /// Game seed; random when absent (and printed either way).
    #[arg(long)]
    seed: Option<u64>,
    /// Seed of the bot's own choices; defaults to the game seed.
    #[arg(long)]
    bot_seed: Option<u64>,
    #[arg(long, default_value = "demo-player")]
    player: String,
    /// Leave the checkpoint hashes out of the proof.
    #[arg(long)]
    no_checkpoints: bool,
    /// Minutes the ticket stays valid after it is issued.
    #[arg(long, default_value_t = 60)]
    ttl_minutes: u64,
}

pub fn run(args: Args) -> Result<()> {
    let key_file = KeyFile::load(&args.keys)?;
    let server = key_file.ring(&args.keys)?.signing_key;
    let level_bytes =
        std::fs::read(&args.level).with_context(|| format!("reading {}", args.level.display()))?;
    let level = Level::from_json(&level_bytes)
        .with_context(|| format!("{}: invalid level", args.level.display()))?;

    let seed = match args.seed {
        Some(seed) => seed,
        None => getrandom::u64().context("drawing a random seed")?,
    };
    let bot_seed = args.bot_seed.unwrap_or(seed);
    let recording = play(
        &level,
        seed,
        standard_bot(&level).as_mut(),
        Pacing::HUMAN,
        bot_seed,
        SESSION_TICKS_MAX,
    )
    .with_context(|| {
        format!(
            "{}: the bot's session does not replay",
            args.level.display()
        )
    })?;
    let outcome = &recording.outcome;

    // The bot plays in a blink; date the ticket back by the game's length (plus a second) so
    // the proof passes the real-time check when verified right away.
    let now_ms = unix_ms()?;
    let game_ms = u64::from(outcome.ticks) * 1000 / u64::from(TICK_HZ);
    let issued_at_ms = now_ms.saturating_sub(game_ms + 1_000);
    let session_key = SessionKey::generate().context("generating a session key")?;
    let mut session_id = [0u8; 16];
    getrandom::fill(&mut session_id).context("drawing a session id")?;
    let ticket_body = TicketBody {
        session_id: SessionId(session_id),
        player_id: args.player.clone(),
        level_id: level.id.clone(),
        level_hash: level_hash(&level_bytes),
        seed,
        rules_version: RULES_VERSION,
        issued_at_ms,
        expires_at_ms: now_ms + args.ttl_minutes * 60_000,
        session_public_key: session_key.public_key(),
    };
    let ticket = server
        .issue_ticket(&ticket_body)
        .context("encoding the ticket")?;
    let body = ProofBody::from_replay(
        ticket,
        recording.inputs.clone(),
        outcome,
        !args.no_checkpoints,
    );
    let proof = session_key
        .sign_proof(&body)
        .context("encoding the proof")?;
    std::fs::write(&args.out, &proof).with_context(|| format!("writing {}", args.out.display()))?;
    outln!(
        "wrote {} ({} bytes): level {}, seed {seed}, bot seed {bot_seed}, session {}, \
         {} inputs, score {}, {} ticks, key {}",
        args.out.display(),
        proof.len(),
        level.id,
        ticket_body.session_id,
        recording.inputs.len(),
        outcome.score,
        outcome.ticks,
        server.id(),
    )?;
    Ok(())
}

pub fn unix_ms() -> Result<u64> {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .context("the system clock is before 1970")?;
    Ok(since.as_millis() as u64)
}

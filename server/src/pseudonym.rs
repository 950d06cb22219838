//! Public names for players: a stable pseudonym per player, never a platform id.
//!
//! A player id such as `wx-<openid>` identifies a person to the platform and to anyone who
//! shares data with it; public views (the leaderboard) show `Adjective Animal #NNNN` instead,
//! derived with HMAC-SHA256 under a key only the server holds. The same player gets the same
//! name on every level and every instance that shares the key; without the key, a name cannot
//! be linked back to an id (and ids cannot be tested against names).

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Domain separation: the pseudonym key is derived from the login-token secret under this
/// label, so the two uses never share a key.
const KEY_LABEL: &[u8] = b"playproof pseudonym key v1";

/// 32 adjectives and 32 animals (5 bits each) and a 4-digit number (~13.3 bits): 10,240,000
/// names, so two players among the top 100 of a board share one with odds about 1 in 2,000.
const ADJECTIVES: [&str; 32] = [
    "Amber", "Brave", "Bright", "Calm", "Clever", "Cosmic", "Crimson", "Daring", "Eager", "Fancy",
    "Gentle", "Golden", "Happy", "Jolly", "Kind", "Lively", "Lucky", "Merry", "Mighty", "Nimble",
    "Noble", "Proud", "Quick", "Quiet", "Rapid", "Shiny", "Silver", "Sunny", "Swift", "Tidy",
    "Witty", "Zesty",
];
const ANIMALS: [&str; 32] = [
    "Badger", "Bear", "Crane", "Deer", "Dolphin", "Eagle", "Falcon", "Fox", "Gecko", "Heron",
    "Koala", "Lark", "Lemur", "Lion", "Lynx", "Magpie", "Moose", "Otter", "Owl", "Panda", "Parrot",
    "Puffin", "Rabbit", "Raven", "Robin", "Seal", "Sparrow", "Swan", "Tiger", "Turtle", "Whale",
    "Yak",
];
const NUMBER_MODULUS: u32 = 10_000;

/// Turns player ids into public names under one secret key.
#[derive(Clone)]
pub struct Pseudonyms {
    key: [u8; 32],
}

impl std::fmt::Debug for Pseudonyms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pseudonyms").finish_non_exhaustive()
    }
}

impl Pseudonyms {
    /// Pseudonyms keyed by a key derived from `secret` (the login-token secret).
    pub fn new(secret: &[u8; 32]) -> Self {
        let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
        mac.update(KEY_LABEL);
        Pseudonyms {
            key: mac.finalize().into_bytes().into(),
        }
    }

    /// The public name of `player_id`, e.g. `Swift Otter #0427`.
    pub fn name(&self, player_id: &str) -> String {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(player_id.as_bytes());
        let tag = mac.finalize().into_bytes();
        let adjective = ADJECTIVES[usize::from(tag[0] & 31)];
        let animal = ANIMALS[usize::from(tag[1] & 31)];
        let number = u32::from_le_bytes([tag[2], tag[3], tag[4], tag[5]]) % NUMBER_MODULUS;
        format!("{adjective} {animal} #{number:04}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_stable_per_player_and_key_and_shows_nothing_of_the_id() {
        let names = Pseudonyms::new(&[7; 32]);
        let alice = names.name("wx-oAbCdEf123");
        assert_eq!(alice, names.name("wx-oAbCdEf123"));
        assert_ne!(alice, names.name("wx-oAbCdEf124"));
        assert!(
            !alice.contains("wx") && !alice.contains("AbCdEf"),
            "{alice}"
        );
        let (words, number) = alice.split_once(" #").unwrap();
        assert_eq!(words.split(' ').count(), 2, "{alice}");
        assert_eq!(number.len(), 4, "{alice}");
        assert!(number.bytes().all(|b| b.is_ascii_digit()), "{alice}");
        // Another key (another deployment) gives unlinkable names.
        let other = Pseudonyms::new(&[8; 32]);
        assert_ne!(other.name("wx-oAbCdEf123"), alice);
    }
}

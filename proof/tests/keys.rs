//! Keys: where session keys come from, and what a key ring accepts.

use playproof_proof::{KeyError, KeyId, KeyStatus, Keyring, ServerKey, SessionKey};

#[test]
fn a_session_key_from_the_same_entropy_is_the_same_key() {
    let entropy = [0x42; 32];
    assert_eq!(
        SessionKey::from_entropy(entropy).public_key(),
        SessionKey::from_entropy(entropy).public_key()
    );
    assert_ne!(
        SessionKey::from_entropy(entropy).public_key(),
        SessionKey::from_entropy([0x43; 32]).public_key()
    );
}

#[test]
fn generated_keys_differ_from_each_other() {
    let first = SessionKey::generate().expect("system randomness");
    let second = SessionKey::generate().expect("system randomness");
    assert_ne!(first.public_key(), second.public_key());
    let server = ServerKey::generate(KeyId(1)).expect("system randomness");
    assert_eq!(
        ServerKey::from_secret(KeyId(1), server.secret()).public_key(),
        server.public_key()
    );
}

#[test]
fn debug_output_never_shows_a_secret() {
    let server = ServerKey::from_secret(KeyId(1), [0x5e; 32]);
    let text = format!("{server:?} {:?}", SessionKey::from_entropy([0x5e; 32]));
    assert!(!text.contains("94, 94, 94"), "{text}");
    assert!(!text.contains("5e5e5e"), "{text}");
}

#[test]
fn a_key_ring_refuses_reused_ids_invalid_points_and_small_order_keys() {
    let key = ServerKey::from_secret(KeyId(1), [1; 32]);
    let mut keyring = Keyring::new();
    keyring
        .add(KeyId(1), key.public_key(), KeyStatus::Active)
        .unwrap();
    assert_eq!(
        keyring.add(KeyId(1), key.public_key(), KeyStatus::Active),
        Err(KeyError::DuplicateKeyId { id: KeyId(1) })
    );
    let mut not_a_point = [0u8; 32];
    not_a_point[0] = 2;
    assert_eq!(
        keyring.add(KeyId(2), not_a_point, KeyStatus::Active),
        Err(KeyError::InvalidPublicKey { id: KeyId(2) })
    );
    // The identity point (y = 1) has order 1: every signature would "verify" loosely.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert_eq!(
        keyring.add(KeyId(3), identity, KeyStatus::Active),
        Err(KeyError::WeakPublicKey { id: KeyId(3) })
    );
}

#[test]
fn retiring_a_key_keeps_it_known_as_retired() {
    let key = ServerKey::from_secret(KeyId(5), [1; 32]);
    let mut keyring = Keyring::new();
    keyring
        .add(key.id(), key.public_key(), KeyStatus::Active)
        .unwrap();
    assert_eq!(keyring.status(KeyId(5)), Some(KeyStatus::Active));
    assert!(keyring.retire(KeyId(5)));
    assert_eq!(keyring.status(KeyId(5)), Some(KeyStatus::Retired));
    assert_eq!(keyring.status(KeyId(6)), None);
    assert!(!keyring.retire(KeyId(6)));
}

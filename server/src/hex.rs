//! Lowercase hex, for ids, tickets and secrets in JSON and headers.

pub fn encode(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// `None` unless `text` is an even number of hex digits.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|index| u8::from_str_radix(&text[index..index + 2], 16).ok())
        .collect()
}

/// Like [`decode`], but only lowercase digits: where a value has one canonical spelling.
pub fn decode_lowercase(text: &str) -> Option<Vec<u8>> {
    if text.bytes().any(|byte| byte.is_ascii_uppercase()) {
        return None;
    }
    decode(text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trips_and_refuses_non_hex() {
        assert_eq!(super::encode(&[0, 0xab, 0x7f]), "00ab7f");
        assert_eq!(super::decode("00ab7f"), Some(vec![0, 0xab, 0x7f]));
        for bad in ["0", "zz", "é1", "+1"] {
            assert_eq!(super::decode(bad), None, "{bad:?}");
        }
        assert_eq!(super::decode_lowercase("00AB"), None);
        assert_eq!(super::decode_lowercase("00ab"), Some(vec![0, 0xab]));
    }
}

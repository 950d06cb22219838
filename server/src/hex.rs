//! Lowercase hex, for ids, tickets and secrets in JSON and headers.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Two digits a byte, into one allocation: a kept proof (about 1.5 KB) is encoded in every
/// verdict's transaction, and a `format!` a byte showed in the service's profile.
pub fn encode(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
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
        assert_eq!(super::encode(&[0, 0xab, 0x7f, 0xf0, 0x09]), "00ab7ff009");
        let every_byte: Vec<u8> = (0..=255).collect();
        assert_eq!(super::decode(&super::encode(&every_byte)), Some(every_byte));
        assert_eq!(super::decode("00ab7f"), Some(vec![0, 0xab, 0x7f]));
        for bad in ["0", "zz", "é1", "+1"] {
            assert_eq!(super::decode(bad), None, "{bad:?}");
        }
        assert_eq!(super::decode_lowercase("00AB"), None);
        assert_eq!(super::decode_lowercase("00ab"), Some(vec![0, 0xab]));
    }
}

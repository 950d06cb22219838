//! Reading a rail's keys at start-up: every problem names the rail, the option, the file and the
//! reason, and a private key readable by others is refused (as `secrets.rs` refuses key rings).

use std::path::Path;

use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};

use super::{RailConfigError, RailKind};

/// Both providers sign with RSA-2048 (`WECHATPAY2-SHA256-RSA2048`, Alipay's RSA2); a shorter key
/// is a misconfiguration, and a much longer one is not what either issues.
pub const RSA_BITS: usize = 2048;

/// Largest key file read, in bytes: a 2048-bit PEM key is under 2 KiB, a certificate chain a few.
const KEY_FILE_BYTES_MAX: u64 = 16 * 1024;

fn read_text(
    rail: RailKind,
    field: &'static str,
    path: &Path,
    private: bool,
) -> Result<String, RailConfigError> {
    let read = |source| RailConfigError::Read {
        rail,
        field,
        path: path.to_path_buf(),
        source,
    };
    let metadata = std::fs::metadata(path).map_err(read)?;
    if private {
        check_private(rail, field, path, &metadata)?;
    }
    if metadata.len() > KEY_FILE_BYTES_MAX {
        return Err(RailConfigError::BadKey {
            rail,
            field,
            path: path.to_path_buf(),
            reason: format!(
                "{} bytes, more than a key file ({KEY_FILE_BYTES_MAX})",
                metadata.len()
            ),
        });
    }
    std::fs::read_to_string(path).map_err(read)
}

#[cfg(unix)]
fn check_private(
    rail: RailKind,
    field: &'static str,
    path: &Path,
    metadata: &std::fs::Metadata,
) -> Result<(), RailConfigError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(RailConfigError::Exposed {
            rail,
            field,
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(
    _rail: RailKind,
    _field: &'static str,
    _path: &Path,
    _metadata: &std::fs::Metadata,
) -> Result<(), RailConfigError> {
    Ok(())
}

fn check_bits(
    rail: RailKind,
    field: &'static str,
    path: &Path,
    bits: usize,
) -> Result<(), RailConfigError> {
    if bits != RSA_BITS {
        return Err(RailConfigError::BadKey {
            rail,
            field,
            path: path.to_path_buf(),
            reason: format!("an RSA key of {bits} bits; the provider uses {RSA_BITS}"),
        });
    }
    Ok(())
}

/// An RSA private key from a PEM file (PKCS#8 `PRIVATE KEY`, as WeChat Pay's `apiclient_key.pem`,
/// or PKCS#1 `RSA PRIVATE KEY`, as Alipay's key tool may write), which must be mode 0600.
pub fn private_key(
    rail: RailKind,
    field: &'static str,
    path: &Path,
) -> Result<RsaPrivateKey, RailConfigError> {
    let text = read_text(rail, field, path, true)?;
    let key = RsaPrivateKey::from_pkcs8_pem(&text)
        .or_else(|_| RsaPrivateKey::from_pkcs1_pem(&text))
        .map_err(|error| RailConfigError::BadKey {
            rail,
            field,
            path: path.to_path_buf(),
            reason: format!("not a PEM RSA private key (PKCS#8 or PKCS#1): {error}"),
        })?;
    check_bits(rail, field, path, key.size() * 8)?;
    Ok(key)
}

/// An RSA public key from a PEM file (`PUBLIC KEY` or `RSA PUBLIC KEY`).
pub fn public_key(
    rail: RailKind,
    field: &'static str,
    path: &Path,
) -> Result<RsaPublicKey, RailConfigError> {
    let text = read_text(rail, field, path, false)?;
    let key = RsaPublicKey::from_public_key_pem(&text)
        .or_else(|_| RsaPublicKey::from_pkcs1_pem(&text))
        .map_err(|error| RailConfigError::BadKey {
            rail,
            field,
            path: path.to_path_buf(),
            reason: format!("not a PEM RSA public key: {error}"),
        })?;
    check_bits(rail, field, path, key.size() * 8)?;
    Ok(key)
}

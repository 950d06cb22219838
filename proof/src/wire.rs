//! Byte-level primitives shared by the ticket and proof codecs: fixed-width little-endian
//! integers and canonical LEB128 `u32` lengths. The input log has its own codec in game-core.

use alloc::vec::Vec;

use crate::error::{DecodeError, Part};

/// Longest LEB128 encoding of a `u32`.
const VARINT_U32_BYTES_MAX: usize = 5;

pub(crate) fn put_varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// A bounds-checked cursor over untrusted bytes. Every read names the field it reads so an error
/// says where the bytes went wrong.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
    part: Part,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8], part: Part) -> Self {
        Reader {
            bytes,
            offset: 0,
            part,
        }
    }

    pub(crate) fn offset(&self) -> usize {
        self.offset
    }

    pub(crate) fn rest(&self) -> &'a [u8] {
        &self.bytes[self.offset..]
    }

    pub(crate) fn skip(&mut self, count: usize) {
        debug_assert!(count <= self.bytes.len() - self.offset);
        self.offset += count;
    }

    pub(crate) fn take(
        &mut self,
        count: usize,
        field: &'static str,
    ) -> Result<&'a [u8], DecodeError> {
        let end = self
            .offset
            .checked_add(count)
            .filter(|&end| end <= self.bytes.len());
        let Some(end) = end else {
            return Err(DecodeError::Truncated {
                part: self.part,
                field,
            });
        };
        let slice = &self.bytes[self.offset..end];
        self.offset = end;
        Ok(slice)
    }

    pub(crate) fn array<const N: usize>(
        &mut self,
        field: &'static str,
    ) -> Result<[u8; N], DecodeError> {
        let slice = self.take(N, field)?;
        let mut array = [0u8; N];
        array.copy_from_slice(slice);
        Ok(array)
    }

    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8, DecodeError> {
        Ok(self.array::<1>(field)?[0])
    }

    pub(crate) fn u16(&mut self, field: &'static str) -> Result<u16, DecodeError> {
        Ok(u16::from_le_bytes(self.array(field)?))
    }

    pub(crate) fn u32(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.array(field)?))
    }

    pub(crate) fn u64(&mut self, field: &'static str) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.array(field)?))
    }

    /// Reads a canonical LEB128 `u32`: no padding (a final `0x00` after the first byte) and no
    /// bits beyond 32.
    pub(crate) fn varint(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        let overlong = DecodeError::OverlongInteger {
            part: self.part,
            field,
        };
        let mut value = 0u32;
        for position in 0..VARINT_U32_BYTES_MAX {
            let byte = self.u8(field)?;
            let payload = u32::from(byte & 0x7f);
            if position == VARINT_U32_BYTES_MAX - 1 && payload > 0x0f {
                return Err(overlong);
            }
            value |= payload << (7 * position);
            if byte & 0x80 == 0 {
                if position > 0 && byte == 0 {
                    return Err(overlong);
                }
                return Ok(value);
            }
        }
        Err(overlong)
    }

    /// Reads a LEB128 length and checks it against `min..=max` before anything is taken.
    pub(crate) fn length(
        &mut self,
        field: &'static str,
        min: usize,
        max: usize,
    ) -> Result<usize, DecodeError> {
        let length = self.varint(field)? as usize;
        if length < min || length > max {
            return Err(DecodeError::OutOfBounds {
                part: self.part,
                field,
                value: length as u64,
                min: min as u64,
                max: max as u64,
            });
        }
        Ok(length)
    }

    /// Fails with [`DecodeError::TrailingBytes`] unless every byte has been read.
    pub(crate) fn finish(&self) -> Result<(), DecodeError> {
        let count = self.bytes.len() - self.offset;
        if count > 0 {
            return Err(DecodeError::TrailingBytes {
                part: self.part,
                count,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<u32, DecodeError> {
        Reader::new(bytes, Part::Proof).varint("n")
    }

    #[test]
    fn varints_round_trip_at_every_width() {
        for value in [0, 1, 127, 128, 16_383, 16_384, u32::MAX] {
            let mut bytes = Vec::new();
            put_varint(&mut bytes, value);
            assert_eq!(read(&bytes), Ok(value));
        }
    }

    #[test]
    fn padded_and_overflowing_varints_are_overlong() {
        let overlong = Err(DecodeError::OverlongInteger {
            part: Part::Proof,
            field: "n",
        });
        assert_eq!(read(&[0x81, 0x00]), overlong);
        assert_eq!(read(&[0xff, 0xff, 0xff, 0xff, 0x1f]), overlong);
        assert_eq!(read(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), overlong);
    }
}

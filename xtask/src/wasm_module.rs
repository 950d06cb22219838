//! Just enough of the wasm binary format to post-process and inspect the mini-game artifact:
//! walk the sections, drop custom sections, drop exported globals (WeChat on iOS refuses a
//! module that exports one, and the linker always exports `__data_end` and `__heap_base`), and
//! list imports and exports for the checks.

use anyhow::{bail, ensure, Context, Result};

const MAGIC_AND_VERSION: [u8; 8] = [0, b'a', b's', b'm', 1, 0, 0, 0];
const SECTION_CUSTOM: u8 = 0;
const SECTION_IMPORT: u8 = 2;
const SECTION_EXPORT: u8 = 7;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExternKind {
    Function,
    Table,
    Memory,
    Global,
}

impl ExternKind {
    fn from_byte(byte: u8) -> Result<ExternKind> {
        Ok(match byte {
            0 => ExternKind::Function,
            1 => ExternKind::Table,
            2 => ExternKind::Memory,
            3 => ExternKind::Global,
            other => bail!("unknown external kind {other:#x}"),
        })
    }

    fn byte(self) -> u8 {
        match self {
            ExternKind::Function => 0,
            ExternKind::Table => 1,
            ExternKind::Memory => 2,
            ExternKind::Global => 3,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    pub name: String,
    pub kind: ExternKind,
    pub index: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub kind: ExternKind,
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn u8(&mut self) -> Result<u8> {
        let byte = *self
            .bytes
            .get(self.at)
            .context("unexpected end of module")?;
        self.at += 1;
        Ok(byte)
    }

    fn u32(&mut self) -> Result<u32> {
        let mut value = 0u64;
        for shift in (0..35).step_by(7) {
            let byte = self.u8()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return u32::try_from(value).context("LEB128 value exceeds u32");
            }
        }
        bail!("LEB128 value longer than 5 bytes")
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8]> {
        let end = self.at.checked_add(len).context("length overflows")?;
        let slice = self
            .bytes
            .get(self.at..end)
            .context("unexpected end of module")?;
        self.at = end;
        Ok(slice)
    }

    fn name(&mut self) -> Result<String> {
        let len = self.u32()? as usize;
        Ok(String::from_utf8(self.take(len)?.to_vec())?)
    }

    /// Table and memory limits: a flag, the minimum and, with flag bit 0, the maximum.
    fn limits(&mut self) -> Result<()> {
        let flags = self.u8()?;
        self.u32()?;
        if flags & 1 == 1 {
            self.u32()?;
        }
        Ok(())
    }

    fn done(&self) -> bool {
        self.at == self.bytes.len()
    }
}

fn write_u32(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// The sections as `(id, payload)`, in order.
fn sections(module: &[u8]) -> Result<Vec<(u8, &[u8])>> {
    ensure!(
        module.get(..8) == Some(&MAGIC_AND_VERSION[..]),
        "not a version-1 wasm module"
    );
    let mut reader = Reader {
        bytes: module,
        at: 8,
    };
    let mut sections = Vec::new();
    while !reader.done() {
        let id = reader.u8()?;
        let len = reader.u32()? as usize;
        sections.push((id, reader.take(len)?));
    }
    Ok(sections)
}

/// The entries of section `id` (a vector section), each read by `entry`; none without it.
fn entries<T>(
    module: &[u8],
    id: u8,
    mut entry: impl FnMut(&mut Reader) -> Result<T>,
) -> Result<Vec<T>> {
    let Some((_, payload)) = sections(module)?
        .into_iter()
        .find(|(section, _)| *section == id)
    else {
        return Ok(Vec::new());
    };
    let mut reader = Reader {
        bytes: payload,
        at: 0,
    };
    let count = reader.u32()?;
    let entries = (0..count)
        .map(|_| entry(&mut reader))
        .collect::<Result<Vec<T>>>()?;
    ensure!(reader.done(), "trailing bytes in section {id}");
    Ok(entries)
}

pub fn exports(module: &[u8]) -> Result<Vec<Export>> {
    entries(module, SECTION_EXPORT, |reader| {
        let name = reader.name()?;
        let kind = ExternKind::from_byte(reader.u8()?)?;
        let index = reader.u32()?;
        Ok(Export { name, kind, index })
    })
}

pub fn imports(module: &[u8]) -> Result<Vec<Import>> {
    entries(module, SECTION_IMPORT, |reader| {
        let module = reader.name()?;
        let name = reader.name()?;
        let kind = ExternKind::from_byte(reader.u8()?)?;
        // Skip the descriptor: its shape depends on the kind.
        match kind {
            ExternKind::Function => {
                reader.u32()?;
            }
            ExternKind::Table => {
                reader.u8()?;
                reader.limits()?;
            }
            ExternKind::Memory => reader.limits()?,
            ExternKind::Global => {
                reader.take(2)?;
            }
        }
        Ok(Import { module, name, kind })
    })
}

/// The module without custom sections (names, producers, target features) and without
/// exported globals. Nothing else changes: the code is byte for byte what the compiler made.
pub fn strip_for_minigame(module: &[u8]) -> Result<Vec<u8>> {
    let mut out = MAGIC_AND_VERSION.to_vec();
    for (id, payload) in sections(module)? {
        let payload = match id {
            SECTION_CUSTOM => continue,
            SECTION_EXPORT => {
                let kept: Vec<Export> = exports(module)?
                    .into_iter()
                    .filter(|export| export.kind != ExternKind::Global)
                    .collect();
                let mut section = Vec::new();
                write_u32(&mut section, kept.len() as u32);
                for export in &kept {
                    write_u32(&mut section, export.name.len() as u32);
                    section.extend_from_slice(export.name.as_bytes());
                    section.push(export.kind.byte());
                    write_u32(&mut section, export.index);
                }
                section
            }
            _ => payload.to_vec(),
        };
        out.push(id);
        write_u32(&mut out, payload.len() as u32);
        out.extend_from_slice(&payload);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(module (global (export "g") i32 (i32.const 7)) (memory (export "memory") 1)
    ///  (func (export "f")))` plus a custom section named "name".
    fn sample() -> Vec<u8> {
        let mut module = MAGIC_AND_VERSION.to_vec();
        // type section: one type () -> ()
        module.extend_from_slice(&[1, 4, 1, 0x60, 0, 0]);
        // function section: one function of type 0
        module.extend_from_slice(&[3, 2, 1, 0]);
        // memory section: one memory, min 1
        module.extend_from_slice(&[5, 3, 1, 0, 1]);
        // global section: i32 const 7, immutable
        module.extend_from_slice(&[6, 6, 1, 0x7f, 0, 0x41, 7, 0x0b]);
        // export section: "g" global 0, "memory" memory 0, "f" func 0
        let mut exports = vec![3];
        for (name, kind) in [("g", 3u8), ("memory", 2), ("f", 0)] {
            exports.push(name.len() as u8);
            exports.extend_from_slice(name.as_bytes());
            exports.extend_from_slice(&[kind, 0]);
        }
        module.push(7);
        module.push(exports.len() as u8);
        module.extend_from_slice(&exports);
        // code section: one empty body
        module.extend_from_slice(&[10, 4, 1, 2, 0, 0x0b]);
        // custom section "name" with one junk byte
        module.extend_from_slice(&[0, 6, 4, b'n', b'a', b'm', b'e', 9]);
        module
    }

    #[test]
    fn stripping_drops_exported_globals_and_custom_sections_only() {
        let stripped = strip_for_minigame(&sample()).unwrap();
        let names: Vec<(String, ExternKind)> = exports(&stripped)
            .unwrap()
            .into_iter()
            .map(|export| (export.name, export.kind))
            .collect();
        assert_eq!(
            names,
            [
                ("memory".to_string(), ExternKind::Memory),
                ("f".to_string(), ExternKind::Function)
            ]
        );
        let ids: Vec<u8> = sections(&stripped)
            .unwrap()
            .iter()
            .map(|(id, _)| *id)
            .collect();
        assert_eq!(ids, [1, 3, 5, 6, 7, 10]);
        // The global itself stays (the code may use it); only its export goes.
        assert_eq!(
            sections(&stripped).unwrap()[3].1,
            &[1, 0x7f, 0, 0x41, 7, 0x0b]
        );
    }

    #[test]
    fn a_truncated_module_is_an_error_not_a_panic() {
        let module = sample();
        for len in 0..module.len() {
            let _ = strip_for_minigame(&module[..len]);
        }
        assert!(strip_for_minigame(&module[..module.len() - 1]).is_err());
    }
}

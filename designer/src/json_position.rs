//! Finds where a field path (`game.match3.objectives[1].count`) sits in a JSON text, so a
//! problem found after parsing can still be reported at a line and column.
//!
//! A small structural scanner: it walks only as far as the path needs and skips everything else.
//! The text has already been parsed successfully, so it is well-formed; the scanner still never
//! panics on malformed text, it just gives up.

/// A 1-based line and column; the column counts characters, as editors do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Deepest JSON nesting the scanner follows; level files are a handful of levels deep.
const DEPTH_MAX: usize = 64;

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// The position of the value at `path`, or of the deepest enclosing value that exists (a
/// missing field is reported at the object that should hold it). `None` only for an empty
/// or malformed text.
pub fn locate(text: &str, path: &str) -> Option<Position> {
    let segments = parse_path(path);
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        offset: 0,
    };
    let offset = scanner.find(&segments, 0)?;
    Some(position_of(text, offset))
}

fn parse_path(path: &str) -> Vec<Segment<'_>> {
    let mut segments = Vec::new();
    for part in path.split('.').filter(|part| !part.is_empty()) {
        let (key, mut indices) = match part.find('[') {
            Some(bracket) => (&part[..bracket], &part[bracket..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            segments.push(Segment::Key(key));
        }
        while let Some(rest) = indices.strip_prefix('[') {
            let Some(close) = rest.find(']') else { break };
            if let Ok(index) = rest[..close].parse() {
                segments.push(Segment::Index(index));
            }
            indices = &rest[close + 1..];
        }
    }
    segments
}

fn position_of(text: &str, offset: usize) -> Position {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |index| index + 1);
    Position {
        line,
        column: before[line_start..].chars().count() + 1,
    }
}

struct Scanner<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Scanner<'a> {
    /// Returns the offset of the value at `path` (or the deepest existing ancestor), starting at
    /// the value under the cursor.
    fn find(&mut self, path: &[Segment<'_>], depth: usize) -> Option<usize> {
        self.skip_whitespace();
        let start = self.offset;
        let Some((segment, rest)) = path.split_first() else {
            return Some(start);
        };
        if depth >= DEPTH_MAX {
            return Some(start);
        }
        match (self.peek()?, segment) {
            (b'{', Segment::Key(wanted)) => {
                self.offset += 1;
                loop {
                    self.skip_whitespace();
                    match self.peek()? {
                        b'}' => return Some(start),
                        b',' => {
                            self.offset += 1;
                            continue;
                        }
                        _ => {}
                    }
                    let key = self.string()?;
                    self.skip_whitespace();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.offset += 1;
                    if key == wanted.as_bytes() {
                        return self.find(rest, depth + 1);
                    }
                    self.skip_value(depth + 1)?;
                }
            }
            (b'[', Segment::Index(wanted)) => {
                self.offset += 1;
                let mut index = 0;
                loop {
                    self.skip_whitespace();
                    match self.peek()? {
                        b']' => return Some(start),
                        b',' => {
                            self.offset += 1;
                            continue;
                        }
                        _ => {}
                    }
                    if index == *wanted {
                        return self.find(rest, depth + 1);
                    }
                    self.skip_value(depth + 1)?;
                    index += 1;
                }
            }
            // The path goes deeper than the document: report the value that is there.
            _ => Some(start),
        }
    }

    fn skip_value(&mut self, depth: usize) -> Option<()> {
        if depth >= DEPTH_MAX {
            return None;
        }
        self.skip_whitespace();
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                self.offset += 1;
                loop {
                    self.skip_whitespace();
                    match self.peek()? {
                        byte if byte == close => {
                            self.offset += 1;
                            return Some(());
                        }
                        b',' | b':' => self.offset += 1,
                        _ => self.skip_value(depth + 1)?,
                    }
                }
            }
            _ => {
                // Number, true, false, null: runs to the next delimiter.
                let length = self.bytes[self.offset..]
                    .iter()
                    .position(|byte| {
                        matches!(byte, b',' | b'}' | b']') || byte.is_ascii_whitespace()
                    })
                    .unwrap_or(self.bytes.len() - self.offset);
                if length == 0 {
                    return None;
                }
                self.offset += length;
                Some(())
            }
        }
    }

    /// Reads a string's raw bytes (escapes left as they are; level keys have none).
    fn string(&mut self) -> Option<&'a [u8]> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.offset + 1;
        let mut index = start;
        while let Some(&byte) = self.bytes.get(index) {
            match byte {
                b'\\' => index += 2,
                b'"' => {
                    self.offset = index + 1;
                    let bytes: &'a [u8] = self.bytes;
                    return Some(&bytes[start..index]);
                }
                _ => index += 1,
            }
        }
        None
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.offset).copied()
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(|byte| byte.is_ascii_whitespace()) {
            self.offset += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"{
  "id": "m3-01",
  "game": {
    "match3": {
      "objectives": [
        { "score": 100 },
        { "collect": { "color": 7, "count": 10 } }
      ],
      "name": "é \" x"
    }
  }
}"#;

    fn at(line: usize, column: usize) -> Option<Position> {
        Some(Position { line, column })
    }

    #[test]
    fn finds_nested_fields_and_array_elements() {
        assert_eq!(locate(TEXT, "id"), at(2, 9));
        assert_eq!(
            locate(TEXT, "game.match3.objectives[1].collect.color"),
            at(7, 33)
        );
        assert_eq!(locate(TEXT, "game.match3.objectives[0]"), at(6, 9));
    }

    #[test]
    fn a_missing_field_points_at_its_parent() {
        assert_eq!(locate(TEXT, "game.match3.moves"), at(4, 15));
        assert_eq!(locate(TEXT, "game.match3.objectives[5]"), at(5, 21));
    }

    #[test]
    fn gives_up_quietly_on_malformed_text() {
        assert_eq!(locate("{\"a\": [1, 2", "a[3]"), None);
        assert_eq!(locate("", "a"), None);
    }
}

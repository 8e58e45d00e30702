//! Reading an input file as records, a chunk at a time, with bounded memory: a line longer than
//! the record limit is skipped over (its length noted), never held.

use std::io::{BufRead, Read};

/// One input record and its place in the file.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Record {
    /// The line it starts on, from 1.
    pub line: u64,
    /// Its bytes without the line break, or its length when over the limit.
    pub payload: Payload,
}

/// A record's content.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Payload {
    /// The bytes, at most the record limit.
    Bytes(Vec<u8>),
    /// A record over the limit: only its length was kept.
    TooLong(u64),
}

/// Reads records from `R`: one per line (`\n` or `\r\n`), or the whole input as one.
pub(super) struct RecordReader<R> {
    reader: R,
    per_line: bool,
    limit: usize,
    next_line: u64,
    /// Bytes consumed so far, line breaks included (for progress).
    pub bytes_read: u64,
    done: bool,
}

impl<R: BufRead> RecordReader<R> {
    /// Records of at most `limit` bytes, one per line when `per_line`.
    pub fn new(reader: R, per_line: bool, limit: usize) -> RecordReader<R> {
        RecordReader {
            reader,
            per_line,
            limit,
            next_line: 1,
            bytes_read: 0,
            done: false,
        }
    }

    /// Reads past a UTF-8 byte-order mark at the start of the input, which is no part of the
    /// first record (editors on Windows write one).
    pub fn skip_bom(&mut self) -> std::io::Result<()> {
        const BOM: &[u8] = b"\xef\xbb\xbf";
        if self.reader.fill_buf()?.starts_with(BOM) {
            self.reader.consume(BOM.len());
            self.bytes_read += BOM.len() as u64;
        }
        Ok(())
    }

    /// Up to `max_records` records, stopping early once they hold `max_bytes`; empty at the end.
    pub fn chunk(&mut self, max_records: usize, max_bytes: usize) -> std::io::Result<Vec<Record>> {
        let mut records = Vec::new();
        let mut bytes = 0;
        while records.len() < max_records && bytes < max_bytes {
            let Some(record) = self.next_record()? else {
                break;
            };
            if let Payload::Bytes(b) = &record.payload {
                bytes += b.len();
            }
            records.push(record);
        }
        Ok(records)
    }

    /// Reads past `count` records; returns how many there were (fewer at the end of the input).
    pub fn skip(&mut self, count: u64) -> std::io::Result<u64> {
        let mut skipped = 0;
        while skipped < count && self.next_record()?.is_some() {
            skipped += 1;
        }
        Ok(skipped)
    }

    fn next_record(&mut self) -> std::io::Result<Option<Record>> {
        if self.done {
            return Ok(None);
        }
        if !self.per_line {
            self.done = true;
            return self.whole_input();
        }
        let mut bytes = Vec::new();
        let mut length: u64 = 0;
        let mut started = false;
        loop {
            let buffer = match self.reader.fill_buf() {
                Ok(buffer) => buffer,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buffer.is_empty() {
                self.done = true;
                if !started {
                    return Ok(None);
                }
                break;
            }
            started = true;
            let newline = memchr::memchr(b'\n', buffer);
            let take = newline.unwrap_or(buffer.len());
            length += take as u64;
            if length <= self.limit as u64 + 1 {
                // One byte past the limit is kept, in case it is the `\r` of a `\r\n`.
                bytes.extend_from_slice(&buffer[..take]);
            }
            let consumed = take + usize::from(newline.is_some());
            self.reader.consume(consumed);
            self.bytes_read += consumed as u64;
            if newline.is_some() {
                break;
            }
        }
        if bytes.last() == Some(&b'\r') && length <= self.limit as u64 + 1 {
            bytes.pop();
            length -= 1;
        }
        let line = self.next_line;
        self.next_line += 1;
        let payload = if length > self.limit as u64 {
            Payload::TooLong(length)
        } else {
            Payload::Bytes(bytes)
        };
        Ok(Some(Record { line, payload }))
    }

    /// The whole input as one record, or none when it is empty.
    fn whole_input(&mut self) -> std::io::Result<Option<Record>> {
        let mut bytes = Vec::new();
        let read = (&mut self.reader)
            .take(self.limit as u64 + 1)
            .read_to_end(&mut bytes)?;
        self.bytes_read += read as u64;
        if read == 0 {
            return Ok(None);
        }
        let payload = if read > self.limit {
            let rest = std::io::copy(&mut self.reader, &mut std::io::sink())?;
            self.bytes_read += rest;
            Payload::TooLong(read as u64 + rest)
        } else {
            Payload::Bytes(bytes)
        };
        Ok(Some(Record { line: 1, payload }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &[u8], per_line: bool, limit: usize) -> Vec<Record> {
        let mut reader =
            RecordReader::new(std::io::BufReader::with_capacity(4, text), per_line, limit);
        let records = reader.chunk(usize::MAX, usize::MAX).unwrap();
        assert_eq!(reader.bytes_read, text.len() as u64);
        records
    }

    fn bytes(line: u64, text: &str) -> Record {
        Record {
            line,
            payload: Payload::Bytes(text.as_bytes().to_vec()),
        }
    }

    #[test]
    fn lines_with_any_ending() {
        assert_eq!(
            records(b"one\r\ntwo\n\nlast", true, 100),
            [
                bytes(1, "one"),
                bytes(2, "two"),
                bytes(3, ""),
                bytes(4, "last")
            ]
        );
        assert_eq!(records(b"a\n", true, 100), [bytes(1, "a")]);
        assert!(records(b"", true, 100).is_empty());
    }

    #[test]
    fn long_lines_are_measured_not_kept() {
        let text = b"short\nthis line is too long\nok\r\n";
        let got = records(text, true, 5);
        assert_eq!(got[0], bytes(1, "short"));
        assert_eq!(
            got[1],
            Record {
                line: 2,
                payload: Payload::TooLong(21)
            }
        );
        assert_eq!(got[2], bytes(3, "ok"));
        assert_eq!(records(b"12345\r\n", true, 5), [bytes(1, "12345")]);
    }

    #[test]
    fn the_whole_input_as_one_record() {
        assert_eq!(records(b"a\nb\n", false, 10), [bytes(1, "a\nb\n")]);
        assert!(records(b"", false, 10).is_empty());
        assert_eq!(
            records(b"0123456789abc", false, 10)[0].payload,
            Payload::TooLong(13)
        );
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let text = b"\xef\xbb\xbf{\"a\": 1}\n";
        let mut reader = RecordReader::new(&text[..], true, 100);
        reader.skip_bom().unwrap();
        assert_eq!(reader.chunk(9, 99).unwrap(), [bytes(1, "{\"a\": 1}")]);
        assert_eq!(reader.bytes_read, text.len() as u64);
    }

    #[test]
    fn chunks_and_skips() {
        let text = b"a\nb\nc\nd\ne\n";
        let mut reader = RecordReader::new(&text[..], true, 10);
        assert_eq!(reader.skip(2).unwrap(), 2);
        assert_eq!(
            reader.chunk(2, usize::MAX).unwrap(),
            [bytes(3, "c"), bytes(4, "d")]
        );
        assert_eq!(
            reader.chunk(5, 1).unwrap(),
            [bytes(5, "e")],
            "at least one record"
        );
        assert!(reader.chunk(5, usize::MAX).unwrap().is_empty());
        assert_eq!(reader.skip(3).unwrap(), 0);
    }
}

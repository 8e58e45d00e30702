//! SageMaker's `application/x-recordio-protobuf` bodies: RecordIO framing around protobuf
//! `Record` messages (SageMaker's `record.proto`), read as far as topic models need them: the
//! feature tensors of each record, dense or sparse.
//!
//! Framing: each record is a little-endian `u32` magic `0xced7230a`, a `u32` whose low 29 bits
//! are the payload length (the top 3 bits flag multi-part records), the payload, and padding to
//! a multiple of 4 bytes. `Record.features` (field 1) is a map of name → `Value`; a `Value`
//! holds a `Float32Tensor` (2), `Float64Tensor` (3) or `Int32Tensor` (7), each with `values`
//! (1), `keys` (2, sparse indices) and `shape` (3).

use super::RequestError;

const MAGIC: u32 = 0xced7_230a;
const LENGTH_MASK: u32 = (1 << 29) - 1;

/// A feature tensor of one record: dense when `keys` is absent.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Tensor {
    pub values: Vec<f32>,
    pub keys: Option<Vec<u64>>,
    pub shape: Vec<u64>,
}

/// The features of every record in `body`, in order: (name, tensor) pairs.
pub(super) fn read(body: &[u8]) -> Result<Vec<Vec<(String, Tensor)>>, RequestError> {
    let mut records = Vec::new();
    let mut offset = 0;
    while offset < body.len() {
        let index = records.len();
        let bad = |what: String| {
            RequestError::new(
                400,
                "InvalidRecordIO",
                format!(
                    "{what}; send RecordIO-protobuf records as SageMaker's serializers write them"
                ),
            )
            .at(index)
        };
        let header = body
            .get(offset..offset + 8)
            .ok_or_else(|| bad(format!("the record at byte {offset} is cut short")))?;
        let word =
            |i: usize| u32::from_le_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
        if word(0) != MAGIC {
            return Err(bad(format!("no RecordIO magic number at byte {offset}")));
        }
        if word(4) >> 29 != 0 {
            return Err(bad("multi-part RecordIO records are not supported".into()));
        }
        let length = (word(4) & LENGTH_MASK) as usize;
        let start = offset + 8;
        let payload = body.get(start..start + length).ok_or_else(|| {
            bad(format!(
                "the record says {length} bytes but the body ends first"
            ))
        })?;
        records.push(
            record(payload).map_err(|e| bad(format!("the protobuf record is invalid: {e}")))?,
        );
        offset = start + length.next_multiple_of(4);
    }
    Ok(records)
}

/// A `Record`'s features.
fn record(payload: &[u8]) -> Result<Vec<(String, Tensor)>, String> {
    let mut features = Vec::new();
    let mut reader = Reader::new(payload);
    while let Some((field, wire)) = reader.key()? {
        if field == 1 && wire == LEN {
            features.push(map_entry(reader.bytes()?)?);
        } else {
            reader.skip(wire)?;
        }
    }
    Ok(features)
}

/// One `map<string, Value>` entry.
fn map_entry(bytes: &[u8]) -> Result<(String, Tensor), String> {
    let mut reader = Reader::new(bytes);
    let (mut name, mut tensor) = (String::new(), None);
    while let Some((field, wire)) = reader.key()? {
        match (field, wire) {
            (1, LEN) => {
                name = String::from_utf8(reader.bytes()?.to_vec())
                    .map_err(|_| "a feature name is not UTF-8".to_string())?
            }
            (2, LEN) => tensor = Some(value(reader.bytes()?)?),
            _ => reader.skip(wire)?,
        }
    }
    Ok((name, tensor.unwrap_or_default()))
}

/// A `Value`: one of the numeric tensors.
fn value(bytes: &[u8]) -> Result<Tensor, String> {
    let mut reader = Reader::new(bytes);
    let mut tensor = None;
    while let Some((field, wire)) = reader.key()? {
        match (field, wire) {
            (2, LEN) => tensor = Some(numeric(reader.bytes()?, Number::F32)?),
            (3, LEN) => tensor = Some(numeric(reader.bytes()?, Number::F64)?),
            (7, LEN) => tensor = Some(numeric(reader.bytes()?, Number::I32)?),
            (9, LEN) => return Err("a feature holds bytes; send numeric tensors".into()),
            _ => reader.skip(wire)?,
        }
    }
    tensor.ok_or_else(|| "a feature value holds no tensor".to_string())
}

#[derive(Clone, Copy)]
enum Number {
    F32,
    F64,
    I32,
}

impl Number {
    /// The wire type of one unpacked value.
    fn wire(self) -> u8 {
        match self {
            Number::F32 => FIXED32,
            Number::F64 => FIXED64,
            Number::I32 => VARINT,
        }
    }

    fn read(self, reader: &mut Reader) -> Result<f32, String> {
        Ok(match self {
            Number::F32 => f32::from_le_bytes(reader.fixed()?),
            Number::F64 => f64::from_le_bytes(reader.fixed()?) as f32,
            // int32 is a varint of the value sign-extended to 64 bits.
            Number::I32 => reader.varint()? as i64 as i32 as f32,
        })
    }
}

/// A `Float32Tensor`, `Float64Tensor` or `Int32Tensor`: values, keys and shape, packed or not.
fn numeric(bytes: &[u8], number: Number) -> Result<Tensor, String> {
    let mut reader = Reader::new(bytes);
    let mut tensor = Tensor::default();
    let mut keys = Vec::new();
    let mut has_keys = false;
    while let Some((field, wire)) = reader.key()? {
        match (field, wire) {
            (1, LEN) => {
                let mut packed = Reader::new(reader.bytes()?);
                while !packed.done() {
                    tensor.values.push(number.read(&mut packed)?);
                }
            }
            (1, w) if w == number.wire() => tensor.values.push(number.read(&mut reader)?),
            (2 | 3, LEN) => {
                let mut packed = Reader::new(reader.bytes()?);
                let into = if field == 2 {
                    &mut keys
                } else {
                    &mut tensor.shape
                };
                while !packed.done() {
                    into.push(packed.varint()?);
                }
                has_keys |= field == 2;
            }
            (2, VARINT) => {
                keys.push(reader.varint()?);
                has_keys = true;
            }
            (3, VARINT) => tensor.shape.push(reader.varint()?),
            _ => reader.skip(wire)?,
        }
    }
    tensor.keys = has_keys.then_some(keys);
    Ok(tensor)
}

const VARINT: u8 = 0;
const FIXED64: u8 = 1;
const LEN: u8 = 2;
const FIXED32: u8 = 5;

/// A cursor over protobuf bytes; every read is bounds-checked.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, pos: 0 }
    }

    fn done(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// The next field number and wire type, or `None` at the end.
    fn key(&mut self) -> Result<Option<(u64, u8)>, String> {
        if self.done() {
            return Ok(None);
        }
        let key = self.varint()?;
        Ok(Some((key >> 3, (key & 7) as u8)))
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self
                .bytes
                .get(self.pos)
                .ok_or_else(|| "a number is cut short".to_string())?;
            self.pos += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("a varint is longer than 10 bytes".into())
    }

    fn fixed<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let bytes = self.take(N)?;
        let mut out = [0; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    fn bytes(&mut self) -> Result<&'a [u8], String> {
        let length = usize::try_from(self.varint()?).unwrap_or(usize::MAX);
        self.take(length)
    }

    fn take(&mut self, length: usize) -> Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(length)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| format!("a field of {length} bytes runs past the end"))?;
        let taken = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(taken)
    }

    fn skip(&mut self, wire: u8) -> Result<(), String> {
        match wire {
            VARINT => self.varint().map(drop),
            FIXED64 => self.take(8).map(drop),
            LEN => self.bytes().map(drop),
            FIXED32 => self.take(4).map(drop),
            other => Err(format!("wire type {other} is not one protobuf writes here")),
        }
    }
}

/// Test-only writer of RecordIO-protobuf records, the layout SageMaker's Python SDK writes.
#[cfg(test)]
pub(super) mod write {
    fn varint(out: &mut Vec<u8>, mut v: u64) {
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }

    fn field(out: &mut Vec<u8>, number: u64, bytes: &[u8]) {
        varint(out, number << 3 | 2);
        varint(out, bytes.len() as u64);
        out.extend_from_slice(bytes);
    }

    /// One record with a Float32Tensor feature `values` (sparse when `keys` is given).
    pub fn record(values: &[f32], keys: Option<&[u64]>, shape: &[u64]) -> Vec<u8> {
        let mut tensor = Vec::new();
        let packed: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        field(&mut tensor, 1, &packed);
        if let Some(keys) = keys {
            let mut packed = Vec::new();
            keys.iter().for_each(|&k| varint(&mut packed, k));
            field(&mut tensor, 2, &packed);
        }
        let mut packed = Vec::new();
        shape.iter().for_each(|&s| varint(&mut packed, s));
        field(&mut tensor, 3, &packed);
        let mut value = Vec::new();
        field(&mut value, 2, &tensor);
        let mut entry = Vec::new();
        field(&mut entry, 1, b"values");
        field(&mut entry, 2, &value);
        let mut record = Vec::new();
        field(&mut record, 1, &entry);
        let mut framed = super::MAGIC.to_le_bytes().to_vec();
        framed.extend_from_slice(&(record.len() as u32).to_le_bytes());
        framed.extend_from_slice(&record);
        framed.resize(framed.len().next_multiple_of(4), 0);
        framed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_and_sparse_records_round_trip() {
        let mut body = write::record(&[1.0, 0.0, 2.5], None, &[3]);
        body.extend(write::record(&[4.0, 1.0], Some(&[7, 2]), &[10]));
        let records = read(&body).unwrap();
        assert_eq!(records.len(), 2);
        let (name, dense) = &records[0][0];
        assert_eq!(name, "values");
        assert_eq!(dense.values, [1.0, 0.0, 2.5]);
        assert_eq!(
            (dense.keys.as_deref(), dense.shape.as_slice()),
            (None, &[3u64][..])
        );
        let sparse = &records[1][0].1;
        assert_eq!(sparse.keys.as_deref(), Some(&[7u64, 2][..]));
        assert_eq!(sparse.shape, [10]);
    }

    #[test]
    fn damaged_bodies_are_errors_naming_the_record() {
        let good = write::record(&[1.0], None, &[1]);
        let mut bad_magic = good.clone();
        bad_magic[0] ^= 1;
        assert!(read(&bad_magic).unwrap_err().message.contains("magic"));
        let mut two = good.clone();
        two.extend_from_slice(&good[..good.len() - 3]);
        let cut = read(&two).unwrap_err();
        assert_eq!(cut.instance, Some(1));
        let mut lying = good.clone();
        lying[4..8].copy_from_slice(&1000u32.to_le_bytes());
        assert!(read(&lying).unwrap_err().message.contains("1000 bytes"));
        // Every prefix of a valid body is an error or a shorter valid body, never a panic.
        for end in 0..two.len() {
            let _ = read(&two[..end]);
        }
    }
}

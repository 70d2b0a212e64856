//! BER-TLV data objects per ISO/IEC 7816-4 §5.2.2, with the encoding rules of
//! ISO/IEC 8825-1 = ITU-T X.690 §8.1 (definite lengths only).
//!
//! What the decoders accept, and why:
//!
//! - **Tags** of one, two or three bytes (ISO/IEC 7816-4 §5.2.2.1 supports up to three).
//!   A first byte `00` or `FF` is rejected: ISO/IEC 7816-4 §5.2.2.1 makes both invalid as
//!   the first tag byte and uses them as padding (see [`Tlv::decode_all_padded`]). A
//!   first subsequent byte `80` (leading zero bits, X.690 §8.1.2.4.2 c) and a fourth tag
//!   byte are rejected. Two-byte tags with a number below 31 (`9F02`, `9F1A`, …, common
//!   in EMV, EMV Book 3 Annex A) are accepted although X.690 §8.1.2.2 would forbid them;
//!   a [`Tag`] keeps its bytes, so such tags re-encode unchanged.
//! - **Lengths** in short form (`00`..`7F`) and long form `81`..`84` (up to four length
//!   bytes), including non-minimal long forms such as `81 05` (X.690 §8.1.3.5 allows
//!   them in BER). The indefinite form `80` (X.690 §8.1.3.6) is rejected: ISO/IEC 7816-4
//!   data objects use definite lengths. `85`..`FF` are rejected (`FF` is reserved by
//!   X.690 §8.1.3.5 c; more than four length bytes is more than any card can hold).
//! - A length larger than the bytes that follow is [`Error::Truncated`].
//!
//! The encoders always write the minimal length form (X.690 §8.1.3 / DER §10.1).
//!
//! Names are unambiguous: `value.len()` is the length of the value field,
//! [`Tlv::encoded_len`] is the length of the whole data object (tag, length and value).

use core::fmt;
use core::iter::FusedIterator;

use crate::error::{Error, Result};

/// The class of a tag: bits 8–7 of its first byte (ITU-T X.690 §8.1.2.2, Table 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// `00xxxxxx`: universal class (ASN.1 built-in types).
    Universal,
    /// `01xxxxxx`: application class (ISO/IEC 7816-6 interindustry tags such as `5F20`).
    Application,
    /// `10xxxxxx`: context-specific class (e.g. FCP `82`, SGP.22 `BF3E`).
    Context,
    /// `11xxxxxx`: private class (e.g. `C6` PIN status template in TS 102 221).
    Private,
}

impl Class {
    /// The class bits in place (bits 8–7 of the first tag byte), X.690 §8.1.2.2.
    pub const fn bits(self) -> u8 {
        match self {
            Class::Universal => 0x00,
            Class::Application => 0x40,
            Class::Context => 0x80,
            Class::Private => 0xC0,
        }
    }

    /// The class encoded in bits 8–7 of `first_byte`, X.690 §8.1.2.2.
    pub const fn from_first_byte(first_byte: u8) -> Class {
        match first_byte >> 6 {
            0 => Class::Universal,
            1 => Class::Application,
            2 => Class::Context,
            _ => Class::Private,
        }
    }
}

/// A BER-TLV tag (ISO/IEC 7816-4 §5.2.2.1, X.690 §8.1.2): its bytes read as a
/// big-endian number, so `Tag::new(0xBF3E)`, `Tag::new(0x62)`, `Tag::new(0x5F20)`.
///
/// Equality and ordering compare the bytes. Debug and Display print the bytes in
/// upper-case hex (`BF3E`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(u32);

impl Tag {
    /// The longest tag this module decodes, in bytes (ISO/IEC 7816-4 §5.2.2.1).
    pub const MAX_LEN: usize = 3;

    /// A tag from its bytes read as a big-endian number (`0xBF3E` is the tag `BF 3E`).
    ///
    /// This does not check the value (so it can build constants); [`Tag::try_new`] does.
    /// A value that is not a valid tag still encodes as its significant bytes.
    pub const fn new(value: u32) -> Tag {
        Tag(value)
    }

    /// As [`Tag::new`], but checks that the bytes form exactly one tag that
    /// [`Tag::decode`] accepts.
    pub fn try_new(value: u32) -> Result<Tag> {
        let tag = Tag(value);
        let mut bytes = Vec::with_capacity(4);
        tag.encode_into(&mut bytes);
        Tag::from_bytes(&bytes)
    }

    /// The tag with the given class, constructed bit and tag number, in the minimal
    /// encoding of X.690 §8.1.2 (one byte for numbers 0–30, two bytes up to 127, three
    /// bytes up to 16383): `from_parts(Class::Context, true, 62)` is `BF3E`.
    ///
    /// Errors: [`Error::TooLong`] for numbers above 16383 (more than three tag bytes),
    /// [`Error::Invalid`] when the first byte would be `00` or `FF` (invalid first tag
    /// bytes, ISO/IEC 7816-4 §5.2.2.1).
    pub fn from_parts(class: Class, constructed: bool, number: u32) -> Result<Tag> {
        let lead = u32::from(class.bits() | if constructed { 0x20 } else { 0x00 });
        let tag = if number < 0x1F {
            Tag(lead | number)
        } else if number <= 0x7F {
            Tag((lead | 0x1F) << 8 | number)
        } else if number <= 0x3FFF {
            Tag((lead | 0x1F) << 16 | (0x80 | number >> 7) << 8 | (number & 0x7F))
        } else {
            return Err(Error::TooLong("BER-TLV tag number (more than 3 tag bytes)"));
        };
        match tag.first_byte() {
            0x00 | 0xFF => Err(Error::Invalid("BER-TLV tag ('00'/'FF' first byte)")),
            _ => Ok(tag),
        }
    }

    /// Decodes one tag at the start of `bytes` and returns it with the bytes after it.
    ///
    /// Errors: [`Error::Truncated`] if `bytes` ends inside the tag; [`Error::Invalid`] for
    /// a first byte `00`/`FF`, a first subsequent byte `80`, or more than three tag bytes
    /// (see the module documentation).
    pub fn decode(bytes: &[u8]) -> Result<(Tag, &[u8])> {
        let (&first, mut rest) = bytes.split_first().ok_or(Error::Truncated("BER-TLV tag"))?;
        if first == 0x00 || first == 0xFF {
            return Err(Error::Invalid(
                "BER-TLV tag ('00'/'FF' first byte, ISO/IEC 7816-4 §5.2.2.1)",
            ));
        }
        let mut value = u32::from(first);
        if first & 0x1F != 0x1F {
            return Ok((Tag(value), rest));
        }
        for index in 1..Tag::MAX_LEN {
            let (&byte, after) = rest.split_first().ok_or(Error::Truncated("BER-TLV tag"))?;
            if index == 1 && byte == 0x80 {
                return Err(Error::Invalid(
                    "BER-TLV tag (subsequent byte '80', X.690 §8.1.2.4.2 c)",
                ));
            }
            rest = after;
            value = value << 8 | u32::from(byte);
            if byte & 0x80 == 0 {
                return Ok((Tag(value), rest));
            }
        }
        Err(Error::Invalid("BER-TLV tag (more than 3 bytes)"))
    }

    /// Decodes a tag that must fill `bytes` exactly ([`Error::TrailingData`] otherwise).
    pub fn from_bytes(bytes: &[u8]) -> Result<Tag> {
        match Tag::decode(bytes)? {
            (tag, []) => Ok(tag),
            _ => Err(Error::TrailingData("BER-TLV tag")),
        }
    }

    /// The tag's bytes read as a big-endian number (the value given to [`Tag::new`]).
    pub const fn value(self) -> u32 {
        self.0
    }

    /// The number of bytes of the tag (1 to 3 for decoded tags; leading zero bytes of
    /// the value do not count, and the value `0` counts as one byte).
    #[allow(clippy::len_without_is_empty)] // a tag is never empty
    pub const fn len(self) -> usize {
        if self.0 <= 0xFF {
            1
        } else if self.0 <= 0xFFFF {
            2
        } else if self.0 <= 0xFF_FFFF {
            3
        } else {
            4
        }
    }

    /// Appends the tag's bytes to `out`.
    pub fn encode_into(self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.significant_bytes().as_slice());
    }

    /// The class of the tag (X.690 §8.1.2.2).
    pub const fn class(self) -> Class {
        Class::from_first_byte(self.first_byte())
    }

    /// Whether bit 6 of the first byte is set: the value is a series of BER-TLV data
    /// objects (X.690 §8.1.2.5, ISO/IEC 7816-4 §5.2.2.1).
    pub const fn is_constructed(self) -> bool {
        self.first_byte() & 0x20 != 0
    }

    /// The tag number: bits 5–1 of a one-byte tag, or the 7-bit groups of the
    /// subsequent bytes (X.690 §8.1.2.3 and §8.1.2.4): `BF3E` is 62, `5F20` is 32.
    pub fn number(self) -> u32 {
        let bytes = self.significant_bytes();
        let Some((&first, rest)) = bytes.as_slice().split_first() else {
            return 0;
        };
        if first & 0x1F != 0x1F || rest.is_empty() {
            return u32::from(first & 0x1F);
        }
        rest.iter().fold(0, |n, &b| n << 7 | u32::from(b & 0x7F))
    }

    /// The first (most significant non-zero) byte of the tag.
    const fn first_byte(self) -> u8 {
        let b = self.0.to_be_bytes();
        match self.len() {
            1 => b[3],
            2 => b[2],
            3 => b[1],
            _ => b[0],
        }
    }

    fn significant_bytes(self) -> SmallBytes {
        let b = self.0.to_be_bytes();
        let skip = 4usize.saturating_sub(self.len());
        SmallBytes::from_slice(b.get(skip..).unwrap_or(&b))
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:0width$X}",
            self.0,
            width = self.len().saturating_mul(2)
        )
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A few bytes kept on the stack (tag bytes, length fields).
#[derive(Clone, Copy)]
struct SmallBytes {
    buf: [u8; 9],
    len: usize,
}

impl SmallBytes {
    fn from_slice(bytes: &[u8]) -> SmallBytes {
        let mut buf = [0u8; 9];
        let len = bytes.len().min(buf.len());
        for (dst, src) in buf.iter_mut().zip(bytes) {
            *dst = *src;
        }
        SmallBytes { buf, len }
    }

    fn as_slice(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }
}

/// The minimal definite length field for `len` (X.690 §8.1.3.4 short form below 128,
/// otherwise §8.1.3.5 long form with as few length bytes as possible).
fn length_field(len: usize) -> SmallBytes {
    if let Ok(short) = u8::try_from(len) {
        if short < 0x80 {
            return SmallBytes::from_slice(&[short]);
        }
    }
    let be = len.to_be_bytes();
    let skip = be.iter().take_while(|&&b| b == 0).count();
    let significant = be.get(skip..).unwrap_or(&[]);
    let mut field = [0u8; 9];
    // At most size_of::<usize>() <= 8 length bytes, so the count fits in bits 7–1.
    field[0] = 0x80 | u8::try_from(significant.len()).unwrap_or(0x7F);
    for (dst, src) in field.iter_mut().skip(1).zip(significant) {
        *dst = *src;
    }
    SmallBytes::from_slice(
        field
            .get(..significant.len().saturating_add(1))
            .unwrap_or(&field),
    )
}

/// Appends the minimal definite length field for `len` (X.690 §8.1.3): `7F` for 127,
/// `81 80` for 128, `81 FF`, `82 01 00`, `82 FF FF`, `83 01 00 00`, …
///
/// Lengths above `FFFFFFFF` (only possible on 64-bit targets) get five or more length
/// bytes, which X.690 allows but [`decode_length`] does not accept.
pub fn encode_length(len: usize, out: &mut Vec<u8>) {
    out.extend_from_slice(length_field(len).as_slice());
}

/// The number of bytes [`encode_length`] writes for `len`: 1 below 128, else 1 plus the
/// number of significant bytes of `len` (X.690 §8.1.3).
pub fn length_len(len: usize) -> usize {
    length_field(len).len
}

/// Decodes a definite length field (X.690 §8.1.3) at the start of `bytes` and returns
/// the length with the bytes after the field.
///
/// Accepts the short form and the long forms `81`–`84`, minimal or not. Errors:
/// [`Error::Truncated`] if the field is cut short; [`Error::Invalid`] for the indefinite
/// form `80` (X.690 §8.1.3.6; not used by ISO/IEC 7816-4) and for `85`–`FF`.
pub fn decode_length(bytes: &[u8]) -> Result<(usize, &[u8])> {
    let (&first, rest) = bytes
        .split_first()
        .ok_or(Error::Truncated("BER-TLV length"))?;
    match first {
        0x00..=0x7F => Ok((usize::from(first), rest)),
        0x80 => Err(Error::Invalid(
            "BER-TLV length (indefinite form '80', X.690 §8.1.3.6)",
        )),
        0x81..=0x84 => {
            let count = usize::from(first & 0x7F);
            let (field, rest) = rest
                .split_at_checked(count)
                .ok_or(Error::Truncated("BER-TLV length"))?;
            let len = field.iter().fold(0u32, |n, &b| n << 8 | u32::from(b));
            let len = usize::try_from(len).map_err(|_| Error::TooLong("BER-TLV length"))?;
            Ok((len, rest))
        }
        _ => Err(Error::Invalid("BER-TLV length (more than 4 length bytes)")),
    }
}

/// A borrowed BER-TLV data object: the tag and a slice of the value, for hot paths
/// that only look at a few data objects (ISO/IEC 7816-4 §5.2.2).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TlvView<'a> {
    /// The tag.
    pub tag: Tag,
    /// The value field (its length is the L of the data object).
    pub value: &'a [u8],
}

impl<'a> TlvView<'a> {
    /// Decodes one data object at the start of `bytes` and returns it with the bytes
    /// after it. Errors as [`Tag::decode`] and [`decode_length`], plus
    /// [`Error::Truncated`] when the length runs past the end of `bytes`.
    pub fn decode(bytes: &'a [u8]) -> Result<(TlvView<'a>, &'a [u8])> {
        let (tag, rest) = Tag::decode(bytes)?;
        let (len, rest) = decode_length(rest)?;
        let (value, rest) = rest
            .split_at_checked(len)
            .ok_or(Error::Truncated("BER-TLV value"))?;
        Ok((TlvView { tag, value }, rest))
    }

    /// The length of the whole encoded data object (tag, length field and value).
    pub fn encoded_len(&self) -> usize {
        encoded_len(self.tag, self.value.len())
    }

    /// The data objects inside the value, decoded lazily (see [`iter`]).
    pub fn children(&self) -> Iter<'a> {
        iter(self.value)
    }

    /// The first data object inside the value with the given tag, `Ok(None)` if there
    /// is none, or the error of the first malformed child before it.
    pub fn child(&self, tag: Tag) -> Result<Option<TlvView<'a>>> {
        first_with_tag(self.children(), tag)
    }

    /// An owned copy.
    pub fn to_tlv(&self) -> Tlv {
        Tlv {
            tag: self.tag,
            value: self.value.to_vec(),
        }
    }

    /// Appends the encoded data object to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        write_primitive(out, self.tag, self.value);
    }
}

impl fmt::Debug for TlvView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlvView")
            .field("tag", &self.tag)
            .field("value", &crate::hex::encode(self.value))
            .finish()
    }
}

impl From<TlvView<'_>> for Tlv {
    fn from(view: TlvView<'_>) -> Tlv {
        view.to_tlv()
    }
}

/// An iterator over consecutive BER-TLV data objects in a byte slice, returned by
/// [`iter`] and [`iter_padded`]. After the first error it yields nothing more.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    rest: &'a [u8],
    padded: bool,
}

impl<'a> Iter<'a> {
    /// The bytes not yet decoded (empty after an error).
    pub fn remaining(&self) -> &'a [u8] {
        self.rest
    }
}

impl<'a> Iterator for Iter<'a> {
    type Item = Result<TlvView<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.padded {
            let skip = self
                .rest
                .iter()
                .take_while(|&&b| b == 0x00 || b == 0xFF)
                .count();
            self.rest = self.rest.get(skip..).unwrap_or(&[]);
        }
        if self.rest.is_empty() {
            return None;
        }
        match TlvView::decode(self.rest) {
            Ok((view, rest)) => {
                self.rest = rest;
                Some(Ok(view))
            }
            Err(e) => {
                self.rest = &[];
                Some(Err(e))
            }
        }
    }
}

impl FusedIterator for Iter<'_> {}

/// Iterates over the BER-TLV data objects that fill `bytes`, without copying.
/// The iterator yields an error for the first malformed data object and then stops.
pub fn iter(bytes: &[u8]) -> Iter<'_> {
    Iter {
        rest: bytes,
        padded: false,
    }
}

/// As [`iter`], but skips `00` and `FF` bytes before, between and after the data
/// objects (ISO/IEC 7816-4 §5.2.2.1: such bytes carry no meaning, e.g. in EF records).
pub fn iter_padded(bytes: &[u8]) -> Iter<'_> {
    Iter {
        rest: bytes,
        padded: true,
    }
}

/// An owned BER-TLV data object (ISO/IEC 7816-4 §5.2.2): a tag and its value field.
/// For a constructed tag the value holds the encoded child data objects
/// ([`Tlv::constructed`], [`Tlv::children`]).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Tlv {
    /// The tag.
    pub tag: Tag,
    /// The value field; `value.len()` is the L of the data object.
    pub value: Vec<u8>,
}

impl Tlv {
    /// A data object with the given tag and value.
    pub fn new(tag: Tag, value: impl Into<Vec<u8>>) -> Tlv {
        Tlv {
            tag,
            value: value.into(),
        }
    }

    /// A data object whose value is the concatenated encodings of `children`
    /// (X.690 §8.1.2.5 constructed encoding). The tag should have its constructed bit
    /// set; this is not checked.
    pub fn constructed(tag: Tag, children: &[Tlv]) -> Tlv {
        let len = children
            .iter()
            .fold(0usize, |n, c| n.saturating_add(c.encoded_len()));
        let mut value = Vec::with_capacity(len);
        for child in children {
            child.encode_into(&mut value);
        }
        Tlv { tag, value }
    }

    /// Decodes one data object at the start of `bytes` and returns it with the bytes
    /// after it. Errors as [`TlvView::decode`].
    pub fn decode(bytes: &[u8]) -> Result<(Tlv, &[u8])> {
        let (view, rest) = TlvView::decode(bytes)?;
        Ok((view.to_tlv(), rest))
    }

    /// Decodes exactly one data object that fills `bytes`
    /// ([`Error::TrailingData`] if bytes remain).
    pub fn from_bytes(bytes: &[u8]) -> Result<Tlv> {
        match Tlv::decode(bytes)? {
            (tlv, []) => Ok(tlv),
            _ => Err(Error::TrailingData("BER-TLV data object")),
        }
    }

    /// Decodes the consecutive data objects that fill `bytes` (empty input gives an
    /// empty list). Padding bytes are not allowed here; see [`Tlv::decode_all_padded`].
    pub fn decode_all(bytes: &[u8]) -> Result<Vec<Tlv>> {
        iter(bytes).map(|r| r.map(|v| v.to_tlv())).collect()
    }

    /// As [`Tlv::decode_all`], but skips `00` and `FF` bytes before, between and after
    /// the data objects (ISO/IEC 7816-4 §5.2.2.1), as found in EF records
    /// (e.g. `FF` after the application template in an EF.DIR record).
    pub fn decode_all_padded(bytes: &[u8]) -> Result<Vec<Tlv>> {
        iter_padded(bytes).map(|r| r.map(|v| v.to_tlv())).collect()
    }

    /// The encoded data object: tag, minimal length field, value.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode_into(&mut out);
        out
    }

    /// Appends the encoded data object to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        write_primitive(out, self.tag, &self.value);
    }

    /// The length of the whole encoded data object (tag + length field + value).
    /// The value length alone is `value.len()`.
    pub fn encoded_len(&self) -> usize {
        encoded_len(self.tag, self.value.len())
    }

    /// Decodes the value as a series of data objects (the children of a constructed
    /// data object). The constructed bit of the tag is not checked.
    pub fn children(&self) -> Result<Vec<Tlv>> {
        Tlv::decode_all(&self.value)
    }

    /// The first child with the given tag, borrowed from the value; `Ok(None)` if there
    /// is none, or the error of the first malformed child before it.
    pub fn child(&self, tag: Tag) -> Result<Option<TlvView<'_>>> {
        self.view().child(tag)
    }

    /// A borrowed view of this data object.
    pub fn view(&self) -> TlvView<'_> {
        TlvView {
            tag: self.tag,
            value: &self.value,
        }
    }
}

impl fmt::Debug for Tlv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tlv")
            .field("tag", &self.tag)
            .field("value", &crate::hex::encode(&self.value))
            .finish()
    }
}

fn encoded_len(tag: Tag, value_len: usize) -> usize {
    tag.len()
        .saturating_add(length_len(value_len))
        .saturating_add(value_len)
}

fn first_with_tag<'a>(
    mut objects: impl Iterator<Item = Result<TlvView<'a>>>,
    tag: Tag,
) -> Result<Option<TlvView<'a>>> {
    objects
        .find(|r| r.as_ref().map_or(true, |v| v.tag == tag))
        .transpose()
}

/// The first data object in `tlvs` with the given tag (no recursion).
pub fn find(tlvs: &[Tlv], tag: Tag) -> Option<&Tlv> {
    tlvs.iter().find(|t| t.tag == tag)
}

/// Follows `path` down a tree: the first element of `tlvs` with `path[0]`, then the
/// first child of it with `path[1]`, and so on. `Ok(None)` if some step is missing (or
/// `path` is empty); an error if a value that has to be searched is malformed.
///
/// Example: `find_path(&tlvs, &[Tag::new(0xBF3E), Tag::new(0x5A)])` gives the EID in a
/// GetEuiccData response (SGP.22 §5.7.20).
pub fn find_path<'a>(tlvs: &'a [Tlv], path: &[Tag]) -> Result<Option<TlvView<'a>>> {
    let Some((&first, rest)) = path.split_first() else {
        return Ok(None);
    };
    match find(tlvs, first) {
        Some(tlv) => descend(tlv.view(), rest),
        None => Ok(None),
    }
}

/// As [`find_path`], on encoded bytes (the data objects that fill `bytes`), without
/// copying.
pub fn find_path_in<'a>(bytes: &'a [u8], path: &[Tag]) -> Result<Option<TlvView<'a>>> {
    let Some((&first, rest)) = path.split_first() else {
        return Ok(None);
    };
    match first_with_tag(iter(bytes), first)? {
        Some(view) => descend(view, rest),
        None => Ok(None),
    }
}

fn descend<'a>(mut current: TlvView<'a>, path: &[Tag]) -> Result<Option<TlvView<'a>>> {
    for &tag in path {
        match current.child(tag)? {
            Some(next) => current = next,
            None => return Ok(None),
        }
    }
    Ok(Some(current))
}

/// Appends a data object whose value is `value` (tag, minimal length, value).
pub fn write_primitive(out: &mut Vec<u8>, tag: Tag, value: &[u8]) {
    tag.encode_into(out);
    encode_length(value.len(), out);
    out.extend_from_slice(value);
}

/// Appends a data object whose value is written by `f`, with no allocation per node:
/// the tag and a one-byte length placeholder are written, `f` appends the value (it may
/// call `write_tlv` again for children), then the length is filled in. When the value
/// is 128 bytes or more, the value is shifted right to make room for the long form.
///
/// `f` must only append to `out`. If it removes bytes it did not write, the result is
/// unspecified (but nothing panics).
///
/// ```
/// use apdu::tlv::ber::{write_tlv, write_primitive, Tag};
/// let mut out = Vec::new();
/// write_tlv(&mut out, Tag::new(0xBF3E), |out| {
///     write_primitive(out, Tag::new(0x5C), &[0x5A]);
/// });
/// assert_eq!(out, [0xBF, 0x3E, 0x03, 0x5C, 0x01, 0x5A]);
/// ```
pub fn write_tlv(out: &mut Vec<u8>, tag: Tag, f: impl FnOnce(&mut Vec<u8>)) {
    tag.encode_into(out);
    let len_pos = out.len();
    out.push(0x00);
    let start = out.len();
    f(out);
    let body_len = out.len().saturating_sub(start);
    let field = length_field(body_len);
    let field = field.as_slice();
    if len_pos >= out.len() {
        return;
    }
    match field {
        [single] => {
            if let Some(slot) = out.get_mut(len_pos) {
                *slot = *single;
            }
        }
        _ => {
            out.splice(len_pos..start.min(out.len()), field.iter().copied());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hex;
    use proptest::prelude::*;

    fn h(text: &str) -> Vec<u8> {
        hex::decode(text).unwrap()
    }

    // SGP.22 v2.5 §5.7.20 GetEuiccDataRequest ::= [62] SEQUENCE { tagList [APPLICATION 28]
    // OCTET STRING } with tagList = '5A' (EID). Bytes as sent by pySim
    // (tests/unittests/test_globalplatform.py, get_eid_cmd_plain '80E2910006 BF3E035C015A 00')
    // and listed in shared/reference/euicc.md.
    #[test]
    fn sgp22_get_euicc_data_request() {
        let bytes = h("BF3E 03 5C 01 5A");
        let (tlv, rest) = Tlv::decode(&bytes).unwrap();
        assert!(rest.is_empty());
        assert_eq!(tlv.tag, Tag::new(0xBF3E));
        assert_eq!(tlv.tag.len(), 2);
        assert_eq!(tlv.tag.class(), Class::Context);
        assert!(tlv.tag.is_constructed());
        assert_eq!(tlv.tag.number(), 62);
        assert_eq!(Tag::from_parts(Class::Context, true, 62).unwrap(), tlv.tag);
        assert_eq!(tlv.value, h("5C015A"));
        assert_eq!(tlv.value.len(), 3);
        assert_eq!(tlv.encoded_len(), 6);
        // 5C = [APPLICATION 28] primitive.
        let children = tlv.children().unwrap();
        assert_eq!(children, vec![Tlv::new(Tag::new(0x5C), [0x5A])]);
        assert_eq!(children[0].tag.class(), Class::Application);
        assert_eq!(children[0].tag.number(), 28);
        assert!(!children[0].tag.is_constructed());
        // Rebuilt three ways.
        assert_eq!(tlv.encode(), bytes);
        assert_eq!(
            Tlv::constructed(Tag::new(0xBF3E), &children).encode(),
            bytes
        );
        let mut out = Vec::new();
        write_tlv(&mut out, Tag::new(0xBF3E), |out| {
            write_primitive(out, Tag::new(0x5C), &[0x5A])
        });
        assert_eq!(out, bytes);
    }

    // GetEuiccDataResponse 'BF3E 12 5A 10 <EID>' (SGP.22 v2.5 §5.7.20), as returned by
    // the test card in pySim tests/unittests/test_globalplatform.py (get_eid_rsp_plain).
    #[test]
    fn sgp22_get_euicc_data_response_eid() {
        let bytes = h("BF3E 12 5A 10 89882119900000000000000000000005");
        let tlvs = Tlv::decode_all(&bytes).unwrap();
        assert_eq!(tlvs.len(), 1);
        assert_eq!(tlvs[0].value.len(), 0x12);
        assert_eq!(tlvs[0].encoded_len(), 21);
        let eid = find_path(&tlvs, &[Tag::new(0xBF3E), Tag::new(0x5A)])
            .unwrap()
            .unwrap();
        assert_eq!(eid.tag, Tag::new(0x5A));
        assert_eq!(eid.value, &h("89882119900000000000000000000005")[..]);
        assert_eq!(eid.encoded_len(), 18);
        let eid2 = find_path_in(&bytes, &[Tag::new(0xBF3E), Tag::new(0x5A)])
            .unwrap()
            .unwrap();
        assert_eq!(eid2, eid);
        assert_eq!(
            find_path(&tlvs, &[Tag::new(0xBF3E), Tag::new(0x4F)]).unwrap(),
            None
        );
        assert_eq!(find_path(&tlvs, &[Tag::new(0xBF3C)]).unwrap(), None);
        assert_eq!(find_path(&tlvs, &[]).unwrap(), None);
        assert_eq!(find(&tlvs, Tag::new(0xBF3E)), Some(&tlvs[0]));
        assert_eq!(
            tlvs[0].child(Tag::new(0x5A)).unwrap().unwrap().value.len(),
            16
        );
    }

    // MF FCP template returned by onomondo-uicc for SELECT 3F00
    // (tests/select/select_test.c, MF_FCP; structure per ETSI TS 102 221 §11.1.1.3:
    // 82 file descriptor, 83 file identifier, A5 proprietary information,
    // 8A life cycle status, 8B security attributes (referenced), C6 PIN status template).
    #[test]
    fn ts102221_mf_fcp_from_onomondo() {
        let bytes = h("6229 82027821 83023F00 A509 8001F1 870100 880100 8A0105 \
                       8B032F060F C60C 900120 830101 830181 83010A");
        let fcp = Tlv::from_bytes(&bytes).unwrap();
        assert_eq!(fcp.tag, Tag::new(0x62));
        assert!(fcp.tag.is_constructed());
        assert_eq!(fcp.tag.class(), Class::Application);
        assert_eq!(fcp.value.len(), 0x29);
        let items = fcp.children().unwrap();
        let tags: Vec<u32> = items.iter().map(|t| t.tag.value()).collect();
        assert_eq!(tags, [0x82, 0x83, 0xA5, 0x8A, 0x8B, 0xC6]);
        let lens: Vec<usize> = items.iter().map(|t| t.value.len()).collect();
        assert_eq!(lens, [2, 2, 9, 1, 3, 12]);
        assert_eq!(items[0].value, [0x78, 0x21]);
        assert_eq!(items[1].value, [0x3F, 0x00]);
        assert_eq!(items[3].value, [0x05]);
        assert_eq!(items[4].value, [0x2F, 0x06, 0x0F]);
        let prop = items[2].children().unwrap();
        let prop_tags: Vec<u32> = prop.iter().map(|t| t.tag.value()).collect();
        assert_eq!(prop_tags, [0x80, 0x87, 0x88]);
        assert_eq!(prop[0].value, [0xF1]);
        assert_eq!(items[5].tag.class(), Class::Private);
        let pin = items[5].children().unwrap();
        let pin_tags: Vec<u32> = pin.iter().map(|t| t.tag.value()).collect();
        assert_eq!(pin_tags, [0x90, 0x83, 0x83, 0x83]);
        let key_refs: Vec<u8> = pin.iter().skip(1).map(|t| t.value[0]).collect();
        assert_eq!(key_refs, [0x01, 0x81, 0x0A]);
        assert_eq!(fcp.encode(), bytes);
    }

    // A hand-built MF FCP (ETSI TS 102 221 §11.1.1.3, Table 11.2 for a DF):
    //   82 02 7821        file descriptor: DF, shareable; data coding 21
    //   83 02 3F00        file identifier
    //   A5 03 80 01 71    proprietary: UICC characteristics
    //   8A 01 05          LCSI: operational, activated
    //   8B 03 2F06 01     security attributes: EF.ARR 2F06, record 1
    //   C6 0C 90 01 40 83 01 01 83 01 81 83 01 0A   PIN status template DO
    // Lengths by hand: 4 + 4 + 5 + 3 + 5 + 14 = 35 = 0x23; C6 value 4 × 3 = 12 = 0x0C.
    #[test]
    fn ts102221_hand_built_fcp() {
        let expected = h("62 23 82027821 83023F00 A503800171 8A0105 8B032F0601 \
                          C60C 900140 830101 830181 83010A");
        let mut out = Vec::new();
        write_tlv(&mut out, Tag::new(0x62), |o| {
            write_primitive(o, Tag::new(0x82), &[0x78, 0x21]);
            write_primitive(o, Tag::new(0x83), &[0x3F, 0x00]);
            write_tlv(o, Tag::new(0xA5), |o| {
                write_primitive(o, Tag::new(0x80), &[0x71])
            });
            write_primitive(o, Tag::new(0x8A), &[0x05]);
            write_primitive(o, Tag::new(0x8B), &[0x2F, 0x06, 0x01]);
            write_tlv(o, Tag::new(0xC6), |o| {
                write_primitive(o, Tag::new(0x90), &[0x40]);
                for key in [0x01, 0x81, 0x0A] {
                    write_primitive(o, Tag::new(0x83), &[key]);
                }
            });
        });
        assert_eq!(out, expected);
        let built = Tlv::constructed(
            Tag::new(0x62),
            &[
                Tlv::new(Tag::new(0x82), [0x78, 0x21]),
                Tlv::new(Tag::new(0x83), [0x3F, 0x00]),
                Tlv::constructed(Tag::new(0xA5), &[Tlv::new(Tag::new(0x80), [0x71])]),
                Tlv::new(Tag::new(0x8A), [0x05]),
                Tlv::new(Tag::new(0x8B), [0x2F, 0x06, 0x01]),
                Tlv::constructed(
                    Tag::new(0xC6),
                    &[
                        Tlv::new(Tag::new(0x90), [0x40]),
                        Tlv::new(Tag::new(0x83), [0x01]),
                        Tlv::new(Tag::new(0x83), [0x81]),
                        Tlv::new(Tag::new(0x83), [0x0A]),
                    ],
                ),
            ],
        );
        assert_eq!(built.encode(), expected);
        assert_eq!(built.encoded_len(), 37);
        assert_eq!(built.value.len(), 0x23);
        let fid = find_path_in(&expected, &[Tag::new(0x62), Tag::new(0x83)])
            .unwrap()
            .unwrap();
        assert_eq!(fid.value, [0x3F, 0x00]);
    }

    // ITU-T X.690 §8.1.3.4 (short form, example L = 38 → 26) and §8.1.3.5 (long form:
    // first byte 80 + number of subsequent bytes, then the length base 256, most
    // significant first; example L = 201 → 81 C9). The other values follow the same rule.
    #[test]
    fn x690_length_forms() {
        let cases: [(usize, &str); 10] = [
            (0, "00"),
            (38, "26"),
            (0x7F, "7F"),
            (0x80, "8180"),
            (201, "81C9"),
            (0xFF, "81FF"),
            (0x100, "820100"),
            (0xFFFF, "82FFFF"),
            (0x10000, "83010000"),
            (0x0100_0000, "8401000000"),
        ];
        for (len, field) in cases {
            let field = h(field);
            let mut out = Vec::new();
            encode_length(len, &mut out);
            assert_eq!(out, field, "length {len}");
            assert_eq!(length_len(len), field.len());
            assert_eq!(decode_length(&field).unwrap(), (len, &[][..]));
        }
        // Non-minimal long forms are BER (X.690 §8.1.3.5) and accepted; 84 with 4 bytes.
        assert_eq!(decode_length(&h("8105")).unwrap().0, 5);
        assert_eq!(decode_length(&h("8400000005AA")).unwrap(), (5, &[0xAA][..]));
        assert_eq!(decode_length(&h("84FFFFFFFF")).unwrap().0, 0xFFFF_FFFF);
    }

    // Data objects with long-form lengths, X.690 §8.1.3.5: a 128-byte value is
    // 'tag 81 80 value', 255 bytes 'tag 81 FF', 256 bytes 'tag 82 01 00',
    // 65535 bytes 'tag 82 FF FF'.
    #[test]
    fn long_form_data_objects() {
        for (len, head) in [
            (0x80, "C0 8180"),
            (0xFF, "C0 81FF"),
            (0x100, "C0 820100"),
            (0xFFFF, "C0 82FFFF"),
        ] {
            let tlv = Tlv::new(Tag::new(0xC0), vec![0xA5; len]);
            let bytes = tlv.encode();
            let head = h(head);
            assert_eq!(&bytes[..head.len()], &head[..]);
            assert_eq!(bytes.len(), head.len() + len);
            assert_eq!(tlv.encoded_len(), bytes.len());
            assert_eq!(Tlv::from_bytes(&bytes).unwrap(), tlv);
        }
    }

    // write_tlv shifting the value when the length needs the long form (X.690 §8.1.3.5):
    // 200 = 0xC8 → 81 C8; an outer object holding a 300-byte primitive:
    // inner 80 82 012C + 300 = 304 = 0x130 bytes → outer A1 82 0130.
    #[test]
    fn write_tlv_long_form_shift() {
        let mut out = vec![0xEE];
        write_tlv(&mut out, Tag::new(0x80), |o| {
            o.extend_from_slice(&[0x11; 200])
        });
        assert_eq!(&out[..4], &[0xEE, 0x80, 0x81, 0xC8]);
        assert_eq!(out.len(), 1 + 3 + 200);
        assert!(out[4..].iter().all(|&b| b == 0x11));

        let mut out = Vec::new();
        write_tlv(&mut out, Tag::new(0xA1), |o| {
            write_tlv(o, Tag::new(0x80), |o| o.extend_from_slice(&[0x22; 300]))
        });
        assert_eq!(&out[..8], &h("A1 820130 80 82012C")[..]);
        assert_eq!(out.len(), 4 + 304);
        // Empty value, and a closure that misbehaves (no panic).
        let mut out = Vec::new();
        write_tlv(&mut out, Tag::new(0x5A), |_| {});
        assert_eq!(out, [0x5A, 0x00]);
        let mut out = Vec::new();
        write_tlv(&mut out, Tag::new(0x5A), |o| o.clear());
        assert!(out.is_empty());
    }

    // Two-byte tags, X.690 §8.1.2.4: first byte with bits 5–1 all ones, then the number
    // in base 128 with bit 8 as continuation. 5F20 = application primitive 32
    // (cardholder name, ISO/IEC 7816-6); 9F36 = context primitive 0x36 = 54 (EMV ATC);
    // 7F21 = application constructed 33 (CV certificate). Three bytes: context
    // constructed number 128 = 0b1_0000000 → BF 81 00.
    #[test]
    fn x690_multi_byte_tags() {
        let cases = [
            ("5F20", Class::Application, false, 32),
            ("9F36", Class::Context, false, 54),
            ("7F21", Class::Application, true, 33),
            ("BF3E", Class::Context, true, 62),
            ("BF8100", Class::Context, true, 128),
            ("DF7F", Class::Private, false, 127),
            ("9FFF7F", Class::Context, false, 0x3FFF),
        ];
        for (text, class, constructed, number) in cases {
            let bytes = h(text);
            let (tag, rest) = Tag::decode(&bytes).unwrap();
            assert!(rest.is_empty());
            assert_eq!(tag.to_string(), text);
            assert_eq!(format!("{tag:?}"), text);
            assert_eq!(tag.len(), bytes.len());
            assert_eq!(tag.class(), class);
            assert_eq!(tag.is_constructed(), constructed);
            assert_eq!(tag.number(), number);
            assert_eq!(Tag::from_parts(class, constructed, number).unwrap(), tag);
            assert_eq!(Tag::try_new(tag.value()).unwrap(), tag);
            let mut out = Vec::new();
            tag.encode_into(&mut out);
            assert_eq!(out, bytes);
        }
        // One-byte tags and the 62 FCP template (ISO/IEC 7816-4 §5.3.3 Table 11).
        assert_eq!(Tag::new(0x62).number(), 2);
        assert_eq!(Tag::new(0x62).to_string(), "62");
        assert_eq!(
            Tag::from_parts(Class::Universal, false, 0x4000),
            Err(Error::TooLong("BER-TLV tag number (more than 3 tag bytes)"))
        );
        assert!(Tag::from_parts(Class::Universal, false, 0).is_err());
        assert!(Tag::from_parts(Class::Private, true, 40).is_err());
        assert!(Tag::try_new(0x1F).is_err());
        assert!(Tag::try_new(0x5F2000).is_err());
        assert_eq!(
            Tag::from_bytes(&h("5F2001")),
            Err(Error::TrailingData("BER-TLV tag"))
        );
    }

    // Malformed inputs, each against the rule it breaks (X.690 §8.1.2–§8.1.3,
    // ISO/IEC 7816-4 §5.2.2.1).
    #[test]
    fn invalid_inputs() {
        let truncated = |text: &str| matches!(Tlv::decode(&h(text)), Err(Error::Truncated(_)));
        let invalid = |text: &str| matches!(Tlv::decode(&h(text)), Err(Error::Invalid(_)));
        assert!(truncated(""), "empty input");
        assert!(truncated("5F"), "tag cut after the first byte");
        assert!(truncated("BF81"), "tag cut after a continuation byte");
        assert!(truncated("5A"), "no length");
        assert!(truncated("5A 82 01"), "length cut short");
        assert!(truncated("5A 84 000000"), "length cut short");
        assert!(truncated("5A 05 0102"), "length beyond input");
        assert!(truncated("5A 81 80 00"), "long length beyond input");
        assert!(invalid("BF3E 80 5C015A 0000"), "indefinite length");
        assert!(invalid("5A 85 0000000001"), "five length bytes");
        assert!(invalid("5A FF"), "reserved length byte FF");
        assert!(invalid("5F 81 81 81 01 00"), "tag continuation never ends");
        assert!(invalid("5F 81 81"), "fourth tag byte announced");
        assert!(invalid("5F 80 01 00"), "leading 80 subsequent tag byte");
        assert!(invalid("00 00"), "00 is padding, not a tag");
        assert!(invalid("FF 01 00"), "FF is padding, not a tag");
        // Children of a constructed object are checked when asked for.
        let outer = Tlv::from_bytes(&h("A3 02 5A 05")).unwrap();
        assert!(outer.children().is_err());
        assert!(outer.child(Tag::new(0x4F)).is_err());
        assert_eq!(
            Tlv::from_bytes(&h("5A 00 5A 00")),
            Err(Error::TrailingData("BER-TLV data object"))
        );
    }

    // ISO/IEC 7816-4 §5.2.2.1: '00' or 'FF' bytes may occur before, between or after
    // BER-TLV data objects. Record 1 of EF.DIR from onomondo-uicc
    // (tests/select/select_test.c, "read the first record"): application template 61
    // with AID 4F and label 50 "USim1", then 11 bytes of FF up to the record length 0x26.
    #[test]
    fn padding_is_skipped() {
        let record = h("61194F10A0000000871002FFFFFFFF8907090000 50055553696D31 \
                        FFFFFFFFFFFFFFFFFFFFFF");
        assert_eq!(record.len(), 0x26);
        let tlvs = Tlv::decode_all_padded(&record).unwrap();
        assert_eq!(tlvs.len(), 1);
        assert_eq!(tlvs[0].tag, Tag::new(0x61));
        let aid = tlvs[0].child(Tag::new(0x4F)).unwrap().unwrap();
        assert_eq!(aid.value, &h("A0000000871002FFFFFFFF8907090000")[..]);
        let label = tlvs[0].child(Tag::new(0x50)).unwrap().unwrap();
        assert_eq!(label.value, b"USim1");
        assert!(Tlv::decode_all(&record).is_err());

        let mixed = h("FF 00 5A0101 0000 4F00 FF");
        let tlvs = Tlv::decode_all_padded(&mixed).unwrap();
        assert_eq!(
            tlvs,
            vec![
                Tlv::new(Tag::new(0x5A), [0x01]),
                Tlv::new(Tag::new(0x4F), [])
            ]
        );
        assert_eq!(Tlv::decode_all_padded(&h("FFFFFF")).unwrap(), vec![]);
        assert_eq!(Tlv::decode_all(&[]).unwrap(), vec![]);
    }

    // The iterator stops after the first error (X.690 §8.1.3: '5F' alone is a
    // truncated two-byte tag).
    #[test]
    fn iter_stops_after_error() {
        let bytes = h("5A0101 5F");
        let mut it = iter(&bytes);
        let first = it.next().unwrap().unwrap();
        assert_eq!(first.tag, Tag::new(0x5A));
        assert_eq!(first.value, [0x01]);
        assert_eq!(it.next(), Some(Err(Error::Truncated("BER-TLV tag"))));
        assert_eq!(it.next(), None);
        assert_eq!(it.next(), None);
        assert_eq!(it.remaining(), &[][..]);
        let v = TlvView::decode(&bytes).unwrap().0;
        assert_eq!(Tlv::from(v), Tlv::new(Tag::new(0x5A), [0x01]));
        assert_eq!(format!("{v:?}"), "TlvView { tag: 5A, value: \"01\" }");
    }

    // ---- property tests ----

    #[derive(Debug, Clone, PartialEq)]
    enum Node {
        Prim(Tag, Vec<u8>),
        Cons(Tag, Vec<Node>),
    }

    fn class() -> impl Strategy<Value = Class> {
        prop_oneof![
            Just(Class::Universal),
            Just(Class::Application),
            Just(Class::Context),
            Just(Class::Private)
        ]
    }

    fn tag(constructed: bool) -> impl Strategy<Value = Tag> {
        (class(), prop_oneof![0u32..31, 31u32..128, 128u32..0x4000])
            .prop_filter_map("invalid tag", move |(c, n)| {
                Tag::from_parts(c, constructed, n).ok()
            })
    }

    fn node() -> impl Strategy<Value = Node> {
        let leaf = (tag(false), proptest::collection::vec(any::<u8>(), 0..300))
            .prop_map(|(t, v)| Node::Prim(t, v));
        leaf.prop_recursive(4, 48, 6, |inner| {
            (tag(true), proptest::collection::vec(inner, 0..6)).prop_map(|(t, c)| Node::Cons(t, c))
        })
    }

    fn to_tlv(node: &Node) -> Tlv {
        match node {
            Node::Prim(t, v) => Tlv::new(*t, v.clone()),
            Node::Cons(t, c) => Tlv::constructed(*t, &c.iter().map(to_tlv).collect::<Vec<_>>()),
        }
    }

    fn write_node(out: &mut Vec<u8>, node: &Node) {
        match node {
            Node::Prim(t, v) => write_tlv(out, *t, |o| o.extend_from_slice(v)),
            Node::Cons(t, c) => write_tlv(out, *t, |o| {
                for child in c {
                    write_node(o, child);
                }
            }),
        }
    }

    fn node_tag(node: &Node) -> Tag {
        match node {
            Node::Prim(t, _) | Node::Cons(t, _) => *t,
        }
    }

    fn from_tlv(tlv: &Tlv) -> Node {
        if tlv.tag.is_constructed() {
            Node::Cons(
                tlv.tag,
                tlv.children().unwrap().iter().map(from_tlv).collect(),
            )
        } else {
            Node::Prim(tlv.tag, tlv.value.clone())
        }
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = Tag::decode(&bytes);
            let _ = Tag::from_bytes(&bytes);
            let _ = decode_length(&bytes);
            let _ = Tlv::from_bytes(&bytes);
            let _ = Tlv::decode_all_padded(&bytes);
            let _ = find_path_in(&bytes, &[Tag::new(0x62), Tag::new(0x83)]);
            if let Ok((tlv, _)) = Tlv::decode(&bytes) {
                let _ = tlv.children();
                let _ = tlv.child(Tag::new(0x80));
                prop_assert_eq!(tlv.encoded_len(), tlv.encode().len());
            }
            for view in iter(&bytes).flatten() {
                let _ = view.children().count();
            }
            if let Ok(all) = Tlv::decode_all(&bytes) {
                let _ = find_path(&all, &[Tag::new(0xBF3E), Tag::new(0x5A)]);
            }
        }

        #[test]
        fn mutated_encodings_never_panic(
            node in node(),
            at in any::<prop::sample::Index>(),
            byte in any::<u8>(),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut bytes = to_tlv(&node).encode();
            let i = at.index(bytes.len());
            bytes[i] = byte;
            bytes.truncate(cut.index(bytes.len() + 1));
            if let Ok(all) = Tlv::decode_all_padded(&bytes) {
                for tlv in &all {
                    let _ = tlv.children();
                }
            }
            let _ = crate::tlv::describe(&bytes);
            let _ = find_path_in(&bytes, &[node_tag(&node), Tag::new(0x80)]);
        }

        #[test]
        fn tree_round_trip(node in node()) {
            let tlv = to_tlv(&node);
            let bytes = tlv.encode();
            prop_assert_eq!(bytes.len(), tlv.encoded_len());
            let mut written = Vec::new();
            write_node(&mut written, &node);
            prop_assert_eq!(&written, &bytes);
            let (decoded, rest) = Tlv::decode(&bytes).unwrap();
            prop_assert!(rest.is_empty());
            prop_assert_eq!(&decoded, &tlv);
            prop_assert_eq!(from_tlv(&decoded), node);
            prop_assert_eq!(decoded.encode(), bytes);
        }

        #[test]
        fn length_round_trip(len in prop_oneof![0usize..0x200, 0usize..=0xFFFF_FFFF]) {
            let mut out = Vec::new();
            encode_length(len, &mut out);
            prop_assert_eq!(out.len(), length_len(len));
            prop_assert_eq!(decode_length(&out).unwrap(), (len, &[][..]));
        }

        #[test]
        fn tag_round_trip(c in class(), constructed in any::<bool>(), n in 0u32..0x4000) {
            if let Ok(tag) = Tag::from_parts(c, constructed, n) {
                let mut out = Vec::new();
                tag.encode_into(&mut out);
                prop_assert_eq!(out.len(), tag.len());
                let back = Tag::from_bytes(&out).unwrap();
                prop_assert_eq!(back, tag);
                prop_assert_eq!(back.class(), c);
                prop_assert_eq!(back.is_constructed(), constructed);
                prop_assert_eq!(back.number(), n);
            }
        }

        #[test]
        fn canonical_bytes_re_encode(items in proptest::collection::vec(node(), 0..4)) {
            let mut bytes = Vec::new();
            for item in &items {
                write_node(&mut bytes, item);
            }
            let decoded = Tlv::decode_all(&bytes).unwrap();
            let mut again = Vec::new();
            for tlv in &decoded {
                tlv.encode_into(&mut again);
            }
            prop_assert_eq!(again, bytes);
        }
    }
}

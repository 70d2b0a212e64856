//! Select responses: the FCP template of TS 102 221 §11.1.1.3 and the GSM response of
//! 3GPP TS 51.011 §9.2.1.

use apdu::tlv::ber::{self, Tag};

use super::file::{Body, File, RecordKind, Security};

/// Appends a BER-TLV with a one-byte tag (FCP tags are all one byte).
fn put(out: &mut Vec<u8>, tag: u8, value: &[u8]) {
    ber::write_primitive(out, Tag::new(u32::from(tag)), value);
}

fn put_len(out: &mut Vec<u8>, len: usize) {
    ber::encode_length(len, out);
}

/// File descriptor byte (TS 102 221 §11.1.1.4.3, Table 11.5).
fn descriptor_byte(file: &File) -> u8 {
    let share = if file.shareable { 0x40 } else { 0x00 };
    share
        | match &file.body {
            Body::Df { .. } => 0x38,
            Body::Transparent(_) => 0x01,
            Body::Records(r) if r.kind == RecordKind::LinearFixed => 0x02,
            Body::Records(_) => 0x06,
            Body::BerTlv { .. } => 0x39,
        }
}

/// The FCP template (tag `62`) of a file. `pin_enabled(key_ref)` tells the PIN status
/// template (tag `C6`) which PINs are enabled.
pub fn fcp_template(file: &File, pin_enabled: impl Fn(u8) -> bool) -> Vec<u8> {
    let mut v = Vec::with_capacity(64);
    // 82: file descriptor, data coding byte 21, record length and count for records.
    match &file.body {
        Body::Records(r) => put(
            &mut v,
            0x82,
            &[
                descriptor_byte(file),
                0x21,
                0x00,
                r.record_len,
                r.records.len().min(255) as u8,
            ],
        ),
        _ => put(&mut v, 0x82, &[descriptor_byte(file), 0x21]),
    }
    put(&mut v, 0x83, &file.fid.to_be_bytes());
    if let Some(aid) = file.aid() {
        put(&mut v, 0x84, aid);
    }
    if file.is_df() && file.parent.is_none() && file.aid().is_none() {
        // A5 proprietary information: UICC characteristics (TS 102 221 §11.1.1.4.6.1):
        // clock stop allowed, no preferred level; supply voltage classes A, B, C.
        put(&mut v, 0xA5, &[0x80, 0x01, 0x71]);
    }
    put(&mut v, 0x8A, &[file.lcsi.byte()]);
    match &file.security {
        Security::Arr { arr_fid, records } => {
            let mut val = arr_fid.to_be_bytes().to_vec();
            match records.as_slice() {
                [(None, rec)] => val.push(*rec),
                pairs => {
                    for (se, rec) in pairs {
                        val.push(se.unwrap_or(0));
                        val.push(*rec);
                    }
                }
            }
            put(&mut v, 0x8B, &val);
        }
        Security::Compact(b) => put(&mut v, 0x8C, b),
        Security::Expanded(b) => put(&mut v, 0xAB, b),
    }
    if file.is_df() {
        // C6 PIN status template DO (TS 102 221 §9.5.2): PS_DO bitmap, then key references.
        let refs = file.pin_refs();
        if !refs.is_empty() {
            let mut ps = vec![0u8; refs.len().div_ceil(8)];
            for (i, r) in refs.iter().enumerate() {
                if pin_enabled(*r) {
                    if let Some(b) = ps.get_mut(i / 8) {
                        *b |= 0x80 >> (i % 8);
                    }
                }
            }
            let mut c6 = Vec::new();
            put(&mut c6, 0x90, &ps);
            for r in refs {
                if *r == 0x11 {
                    // Universal PIN: usage qualifier "user authentication, knowledge based".
                    put(&mut c6, 0x95, &[0x08]);
                }
                put(&mut c6, 0x83, &[*r]);
            }
            put(&mut v, 0xC6, &c6);
        }
    } else {
        let size = file.size().min(0xFFFF) as u16;
        put(&mut v, 0x80, &size.to_be_bytes());
        // 81: total file size, data plus structural overhead, which this card does not
        // spend (TS 102 221 §11.1.1.4.2).
        put(&mut v, 0x81, &size.to_be_bytes());
        match file.sfi {
            Some(sfi) => put(&mut v, 0x88, &[sfi << 3]),
            None => put(&mut v, 0x88, &[]),
        }
    }
    let mut out = Vec::with_capacity(v.len() + 3);
    out.push(0x62);
    put_len(&mut out, v.len());
    out.extend_from_slice(&v);
    out
}

/// The class `A0` SELECT / STATUS response of 3GPP TS 51.011 §9.2.1: 22 bytes for the
/// MF and DFs, 15 bytes for EFs.
///
/// `chv` gives, per CHV/UNBLOCK CHV of DF responses, `(enabled, retries_left)`
/// for CHV1, UNBLOCK CHV1, CHV2, UNBLOCK CHV2; `counts` the number of child DFs and EFs;
/// `access` the three access-condition bytes of EFs (TS 51.011 §9.3, nibbles: 0 ALW,
/// 1 CHV1, 2 CHV2, 4 ADM, F NEV) for READ|UPDATE, INCREASE|RFU, REHABILITATE|INVALIDATE.
pub fn gsm_response(
    file: &File,
    counts: (u8, u8),
    chv: [(bool, u8); 4],
    access: [u8; 3],
) -> Vec<u8> {
    let fid = file.fid.to_be_bytes();
    match &file.body {
        Body::Df { .. } => {
            let kind = if file.parent.is_none() { 0x01 } else { 0x02 };
            // Byte 14 file characteristics: b1 clock stop allowed, b8 CHV1 disabled.
            let chv1_disabled = if chv[0].0 { 0x00 } else { 0x80 };
            // CHV1 status carries "enabled" in the first tuple element; the status bytes
            // report "secret code initialised" (b8) and the remaining attempts.
            let status = |(_, retries): (bool, u8)| -> u8 { 0x80 | (retries & 0x0F) };
            vec![
                0x00,
                0x00, // RFU
                0x00,
                0x00, // total memory not allocated to DFs/EFs
                fid[0],
                fid[1],
                kind,
                0x00,
                0x00,
                0x00,
                0x00,
                0x00, // RFU
                0x09, // length of the GSM specific data that follows
                0x01 | chv1_disabled,
                counts.0,
                counts.1,
                0x04, // number of CHVs, UNBLOCK CHVs and administrative codes
                0x00,
                status(chv[0]),
                status(chv[1]),
                status(chv[2]),
                status(chv[3]),
            ]
        }
        body => {
            let size = (file.size().min(0xFFFF) as u16).to_be_bytes();
            let (structure, rec_len, increase) = match body {
                Body::Records(r) if r.kind == RecordKind::LinearFixed => {
                    (0x01, r.record_len, false)
                }
                Body::Records(r) => (0x03, r.record_len, r.increase_allowed),
                _ => (0x00, 0x00, false),
            };
            let status = if file.is_active() { 0x01 } else { 0x00 };
            vec![
                0x00,
                0x00,
                size[0],
                size[1],
                fid[0],
                fid[1],
                0x04, // EF
                if increase { 0x40 } else { 0x00 },
                access[0],
                access[1],
                access[2],
                status,
                0x02, // length of the following data
                structure,
                rec_len,
            ]
        }
    }
}

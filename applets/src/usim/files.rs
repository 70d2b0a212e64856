//! The files of ADF.USIM as data (libosmocore `card_fs_usim.c` / pySim `ADF_USIM`
//! style): one [`FileRow`] per file with FID, SFI, name, structure, the USIM service it
//! depends on, its EF.ARR record and its codec; [`adf_files`] turns the table into
//! profile entries with contents derived from the [`UsimParams`].
//!
//! Source: 3GPP TS 31.102 (Release 17) §4.2 (EFs at the ADF.USIM level), §4.4.3
//! (DF.GSM-ACCESS), §4.4.11 (DF.5GS); FIDs and SFIs agree with libosmocore
//! `src/sim/card_fs_usim.c` and pySim `ts_31_102.py`. Sizes and initial contents follow
//! the SIMalliance/TCA profile templates (pySim `esim/saip/templates.py`) and TS 31.102
//! Annex E where they give one.
//!
//! **EF.USIM service table.** EF.UST announces exactly the services whose rows are
//! present ([`Service::Required`]) plus [`FILELESS_SERVICES`]; a row that only needs one
//! of several services ([`Service::AnyOf`]) is kept only if one of them is announced.
//! So the table and EF.UST cannot disagree.
//!
//! **Access rules.** Every file refers to the ADF-level EF.ARR `6F06` (TS 31.102
//! §4.2.55), whose records ([`ADF_ARR_RECORDS`]) are the MF EF.ARR rules of the
//! default profile (records 1–7) plus record 8 for the PIN2-protected files. The
//! record of each row follows the access conditions of its clause in TS 31.102:
//!
//! | rec | READ   | UPDATE | (DE)ACTIVATE | used for (spec access conditions)              |
//! |-----|--------|--------|--------------|------------------------------------------------|
//! | 1   | always | ADM1   | ADM1         | READ ALW / UPDATE ADM: AD, SPN, ECC, ARR; DFs  |
//! | 2   | PIN1   | PIN1   | ADM1         | READ PIN / UPDATE PIN: LOCI, Keys, SMS, …      |
//! | 3   | always | PIN1   | ADM1         | READ ALW / UPDATE PIN: LI                      |
//! | 4   | PIN1   | ADM1   | ADM1         | READ PIN / UPDATE ADM: IMSI, UST, ACC, …       |
//! | 5   | ADM1   | ADM1   | ADM1         | (unused)                                       |
//! | 6   | always | never  | ADM1         | (unused)                                       |
//! | 7   | PIN2   | PIN2   | ADM1         | (unused)                                       |
//! | 8   | PIN1   | PIN2   | ADM1         | READ PIN / UPDATE PIN2: FDN, EST               |

use card_os::profile::{FileKindSpec, FileSpec};

use super::codec::{
    AdnRecord, CodecKind, DialNumber, EccRecord, Ef5gsLoci, EfAcc, EfAd, EfCodec, EfEpsLoci,
    EfHpplmn, EfImsi, EfKc, EfKeys, EfLoci, EfPsLoci, EfRoutingIndicator, EfSmss, EfSpn,
    EfStartHfn, EfSuciCalcInfo, EfThreshold, LanguageList, Plmn, PlmnAct, PlmnActList, PlmnList,
    ServiceTable, SmsRecord, SmspRecord,
};
use super::codec::{Alpha, CodecError};
use super::params::UsimParams;

/// The structure of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A DF.
    Df,
    /// A transparent EF of that many bytes.
    Transparent(usize),
    /// A linear fixed EF.
    LinearFixed {
        /// Record length.
        record_len: u8,
        /// Number of records.
        records: u8,
    },
}

/// The service-table condition of a file (TS 31.102 §4.2.8 for EF.UST, TS 51.011
/// §10.3.7 for EF.SST).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// Mandatory file, no service.
    None,
    /// The file belongs to this service: its presence makes the service announced.
    Required(u16),
    /// The file is present if any of these services is announced (EF.EST, DF.5GS).
    AnyOf(&'static [u16]),
}

/// One file of a file table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileRow {
    /// FIDs below the application (or MF) root, `/`-separated, e.g. `5FC0/4F01`.
    pub path: &'static str,
    /// Short file identifier.
    pub sfi: Option<u8>,
    /// Name, e.g. `EF.IMSI`.
    pub name: &'static str,
    /// Structure and size.
    pub shape: Shape,
    /// Service-table condition.
    pub service: Service,
    /// Record of the EF.ARR holding the file's access rule.
    pub arr_record: u8,
    /// The codec of the contents (of each record for record EFs).
    pub codec: CodecKind,
}

/// Shorthand for table rows.
const fn row(
    path: &'static str,
    sfi: Option<u8>,
    name: &'static str,
    shape: Shape,
    service: Service,
    arr_record: u8,
    codec: CodecKind,
) -> FileRow {
    FileRow {
        path,
        sfi,
        name,
        shape,
        service,
        arr_record,
        codec,
    }
}

use CodecKind as C;
use Service::{AnyOf, Required};
use Shape::{Df, LinearFixed as Lf, Transparent as T};

/// No service.
const MANDATORY: Service = Service::None;

/// The files of ADF.USIM.
#[rustfmt::skip]
pub const ADF_USIM: &[FileRow] = &[
    // --- TS 31.102 §4.2: EFs at the ADF.USIM level ---------------------------------
    // §4.2.1 EF.LI: READ ALW, UPDATE PIN.
    row("6F05", Some(0x02), "EF.LI", T(6), MANDATORY, 3, C::Languages),
    // §4.2.2 EF.IMSI: READ PIN, UPDATE ADM.
    row("6F07", Some(0x07), "EF.IMSI", T(9), MANDATORY, 4, C::Imsi),
    // §4.2.3 EF.Keys, §4.2.4 EF.KeysPS: READ PIN, UPDATE PIN.
    row("6F08", Some(0x08), "EF.Keys", T(33), MANDATORY, 2, C::Keys),
    row("6F09", Some(0x09), "EF.KeysPS", T(33), MANDATORY, 2, C::Keys),
    // §4.2.5 EF.PLMNwAcT (service 20): READ PIN, UPDATE PIN.
    row("6F60", Some(0x0A), "EF.PLMNwAcT", T(40), Required(20), 2, C::PlmnActList),
    // §4.2.6 EF.HPPLMN: READ PIN, UPDATE ADM.
    row("6F31", Some(0x12), "EF.HPPLMN", T(1), MANDATORY, 4, C::Hpplmn),
    // §4.2.8 EF.UST: READ PIN, UPDATE ADM.
    row("6F38", Some(0x04), "EF.UST", T(17), MANDATORY, 4, C::ServiceTable),
    // §4.2.12 EF.SPN (service 19): READ ALW, UPDATE ADM. Only with `spn` set.
    row("6F46", None, "EF.SPN", T(17), Required(19), 1, C::Spn),
    // §4.2.15 EF.ACC: READ PIN, UPDATE ADM.
    row("6F78", Some(0x06), "EF.ACC", T(2), MANDATORY, 4, C::Acc),
    // §4.2.16 EF.FPLMN: READ PIN, UPDATE PIN.
    row("6F7B", Some(0x0D), "EF.FPLMN", T(12), MANDATORY, 2, C::PlmnList),
    // §4.2.17 EF.LOCI: READ PIN, UPDATE PIN.
    row("6F7E", Some(0x0B), "EF.LOCI", T(11), MANDATORY, 2, C::Loci),
    // §4.2.18 EF.AD: READ ALW, UPDATE ADM.
    row("6FAD", Some(0x03), "EF.AD", T(4), MANDATORY, 1, C::Ad),
    // §4.2.21 EF.ECC: READ ALW, UPDATE ADM. Records of 4 bytes (no alpha identifier).
    row("6FB7", Some(0x01), "EF.ECC", Lf { record_len: 4, records: 5 }, MANDATORY, 1, C::Ecc),
    // §4.2.23 EF.PSLOCI: READ PIN, UPDATE PIN.
    row("6F73", Some(0x0C), "EF.PSLOCI", T(14), MANDATORY, 2, C::PsLoci),
    // §4.2.24 EF.FDN (service 2): READ PIN, UPDATE PIN2. 12-byte alpha (SAIP template).
    row("6F3B", None, "EF.FDN", Lf { record_len: 26, records: 10 }, Required(2), 8, C::Adn),
    // §4.2.25 EF.SMS (service 10): READ PIN, UPDATE PIN.
    row("6F3C", None, "EF.SMS", Lf { record_len: 176, records: 10 }, Required(10), 2, C::Sms),
    // §4.2.26 EF.MSISDN (service 21): READ PIN, UPDATE PIN/ADM. 10-byte alpha (SAIP).
    row("6F40", None, "EF.MSISDN", Lf { record_len: 24, records: 2 }, Required(21), 2, C::Adn),
    // §4.2.27 EF.SMSP (service 12): READ PIN, UPDATE PIN. 10-byte alpha (SAIP).
    row("6F42", None, "EF.SMSP", Lf { record_len: 38, records: 1 }, Required(12), 2, C::Smsp),
    // §4.2.28 EF.SMSS (service 10): READ PIN, UPDATE PIN.
    row("6F43", None, "EF.SMSS", T(2), Required(10), 2, C::Smss),
    // §4.2.47 EF.EST (services 2, 6, 34 or 35): READ PIN, UPDATE PIN2.
    row("6F56", Some(0x05), "EF.EST", T(1), AnyOf(&[2, 6, 34, 35]), 8, C::ServiceTable),
    // §4.2.51 EF.START-HFN: READ PIN, UPDATE PIN.
    row("6F5B", Some(0x0F), "EF.START-HFN", T(6), MANDATORY, 2, C::StartHfn),
    // §4.2.52 EF.THRESHOLD: READ PIN, UPDATE ADM.
    row("6F5C", Some(0x10), "EF.THRESHOLD", T(3), MANDATORY, 4, C::Threshold),
    // §4.2.53 EF.OPLMNwAcT (service 42), §4.2.54 EF.HPLMNwAcT (service 43): READ PIN,
    // UPDATE ADM.
    row("6F61", Some(0x11), "EF.OPLMNwAcT", T(40), Required(42), 4, C::PlmnActList),
    row("6F62", Some(0x13), "EF.HPLMNwAcT", T(5), Required(43), 4, C::PlmnActList),
    // §4.2.55 EF.ARR: READ ALW, UPDATE ADM.
    row("6F06", Some(0x17), "EF.ARR", Lf { record_len: 40, records: 8 }, MANDATORY, 1, C::TlvList),
    // §4.2.57 EF.NETPAR: READ PIN, UPDATE PIN. 46 bytes is the minimum size.
    row("6FC4", None, "EF.NETPAR", T(46), MANDATORY, 2, C::TlvList),
    // §4.2.84 EF.EHPLMN (service 71): READ PIN, UPDATE ADM. Room for 5 PLMNs (SAIP).
    row("6FD9", Some(0x1D), "EF.EHPLMN", T(15), Required(71), 4, C::PlmnList),
    // §4.2.91 EF.EPSLOCI, §4.2.92 EF.EPSNSC (service 85): READ PIN, UPDATE PIN.
    row("6FE3", Some(0x1E), "EF.EPSLOCI", T(18), Required(85), 2, C::EpsLoci),
    row("6FE4", Some(0x18), "EF.EPSNSC", Lf { record_len: 54, records: 1 }, Required(85), 2, C::Nsc),
    // --- TS 31.102 §4.4.3: DF.GSM-ACCESS (service 27) ------------------------------
    row("5F3B", None, "DF.GSM-ACCESS", Df, Required(27), 1, C::None),
    // §4.4.3.2 EF.Kc, §4.4.3.3 EF.KcGPRS: READ PIN, UPDATE PIN.
    row("5F3B/4F20", Some(0x01), "EF.Kc", T(9), Required(27), 2, C::Kc),
    row("5F3B/4F52", Some(0x02), "EF.KcGPRS", T(9), Required(27), 2, C::Kc),
    // --- TS 31.102 §4.4.11: DF.5GS (services 122–145) ------------------------------
    row("5FC0", None, "DF.5GS", Df, AnyOf(&[122, 123, 124, 125, 126, 127, 129, 130]), 1, C::None),
    // §4.4.11.2–3 EF.5GS3GPPLOCI / EF.5GSN3GPPLOCI (service 122): READ PIN, UPDATE PIN.
    row("5FC0/4F01", Some(0x01), "EF.5GS3GPPLOCI", T(20), Required(122), 2, C::FivegsLoci),
    row("5FC0/4F02", Some(0x02), "EF.5GSN3GPPLOCI", T(20), Required(122), 2, C::FivegsLoci),
    // §4.4.11.4–5 EF.5GS3GPPNSC / EF.5GSN3GPPNSC (service 122): READ PIN, UPDATE PIN.
    row("5FC0/4F03", Some(0x03), "EF.5GS3GPPNSC", Lf { record_len: 57, records: 1 }, Required(122), 2, C::Nsc),
    row("5FC0/4F04", Some(0x04), "EF.5GSN3GPPNSC", Lf { record_len: 57, records: 1 }, Required(122), 2, C::Nsc),
    // §4.4.11.8 EF.SUCI_Calc_Info (service 124): READ PIN, UPDATE ADM.
    row("5FC0/4F07", Some(0x07), "EF.SUCI_Calc_Info", T(64), Required(124), 4, C::SuciCalcInfo),
    // §4.4.11.11 EF.Routing_Indicator (service 124): READ PIN, UPDATE ADM.
    row("5FC0/4F0A", Some(0x0A), "EF.Routing_Indicator", T(4), Required(124), 4, C::RoutingIndicator),
];

/// Services EF.UST announces that no file of the table carries (TS 31.102 §4.2.8):
/// - 33: "shall be set to '1'" (formerly packet switched domain);
/// - 38: GSM security context — AUTHENTICATE in GSM context (P2 `80`, §7.1.2), which
///   `usim::auth` decodes.
pub const FILELESS_SERVICES: &[u16] = &[33, 38];

/// The files each announced service requires (TS 31.102 §4.2.8 and the "If service n°
/// … is available, this file shall be present" line of each EF's clause), kept apart
/// from [`ADF_USIM`] so the registry test checks the table against the spec.
#[rustfmt::skip]
pub const SERVICE_FILES: &[(u16, &[&str])] = &[
    (2, &["6F3B", "6F56"]),                        // EF.FDN §4.2.24, EF.EST §4.2.47
    (10, &["6F3C", "6F43"]),                       // EF.SMS §4.2.25, EF.SMSS §4.2.28
    (12, &["6F42"]),                               // EF.SMSP §4.2.27
    (19, &["6F46"]),                               // EF.SPN §4.2.12
    (20, &["6F60"]),                               // EF.PLMNwAcT §4.2.5
    (21, &["6F40"]),                               // EF.MSISDN §4.2.26
    (27, &["5F3B", "5F3B/4F20", "5F3B/4F52"]),     // DF.GSM-ACCESS §4.4.3
    (33, &[]),
    (38, &[]),
    (42, &["6F61"]),                               // EF.OPLMNwAcT §4.2.53
    (43, &["6F62"]),                               // EF.HPLMNwAcT §4.2.54
    (71, &["6FD9"]),                               // EF.EHPLMN §4.2.84
    (85, &["6FE3", "6FE4"]),                       // EF.EPSLOCI §4.2.91, EF.EPSNSC §4.2.92
    (122, &["5FC0", "5FC0/4F01", "5FC0/4F02", "5FC0/4F03", "5FC0/4F04"]), // §4.4.11.2–5
    (124, &["5FC0", "5FC0/4F07", "5FC0/4F0A"]),   // §4.4.11.8, §4.4.11.11
];

/// The records of the ADF-level EF.ARR `6F06` (expanded format, TS 102 221 §9.2.4 /
/// ISO/IEC 7816-4 §9.3.3; `80` AM byte, `A4` CRT with `83` key reference, `90 00`
/// always, `97 00` never). Records 1–7 equal the MF EF.ARR of the default profile.
pub const ADF_ARR_RECORDS: [&str; 8] = [
    // 1: READ always; UPDATE, ACTIVATE, DEACTIVATE: ADM1 (0A).
    "8001019000 80011AA40683010A950108",
    // 2: READ, UPDATE: PIN1 (01); ACTIVATE, DEACTIVATE: ADM1.
    "800103A406830101950108 800118A40683010A950108",
    // 3: READ always; UPDATE: PIN1; ACTIVATE, DEACTIVATE: ADM1.
    "8001019000 800102A406830101950108 800118A40683010A950108",
    // 4: READ: PIN1; UPDATE, ACTIVATE, DEACTIVATE: ADM1.
    "800101A406830101950108 80011AA40683010A950108",
    // 5: READ, UPDATE, ACTIVATE, DEACTIVATE: ADM1.
    "800103A40683010A950108 800118A40683010A950108",
    // 6: READ always; UPDATE never; ACTIVATE, DEACTIVATE: ADM1.
    "8001019000 8001029700 800118A40683010A950108",
    // 7: READ, UPDATE: PIN2 (81); ACTIVATE, DEACTIVATE: ADM1.
    "800103A406830181950108 800118A40683010A950108",
    // 8: READ: PIN1; UPDATE: PIN2; ACTIVATE, DEACTIVATE: ADM1.
    "800101A406830101950108 800102A406830181950108 800118A40683010A950108",
];

/// PIN status template of the DFs below the ADF (as DF.TELECOM in the default profile).
const DF_PINS: [&str; 2] = ["PIN1", "ADM1"];

/// The initial contents of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// A DF.
    Df,
    /// A transparent EF's body (padded to the file size when built).
    Transparent(Vec<u8>),
    /// A record EF's records (each padded to the record length; missing records are
    /// `FF`).
    Records(Vec<Vec<u8>>),
}

/// `field: reason`.
fn err(field: &str, e: CodecError) -> String {
    format!("{field}: {e}")
}

/// The parameters checked and converted once.
pub(crate) struct Derived {
    /// EF.IMSI contents.
    pub(crate) imsi: EfImsi,
    /// The IMSI's PLMN (MCC + `mnc_digits` MNC digits).
    pub(crate) hplmn: Plmn,
    /// EF.ACC contents.
    pub(crate) acc: EfAcc,
    /// EF.SPN contents, if `spn` is set.
    pub(crate) spn: Option<EfSpn>,
}

/// Checks the parameters every file table needs; errors name the parameter.
pub(crate) fn derive(p: &UsimParams) -> Result<Derived, String> {
    let imsi = EfImsi::new(&p.imsi).map_err(|e| err("imsi", e))?;
    if !(2..=3).contains(&p.mnc_digits) {
        return Err("mnc_digits: 2 or 3".into());
    }
    if p.imsi.len() < 6 {
        return Err("imsi: at least 6 digits (MCC + MNC + MSIN)".into());
    }
    let hplmn = Plmn::from_imsi(&p.imsi, p.mnc_digits).map_err(|e| err("imsi", e))?;
    let acc = EfAcc::class(p.acc).ok_or_else(|| "acc: an access control class 0–15".to_string())?;
    let spn = match &p.spn {
        None => None,
        Some(s) => {
            let name = Alpha::from_text(s).map_err(|e| err("spn", e))?;
            if name.as_bytes().len() > 16 {
                return Err("spn: longer than the 16 bytes of EF.SPN".into());
            }
            // Display condition 00: SPN display required outside the HPLMN, registered
            // PLMN name not required in the HPLMN (TS 31.102 §4.2.12).
            Some(EfSpn {
                display_condition: 0x00,
                name,
            })
        }
    };
    Ok(Derived {
        imsi,
        hplmn,
        acc,
        spn,
    })
}

/// The initial contents of `row`, or `None` to leave the file out.
fn contents(row: &FileRow, p: &UsimParams, d: &Derived) -> Result<Option<Content>, String> {
    let t = |bytes: Vec<u8>| Ok(Some(Content::Transparent(bytes)));
    match row.path {
        "6F05" => t(LanguageList::default().encode(0)),
        "6F07" => t(d.imsi.encode(9)),
        "6F08" | "6F09" => t(EfKeys::NO_KEY.encode(33)),
        "6F60" | "6F61" => t(PlmnActList {
            entries: vec![PlmnAct::UNUSED; 8],
        }
        .encode(40)),
        // HPPLMN search period: SAIP template default '0A'.
        "6F31" => t(EfHpplmn(0x0A).encode(1)),
        // EF.UST is filled in by `adf_files` once the file set is known.
        "6F38" => t(Vec::new()),
        "6F46" => Ok(d.spn.as_ref().map(|s| Content::Transparent(s.encode(17)))),
        "6F78" => t(d.acc.encode(2)),
        "6F7B" => t(PlmnList::default().encode(12)),
        "6F7E" => t(EfLoci::NOT_UPDATED.encode(11)),
        "6FAD" => t(EfAd::new(p.mnc_digits).encode(4)),
        "6FB7" => Ok(Some(Content::Records(
            ["112", "911"]
                .iter()
                .map(|c| EccRecord::new(c, 0x00).map(|r| r.encode(4)))
                .collect::<Result<_, _>>()
                .map_err(|e| err("EF.ECC", e))?,
        ))),
        "6F73" => t(EfPsLoci::NOT_UPDATED.encode(14)),
        "6F3B" => Ok(Some(Content::Records(Vec::new()))),
        "6F3C" => Ok(Some(Content::Records(vec![
            SmsRecord::FREE.encode(176);
            10
        ]))),
        "6F40" => {
            let rec = match &p.msisdn {
                None => AdnRecord::EMPTY,
                Some(m) => AdnRecord {
                    number: Some(DialNumber::parse(m).map_err(|e| err("msisdn", e))?),
                    ..AdnRecord::EMPTY
                },
            };
            Ok(Some(Content::Records(vec![rec.encode(24)])))
        }
        "6F42" => {
            let rec = match &p.smsc {
                None => SmspRecord::EMPTY,
                Some(s) => SmspRecord::with_service_centre(
                    &DialNumber::parse(s).map_err(|e| err("smsc", e))?,
                ),
            };
            Ok(Some(Content::Records(vec![rec.encode(38)])))
        }
        "6F43" => t(EfSmss {
            last_tp_mr: 0xFF,
            flags: 0xFF,
        }
        .encode(2)),
        // No service of EF.EST enabled (FDN off).
        "6F56" => t(vec![0x00]),
        "6F5B" => t(EfStartHfn {
            start_cs: 0xF0_0000,
            start_ps: 0xF0_0000,
        }
        .encode(6)),
        "6F5C" => t(EfThreshold(0xFF_FFFF).encode(3)),
        "6F62" => t(PlmnActList {
            entries: vec![PlmnAct {
                plmn: Some(d.hplmn),
                act: PlmnAct::ALL,
            }],
        }
        .encode(5)),
        "6F06" => Ok(Some(Content::Records(
            ADF_ARR_RECORDS
                .iter()
                .map(|h| apdu::hex::decode(h).map_err(|e| format!("EF.ARR: {e}")))
                .collect::<Result<_, _>>()?,
        ))),
        "6FC4" => t(Vec::new()),
        "6FD9" => {
            let list = if p.ehplmn.is_empty() {
                vec![d.hplmn]
            } else {
                p.ehplmn
                    .iter()
                    .map(|s| Plmn::parse(s).map_err(|e| err("ehplmn", e)))
                    .collect::<Result<_, _>>()?
            };
            let bytes = PlmnList::of(&list).encode(15);
            if bytes.len() > 15 {
                return Err("ehplmn: at most 5 PLMNs".into());
            }
            t(bytes)
        }
        "6FE3" => t(EfEpsLoci::NOT_UPDATED.encode(18)),
        "6FE4" | "5FC0/4F03" | "5FC0/4F04" => Ok(Some(Content::Records(Vec::new()))),
        "5F3B" | "5FC0" => Ok(Some(Content::Df)),
        "5F3B/4F20" | "5F3B/4F52" => t(EfKc::NO_KEY.encode(9)),
        "5FC0/4F01" | "5FC0/4F02" => t(Ef5gsLoci::NOT_UPDATED.encode(20)),
        "5FC0/4F07" => t(EfSuciCalcInfo::null_scheme().encode(0)),
        "5FC0/4F0A" => {
            let ri = p.routing_indicator.as_deref().unwrap_or("0");
            if ri.is_empty() {
                return Err("routing_indicator: 1 to 4 digits".into());
            }
            t(EfRoutingIndicator::new(ri)
                .map_err(|e| err("routing_indicator", e))?
                .encode(4))
        }
        other => Err(format!("no initial contents for {other}")),
    }
}

/// Rows kept with their contents, and the services they announce.
pub(crate) type Selected<'a> = (Vec<(&'a FileRow, Content)>, Vec<u16>);

/// The rows kept for `p` with their contents, and the services they announce
/// (ascending, including [`FILELESS_SERVICES`]).
pub(crate) fn select_rows<'a>(
    table: &'a [FileRow],
    fileless: &[u16],
    mut content: impl FnMut(&FileRow) -> Result<Option<Content>, String>,
) -> Result<Selected<'a>, String> {
    let mut rows = Vec::new();
    for r in table {
        if let Some(c) = content(r)? {
            rows.push((r, c));
        }
    }
    let mut services: Vec<u16> = fileless.to_vec();
    services.extend(rows.iter().filter_map(|(r, _)| match r.service {
        Service::Required(n) => Some(n),
        _ => None,
    }));
    services.sort_unstable();
    services.dedup();
    // Rows that need one of several services, and everything below a dropped DF.
    let mut dropped: Vec<&str> = Vec::new();
    rows.retain(|(r, _)| {
        let under_dropped = dropped.iter().any(|d| {
            r.path
                .strip_prefix(d)
                .is_some_and(|rest| rest.starts_with('/'))
        });
        let keep = !under_dropped
            && match r.service {
                Service::AnyOf(list) => list.iter().any(|s| services.contains(s)),
                _ => true,
            };
        if !keep {
            dropped.push(r.path);
        }
        keep
    });
    Ok((rows, services))
}

/// Turns a row and its contents into a profile entry referring to EF.ARR `arr`.
pub(crate) fn file_spec(row: &FileRow, content: Content, arr: &str) -> Result<FileSpec, String> {
    let mut spec = FileSpec {
        path: row.path.into(),
        name: row.name.into(),
        kind: None,
        sfi: row.sfi,
        size: None,
        content: None,
        record_len: None,
        records: None,
        increase: false,
        arr: Some(arr.into()),
        arr_record: Some(row.arr_record),
        arr_se: None,
        compact: None,
        expanded: None,
        pins: Vec::new(),
        lcsi: None,
        shareable: None,
    };
    match (row.shape, content) {
        (Shape::Df, Content::Df) => {
            spec.kind = Some(FileKindSpec::Df);
            spec.pins = DF_PINS.iter().map(|s| s.to_string()).collect();
        }
        (Shape::Transparent(size), Content::Transparent(bytes)) => {
            let bytes = pad_to(bytes, size, row)?;
            spec.kind = Some(FileKindSpec::Transparent);
            spec.size = Some(size);
            spec.content = Some(apdu::hex::encode(&bytes));
        }
        (
            Shape::LinearFixed {
                record_len,
                records,
            },
            Content::Records(list),
        ) => {
            if list.len() > usize::from(records) {
                return Err(format!(
                    "{}: {} records for {records}",
                    row.name,
                    list.len()
                ));
            }
            let mut all = Vec::new();
            for r in list {
                all.push(pad_to(r, usize::from(record_len), row)?);
            }
            all.resize(usize::from(records), vec![0xFF; usize::from(record_len)]);
            spec.kind = Some(FileKindSpec::LinearFixed);
            spec.record_len = Some(record_len);
            spec.records = Some(records_spec(&all)?);
        }
        _ => return Err(format!("{}: contents do not match the structure", row.name)),
    }
    Ok(spec)
}

fn pad_to(mut bytes: Vec<u8>, size: usize, row: &FileRow) -> Result<Vec<u8>, String> {
    if bytes.len() > size {
        return Err(format!(
            "{}: {} bytes do not fit {size}",
            row.name,
            bytes.len()
        ));
    }
    bytes.resize(size, 0xFF);
    Ok(bytes)
}

/// The `records` field of a [`FileSpec`], built through serde because card-os does not
/// re-export its type (`RecordsSpec::Contents`).
fn records_spec<R: serde::de::DeserializeOwned>(records: &[Vec<u8>]) -> Result<R, String> {
    toml::Value::Array(
        records
            .iter()
            .map(|r| toml::Value::String(apdu::hex::encode(r)))
            .collect(),
    )
    .try_into()
    .map_err(|e: toml::de::Error| e.to_string())
}

/// The services EF.UST announces for `p` (ascending).
pub fn ust_services(p: &UsimParams) -> Result<Vec<u16>, String> {
    let d = derive(p)?;
    select_rows(ADF_USIM, FILELESS_SERVICES, |r| contents(r, p, &d)).map(|(_, s)| s)
}

/// The files of ADF.USIM for a profile: every row of [`ADF_USIM`] whose contents `p`
/// provides (EF.SPN only with `spn`), parents before children, each referring to the
/// ADF's EF.ARR `6F06`. EF.UST lists exactly the services of the files present plus
/// [`FILELESS_SERVICES`].
///
/// Errors name the parameter that cannot be written (e.g. an IMSI with letters).
pub fn adf_files(p: &UsimParams) -> Result<Vec<FileSpec>, String> {
    let d = derive(p)?;
    let (rows, services) = select_rows(ADF_USIM, FILELESS_SERVICES, |r| contents(r, p, &d))?;
    let ust = ServiceTable::from_services(&services).map_err(|e| err("EF.UST", e))?;
    rows.into_iter()
        .map(|(r, c)| {
            let c = if r.path == "6F38" {
                // Service tables pad with 00, not FF: encode at the file size.
                let size = match r.shape {
                    Shape::Transparent(n) => n,
                    _ => 0,
                };
                Content::Transparent(ust.encode(size))
            } else {
                c
            };
            file_spec(r, c, "6F06")
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn params(extra: &str) -> UsimParams {
        UsimParams::parse(&format!(
            "imsi = \"001010000000001\"\nk = \"000102030405060708090A0B0C0D0E0F\"\nopc = \"000102030405060708090A0B0C0D0E0F\"\n{extra}"
        ))
        .unwrap()
    }

    /// Registry check shared with `gsm_files`: unique FIDs and SFIs per DF, parents
    /// before children and present, valid EF.ARR records.
    pub(crate) fn check_table(table: &[FileRow], arr_records: u8) {
        let mut fids: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        let mut sfis: BTreeMap<&str, Vec<u8>> = BTreeMap::new();
        for (i, r) in table.iter().enumerate() {
            let (parent, fid) = r.path.rsplit_once('/').unwrap_or(("", r.path));
            assert_eq!(fid.len(), 4, "{}", r.path);
            assert!(u16::from_str_radix(fid, 16).is_ok(), "{}", r.path);
            let f = fids.entry(parent).or_default();
            assert!(!f.contains(&fid), "FID {fid} twice under '{parent}'");
            f.push(fid);
            if let Some(sfi) = r.sfi {
                assert!((1..=30).contains(&sfi), "{}", r.name);
                let s = sfis.entry(parent).or_default();
                assert!(!s.contains(&sfi), "SFI {sfi:02X} twice under '{parent}'");
                s.push(sfi);
            }
            if !parent.is_empty() {
                let p = table[..i].iter().find(|x| x.path == parent);
                assert!(
                    p.is_some_and(|p| p.shape == Shape::Df),
                    "{}: parent first",
                    r.path
                );
            }
            assert_eq!(
                r.shape == Shape::Df,
                r.codec == CodecKind::None,
                "{}",
                r.name
            );
            assert!((1..=arr_records).contains(&r.arr_record), "{}", r.name);
        }
    }

    #[test]
    fn table_is_consistent() {
        check_table(ADF_USIM, u8::try_from(ADF_ARR_RECORDS.len()).unwrap());
        // The ARR row has room for every record.
        for h in ADF_ARR_RECORDS {
            assert!(apdu::hex::decode(h).unwrap().len() <= 40);
        }
    }

    #[test]
    fn arr_records_1_to_7_equal_the_default_mf_arr() {
        let profile = card_os::Profile::parse(card_os::DEFAULT_PROFILE).unwrap();
        let arr = profile.file.iter().find(|f| f.path == "2F06").unwrap();
        let v = toml::Value::try_from(&arr.records).unwrap();
        let mf: Vec<Vec<u8>> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|r| apdu::hex::decode(r.as_str().unwrap()).unwrap())
            .collect();
        let adf: Vec<Vec<u8>> = ADF_ARR_RECORDS
            .iter()
            .map(|h| apdu::hex::decode(h).unwrap())
            .collect();
        assert_eq!(mf.as_slice(), &adf[..7]);
    }

    #[test]
    fn every_codec_passes_its_vectors() {
        for row in ADF_USIM {
            row.codec
                .check_vectors()
                .unwrap_or_else(|e| panic!("{}: {e}", row.name));
        }
    }

    /// Every file's contents decode with its codec and are in canonical form.
    pub(crate) fn check_contents(table: &[FileRow], files: &[FileSpec]) {
        for f in files {
            let row = table.iter().find(|r| r.path == f.path).unwrap();
            let mut bodies = Vec::new();
            if let Some(c) = &f.content {
                bodies.push(apdu::hex::decode(c).unwrap());
            }
            if f.records.is_some() {
                let v = toml::Value::try_from(&f.records).unwrap();
                for r in v.as_array().unwrap() {
                    bodies.push(apdu::hex::decode(r.as_str().unwrap()).unwrap());
                }
            }
            for b in bodies {
                row.codec
                    .check(&b)
                    .unwrap_or_else(|e| panic!("{}: {e}", f.name));
                assert_eq!(
                    row.codec.reencode(&b).unwrap(),
                    b,
                    "{} not canonical",
                    f.name
                );
            }
        }
    }

    #[test]
    fn contents_decode_with_their_codecs() {
        let p = params("msisdn = \"+491234567\"\nspn = \"Emulator\"\nsmsc = \"+4917000000\"");
        let files = adf_files(&p).unwrap();
        check_contents(ADF_USIM, &files);
        let get = |path: &str| files.iter().find(|f| f.path == path).unwrap();
        let bin = |path: &str| apdu::hex::decode(get(path).content.as_ref().unwrap()).unwrap();
        assert_eq!(
            EfImsi::decode(&bin("6F07")).unwrap().digits(),
            "001010000000001"
        );
        assert_eq!(EfAd::decode(&bin("6FAD")).unwrap().mnc_len(), Some(2));
        assert_eq!(
            EfSpn::decode(&bin("6F46")).unwrap().name.text().as_deref(),
            Some("Emulator")
        );
        assert_eq!(EfAcc::decode(&bin("6F78")).unwrap(), EfAcc(1));
        let h = PlmnActList::decode(&bin("6F62")).unwrap();
        assert_eq!(h.entries[0].plmn.unwrap().to_string(), "001-01");
        assert_eq!(PlmnList::decode(&bin("6FD9")).unwrap().entries.len(), 1);
        assert_eq!(bin("5FC0/4F0A"), vec![0xF0, 0xFF, 0xFF, 0xFF]);
        assert_eq!(&bin("5FC0/4F07")[..4], &[0xA0, 0x02, 0x00, 0x00]);
    }

    #[test]
    fn ust_announces_exactly_the_files_present() {
        for extra in [
            "",
            "spn = \"X\"",
            "mnc_digits = 3\nehplmn = [\"001-01\", \"001-001\"]",
        ] {
            let p = params(extra);
            let files = adf_files(&p).unwrap();
            let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
            let ust_hex = files
                .iter()
                .find(|f| f.path == "6F38")
                .unwrap()
                .content
                .clone()
                .unwrap();
            let ust = ServiceTable::decode(&apdu::hex::decode(&ust_hex).unwrap()).unwrap();
            let announced = ust.services();
            assert_eq!(announced, ust_services(&p).unwrap());
            // Every announced service has the files the spec requires for it…
            for s in &announced {
                let (_, needed) = SERVICE_FILES
                    .iter()
                    .find(|(n, _)| n == s)
                    .unwrap_or_else(|| panic!("service {s} is not in SERVICE_FILES"));
                for f in *needed {
                    assert!(paths.contains(f), "service {s} announced without {f}");
                }
            }
            // …and no file needs a service that is not announced.
            for f in &files {
                let row = ADF_USIM.iter().find(|r| r.path == f.path).unwrap();
                match row.service {
                    Service::None => {}
                    Service::Required(n) => assert!(ust.contains(n), "{} needs {n}", row.name),
                    Service::AnyOf(l) => {
                        assert!(l.iter().any(|n| ust.contains(*n)), "{}", row.name)
                    }
                }
            }
            // Services 19 (SPN) follows the parameter.
            assert_eq!(ust.contains(19), p.spn.is_some());
            assert!(ust.contains(33) && ust.contains(2) && ust.contains(124));
            assert!(!ust.contains(125), "SUCI is calculated by the terminal");
        }
    }

    #[test]
    fn any_of_rows_are_dropped_without_their_services() {
        let table = [
            row("5FC0", None, "DF.X", Df, AnyOf(&[122]), 1, C::None),
            row(
                "5FC0/4F01",
                Some(1),
                "EF.Y",
                T(20),
                MANDATORY,
                2,
                C::FivegsLoci,
            ),
            row(
                "6F56",
                Some(5),
                "EF.EST",
                T(1),
                AnyOf(&[2]),
                8,
                C::ServiceTable,
            ),
            row("6F3B", None, "EF.FDN", T(1), Required(2), 8, C::Adn),
        ];
        let (rows, services) = select_rows(&table, &[], |r| {
            Ok(Some(match r.shape {
                Shape::Df => Content::Df,
                _ => Content::Transparent(vec![]),
            }))
        })
        .unwrap();
        let kept: Vec<&str> = rows.iter().map(|(r, _)| r.path).collect();
        assert_eq!(kept, vec!["6F56", "6F3B"]);
        assert_eq!(services, vec![2]);
    }

    #[test]
    fn bad_parameters_are_named() {
        let e = |extra: &str, imsi: &str| {
            let mut p = params(extra);
            p.imsi = imsi.into();
            adf_files(&p).unwrap_err()
        };
        assert!(e("", "00101x").starts_with("imsi"));
        assert!(e("", "00101").starts_with("imsi"));
        assert!(e("mnc_digits = 4", "001010000000001").starts_with("mnc_digits"));
        assert!(e("acc = 16", "001010000000001").starts_with("acc"));
        assert!(e("msisdn = \"12ab\"", "001010000000001").starts_with("msisdn"));
        assert!(e("smsc = \"x\"", "001010000000001").starts_with("smsc"));
        assert!(e("spn = \"ABCDEFGHIJKLMNOPQ\"", "001010000000001").starts_with("spn"));
        assert!(e("ehplmn = [\"00101\"]", "001010000000001").starts_with("ehplmn"));
        assert!(e(
            "ehplmn = [\"001-01\",\"001-02\",\"001-03\",\"001-04\",\"001-05\",\"001-06\"]",
            "001010000000001"
        )
        .starts_with("ehplmn"));
        assert!(
            e("routing_indicator = \"12345\"", "001010000000001").starts_with("routing_indicator")
        );
    }

    /// A USIM stand-in: the files are what this test is about.
    struct Stub;

    impl card_os::app::Application for Stub {
        fn name(&self) -> &str {
            "USIM"
        }
        fn process(
            &mut self,
            _ctx: &mut card_os::app::AppContext<'_>,
            _cmd: &apdu::command::Command,
        ) -> Result<apdu::response::Response, apdu::status::Sw> {
            Err(apdu::status::Sw::INS_NOT_SUPPORTED)
        }
    }

    struct Provider;

    fn profile_err(reason: String) -> card_os::Error {
        card_os::Error::Profile {
            field: "application.params".into(),
            reason,
        }
    }

    impl card_os::AppProvider for Provider {
        fn create(
            &self,
            _kind: &str,
            _params: &str,
        ) -> card_os::Result<Box<dyn card_os::app::Application>> {
            Ok(Box::new(Stub))
        }
        fn adf_files(&self, _kind: &str, params: &str) -> card_os::Result<Vec<FileSpec>> {
            let p = UsimParams::parse(params).map_err(profile_err)?;
            adf_files(&p).map_err(profile_err)
        }
        fn mf_files(&self, _kind: &str, params: &str) -> card_os::Result<Vec<FileSpec>> {
            let p = UsimParams::parse(params).map_err(profile_err)?;
            crate::usim::gsm_files::mf_files(&p).map_err(profile_err)
        }
    }

    const AID: &str = "A0000000871002FFFFFFFF8907090000";

    fn card() -> card_os::Card {
        let text = format!(
            "{}\n[[application]]\nkind = \"usim\"\naid = \"{AID}\"\nlabel = \"USIM\"\n\
             pins = [\"PIN1\", \"PIN2-LOCAL1\"]\n[application.params]\nimsi = \"001010123456789\"\n\
             k = \"000102030405060708090A0B0C0D0E0F\"\nopc = \"000102030405060708090A0B0C0D0E0F\"\n\
             spn = \"Emulator\"\nmsisdn = \"+4912345\"\n",
            card_os::DEFAULT_PROFILE
        );
        let mut card = card_os::Profile::parse(&text)
            .unwrap()
            .build(
                &Provider,
                Box::new(card_os::platform::SeededPlatform::new(1)),
                Box::new(card_os::store::MemStore::new()),
            )
            .unwrap();
        card.reset();
        card
    }

    fn tx(card: &mut card_os::Card, hex: &str) -> String {
        apdu::hex::encode(&card.transmit(&apdu::hex::decode(hex).unwrap()))
    }

    /// The files load into a card built from the default profile and answer with the
    /// access rules of their EF.ARR records.
    #[test]
    fn files_load_into_the_default_profile() {
        let mut c = card();
        assert_eq!(tx(&mut c, &format!("00A4040C10{AID}")), "9000");
        // EF.AD: READ always (record 1).
        assert_eq!(tx(&mut c, "00A4000C026FAD"), "9000");
        assert_eq!(tx(&mut c, "00B0000004"), "000000029000");
        // EF.IMSI: READ PIN1 (record 4).
        assert_eq!(tx(&mut c, "00A4000C026F07"), "9000");
        assert_eq!(tx(&mut c, "00B0000009"), "6982");
        assert_eq!(tx(&mut c, "002000010831323334FFFFFFFF"), "9000");
        assert_eq!(tx(&mut c, "00B0000009"), "0809101010325476989000");
        // The same by SFI 07.
        assert_eq!(tx(&mut c, "00B0870009"), "0809101010325476989000");
        // UPDATE: ADM1 only.
        assert_eq!(tx(&mut c, "00D6000001FF"), "6982");
        // EF.LOCI: READ and UPDATE with PIN1 (record 2).
        assert_eq!(tx(&mut c, "00A4000C026F7E"), "9000");
        assert_eq!(tx(&mut c, "00B000000B"), "FFFFFFFFFFFFFF0000FF019000");
        assert_eq!(tx(&mut c, "00D600000B47D1264A00F11037211E00"), "9000");
        // EF.EST: UPDATE needs PIN2 (record 8).
        assert_eq!(tx(&mut c, "00A4000C026F56"), "9000");
        assert_eq!(tx(&mut c, "00B0000001"), "009000");
        assert_eq!(tx(&mut c, "00D600000101"), "6982");
        // DF.5GS / EF.Routing_Indicator.
        assert_eq!(tx(&mut c, "00A4000C025FC0"), "9000");
        assert_eq!(tx(&mut c, "00A4000C024F0A"), "9000");
        assert_eq!(tx(&mut c, "00B0000004"), "F0FFFFFF9000");
        // DF.GSM under the MF, as pySim-read reads it.
        assert_eq!(tx(&mut c, "00A4000C023F00"), "9000");
        assert_eq!(tx(&mut c, "00A4000C027F20"), "9000");
        assert_eq!(tx(&mut c, "00A4000C026F07"), "9000");
        assert_eq!(tx(&mut c, "00B0000009"), "0809101010325476989000");
        assert_eq!(tx(&mut c, "00A4000C026FAD"), "9000");
        assert_eq!(tx(&mut c, "00B0000004"), "000000029000");
    }
}

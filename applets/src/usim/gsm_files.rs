//! DF.GSM (`7F20`) under the MF as data, mirroring the USIM's identity for GSM-era
//! terminals and for pySim-read's TS 51.011 fallback, which reads 7F20/6F07 (IMSI),
//! 6F78 (ACC), 6FAD (AD) and 6F38 (SST) without error handling (see
//! `shared/reference/clients.md` §5).
//!
//! Source: 3GPP TS 51.011 §10.3 (EFs at the DF.GSM level) and §10.7 (file
//! identifiers); FIDs agree with pySim `ts_51_011.py` `DF_GSM`. DF.GSM has no SFIs.
//! EF.SST announces exactly the SIM services whose files are in [`DF_GSM`].
//!
//! Access rules refer to the MF's EF.ARR `2F06` (records of the default profile; same
//! meaning as [`super::files`] records 1–4). CHV1 is PIN1:
//!
//! | rec | READ   | UPDATE | files (TS 51.011 access conditions)                     |
//! |-----|--------|--------|---------------------------------------------------------|
//! | 1   | always | ADM1   | READ ALW / UPDATE ADM: SPN, AD, Phase; DF.GSM           |
//! | 2   | PIN1   | PIN1   | READ CHV1 / UPDATE CHV1: Kc, PLMNsel, FPLMN, LOCI, …    |
//! | 4   | PIN1   | ADM1   | READ CHV1 / UPDATE ADM: IMSI, HPPLMN, SST, ACC, …       |

use card_os::profile::FileSpec;

use super::codec::{
    CodecKind, EfAd, EfCodec, EfHpplmn, EfKc, EfLoci, EfPhase, EfPsLoci, PlmnAct, PlmnActList,
    PlmnList, SimServiceTable,
};
use super::files::{derive, file_spec, select_rows, Content, Derived, FileRow, Service, Shape};
use super::params::UsimParams;

use CodecKind as C;
use Service::Required;
use Shape::{Df, Transparent as T};

const MANDATORY: Service = Service::None;

/// Shorthand for table rows.
const fn row(
    path: &'static str,
    name: &'static str,
    shape: Shape,
    service: Service,
    arr_record: u8,
    codec: CodecKind,
) -> FileRow {
    FileRow {
        path,
        sfi: None,
        name,
        shape,
        service,
        arr_record,
        codec,
    }
}

/// The files of DF.GSM (paths below the MF). Services are SIM service numbers of
/// EF.SST (TS 51.011 §10.3.7).
#[rustfmt::skip]
pub const DF_GSM: &[FileRow] = &[
    row("7F20", "DF.GSM", Df, MANDATORY, 1, C::None),
    // §10.3.2 EF.IMSI: READ CHV1, UPDATE ADM.
    row("7F20/6F07", "EF.IMSI", T(9), MANDATORY, 4, C::Imsi),
    // §10.3.1 EF.Kc: READ CHV1, UPDATE CHV1.
    row("7F20/6F20", "EF.Kc", T(9), MANDATORY, 2, C::Kc),
    // §10.3.4 EF.PLMNsel (service 7): READ CHV1, UPDATE CHV1. 8 entries.
    row("7F20/6F30", "EF.PLMNsel", T(24), Required(7), 2, C::PlmnList),
    // §10.3.5 EF.HPPLMN: READ CHV1, UPDATE ADM.
    row("7F20/6F31", "EF.HPPLMN", T(1), MANDATORY, 4, C::Hpplmn),
    // §10.3.7 EF.SST: READ CHV1, UPDATE ADM. 12 bytes cover services 1–48.
    row("7F20/6F38", "EF.SST", T(12), MANDATORY, 4, C::SimServiceTable),
    // §10.3.11 EF.SPN (service 17): READ ALW, UPDATE ADM. Only with `spn` set.
    row("7F20/6F46", "EF.SPN", T(17), Required(17), 1, C::Spn),
    // §10.3.15 EF.ACC: READ CHV1, UPDATE ADM.
    row("7F20/6F78", "EF.ACC", T(2), MANDATORY, 4, C::Acc),
    // §10.3.16 EF.FPLMN: READ CHV1, UPDATE CHV1.
    row("7F20/6F7B", "EF.FPLMN", T(12), MANDATORY, 2, C::PlmnList),
    // §10.3.17 EF.LOCI: READ CHV1, UPDATE CHV1.
    row("7F20/6F7E", "EF.LOCI", T(11), MANDATORY, 2, C::Loci),
    // §10.3.18 EF.AD: READ ALW, UPDATE ADM. Byte 4 = MNC length.
    row("7F20/6FAD", "EF.AD", T(4), MANDATORY, 1, C::Ad),
    // §10.3.19 EF.Phase: READ ALW, UPDATE ADM.
    row("7F20/6FAE", "EF.Phase", T(1), MANDATORY, 1, C::Phase),
    // §10.3.32 EF.KcGPRS, §10.3.33 EF.LOCIGPRS (service 38, GPRS): READ/UPDATE CHV1.
    row("7F20/6F52", "EF.KcGPRS", T(9), Required(38), 2, C::Kc),
    row("7F20/6F53", "EF.LOCIGPRS", T(14), Required(38), 2, C::PsLoci),
    // §10.3.35 EF.PLMNwAcT (service 43): READ CHV1, UPDATE CHV1.
    row("7F20/6F60", "EF.PLMNwAcT", T(40), Required(43), 2, C::PlmnActList),
    // §10.3.36 EF.OPLMNwAcT (service 44), §10.3.37 EF.HPLMNwAcT (service 45): READ
    // CHV1, UPDATE ADM.
    row("7F20/6F61", "EF.OPLMNwAcT", T(40), Required(44), 4, C::PlmnActList),
    row("7F20/6F62", "EF.HPLMNwAcT", T(5), Required(45), 4, C::PlmnActList),
];

/// The files each announced SIM service requires (TS 51.011 §10.3.7 and the EF clauses).
pub const SST_SERVICE_FILES: &[(u16, &[&str])] = &[
    (7, &["7F20/6F30"]),
    (17, &["7F20/6F46"]),
    (38, &["7F20/6F52", "7F20/6F53"]),
    (43, &["7F20/6F60"]),
    (44, &["7F20/6F61"]),
    (45, &["7F20/6F62"]),
];

/// Phase '03': phase 2 with PROFILE DOWNLOAD required (TS 51.011 §10.3.19), as the
/// real cards of pySim's card_sanitizer backups store it.
const PHASE: u8 = 0x03;

fn contents(row: &FileRow, p: &UsimParams, d: &Derived) -> Result<Option<Content>, String> {
    let t = |bytes: Vec<u8>| Ok(Some(Content::Transparent(bytes)));
    match row.path {
        "7F20" => Ok(Some(Content::Df)),
        "7F20/6F07" => t(d.imsi.encode(9)),
        "7F20/6F20" | "7F20/6F52" => t(EfKc::NO_KEY.encode(9)),
        "7F20/6F30" | "7F20/6F7B" => t(PlmnList::default().encode(0)),
        "7F20/6F31" => t(EfHpplmn(0x0A).encode(1)),
        // Filled in by `mf_files` once the file set is known.
        "7F20/6F38" => t(Vec::new()),
        "7F20/6F46" => Ok(d.spn.as_ref().map(|s| Content::Transparent(s.encode(17)))),
        "7F20/6F78" => t(d.acc.encode(2)),
        "7F20/6F7E" => t(EfLoci::NOT_UPDATED.encode(11)),
        "7F20/6FAD" => t(EfAd::new(p.mnc_digits).encode(4)),
        "7F20/6FAE" => t(EfPhase(PHASE).encode(1)),
        "7F20/6F53" => t(EfPsLoci::NOT_UPDATED.encode(14)),
        "7F20/6F60" | "7F20/6F61" => t(PlmnActList {
            entries: vec![PlmnAct::UNUSED; 8],
        }
        .encode(40)),
        "7F20/6F62" => t(PlmnActList {
            entries: vec![PlmnAct {
                plmn: Some(d.hplmn),
                act: PlmnAct::ALL,
            }],
        }
        .encode(5)),
        other => Err(format!("no initial contents for {other}")),
    }
}

/// The SIM services EF.SST announces for `p` (ascending).
pub fn sst_services(p: &UsimParams) -> Result<Vec<u16>, String> {
    let d = derive(p)?;
    select_rows(DF_GSM, &[], |r| contents(r, p, &d)).map(|(_, s)| s)
}

/// The files a USIM contributes under the MF: DF.GSM with the IMSI, AD (MNC length),
/// ACC, SPN and HPLMN of `p`, access rules from the MF's EF.ARR `2F06`. EF.SST lists
/// exactly the services of the files present. Parents come before children.
pub fn mf_files(p: &UsimParams) -> Result<Vec<FileSpec>, String> {
    let d = derive(p)?;
    let (rows, services) = select_rows(DF_GSM, &[], |r| contents(r, p, &d))?;
    let sst = SimServiceTable::from_services(&services).map_err(|e| format!("EF.SST: {e}"))?;
    rows.into_iter()
        .map(|(r, c)| {
            let c = if r.path == "7F20/6F38" {
                // Service tables pad with 00, not FF: encode at the file size.
                let size = match r.shape {
                    Shape::Transparent(n) => n,
                    _ => 0,
                };
                Content::Transparent(sst.encode(size))
            } else {
                c
            };
            file_spec(r, c, "2F06")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usim::codec::{EfAcc, EfImsi};
    use crate::usim::files::tests::{check_contents, check_table};

    fn params(extra: &str) -> UsimParams {
        UsimParams::parse(&format!(
            "imsi = \"310410123456789\"\nmnc_digits = 3\nacc = 5\nk = \"00\"\n{extra}"
        ))
        .unwrap()
    }

    #[test]
    fn table_is_consistent() {
        // The MF EF.ARR of the default profile has 7 records.
        check_table(DF_GSM, 7);
        for row in DF_GSM {
            row.codec
                .check_vectors()
                .unwrap_or_else(|e| panic!("{}: {e}", row.name));
        }
    }

    #[test]
    fn pysim_read_files_exist_and_decode() {
        let files = mf_files(&params("")).unwrap();
        check_contents(DF_GSM, &files);
        let bin = |path: &str| {
            let f = files
                .iter()
                .find(|f| f.path == path)
                .unwrap_or_else(|| panic!("{path}"));
            apdu::hex::decode(f.content.as_ref().unwrap()).unwrap()
        };
        assert_eq!(
            EfImsi::decode(&bin("7F20/6F07")).unwrap().digits(),
            "310410123456789"
        );
        assert_eq!(EfAcc::decode(&bin("7F20/6F78")).unwrap(), EfAcc(1 << 5));
        assert_eq!(EfAd::decode(&bin("7F20/6FAD")).unwrap().mnc_len(), Some(3));
        let sst = SimServiceTable::decode(&bin("7F20/6F38")).unwrap();
        assert_eq!(sst.services(), vec![7, 38, 43, 44, 45]);
        assert_eq!(bin("7F20/6F62")[..3], [0x13, 0x00, 0x14]);
        assert_eq!(files.first().map(|f| f.path.as_str()), Some("7F20"));
    }

    #[test]
    fn sst_announces_exactly_the_files_present() {
        for extra in ["", "spn = \"Test\""] {
            let p = params(extra);
            let files = mf_files(&p).unwrap();
            let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
            let announced = sst_services(&p).unwrap();
            for s in &announced {
                let (_, needed) = SST_SERVICE_FILES.iter().find(|(n, _)| n == s).unwrap();
                for f in *needed {
                    assert!(paths.contains(f), "service {s} without {f}");
                }
            }
            for f in &files {
                let row = DF_GSM.iter().find(|r| r.path == f.path).unwrap();
                if let Service::Required(n) = row.service {
                    assert!(announced.contains(&n), "{} needs {n}", row.name);
                }
            }
            assert_eq!(announced.contains(&17), p.spn.is_some());
        }
    }
}

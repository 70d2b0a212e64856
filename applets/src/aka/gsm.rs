//! GSM authentication from 3G material: the conversion functions c2 and c3 (3GPP TS
//! 33.102 §6.8.1.2), GSM-MILENAGE (3GPP TS 55.205 §4) and the XOR-2G test algorithm of a
//! test SIM (3GPP TS 51.010-1 §A.4.1.2).

use core::fmt;

use super::milenage::Milenage;
use super::Redacted;

/// SRES and Kc, the answer of a GSM authentication (TS 51.011 §9.2.16,
/// TS 31.102 §7.1.2.2).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SresKc {
    /// SRES (32 bits).
    pub sres: [u8; 4],
    /// Kc (64 bits).
    pub kc: [u8; 8],
}

impl fmt::Debug for SresKc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SresKc")
            .field("sres", &self.sres)
            .field("kc", &Redacted(8))
            .finish()
    }
}

/// c2: SRES from a 3G XRES of up to 128 bits (TS 33.102 §6.8.1.2):
/// SRES = XRES*\[0..31\] ⊕ XRES*\[32..63\] ⊕ XRES*\[64..95\] ⊕ XRES*\[96..127\], XRES* being
/// XRES padded with zeros to 128 bits. `None` for an XRES longer than 16 bytes (a 256-bit
/// TUAK RES), for which c2 is not defined.
#[must_use]
pub fn c2(xres: &[u8]) -> Option<[u8; 4]> {
    if xres.len() > 16 {
        return None;
    }
    let mut sres = [0u8; 4];
    for chunk in xres.chunks(4) {
        for (s, x) in sres.iter_mut().zip(chunk) {
            *s ^= x;
        }
    }
    Some(sres)
}

/// c3: Kc = CK1 ⊕ CK2 ⊕ IK1 ⊕ IK2, the 64-bit halves of CK and IK
/// (TS 33.102 §6.8.1.2; also the Kc of GSM-MILENAGE, TS 55.205 §4).
#[must_use]
pub fn c3(ck: &[u8; 16], ik: &[u8; 16]) -> [u8; 8] {
    let mut kc = [0u8; 8];
    for half in ck.chunks_exact(8).chain(ik.chunks_exact(8)) {
        for (k, b) in kc.iter_mut().zip(half) {
            *k ^= b;
        }
    }
    kc
}

/// The operator's SRES derivation function of GSM-MILENAGE (TS 55.205 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SresDerivation {
    /// Recommended function #1: SRES = RES\[0..31\] ⊕ RES\[32..63\] (equal to c2 for a
    /// 64-bit RES).
    #[default]
    Fold,
    /// Recommended function #2: SRES = RES\[0..31\].
    Truncate,
}

/// GSM-MILENAGE (TS 55.205 §4): A3/A8 from MILENAGE f2, f3 and f4. Ki is the MILENAGE K
/// and OP/OPc and the constants are those of `milenage`.
#[must_use]
pub fn gsm_milenage(milenage: &Milenage, rand: &[u8; 16], sres: SresDerivation) -> SresKc {
    let o = milenage.f2345(rand);
    let [r0, r1, r2, r3, r4, r5, r6, r7] = o.res;
    let sres = match sres {
        SresDerivation::Fold => [r0 ^ r4, r1 ^ r5, r2 ^ r6, r3 ^ r7],
        SresDerivation::Truncate => [r0, r1, r2, r3],
    };
    SresKc {
        sres,
        kc: c3(&o.ck, &o.ik),
    }
}

/// The test algorithm of a test SIM (TS 51.010-1 §A.4.1.2, "XOR-2G"): RES1 = RAND ⊕ Ki;
/// SRES = RES1\[0..31\], Kc = RES1\[32..95\]; the last 32 bits are unused.
#[must_use]
pub fn xor_2g(ki: &[u8; 16], rand: &[u8; 16]) -> SresKc {
    let res1 = super::xor_arrays(ki, rand);
    let [s0, s1, s2, s3, k0, k1, k2, k3, k4, k5, k6, k7, ..] = res1;
    SresKc {
        sres: [s0, s1, s2, s3],
        kc: [k0, k1, k2, k3, k4, k5, k6, k7],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aka::test_util::{h, hv};
    use proptest::prelude::*;

    /// 3GPP TS 55.205 test sets 1–19 (Ki, RAND, OPc, SRES#1, SRES#2, Kc), as embedded in
    /// hostapd tests/test-milenage.c ("3GPP TS 55.205 v6.0.0 - Test Set n";
    /// vanhoefm/krackattacks-scripts @4b78669).
    const TS_55_205: [[&str; 6]; 19] = [
        [
            "465b5ce8b199b49faa5f0a2ee238a6bc",
            "23553cbe9637a89d218ae64dae47bf35",
            "cd63cb71954a9f4e48a5994e37a02baf",
            "46f8416a",
            "a54211d5",
            "eae4be823af9a08b",
        ],
        [
            "fec86ba6eb707ed08905757b1bb44b8f",
            "9f7c8d021accf4db213ccff0c7f71a6a",
            "1006020f0a478bf6b699f15c062e42b3",
            "8c308a5e",
            "8011c48c",
            "aa01739b8caa976d",
        ],
        [
            "9e5944aea94b81165c82fbf9f32db751",
            "ce83dbc54ac0274a157c17f80d017bd6",
            "a64a507ae1a2a98bb88eb4210135dc87",
            "cfbce3fe",
            "f365cd68",
            "9a8ec95f408cc507",
        ],
        [
            "4ab1deb05ca6ceb051fc98e77d026a84",
            "74b0cd6031a1c8339b2b6ce2b8c4a186",
            "dcf07cbd51855290b92a07a9891e523e",
            "9655e265",
            "5860fc1b",
            "cdc1dc0841b81a22",
        ],
        [
            "6c38a116ac280c454f59332ee35c8c4f",
            "ee6466bc96202c5a557abbeff8babf63",
            "3803ef5363b947c6aaa225e58fae3934",
            "13688f17",
            "16c8233f",
            "df75bc5ea899879f",
        ],
        [
            "2d609d4db0ac5bf0d2c0de267014de0d",
            "194aa756013896b74b4a2a3b0af4539e",
            "c35a0ab0bcbfc9252caff15f24efbde0",
            "553d00b3",
            "8c25a16c",
            "84b417ae3aeab4f3",
        ],
        [
            "a530a7fe428fad1082c45eddfce13884",
            "3a4c2b3245c50eb5c71d08639395764d",
            "27953e49bc8af6dcc6e730eb80286be3",
            "59f1a44a",
            "a63241e1",
            "3b4e244cdc60ce03",
        ],
        [
            "d9151cf04896e25830bf2e08267b8360",
            "f761e5e93d603feb730e27556cb8a2ca",
            "c4c93effe8a08138c203d4c27ce4e3d9",
            "50588861",
            "4a90b217",
            "8d4ec01de597acfe",
        ],
        [
            "a0e2971b6822e8d354a18cc235624ecb",
            "08eff828b13fdb562722c65c7f30a9b2",
            "82a26f22bba9e9488f949a10d98e9cc4",
            "cde6b027",
            "4bc2212d",
            "d8debc4ffbcd60aa",
        ],
        [
            "0da6f7ba86d5eac8a19cf563ac58642d",
            "679ac4dbacd7d233ff9d6806f4149ce3",
            "0db1071f8767562ca43a0a64c41e8d08",
            "02d13acd",
            "6fc30fee",
            "f0eaa50a1edcebb7",
        ],
        [
            "77b45843c88e58c10d202684515ed430",
            "4c47eb3076dc55fe5106cb2034b8cd78",
            "d483afae562409a326b5bb0b20c4d762",
            "44389d01",
            "aefa357b",
            "82dbab7f83f063da",
        ],
        [
            "729b17729270dd87ccdf1bfe29b4e9bb",
            "311c4c929744d675b720f3b7e9b1cbd0",
            "228c2f2f06ac3268a9e616ee16db4ba1",
            "03e0fd84",
            "98dbbd09",
            "3c66cb98cab2d33d",
        ],
        [
            "d32dd23e89dc662354ca12eb79dd32fa",
            "cf7d0ab1d94306950bf12018fbd46887",
            "d22a4b4180a5325708a5ff70d9f67ec7",
            "be73b3dc",
            "af4a411e",
            "9612b5d88a4130bb",
        ],
        [
            "af7c65e1927221de591187a2c5987a53",
            "1f0f8578464fd59b64bed2d09436b57a",
            "a4cf5c8155c08a7eff418e5443b98e55",
            "8fe019c7",
            "7bffa5c2",
            "75a150df3c6aed08",
        ],
        [
            "5bd7ecd3d3127a41d12539bed4e7cf71",
            "59b75f14251c75031d0bcbac1c2c04c7",
            "76089d3c0ff3efdc6e36721d4fceb747",
            "27202b82",
            "7e3f44c7",
            "b7f92e426a36fec5",
        ],
        [
            "6cd1c6ceb1e01e14f1b82316a90b7f3d",
            "f69b78f300a0568bce9f0cb93c4be4c9",
            "a219dc37f1dc7d66738b5843c799f206",
            "ddd7efe6",
            "70f6bdb9",
            "88d9de10a22004c5",
        ],
        [
            "b73a90cbcf3afb622dba83c58a8415df",
            "b120f1c1a0102a2f507dd543de68281f",
            "df0c67868fa25f748b7044c6e7c245b8",
            "67e4ff3f",
            "479dd25c",
            "a819e577a8d6175b",
        ],
        [
            "5122250214c33e723a5dd523fc145fc0",
            "81e92b6c0ee0e12ebceba8d92a99dfa5",
            "981d464c7c52eb6e5036234984ad0bcf",
            "8a3b8d17",
            "28d7b0f2",
            "9a8d0e883ff0887a",
        ],
        [
            "90dca4eda45b53cf0f12d7c9c3bc6a89",
            "9fddc72092c6ad036b6e464789315b78",
            "cb9cccc4b9258e6dca4760379fb82581",
            "df58522f",
            "a95100e2",
            "ed29b2f1c27f9f34",
        ],
    ];

    #[test]
    fn ts_55_205_test_sets_1_to_19() {
        for (i, s) in TS_55_205.iter().enumerate() {
            let m = Milenage::new(&h(s[0]), &h(s[2]));
            let rand: [u8; 16] = h(s[1]);
            let one = gsm_milenage(&m, &rand, SresDerivation::Fold);
            let two = gsm_milenage(&m, &rand, SresDerivation::Truncate);
            assert_eq!(one.sres, h::<4>(s[3]), "set {}: SRES#1", i + 1);
            assert_eq!(two.sres, h::<4>(s[4]), "set {}: SRES#2", i + 1);
            assert_eq!(one.kc, h::<8>(s[5]), "set {}: Kc", i + 1);
            assert_eq!(two.kc, one.kc);
            // For a 64-bit RES, c2 (TS 33.102) is SRES derivation #1 (TS 55.205 note 2).
            assert_eq!(c2(&m.f2345(&rand).res), Some(one.sres), "set {}: c2", i + 1);
        }
    }

    /// c2/c3 on a 128-bit RES: osmo-hlr tests/auc/auc_test.err, "test_gen_vectors_3g_xor"
    /// ("deriving 2G from 3G": sres = 0ec81877, kc = 98e880384887f9fe).
    #[test]
    fn osmo_hlr_2g_from_3g() {
        let res = hv("b5029e54e0a256565d141032067cc047");
        assert_eq!(c2(&res), Some(h::<4>("0ec81877")));
        let kc = c3(
            &h("029e54e0a256565d141032067cc047b5"),
            &h("9e54e0a256565d141032067cc047b502"),
        );
        assert_eq!(kc, h::<8>("98e880384887f9fe"));
    }

    #[test]
    fn c2_pads_short_res_and_rejects_long() {
        // TS 33.102 §6.8.1.2: XRES* = XRES padded with zeros; a 32-bit RES is its own SRES,
        // a 48-bit RES folds its last 16 bits onto the first.
        assert_eq!(c2(&hv("01020304")), Some(h::<4>("01020304")));
        assert_eq!(c2(&hv("01020304 1020")), Some(h::<4>("11220304")));
        assert_eq!(c2(&[0u8; 32]), None);
    }

    /// TS 51.010-1 §A.4.1.2 applied by hand: Ki = 000102…0f, RAND = 34…34 gives
    /// RES1 = 34353637 30313233 3c3d3e3f 38393a3b.
    #[test]
    fn xor_2g_from_the_spec_text() {
        let o = xor_2g(&h("000102030405060708090a0b0c0d0e0f"), &[0x34; 16]);
        assert_eq!(o.sres, h::<4>("34353637"));
        assert_eq!(o.kc, h::<8>("303132333c3d3e3f"));
        assert!(format!("{o:?}").contains("redacted"));
    }

    proptest! {
        #[test]
        fn c2_never_panics(res in proptest::collection::vec(any::<u8>(), 0..40)) {
            prop_assert_eq!(c2(&res).is_some(), res.len() <= 16);
        }
    }
}

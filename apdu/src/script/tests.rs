//! Tests of the script format: parser, matcher and runner.
//!
//! Sources of the card data used below:
//! - FCP templates: pySim `tests/unittests/test_decode_select_resp.py` at 4fb393e,
//!   `test_CardProfileUICC` (responses of a real UICC to SELECT with P2 = 04): MF,
//!   EF.IMSI (transparent, `82 02 41 21`) and EF.ECC (linear fixed, `82 05 42 21 000E 02`:
//!   14-byte records, 2 of them). The status word `9000` is appended per ETSI TS 102 221
//!   §10.2.1 (normal ending), since the captures list the response data only.
//! - FCP templates of EF.ICCID (`82 02 41 21`, 10 bytes) and EF.DIR (`82 05 42 21 002B 08`:
//!   43-byte records, 8 of them): onomondo-uicc `tests/fcp/fcp_test.c` at 1e956d0,
//!   `ss_fcp_get_file_descr_test`.
//! - An EF.DIR record, built by hand per TS 102 221 §13.1 (application template `61`
//!   holding the AID `4F`, `FF` padding to the record length) with the USIM AID prefix
//!   `A0000000871002` (ETSI TS 101 220 Annex E: RID A000000087, application code 1002):
//!   `61 09 4F 07 A0000000871002`, then 32 bytes `FF`.
//! - ATR: sysmoISIM-SJA2, pySim `pySim/sysmocom_sja2.py` at 949c2a2, `SysmocomSJA2._atrs`.
//! - Status words `6A82` (file not found), `63CX` (verification failed, X retries left),
//!   `6282` (end of file before Le bytes): ETSI TS 102 221 §10.2.1.
//! - ICCID: EF.ICCID (TS 102 221 §13.2) holds the ICCID in BCD with the nibbles of each
//!   byte swapped and `F` padding. ICCID `8944123456789012345` (ITU-T E.118: `89` = telecom)
//!   is therefore `98 44 21 43 65 87 09 21 43 F5`, worked out by hand.

use super::pattern::{parse_pattern, Target};
use super::*;
use std::collections::BTreeSet;

fn h(text: &str) -> Vec<u8> {
    crate::hex::decode(text).unwrap()
}

/// The error message of `text`, as `Display` shows it.
fn error(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

fn pattern(text: &str) -> Pattern {
    text.parse().unwrap()
}

fn atr_pattern(text: &str) -> Pattern {
    parse_pattern(text, Target::Atr, &BTreeSet::new()).unwrap()
}

/// MF FCP from pySim test_decode_select_resp.py (see the module comment), plus 9000.
const MF_FCP: &str =
    "622c8202782183023f00a50c80017183040003a7388701018a01058b032f0601c60c90016083010183010a83010b 9000";
/// EF.IMSI FCP, same source.
const IMSI_FCP: &str = "62178202412183026f078a01058b036f060a80020009880138 9000";
/// EF.ECC FCP, same source.
const ECC_FCP: &str = "621a82054221000e0283026fb78a01058b036f06088002001c880108 9000";
/// EF.ICCID FCP, onomondo-uicc fcp_test.c (see the module comment), plus 9000.
const ICCID_FCP: &str = "621f8202412183022fe2a506d00120d201058a01058b032f06028002000a880110 9000";
/// EF.DIR FCP, same source.
const DIR_FCP: &str =
    "622282054221002b0883022f00a506d00120d2010b8a01058b032f0604800201588801f0 9000";
/// sysmoISIM-SJA2 ATR (pySim sysmocom_sja2.py).
const SJA2_ATR: &str = "3B9F96801F878031E073FE211B674A4C753034054BA9";
/// EF.ICCID content for ICCID 8944123456789012345 (TS 102 221 §13.2, worked by hand).
const ICCID: &str = "984421436587092143F5";

mod parser {
    use super::*;

    #[test]
    fn every_directive() {
        let script = parse(
            "# Select the MF (TS 102 221 §11.1.1)\n\
             reset\n\
             atr 3B ..\n\
             reset -> 3B ..\n\
             00A4 0004 02 3F00   # SELECT MF\n\
             \n\
             expect 62 .. 9000\n\
             set MF = 3F00\n\
             00A4000402 $MF -> sw 9000\n\
             echo  done here  \n\
             0020 0001\n",
        )
        .unwrap();
        let s = &script.steps;
        assert_eq!(s.len(), 7);
        let lines: Vec<usize> = s.iter().map(|step| step.line).collect();
        assert_eq!(lines, [2, 4, 5, 8, 9, 10, 11]);
        match &s[0].action {
            Action::Reset { atr: Some(e) } => {
                assert_eq!(e.line, 3);
                assert_eq!(e.pattern.to_string(), "3B ..");
            }
            other => panic!("{other:?}"),
        }
        match &s[1].action {
            Action::Reset { atr: Some(e) } => assert_eq!(e.line, 4),
            other => panic!("{other:?}"),
        }
        match &s[2].action {
            Action::Command {
                apdu,
                expect: Some(e),
            } => {
                assert_eq!(apdu.literal(), Some(h("00A40004023F00")));
                assert_eq!(e.line, 7);
                assert_eq!(e.pattern.to_string(), "62 .. 9000");
            }
            other => panic!("{other:?}"),
        }
        match &s[3].action {
            Action::Set { name, value } => {
                assert_eq!(name, "MF");
                assert_eq!(value.literal(), Some(h("3F00")));
            }
            other => panic!("{other:?}"),
        }
        match &s[4].action {
            Action::Command {
                apdu,
                expect: Some(e),
            } => {
                assert_eq!(apdu.to_string(), "00A4000402 $MF");
                assert_eq!(apdu.literal(), None);
                assert_eq!(e.line, 9);
                assert_eq!(e.pattern.to_string(), "sw 9000");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(s[5].action, Action::Echo("done here".to_owned()));
        assert!(matches!(&s[6].action, Action::Command { expect: None, .. }));
    }

    #[test]
    fn module_doc_example() {
        // The first example of the module documentation (mod.rs).
        let script = parse(
            "# Read the ICCID (ETSI TS 102 221 §13.2).
reset -> 3B ..                          # cold reset; the ATR starts with TS = 3B
00A4 0004 02 3F00                       # SELECT MF, return the FCP template
expect 62 .. 9000                       # ... which must be an FCP template, then 9000
00A4 0004 02 2FE2 -> 62 .. 9000         # command and expectation on one line
00B0 0000 0A -> {ICCID: 98 ..} 9000     # READ BINARY; keep the data in $ICCID
echo ICCID read                         # print a line
00B0 0000 0A -> $ICCID 9000             # same bytes the second time
0020 0001 -> 63CX | 9000                # PIN1 status: retries left, or nothing to verify
",
        )
        .unwrap();
        assert_eq!(script.steps.len(), 7);
    }

    #[test]
    fn comments_blank_lines_and_crlf() {
        let script =
            parse("  # only a comment\r\n\r\n00B0000009 # READ BINARY\r\necho a # b\r\n").unwrap();
        assert_eq!(script.steps.len(), 2);
        assert_eq!(script.steps[0].line, 3);
        assert_eq!(script.steps[1].action, Action::Echo("a".to_owned()));
        assert_eq!(parse("").unwrap(), Script::default());
        assert_eq!(parse("# nothing\n\n   \n").unwrap(), Script::default());
    }

    #[test]
    fn hex_spacing_and_case() {
        for text in ["00A40004023F00", "00 a4 0004 02 3f00", "00A4\t0004 023F 00"] {
            match &parse(text).unwrap().steps[0].action {
                Action::Command { apdu, .. } => {
                    assert_eq!(apdu.literal(), Some(h("00A40004023F00")))
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn arrow_without_spaces_and_reset_arrow() {
        let script = parse("reset->3B..\n00B0000009->sw9000|..6282").unwrap_err();
        // `sw9000` is not `sw 9000`: `s` is not a pattern character.
        assert_eq!(
            script.to_string(),
            "line 2: unexpected `s` in `sw9000`: expected hex digits, `**`, `X`, `..`, `$NAME` or `{NAME: ...}`"
        );
        let script = parse("reset->3B..\n00B0000009->..9000|..6282").unwrap();
        assert_eq!(script.steps.len(), 2);
        match &script.steps[1].action {
            Action::Command {
                expect: Some(e), ..
            } => {
                assert_eq!(e.pattern.to_string(), ".. 9000 | .. 6282");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn continuation_lines() {
        let script = parse("00A4 0404 \\\n  10 A0000000871002FF \\  # USIM AID\n  FFFFFFFF 89 \\\n  # no more\n\n00B0000001").unwrap();
        assert_eq!(script.steps.len(), 2);
        assert_eq!(script.steps[0].line, 1);
        match &script.steps[0].action {
            Action::Command { apdu, .. } => assert_eq!(
                apdu.literal(),
                Some(h("00A4040410A0000000871002FFFFFFFFFF89"))
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(script.steps[1].line, 6);
        assert_eq!(
            error("echo a\n00A4 \\\n 0004 \\\n 02 3F0"),
            "line 2: `3F0` has an odd number of hex digits"
        );
        assert_eq!(
            error("echo a\n00A4 \\"),
            "line 2: the script ends inside a `\\` continuation"
        );
    }

    #[test]
    fn odd_hex_digits() {
        assert_eq!(
            error("reset\n\n00 A40 004"),
            "line 3: `A40` has an odd number of hex digits"
        );
        assert_eq!(
            error("00B0000009 -> 62..900"),
            "line 1: `900` (in `62..900`) has an odd number of hex digits"
        );
        assert_eq!(
            error("set A = 123"),
            "line 1: `123` has an odd number of hex digits"
        );
    }

    #[test]
    fn unknown_directives() {
        assert_eq!(
            error("reset\nfrobnicate 00"),
            "line 2: unknown directive `frobnicate`; a line is a command in hex or one of `reset`, `atr`, `expect`, `echo`, `set`"
        );
        assert_eq!(
            error("RESET"),
            "line 1: unknown directive `RESET`; directives are lower case: `reset`"
        );
        assert_eq!(
            error("00A40004023F00\n-> 62 .. 9000"),
            "line 2: `->` must follow a command on the same line; to check the previous command's response on a line of its own, write `expect PATTERN`"
        );
        // `> 00A4...` / `< 9000` (another tool's style) is not this format.
        assert!(error("> 00A40004023F00").starts_with("line 1: unknown directive `>`"));
        // A directive glued to something else is not that directive.
        assert!(error("echo:hi").starts_with("line 1: unknown directive `echo:hi`"));
    }

    #[test]
    fn expectation_without_its_step() {
        assert_eq!(
            error("expect 9000"),
            "line 1: `expect` without a command before it"
        );
        assert_eq!(
            error("atr 3B .."),
            "line 1: `atr` without `reset` before it"
        );
        assert_eq!(
            error("00B0000009\necho x\nexpect .. 9000"),
            "line 3: `expect` must directly follow a command (line 2 is not one)"
        );
        assert_eq!(
            error("reset\nexpect 3B .."),
            "line 2: `expect` checks a command's response; to check the ATR after `reset` write `atr PATTERN`"
        );
        assert_eq!(
            error("00B0000009\natr 3B"),
            "line 2: `atr` must directly follow `reset` (line 1 is not one)"
        );
        assert_eq!(
            error("00B0000009 -> .. 9000\n\nexpect sw 6282"),
            "line 3: the command on line 1 already has an expectation; combine them with `|`"
        );
        assert_eq!(
            error("reset -> 3B ..\natr 3F .."),
            "line 2: the `reset` on line 1 already has an expectation; combine them with `|`"
        );
        assert_eq!(
            error("00B0000009\nexpect"),
            "line 2: missing pattern after `expect`"
        );
        assert_eq!(
            error("reset\natr   "),
            "line 2: missing pattern after `atr`"
        );
        assert_eq!(
            error("00B0000009 ->  "),
            "line 1: missing pattern after `->`"
        );
        assert_eq!(error("reset -> "), "line 1: missing pattern after `->`");
        assert_eq!(
            error("reset now"),
            "line 1: `reset` takes no argument (got `now`); to check the ATR write `reset -> PATTERN` or `atr PATTERN` on the next line"
        );
    }

    #[test]
    fn command_length() {
        assert_eq!(
            error("00A40004023F00\n9000"),
            "line 2: a command has at least 4 bytes (CLA INS P1 P2), but `9000` has 2; to check a response, write `-> PATTERN` after its command or `expect PATTERN` on the next line"
        );
        // 4 + 3 + 65535 + 2 bytes is the longest command (ISO/IEC 7816-4 §5.1), one more is not.
        let longest = format!("00DA0000 00FFFF {} 0000", "00".repeat(65_535));
        assert!(parse(&longest).is_ok());
        let too_long = format!("{longest}00");
        assert_eq!(
            error(&too_long),
            "line 1: a command has at most 65544 bytes (extended case 4), this one has 65545"
        );
    }

    #[test]
    fn pattern_syntax_in_commands_is_rejected() {
        assert_eq!(
            error("00B0XX09"),
            "line 1: wildcard `X` in `00B0XX09`: wildcards are only allowed in expectations"
        );
        assert_eq!(
            error("00B00000 .."),
            "line 1: `..` in `..`: \"any bytes\" is only allowed in expectations"
        );
        assert_eq!(
            error("00B00000 {A: 00}"),
            "line 1: unexpected `{` in `{A:`: captures are only allowed in expectations"
        );
        assert_eq!(
            error("00B00000 | 00"),
            "line 1: unexpected `|` in `|`: alternatives are only allowed in expectations"
        );
        assert_eq!(
            error("00B0:0000"),
            "line 1: unexpected `:` in `00B0:0000`: expected hex digits or `$NAME`"
        );
        assert_eq!(
            error("00B0000009 -> 9000 -> 9000"),
            "line 1: unexpected `-` in `->`: `->` separates a command from its expectation, once per line"
        );
    }

    #[test]
    fn variables() {
        assert_eq!(
            error("00A4000402 $MF"),
            "line 1: unknown variable `$MF`: define it on an earlier line with `set MF = ...` or a capture `{MF: ...}`"
        );
        assert_eq!(
            error("echo\n00B0000009 -> $X 9000"),
            "line 2: unknown variable `$X`: define it on an earlier line with `set X = ...` or a capture `{X: ...}`"
        );
        assert!(error("set A = $A 00").starts_with("line 1: unknown variable `$A`"));
        // A capture is defined from the next line on, not within its own pattern.
        assert!(error("00B0000002 -> {A: **} $A 9000").starts_with("line 1: unknown variable `$A`"));
        assert_eq!(
            error("set A 3F00"),
            "line 1: `set` is written `set NAME = HEX`"
        );
        assert_eq!(
            error("set A-B = 3F00"),
            "line 1: `A-B` is not a variable name (use letters, digits and `_`)"
        );
        assert_eq!(
            error("set = 3F00"),
            "line 1: `` is not a variable name (use letters, digits and `_`)"
        );
        assert_eq!(
            error("00B0 $"),
            "line 1: `$` in `$` must be followed by a variable name (letters, digits, `_`)"
        );
        // Defined variables, glued or not; an empty value is allowed.
        let script = parse("set E =\nset A = 3F00\nset B = $A$E 2FE2\n00A4000404 $B").unwrap();
        match &script.steps[2].action {
            Action::Set { value, .. } => assert_eq!(value.to_string(), "$A $E 2FE2"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn sw_syntax() {
        assert_eq!(
            error("00B0000009 -> sw 90"),
            "line 1: `sw` takes one 2-byte status word such as `sw 9000` or `sw 63CX`, not `90`"
        );
        assert_eq!(
            error("00B0000009 -> sw .. 9000"),
            "line 1: `sw` takes one 2-byte status word such as `sw 9000` or `sw 63CX`, not `.. 9000`"
        );
        assert_eq!(
            error("00B0000009 -> sw 9000 | 62 .. 9000"),
            "line 1: after `sw`, every alternative is a 2-byte status word; `62 .. 9000` is not (put full-response alternatives before `sw`)"
        );
        assert_eq!(
            error("reset -> sw 9000"),
            "line 1: `sw` checks a command's status word; an ATR has none"
        );
        assert_eq!(
            error("00B0000009 -> SW 9000"),
            "line 1: write `sw` in lower case, not `SW`"
        );
    }

    #[test]
    fn alternatives_syntax() {
        assert_eq!(
            error("00B0000009 -> 9000 |"),
            "line 1: empty alternative: `|` needs a pattern on each side"
        );
        assert_eq!(
            error("00B0000009 -> | 9000"),
            "line 1: empty alternative: `|` needs a pattern on each side"
        );
    }

    #[test]
    fn short_response_patterns() {
        assert_eq!(
            error("00B0000009 -> 90"),
            "line 1: `90` has 1 byte(s), but a response ends with the 2-byte status word (use `sw XXXX` to check only the status word)"
        );
        // With `..` or a variable the length is open; an ATR has no status word.
        assert!(parse("00B0000009 -> 90 ..").is_ok());
        assert!(parse("set S = 9000\n00B0000009 -> $S").is_ok());
        assert!(parse("reset -> 3B").is_ok());
    }

    #[test]
    fn capture_syntax() {
        assert_eq!(
            error("00B0000009 -> {A ..} 9000"),
            "line 1: `{A`: a capture is written `{NAME: pattern}`, e.g. `{ICCID: ..}`"
        );
        assert_eq!(
            error("00B0000009 -> {A: {B: **}} 9000"),
            "line 1: `{B:` inside `{A: ...}`: captures cannot be nested"
        );
        assert_eq!(
            error("00B0000009 -> {A: .. 9000"),
            "line 1: `{A:` is not closed by `}`"
        );
        assert_eq!(
            error("00B0000009 -> .. } 9000"),
            "line 1: `}` without a `{NAME:` before it"
        );
        assert_eq!(
            error("00B0000009 -> {A: } 9000"),
            "line 1: the capture `{A: }` is empty"
        );
        assert_eq!(
            error("00B0000009 -> {A: **} {A: **} 9000"),
            "line 1: `A` is captured twice in one pattern"
        );
        assert_eq!(
            error("00B0000009 -> {A: ..} 9000 | 6282"),
            "line 1: captures `{NAME: ...}` cannot be combined with `|` alternatives"
        );
        assert_eq!(
            error("00B0000009 -> ... 9000"),
            "line 1: `...` in `...`: write `..` for any number of bytes"
        );
        // Glued forms are fine.
        assert!(parse("00B0000009 -> {A:..}9000").is_ok());
    }

    #[test]
    fn display_is_canonical() {
        let cases = [
            ("62 .. 90 00", "62 .. 9000"),
            ("08 49 ** .. 9000", "0849** .. 9000"),
            ("6c?? | 6Cxx|6C**", "6C** | 6C** | 6C**"),
            ("63cx", "63CX"),
            ("6?X0", "6XX0"),
            ("sw 90 00|6282", "sw 9000 | sw 6282"),
            ("62..9000|..6A82", "62 .. 9000 | .. 6A82"),
            ("{ICCID:98 ..}9000", "{ICCID: 98 ..} 9000"),
            ("6283", "6283"),
            ("010203 9000", "010203 9000"),
            ("0102 03", "01 0203"),
            (".. {SW: 9000}", ".. {SW: 9000}"),
        ];
        for (text, shown) in cases {
            let p = pattern(text);
            assert_eq!(p.to_string(), shown, "{text}");
            assert_eq!(pattern(shown), p, "{text}");
        }
        // An ATR has no status word to set apart.
        assert_eq!(atr_pattern("3B 9F 96 80").to_string(), "3B9F9680");
        // FromStr knows no variables.
        assert_eq!(
            "$X 9000".parse::<Pattern>().unwrap_err().to_string(),
            "line 1: unknown variable `$X`: define it on an earlier line with `set X = ...` or a capture `{X: ...}`"
        );
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics_on_any_text(text in "\\PC{0,300}") {
            let _ = parse(&text);
        }

        #[test]
        fn parse_never_panics_on_near_scripts(
            text in "((reset|atr|expect|echo|set|sw|RESET|[0-9A-Fa-f]{1,5}|[xX?*.]{1,3}|\\$[A-Z]{0,2}|\\{[A-Z]{0,2}:?|\\}|=|\\||->|#|\\\\| |\\n|\\r\\n|é){0,60})"
        ) {
            if let Ok(script) = parse(&text) {
                // Whatever parses, runs without panicking against a card that answers 9000.
                let mut card = TestCard::new(|_: &[u8]| Ok(h("9000")));
                let _ = run(&script, &mut card, &mut |_| {});
            }
        }
    }
}

mod matcher {
    use super::*;

    #[test]
    fn exact_bytes() {
        let p = pattern("6A82");
        assert!(p.matches(&h("6A82")));
        assert!(!p.matches(&h("6A83")));
        assert!(!p.matches(&h("00 6A82")));
        assert!(!p.matches(&h("6A")));
        assert!(!p.matches(&[]));
    }

    #[test]
    fn any_bytes_including_none() {
        let p = pattern("62 .. 9000");
        assert!(p.matches(&h(MF_FCP)));
        assert!(p.matches(&h("62 9000")), "`..` matches zero bytes");
        assert!(!p.matches(&h("6A82")));
        assert!(!p.matches(&h("9000")));
        assert!(pattern(".. 9000").matches(&h("9000")));
        assert!(atr_pattern("..").matches(&[]));
        assert!(atr_pattern("3B ..").matches(&h(SJA2_ATR)));
        assert!(!atr_pattern("3F ..").matches(&h(SJA2_ATR)));
    }

    #[test]
    fn several_any_bytes() {
        // MF FCP: file descriptor 82 02 78 21, file ID 83 02 3F00, then PIN status C6.
        let p = pattern("62 .. 82 02 78 21 .. 83 02 3F00 .. C6 .. 9000");
        assert!(p.matches(&h(MF_FCP)));
        assert!(!pattern("62 .. 83 02 2FE2 .. 9000").matches(&h(MF_FCP)));
        // Backtracking over a repeated prefix: `.. 0102 ..` inside 01 01 01 02.
        assert!(pattern(".. 0102 .. 9000").matches(&h("010101 02 9000")));
        assert!(!pattern(".. 0103 .. 9000").matches(&h("010101 02 9000")));
    }

    #[test]
    fn nibble_wildcards() {
        // 63CX: verification failed, X retries left (TS 102 221 §10.2.1).
        let p = pattern("63CX");
        for sw in ["63C0", "63C3", "63CF"] {
            assert!(p.matches(&h(sw)), "{sw}");
        }
        assert!(!p.matches(&h("63D3")));
        assert!(!p.matches(&h("6AC3")));
        let p = pattern("6C??");
        assert!(p.matches(&h("6C00")) && p.matches(&h("6CFF")));
        assert!(!p.matches(&h("6B00")));
        // Transparent EF descriptor, shareable or not: X1 21 (TS 102 221 §11.1.1.4.3).
        let p = pattern("62 ** 82 02 X1 21 .. 9000");
        assert!(p.matches(&h(IMSI_FCP)));
        assert!(p.matches(&h("62 04 82 02 01 21 9000")));
        assert!(!p.matches(&h(ECC_FCP)), "linear fixed is X2");
        let p = pattern("9XX0");
        assert!(p.matches(&h("9000")) && p.matches(&h("9F10")));
        assert!(!p.matches(&h("9001")));
    }

    #[test]
    fn sw_only() {
        let p = pattern("sw 9000");
        assert!(p.matches(&h(MF_FCP)));
        assert!(p.matches(&h("9000")));
        assert!(!p.matches(&h("6A82")));
        assert!(!p.matches(&h("00")));
        let p = pattern("sw 9000 | 6282 | 63CX");
        assert!(
            p.matches(&h("0102 6282")),
            "`sw` applies to the following alternatives"
        );
        assert!(p.matches(&h("63C2")));
        assert!(!p.matches(&h("6A82")));
    }

    #[test]
    fn alternatives() {
        let p = pattern("62 .. 9000 | 6A82");
        assert!(p.matches(&h(MF_FCP)));
        assert!(p.matches(&h("6A82")));
        assert!(!p.matches(&h("00 6A82")));
        assert!(!p.matches(&h("6982")));
        let p = pattern("9000|6282");
        assert!(p.matches(&h("9000")) && p.matches(&h("6282")));
    }

    #[test]
    fn captures() {
        // Record length of EF.ECC: 82 05 42 21 000E 02 (TS 102 221 §11.1.1.4.3).
        let p = pattern("62 ** 82 05 X2 21 00 {RECLEN: **} {NREC: **} .. 9000");
        assert_eq!(
            p.captures(&h(ECC_FCP)),
            Some(vec![
                ("RECLEN".to_owned(), h("0E")),
                ("NREC".to_owned(), h("02"))
            ])
        );
        assert_eq!(p.capture_names(), ["RECLEN", "NREC"]);
        let p = pattern("{ICCID: 98 ..} 9000");
        assert_eq!(
            p.captures(&h(&format!("{ICCID} 9000"))),
            Some(vec![("ICCID".to_owned(), h(ICCID))])
        );
        assert_eq!(p.captures(&h("6A82")), None);
        // `..` around a capture: the first `..` takes as little as possible.
        let p = pattern(".. 83 02 {FID: ** **} .. 9000");
        assert_eq!(
            p.captures(&h(MF_FCP)),
            Some(vec![("FID".to_owned(), h("3F00"))])
        );
        // An empty capture at the end.
        let p = pattern("9000 {REST: ..}");
        assert_eq!(
            p.captures(&h("9000")),
            Some(vec![("REST".to_owned(), vec![])])
        );
    }

    #[test]
    fn variables_do_not_match_outside_a_run() {
        let p = parse_pattern("$A 9000", Target::Response, &["A".to_owned()].into()).unwrap();
        assert!(!p.matches(&h("9000")));
        assert!(!p.matches(&h("01 9000")));
    }

    /// A naive backtracking matcher, as a reference for the two-pointer one.
    fn reference(elems: &[Option<(u8, u8)>], s: &[u8]) -> bool {
        match elems.split_first() {
            None => s.is_empty(),
            Some((None, rest)) => (0..=s.len()).any(|k| reference(rest, &s[k..])),
            Some((Some((value, mask)), rest)) => match s.split_first() {
                Some((b, tail)) => b & mask == *value && reference(rest, tail),
                None => false,
            },
        }
    }

    fn elem_text(elem: &Option<(u8, u8)>) -> String {
        match elem {
            None => " .. ".to_owned(),
            Some((value, mask)) => {
                let nib = |shift: u8| {
                    if (mask >> shift) & 0x0F == 0 {
                        "X".to_owned()
                    } else {
                        format!("{:X}", (value >> shift) & 0x0F)
                    }
                };
                format!("{}{}", nib(4), nib(0))
            }
        }
    }

    fn elem() -> impl proptest::strategy::Strategy<Value = Option<(u8, u8)>> {
        use proptest::prelude::*;
        prop_oneof![
            2 => (0u8..3).prop_map(|b| Some((b, 0xFF))),
            1 => Just(None),
            1 => Just(Some((0, 0))),
            1 => (0u8..3).prop_map(|b| Some((b & 0x0F, 0x0F))),
        ]
    }

    proptest::proptest! {
        #[test]
        fn literal_pattern_matches_its_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 2..64)) {
            let p = pattern(&crate::hex::encode(&bytes));
            proptest::prop_assert!(p.matches(&bytes));
            let sw = format!("sw {}", crate::hex::encode(&bytes[bytes.len() - 2..]));
            proptest::prop_assert!(pattern(&sw).matches(&bytes));
        }

        #[test]
        fn wildcarding_any_byte_still_matches(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 2..64),
            i in proptest::num::usize::ANY,
            which in 0usize..5,
        ) {
            let i = i % bytes.len();
            let mut text = crate::hex::encode(&bytes);
            let digits = &text[2 * i..2 * i + 2].to_owned();
            let wild = match which {
                0 => "**".to_owned(),
                1 => "??".to_owned(),
                2 => "XX".to_owned(),
                3 => format!("{}x", &digits[..1]),
                _ => format!("?{}", &digits[1..]),
            };
            text.replace_range(2 * i..2 * i + 2, &wild);
            let p = pattern(&text);
            proptest::prop_assert!(p.matches(&bytes), "{} vs {}", text, crate::hex::encode(&bytes));
            // A different byte at a fully wildcarded position still matches too.
            if which < 3 {
                let mut other = bytes.clone();
                other[i] = other[i].wrapping_add(1);
                proptest::prop_assert!(p.matches(&other));
            }
        }

        #[test]
        fn changed_fixed_byte_does_not_match(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 2..64),
            i in proptest::num::usize::ANY,
            j in proptest::num::usize::ANY,
            delta in 1u8..=255,
        ) {
            let i = i % bytes.len();
            let j = j % bytes.len();
            let mut text = crate::hex::encode(&bytes);
            if i != j {
                text.replace_range(2 * j..2 * j + 2, "**");
            }
            let mut other = bytes.clone();
            other[i] = other[i].wrapping_add(delta);
            proptest::prop_assert!(!pattern(&text).matches(&other));
        }

        #[test]
        fn any_bytes_replace_any_slice(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 2..64),
            a in proptest::num::usize::ANY,
            b in proptest::num::usize::ANY,
        ) {
            let (a, b) = (a % (bytes.len() + 1), b % (bytes.len() + 1));
            let (lo, hi) = (a.min(b), a.max(b));
            let text = format!(
                "{} .. {}",
                crate::hex::encode(&bytes[..lo]),
                crate::hex::encode(&bytes[hi..])
            );
            proptest::prop_assert!(pattern(&text).matches(&bytes), "{}", text);
        }

        #[test]
        fn agrees_with_a_naive_matcher(
            elems in proptest::collection::vec(elem(), 0..8),
            s in proptest::collection::vec(0u8..3, 0..10),
        ) {
            let text: String = elems.iter().map(elem_text).collect();
            let expected = reference(&elems, &s);
            if elems.is_empty() {
                return Ok(());
            }
            let p = atr_pattern(&text);
            proptest::prop_assert_eq!(p.matches(&s), expected, "{}", text);
            // Display round-trips.
            proptest::prop_assert_eq!(atr_pattern(&p.to_string()), p);
        }

        #[test]
        fn matching_never_panics(text in "[0-9A-Fx?*. |{}:A-Z$]{0,40}", s in proptest::collection::vec(proptest::num::u8::ANY, 0..40)) {
            if let Ok(p) = parse_pattern(&text, Target::Response, &BTreeSet::new()) {
                let _ = p.captures(&s);
                proptest::prop_assert_eq!(&text.parse::<Pattern>().map(|q| q.to_string()), &Ok(p.to_string()));
                proptest::prop_assert_eq!(p.to_string().parse::<Pattern>(), Ok(p));
            }
        }

        #[test]
        fn long_responses_stay_fast(n in 1usize..4096) {
            // Worst case for backtracking: many `..` and a near-miss at every offset.
            let p = pattern(".. 00 .. 00 .. 00 .. 01 .. 9000");
            let mut s = vec![0u8; n];
            s.extend_from_slice(&h("9000"));
            proptest::prop_assert!(!p.matches(&s));
        }
    }
}

/// A test double: a card with a fixed ATR whose answers come from a closure.
struct TestCard<F> {
    atr: Vec<u8>,
    answer: F,
    sent: Vec<Vec<u8>>,
    resets: usize,
}

impl<F: FnMut(&[u8]) -> Result<Vec<u8>, String>> TestCard<F> {
    fn new(answer: F) -> Self {
        TestCard {
            atr: h(SJA2_ATR),
            answer,
            sent: Vec::new(),
            resets: 0,
        }
    }
}

impl<F: FnMut(&[u8]) -> Result<Vec<u8>, String>> Transport for TestCard<F> {
    type Error = String;

    fn reset(&mut self) -> Result<Vec<u8>, String> {
        self.resets += 1;
        Ok(self.atr.clone())
    }

    fn transmit(&mut self, capdu: &[u8]) -> Result<Vec<u8>, String> {
        self.sent.push(capdu.to_vec());
        (self.answer)(capdu)
    }
}

/// A card that answers from (command, response) pairs, in hex.
fn scripted(pairs: &[(&str, &str)]) -> TestCard<impl FnMut(&[u8]) -> Result<Vec<u8>, String>> {
    let table: Vec<(Vec<u8>, Vec<u8>)> = pairs.iter().map(|(c, r)| (h(c), h(r))).collect();
    TestCard::new(move |capdu: &[u8]| {
        table
            .iter()
            .find(|(c, _)| c == capdu)
            .map(|(_, r)| r.clone())
            .ok_or_else(|| format!("no answer for {}", crate::hex::encode(capdu)))
    })
}

/// Runs `text` and collects the observer's lines.
fn trace<T: Transport>(text: &str, card: &mut T) -> (Vec<String>, Result<Summary, RunError>) {
    let script = parse(text).unwrap();
    let mut lines = Vec::new();
    let result = run(&script, card, &mut |outcome| {
        lines.push(outcome.to_string())
    });
    (lines, result)
}

/// The card of the runner tests: MF, EF.IMSI, EF.ECC and EF.ICCID (see the module
/// comment for the sources of each answer).
fn uicc() -> TestCard<impl FnMut(&[u8]) -> Result<Vec<u8>, String>> {
    scripted(&[
        ("00A40004023F00", MF_FCP),
        ("00A40004026F07", IMSI_FCP),
        ("00A40004026FB7", ECC_FCP),
        ("00B000000A", &format!("{ICCID} 9000")),
        ("00B201040E", "0102030405060708090A0B0C0D0E 9000"),
        ("0020000108 31323334FFFFFFFF", "63C2"),
        ("00A40004027F99", "6A82"),
    ])
}

mod runner {
    use super::*;

    #[test]
    fn runs_a_script_and_traces_each_step() {
        let text = "\
reset -> 3B 9F ..
echo select MF
00A4 0004 02 3F00
expect 62 .. 82 02 78 21 .. 9000
set ECC = 6FB7
00A4 0004 02 $ECC -> 62 ** 82 05 X2 21 00 {RECLEN: **} .. 9000
00B2 01 04 $RECLEN -> {REC1: ..} 9000
00A4000402 6F07
00B000000A -> {ICCID: 98 ..} 9000
00B000000A -> $ICCID 9000
0020 0001 08 31323334 FFFFFFFF -> 63CX | 9000
";
        let mut card = scripted(&[
            ("00A40004023F00", MF_FCP),
            ("00A40004026FB7", ECC_FCP),
            ("00B201040E", "0102030405060708090A0B0C0D0E 9000"),
            ("00A40004026F07", IMSI_FCP),
            ("00B000000A", &format!("{ICCID} 9000")),
            ("002000010831323334FFFFFFFF", "63C2"),
        ]);
        let (lines, result) = trace(text, &mut card);
        assert_eq!(
            result,
            Ok(Summary {
                commands: 7,
                checked: 7,
                resets: 1
            })
        );
        assert_eq!(card.resets, 1);
        assert_eq!(card.sent.len(), 7);
        assert_eq!(card.sent[2], h("00B201040E"), "$RECLEN came from the FCP");
        assert_eq!(
            lines,
            [
                "line 1: reset -> 3B9F96801F878031E073FE211B674A4C753034054BA9 [ok]",
                "line 2: echo select MF",
                "line 3: 00A40004023F00 -> 622C8202782183023F00A50C80017183040003A7388701018A01058B032F0601C60C90016083010183010A83010B 9000 [ok]",
                "line 6: 00A40004026FB7 -> 621A82054221000E0283026FB78A01058B036F06088002001C880108 9000 [ok]",
                "line 7: 00B201040E -> 0102030405060708090A0B0C0D0E 9000 [ok]",
                "line 8: 00A40004026F07 -> 62178202412183026F078A01058B036F060A80020009880138 9000",
                "line 9: 00B000000A -> 984421436587092143F5 9000 [ok]",
                "line 10: 00B000000A -> 984421436587092143F5 9000 [ok]",
                "line 11: 002000010831323334FFFFFFFF -> 63C2 [ok]",
            ]
        );
    }

    #[test]
    fn mismatch_names_line_command_pattern_and_response() {
        let mut card = uicc();
        let (lines, result) = trace(
            "reset\n00A4 0004 02 3F00 -> 62 .. 9000\n\n00A4 0004 02 7F99\nexpect 62 .. 9000\n00A40004023F00",
            &mut card,
        );
        let error = result.unwrap_err();
        assert_eq!(error.line(), 5);
        assert_eq!(
            error.to_string(),
            "line 5: unexpected response to 00A40004027F99\n  expected: 62 .. 9000\n  actual:   6A82"
        );
        assert_eq!(
            error,
            RunError::ResponseMismatch {
                line: 5,
                command: h("00A40004027F99"),
                expected: pattern("62 .. 9000"),
                actual: h("6A82"),
            }
        );
        // The failing exchange is traced; nothing runs after it.
        assert_eq!(
            lines.last().unwrap(),
            "line 4: 00A40004027F99 -> 6A82 [MISMATCH]"
        );
        assert_eq!(lines.len(), 3);
        assert_eq!(card.sent.len(), 2);
    }

    #[test]
    fn mismatch_hint_for_a_bare_status_word() {
        let mut card = uicc();
        let (_, result) = trace("00B000000A -> 9000", &mut card);
        assert_eq!(
            result.unwrap_err().to_string(),
            "line 1: unexpected response to 00B000000A\n  expected: 9000\n  actual:   984421436587092143F5 9000\n  hint: the status word is 9000, but the response also has data; write `.. 9000` or `sw 9000`"
        );
    }

    #[test]
    fn captured_value_mismatch() {
        // The second read returns other data than the first.
        let mut reads = 0;
        let mut card = TestCard::new(move |_: &[u8]| {
            reads += 1;
            Ok(if reads == 1 {
                h("0102 9000")
            } else {
                h("0103 9000")
            })
        });
        let (_, result) = trace(
            "00B0000002 -> {D: ..} 9000\n00B0000002 -> $D 9000",
            &mut card,
        );
        assert_eq!(
            result.unwrap_err().to_string(),
            "line 2: unexpected response to 00B0000002\n  expected: $D 9000\n  actual:   0103 9000"
        );
    }

    #[test]
    fn atr_mismatch() {
        let mut card = uicc();
        let (lines, result) = trace("reset\natr 3F ..\n00A40004023F00", &mut card);
        assert_eq!(
            result.unwrap_err().to_string(),
            format!("line 2: unexpected ATR\n  expected: 3F ..\n  actual:   {SJA2_ATR}")
        );
        assert_eq!(lines, [format!("line 1: reset -> {SJA2_ATR} [MISMATCH]")]);
        assert!(card.sent.is_empty());
    }

    #[test]
    fn transport_errors() {
        let mut card = uicc();
        let (lines, result) = trace("00A40004023F00\n00A4000402 1234", &mut card);
        assert_eq!(
            result.unwrap_err(),
            RunError::Transport {
                line: 2,
                message: "no answer for 00A40004021234".to_owned()
            }
        );
        assert_eq!(lines.len(), 1);
        let mut card = TestCard::new(|_: &[u8]| Ok(vec![0x90]));
        let (_, result) = trace("00A40004023F00", &mut card);
        assert_eq!(
            result.unwrap_err().to_string(),
            "line 1: transport error: the response to 00A40004023F00 has 1 byte(s); an R-APDU ends with SW1 SW2"
        );
    }

    #[test]
    fn scripts_built_in_code_are_checked_when_run() {
        let mut card = uicc();
        let script = Script {
            steps: vec![Step {
                line: 1,
                action: Action::Command {
                    apdu: Template::from(h("00A4")),
                    expect: None,
                },
            }],
        };
        assert_eq!(
            run(&script, &mut card, &mut |_| {})
                .unwrap_err()
                .to_string(),
            "line 1: a command has 4 to 65544 bytes, but 00A4 has 2"
        );
        // `$X` refers to a variable only defined in another script.
        let other = parse("set X = 3F00\n00A4000402 $X").unwrap();
        let script = Script {
            steps: other.steps[1..].to_vec(),
        };
        assert_eq!(
            run(&script, &mut card, &mut |_| {}).unwrap_err(),
            RunError::UndefinedVariable {
                line: 2,
                name: "X".to_owned()
            }
        );
        assert!(card.sent.is_empty());
    }

    #[test]
    fn unchecked_commands_and_summary() {
        let mut card = uicc();
        let (lines, result) = trace(
            "reset\n00A40004027F99\n00A40004023F00 -> sw 9000",
            &mut card,
        );
        assert_eq!(
            result,
            Ok(Summary {
                commands: 2,
                checked: 1,
                resets: 1
            })
        );
        assert_eq!(lines[0], format!("line 1: reset -> {SJA2_ATR}"));
        assert_eq!(lines[1], "line 2: 00A40004027F99 -> 6A82");
    }

    #[test]
    fn variables_start_empty_for_each_run() {
        let script = parse("set A = 3F00\n00A4000402 $A -> .. 9000").unwrap();
        let mut card = uicc();
        for _ in 0..2 {
            assert!(run(&script, &mut card, &mut |_| {}).is_ok());
        }
        assert_eq!(card.sent, [h("00A40004023F00"), h("00A40004023F00")]);
    }

    #[test]
    fn example_scripts_run() {
        let record = format!("61094F07A0000000871002 {} 9000", "FF".repeat(32));
        let iccid = format!("{ICCID} 9000");
        let mut card = scripted(&[
            ("00A40004023F00", MF_FCP),
            ("00A40004022FE2", ICCID_FCP),
            ("00B000000A", &iccid),
            ("00A40004022F00", DIR_FCP),
            ("00B201042B", &record),
            // VERIFY without data: 3 tries left (TS 102 221 §11.1.9).
            ("00200001", "63C3"),
        ]);
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/scripts");
        for (name, commands) in [
            ("select-mf.apdu", 5),
            ("read-ef-dir.apdu", 2),
            ("pin-status.apdu", 2),
        ] {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            let script = parse(&text).unwrap();
            let summary =
                run(&script, &mut card, &mut |_| {}).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(summary.commands, commands, "{name}");
            assert_eq!(
                summary.checked,
                commands + 1,
                "{name}: every command and the ATR"
            );
        }
        assert!(
            card.sent.contains(&h("00B201042B")),
            "Le came from the FCP of EF.DIR"
        );
    }

    #[test]
    fn example_scripts_parse() {
        // Every shipped example (examples/scripts/*.apdu at the repository root) is valid.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/scripts");
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "apdu") {
                let text = std::fs::read_to_string(&path).unwrap();
                if let Err(e) = parse(&text) {
                    panic!("{}: {e}", path.display());
                }
                names.push(path.file_name().unwrap().to_string_lossy().into_owned());
            }
        }
        names.sort();
        for name in ["pin-status.apdu", "read-ef-dir.apdu", "select-mf.apdu"] {
            assert!(
                names.iter().any(|n| n == name),
                "{name} missing from {names:?}"
            );
        }
    }
}

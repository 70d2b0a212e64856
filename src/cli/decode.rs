//! `uicc apdu decode`, `uicc atr decode`, `uicc tlv decode`.

use anyhow::{Context, Result};

fn hex(what: &str, text: &str) -> Result<Vec<u8>> {
    apdu::hex::decode(text).with_context(|| format!("{what} is not hex"))
}

/// Decodes a C-APDU (and R-APDU).
pub fn apdu(command: &str, response: Option<&str>) -> Result<()> {
    let c = hex("the command", command)?;
    apdu::command::Command::decode(&c).map_err(|e| anyhow::anyhow!("not a valid C-APDU: {e}"))?;
    match response {
        Some(r) => {
            let r = hex("the response", r)?;
            if r.len() < 2 {
                anyhow::bail!("a response needs at least the two status bytes");
            }
            println!("{}", apdu::trace::describe(&c, &r));
        }
        None => println!("{}", apdu::trace::describe_command(&c)),
    }
    Ok(())
}

/// Decodes an ATR.
pub fn atr(text: &str) -> Result<()> {
    let bytes = hex("the ATR", text)?;
    let atr = apdu::atr::Atr::parse(&bytes).map_err(|e| anyhow::anyhow!("not a valid ATR: {e}"))?;
    print!("{atr}");
    Ok(())
}

/// Decodes BER-TLV.
pub fn tlv(text: &str) -> Result<()> {
    let bytes = hex("the data", text)?;
    let tree =
        apdu::tlv::describe(&bytes).map_err(|e| anyhow::anyhow!("not valid BER-TLV: {e}"))?;
    print!("{tree}");
    if !tree.ends_with('\n') {
        println!();
    }
    Ok(())
}

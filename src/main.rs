//! `uicc`: the command line of the UICC/eUICC TRE emulator.
fn main() {
    println!("uicc");
}

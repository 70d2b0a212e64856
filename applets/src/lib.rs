//! Card applications: USIM, ISIM, SIM, security domains, eUICC/MCIM manager, OTA handling
#![forbid(unsafe_code)]

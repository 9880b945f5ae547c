//! Integration tests of linli-tlog, one binary: RFC 6962 vectors, property tests of the
//! proofs, tampering scenarios seen by a device, and checks by independent implementations.

mod independent;
mod properties;
mod rfc6962_vectors;
mod tampering;

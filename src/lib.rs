//! # guanxi
//!
//! An embedded graph database for business relationship management.
#![forbid(unsafe_code)]

pub mod io;
pub mod model;
pub mod store;

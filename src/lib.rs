//! # guanxi
//!
//! An embedded graph database for business relationship management.
#![forbid(unsafe_code)]

pub mod model;
pub mod store;

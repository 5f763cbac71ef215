//! placeholder
pub mod people;

//! Standard output. Every line goes through [`line`] (the `out!` macro), which returns
//! the write's failure instead of ignoring it, so that a command stops at the first line
//! that could not be written; [`flush`] runs once at the end.

use crate::{Failure, Result};
use std::io::Write as _;

/// `println!` that returns [`Failure::Stdout`] when standard output cannot be written.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::line(format_args!($($arg)*))
    };
}

/// Writes one line to standard output.
pub fn line(args: std::fmt::Arguments<'_>) -> Result<()> {
    writeln!(std::io::stdout().lock(), "{args}").map_err(Failure::Stdout)
}

/// Flushes standard output.
pub fn flush() -> Result<()> {
    std::io::stdout().flush().map_err(Failure::Stdout)
}

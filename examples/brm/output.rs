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

/// Writes `brm: error: {msg}` to standard error (ignoring a failure to: there is nowhere
/// left to report it).
pub fn error(msg: &str) {
    let _ = writeln!(std::io::stderr().lock(), "brm: error: {msg}");
}

/// The message and place of the last panic, on any thread (a panic in a worker thread
/// reaches `main` through the thread pool).
static LAST_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

fn last_panic() -> std::sync::MutexGuard<'static, Option<String>> {
    LAST_PANIC
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Replaces the default panic hook, which prints to standard error, with one that only
/// records the message: the storage engine's panics on a damaged file are contained by
/// the library and reported as its typed error, and an uncontained one is reported by
/// `main` ([`panic_message`]).
pub fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown failure".to_owned());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        *last_panic() = Some(format!("{msg}{at}"));
    }));
}

/// The message for a panic that reached `main`.
pub fn panic_message() -> String {
    let what = last_panic()
        .take()
        .unwrap_or_else(|| "unknown failure".to_owned());
    format!("internal failure ({what}); nothing more was done. This is a bug in guanxi: please report it with the command that caused it")
}

//! Output for the example binaries: `out!` is `println!` that ends the program quietly
//! when stdout is closed (`brm … | head`) instead of panicking. Included by each example
//! with `#[macro_use] #[path = "support/out.rs"] mod out;` (an example is its own crate).

/// `println!` that exits quietly when stdout is closed.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::out::emit(format_args!($($arg)*))
    };
}

/// Writes one line to stdout; exits with status 0 if stdout is closed.
pub fn emit(args: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    if writeln!(std::io::stdout(), "{args}").is_err() {
        std::process::exit(0);
    }
}

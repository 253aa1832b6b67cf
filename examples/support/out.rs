//! Output for the example binaries other than `brm` (which returns its output errors to
//! `main`, see `examples/brm/output.rs`): `out!` is `println!` that ends the program
//! quietly when stdout is closed (`demo | head`) and with status 1 and a message when it
//! cannot be written (a full disk), instead of panicking. Included by each example with
//! `#[macro_use] #[path = "support/out.rs"] mod out;` (an example is its own crate).

/// `println!` that exits quietly when stdout is closed, and with status 1 on any other
/// write error.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::out::emit(format_args!($($arg)*))
    };
}

/// Writes one line to stdout (flushed: stdout is line-buffered); exits with status 0 if
/// stdout is closed, 1 with a message on any other failure.
pub fn emit(args: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    if let Err(e) = writeln!(std::io::stdout(), "{args}") {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        let _ = writeln!(
            std::io::stderr(),
            "error: cannot write to standard output: {e}"
        );
        std::process::exit(1);
    }
}

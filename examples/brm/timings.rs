//! `--timings`: the library's stage announcements (the `log` target `guanxi::STAGES`)
//! on standard error, each with the seconds since the command began, so that a slow
//! report shows which stage took the time. A stage of the load runs beside others, so
//! the times are when each ended, not how long each took.

use std::io::Write;
use std::time::Instant;

struct Timings {
    start: Instant,
}

impl ::log::Log for Timings {
    fn enabled(&self, metadata: &::log::Metadata<'_>) -> bool {
        metadata.target() == guanxi::STAGES
    }

    fn log(&self, record: &::log::Record<'_>) {
        if self.enabled(record.metadata()) {
            // The clock is read under the lock, so that lines from several threads come
            // out in the order of their times.
            let mut err = std::io::stderr().lock();
            let at = self.start.elapsed().as_secs_f64();
            // A closed standard error loses the timings, not the report.
            let _ = writeln!(err, "{at:8.3} s  {}", record.args());
        }
    }

    fn flush(&self) {}
}

/// Prints every stage that ends from now on.
pub fn start() {
    let timings = Box::leak(Box::new(Timings {
        start: Instant::now(),
    }));
    if ::log::set_logger(timings).is_ok() {
        ::log::set_max_level(::log::LevelFilter::Debug);
    }
}

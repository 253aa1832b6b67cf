//! Containing the storage engine's panics on a damaged file.
//!
//! The storage engine trusts the structures it reads: it does not verify a page's
//! checksum on every read (that is [`Database::verify`](crate::store::Database::verify),
//! which reads the whole file), and some of its checks on a page are assertions or plain
//! slice indexing. So a damaged page can make a read *panic* inside the engine (a slice
//! index out of range in its B-tree code) instead of returning an error. No read of
//! guanxi may panic on a damaged file, so every read entry point — each method of
//! [`Read`](crate::store::Read) — runs its body through [`contained`], which turns such a
//! panic into [`StoreError::Corrupt`].
//!
//! # Why catching the unwind is sound here
//!
//! * The body only reads. A read transaction never changes the file or the engine's
//!   committed state, so nothing half-written is left behind; what the engine had
//!   borrowed (page guards, table handles opened by the body) is dropped by the unwind.
//! * guanxi's own state survives intact: a [`ReadTxn`](crate::store::ReadTxn) caches a
//!   table handle only after the open succeeded, and a visitor that received part of a
//!   scan is documented to hold a partial network after an error.
//! * If the engine panicked while holding one of its own locks, later calls on the same
//!   database may fail the same way; they are contained the same way, so the worst case
//!   is more `Corrupt` errors from a database that is damaged anyway.
//! * In a write transaction the same reads are contained, and the transaction is then
//!   poisoned ([`Source::damaged`]), so a batch that met damage can never be committed.
//!
//! Panics that are not the engine's pass through unchanged: a panic of a caller's
//! callback (a [`Visit`](crate::store::Visit) implementation, the closure given to
//! `for_each_node`) is wrapped by [`callback`] on its way out and re-raised as it was by
//! the outermost [`contained`], so a bug in the caller's code is never reported as a
//! damaged file.
//!
//! The process's panic hook still sees a contained panic (the default hook prints it);
//! a program that wants silence installs its own hook.

use super::source::Source;
use crate::store::error::{Result, StoreError};
use std::any::Any;
use std::cell::Cell;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

thread_local! {
    /// How many [`contained`] calls are running on this thread (they nest: `network`
    /// runs `scan`, which runs `scan_nodes`).
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// The payload a caller's panic travels in while it crosses [`contained`] frames.
struct CallerPanic(Box<dyn Any + Send>);

/// Runs the read `f` on `src`, turning a panic of the storage engine into
/// [`StoreError::Corrupt`] naming `what` was being read (and poisoning `src` if it is a
/// write transaction). A panic of a caller's [`callback`] is re-raised unchanged.
pub(crate) fn contained<S: Source + ?Sized, T>(
    src: &S,
    what: &'static str,
    f: impl FnOnce() -> Result<T>,
) -> Result<T> {
    DEPTH.with(|d| d.set(d.get() + 1));
    let result = catch_unwind(AssertUnwindSafe(f));
    let outermost = DEPTH.with(|d| {
        d.set(d.get() - 1);
        d.get() == 0
    });
    match result {
        Ok(r) => r,
        Err(payload) => match payload.downcast::<CallerPanic>() {
            // The caller's own panic: out of the outermost frame exactly as it was raised.
            Ok(caller) if outermost => resume_unwind(caller.0),
            Ok(caller) => resume_unwind(caller),
            Err(engine) => {
                src.damaged();
                Err(StoreError::Corrupt {
                    what: what.to_owned(),
                    reason: format!(
                        "the storage engine failed on a damaged structure ({})",
                        message(engine.as_ref())
                    ),
                })
            }
        },
    }
}

/// Calls a caller's code (a visitor, a closure) from inside [`contained`], marking a panic
/// of it as the caller's, so that it is not mistaken for the engine's.
pub(crate) fn callback<R>(f: impl FnOnce() -> R) -> R {
    if DEPTH.with(Cell::get) == 0 {
        return f();
    }
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| resume_unwind(Box::new(CallerPanic(p))))
}

/// The text of a panic payload.
fn message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown failure".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::internal::tables::Counters;
    use redb::{Key, TableDefinition, Value};
    use std::sync::atomic::{AtomicBool, Ordering};

    /// A source that only records whether it was told it is damaged.
    #[derive(Default)]
    struct Probe(AtomicBool);

    impl Source for Probe {
        type Table<'a, K: Key + 'static, V: Value + 'static> = redb::ReadOnlyTable<K, V>;
        fn open<K: Key + 'static, V: Value + 'static>(
            &self,
            _: TableDefinition<'static, K, V>,
        ) -> Result<redb::ReadOnlyTable<K, V>> {
            unreachable!("not opened in these tests")
        }
        fn open_optional<K: Key + 'static, V: Value + 'static>(
            &self,
            _: TableDefinition<'static, K, V>,
        ) -> Result<Option<redb::ReadOnlyTable<K, V>>> {
            unreachable!("not opened in these tests")
        }
        fn counters(&self) -> Result<Counters> {
            Ok(Counters::default())
        }
        fn damaged(&self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }

    #[test]
    fn an_engine_panic_is_corrupt_and_marks_the_source() {
        let probe = Probe::default();
        let r: Result<()> = contained(&probe, "the test table", || panic!("index out of range"));
        match r {
            Err(StoreError::Corrupt { what, reason }) => {
                assert_eq!(what, "the test table");
                assert!(reason.contains("index out of range"), "{reason}");
            }
            other => panic!("expected Corrupt, got {other:?}"),
        }
        assert!(probe.0.load(Ordering::Relaxed));
        assert_eq!(DEPTH.with(Cell::get), 0);
        // Nested: the inner read's error is an ordinary value for the outer one.
        let outer: Result<u8> = contained(&probe, "outer", || {
            let inner: Result<()> = contained(&probe, "inner", || panic!("bad page"));
            assert!(matches!(inner, Err(StoreError::Corrupt { .. })));
            Ok(7)
        });
        assert_eq!(outer.unwrap(), 7);
    }

    #[test]
    fn a_callers_panic_passes_through_nested_reads_unchanged() {
        #[derive(Debug, PartialEq)]
        struct Mine(u32);
        let probe = Probe::default();
        let caught = catch_unwind(AssertUnwindSafe(|| {
            let _: Result<()> = contained(&probe, "outer", || {
                contained(&probe, "inner", || {
                    callback(|| resume_unwind(Box::new(Mine(42))));
                    Ok(())
                })
            });
        }))
        .unwrap_err();
        assert_eq!(caught.downcast_ref::<Mine>(), Some(&Mine(42)));
        assert!(!probe.0.load(Ordering::Relaxed), "not the file's fault");
        assert_eq!(DEPTH.with(Cell::get), 0);
        // Outside any read, a callback is a plain call.
        assert_eq!(callback(|| 5), 5);
    }
}

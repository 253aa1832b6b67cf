//! An in-memory storage backend for database images, shared by the tests and the fuzz
//! targets (`fuzz/` includes this file by path).
//!
//! It lets a test hold a database file's bytes in memory — to damage them, to reopen them,
//! or to cap their size and so simulate a full disk.

#![allow(dead_code)]

/// A storage backend holding a database image in memory, shareable (clones see the same
/// bytes) and optionally capped in size.
///
/// The fuzz targets load corrupted database images through it, and the tests use its cap
/// to simulate a full disk: growing the image past the cap fails with
/// `std::io::ErrorKind::StorageFull`, as a write to a full file system does.
#[derive(Debug, Clone, Default)]
pub struct ImageBackend {
    data: std::sync::Arc<std::sync::RwLock<Vec<u8>>>,
    limit: Option<u64>,
}

impl ImageBackend {
    /// A backend holding `bytes`, with no size cap.
    pub fn new(bytes: Vec<u8>) -> ImageBackend {
        ImageBackend {
            data: std::sync::Arc::new(std::sync::RwLock::new(bytes)),
            limit: None,
        }
    }

    /// A backend holding `bytes` that refuses to grow beyond `limit` bytes.
    pub fn with_limit(bytes: Vec<u8>, limit: u64) -> ImageBackend {
        ImageBackend {
            limit: Some(limit),
            ..ImageBackend::new(bytes)
        }
    }

    /// A copy of the current image.
    pub fn bytes(&self) -> Vec<u8> {
        self.data
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn out_of_range() -> std::io::Error {
        std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "access beyond the end of the image",
        )
    }
}

impl redb::StorageBackend for ImageBackend {
    fn len(&self) -> std::io::Result<u64> {
        Ok(self
            .data
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len() as u64)
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> std::io::Result<()> {
        let data = self
            .data
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let start = usize::try_from(offset).map_err(|_| Self::out_of_range())?;
        let end = start
            .checked_add(out.len())
            .ok_or_else(Self::out_of_range)?;
        let src = data.get(start..end).ok_or_else(Self::out_of_range)?;
        out.copy_from_slice(src);
        Ok(())
    }

    fn set_len(&self, len: u64) -> std::io::Result<()> {
        if self.limit.is_some_and(|limit| len > limit) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "no space left on the simulated device",
            ));
        }
        let len = usize::try_from(len).map_err(|_| Self::out_of_range())?;
        self.data
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .resize(len, 0);
        Ok(())
    }

    fn sync_data(&self) -> std::io::Result<()> {
        Ok(())
    }

    fn write(&self, offset: u64, data: &[u8]) -> std::io::Result<()> {
        let mut image = self
            .data
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let start = usize::try_from(offset).map_err(|_| Self::out_of_range())?;
        let end = start
            .checked_add(data.len())
            .ok_or_else(Self::out_of_range)?;
        let dst = image.get_mut(start..end).ok_or_else(Self::out_of_range)?;
        dst.copy_from_slice(data);
        Ok(())
    }
}

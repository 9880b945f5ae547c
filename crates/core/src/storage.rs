//! The profile's storage running out. A full disk shows up as [`CoreError::StorageFull`] (see the
//! `From` impls in [`crate::error`]): the change being made is refused as a whole (its transaction rolls
//! back) and everything queued before stays queued. This module holds the knob tests use to make the
//! profile's database unable to grow without filling a real disk.
use crate::{CoreError, Profile};

/// SQLite's largest `max_page_count`: no limit beyond the disk's.
const UNLIMITED_PAGES: i64 = 4_294_967_294;

impl Profile {
    /// For tests: with `limited`, the profile's database may not grow past the pages it holds now
    /// (SQLite's `max_page_count`), as on a full disk; without, it grows again. The setting lasts
    /// for this open profile only. The app never calls it.
    #[doc(hidden)]
    pub fn limit_storage_for_tests(&self, limited: bool) -> Result<(), CoreError> {
        let db = self.db();
        let pages = if limited {
            db.pragma_query_value(None, "page_count", |r| r.get::<_, i64>(0))?
        } else {
            UNLIMITED_PAGES
        };
        db.pragma_update(None, "max_page_count", pages)?;
        Ok(())
    }
}

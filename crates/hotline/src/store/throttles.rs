//! The throttles' counts when several processes share the database (PostgreSQL): one row
//! per throttle, window and keyed hash, and one random key per throttle and window.
//! Nothing here sees an address or a case number, only the keyed hashes
//! `crate::throttle` makes. Rows are deleted once their window is over.

use super::{Store, StoreError};

/// The length of a window's key, in bytes.
pub const WINDOW_KEY_BYTES: usize = 32;

impl Store {
    /// The key of one throttle's window ending at `expires_at`: made at random by the first
    /// process to ask and read back, the same, by every other. Windows over by `now` are
    /// deleted first, their keys and counts, so that at most the current window's remain.
    pub async fn throttle_window_key(
        &self,
        throttle: &str,
        expires_at: i64,
        now: i64,
    ) -> Result<[u8; WINDOW_KEY_BYTES], StoreError> {
        self.expire_throttle_windows(now).await?;
        let mut fresh = [0u8; WINDOW_KEY_BYTES];
        getrandom::fill(&mut fresh)?;
        // One statement, so that no other process's delete can come between the insert and
        // the read: the no-op update makes RETURNING give the row that won.
        let stored: String = sqlx::query_scalar(
            "INSERT INTO throttle_keys (expires_at, throttle, window_key) VALUES ($1, $2, $3) \
             ON CONFLICT (expires_at, throttle) \
             DO UPDATE SET window_key = throttle_keys.window_key RETURNING window_key",
        )
        .bind(expires_at)
        .bind(throttle)
        .bind(hex(&fresh))
        .fetch_one(&self.write)
        .await?;
        unhex(&stored).ok_or_else(|| StoreError::Corrupt(format!("throttle key of {throttle}")))
    }

    /// Adds `n` to what `throttle` has counted for `keyed_hash` in the window ending at
    /// `expires_at`, and returns the count from before. One statement: concurrent adds,
    /// from any process, are applied one after the other on the row, so each sees the
    /// count the others left.
    pub async fn add_to_throttle(
        &self,
        throttle: &str,
        expires_at: i64,
        keyed_hash: i64,
        n: u32,
    ) -> Result<u64, StoreError> {
        let after: i64 = sqlx::query_scalar(
            "INSERT INTO throttle_counts (expires_at, throttle, keyed_hash, count) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (expires_at, throttle, keyed_hash) \
             DO UPDATE SET count = throttle_counts.count + excluded.count RETURNING count",
        )
        .bind(expires_at)
        .bind(throttle)
        .bind(keyed_hash)
        .bind(i64::from(n))
        .fetch_one(&self.write)
        .await?;
        let before = after - i64::from(n);
        u64::try_from(before).map_err(|_| StoreError::Corrupt(format!("{throttle} count {after}")))
    }

    /// What `throttle` has counted for `keyed_hash` in the window ending at `expires_at`.
    pub async fn throttle_count(
        &self,
        throttle: &str,
        expires_at: i64,
        keyed_hash: i64,
    ) -> Result<u64, StoreError> {
        let count: Option<i64> = sqlx::query_scalar(
            "SELECT count FROM throttle_counts \
             WHERE expires_at = $1 AND throttle = $2 AND keyed_hash = $3",
        )
        .bind(expires_at)
        .bind(throttle)
        .bind(keyed_hash)
        .fetch_optional(&self.read)
        .await?;
        let count = count.unwrap_or(0);
        u64::try_from(count).map_err(|_| StoreError::Corrupt(format!("{throttle} count {count}")))
    }

    /// Deletes the counts and keys of every window over by `now` (Unix ms); returns how
    /// many rows went.
    pub async fn expire_throttle_windows(&self, now: i64) -> Result<u64, StoreError> {
        let counts = sqlx::query("DELETE FROM throttle_counts WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.write)
            .await?;
        let keys = sqlx::query("DELETE FROM throttle_keys WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.write)
            .await?;
        Ok(counts.rows_affected() + keys.rows_affected())
    }

    /// How many throttle rows (counts and keys) the database holds: for tests.
    pub async fn throttle_rows(&self) -> Result<u64, StoreError> {
        let rows: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM throttle_counts) + (SELECT COUNT(*) FROM throttle_keys)",
        )
        .fetch_one(&self.read)
        .await?;
        Ok(u64::try_from(rows).unwrap_or(0))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn unhex(text: &str) -> Option<[u8; WINDOW_KEY_BYTES]> {
    let mut out = [0u8; WINDOW_KEY_BYTES];
    if text.len() != 2 * WINDOW_KEY_BYTES {
        return None;
    }
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_read_back_as_written() {
        let key: [u8; super::WINDOW_KEY_BYTES] = std::array::from_fn(|i| (i * 37) as u8);
        assert_eq!(super::unhex(&super::hex(&key)), Some(key));
        assert_eq!(super::unhex("00"), None);
        assert_eq!(super::unhex(&"zz".repeat(32)), None);
    }
}

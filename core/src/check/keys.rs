//! The cross-row certificate checks: a compact index of every row's certificate key.
//!
//! K001 (the same certificate twice), K002 (overlapping validity periods in a full snapshot)
//! and K003 (a 履歴キー repeated within one certificate) compare each row with the earlier rows
//! of the same certificate. The index keeps a 128-bit fingerprint per certificate and about
//! 24 bytes per row, never the values themselves.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::domain::date;
use crate::findings::codes::Code;
use crate::layout::Layout;
use xxhash_rust::xxh3::{Xxh3, xxh3_64_with_seed};

/// Hash seeds of the certificate key and of the 履歴キー (compared only within one
/// certificate's rows).
const CERTIFICATE_DOMAIN: u64 = 0x243F_6A88_85A3_08D3;
const HISTORY_KEY_DOMAIN: u64 = 0xA409_3822_299F_31D0;

/// Identity hasher for keys that are already hashes.
#[derive(Debug, Default)]
pub(crate) struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u128(&mut self, n: u128) {
        self.0 = n as u64;
    }
}

/// The cross-row certificate checks (K001 duplicate, K002 overlapping periods, K003 duplicate
/// 履歴キー), as a reusable index: rows are observed in order and each is compared with the
/// earlier rows of the same certificate. About 40 bytes per row.
#[derive(Debug, Clone)]
pub struct KeyTracker {
    certificate: Vec<usize>,
    history_key: Option<usize>,
    no_overlap: bool,
    /// Certificate fingerprint → (first, last) entry of its rows.
    index: HashMap<u128, (u32, u32), BuildHasherDefault<PreHashed>>,
    entries: Vec<KeyEntry>,
}

impl KeyTracker {
    /// An empty index for the layout's key configuration.
    pub fn new(layout: &Layout) -> Self {
        Self::with_capacity(layout, 0)
    }

    /// An empty index with room for `rows` rows (capped, so a wrong hint cannot exhaust
    /// memory).
    pub fn with_capacity(layout: &Layout, rows: usize) -> Self {
        let k = layout.key_index();
        let rows = rows.min(4_000_000);
        Self {
            certificate: k.certificate,
            history_key: k.history_key,
            no_overlap: layout.keys.no_overlap,
            index: HashMap::with_capacity_and_hasher(rows, BuildHasherDefault::default()),
            entries: Vec::with_capacity(rows),
        }
    }

    /// The 128-bit fingerprint of a row's certificate key, or `None` when every key field is
    /// empty. `value(i)` gives layout field `i`'s (trimmed) value.
    ///
    /// XXH3-128 over the key fields, each preceded by its length (so `("ab", "c")` and
    /// `("a", "bc")` differ). For n keys an ideal 128-bit hash collides with probability about
    /// n² / 2¹²⁹: 1.5 × 10⁻²⁵ at 10 million rows (README: Performance).
    pub fn certificate_key<'v>(&self, value: &dyn Fn(usize) -> &'v str) -> Option<u128> {
        if self.certificate.is_empty() || self.certificate.iter().all(|&i| value(i).is_empty()) {
            return None;
        }
        let mut h = Xxh3::with_seed(CERTIFICATE_DOMAIN);
        for &i in &self.certificate {
            let v = value(i).as_bytes();
            h.update(&(v.len() as u64).to_le_bytes());
            h.update(v);
        }
        Some(h.digest128())
    }

    /// Observes one row; returns the first finding against an earlier row of the same
    /// certificate. The one place that decides K001, K002 and K003.
    pub fn observe<'v>(
        &mut self,
        row: u32,
        value: &dyn Fn(usize) -> &'v str,
        valid_from: Option<date::Ymd>,
        valid_to: Option<date::Ymd>,
    ) -> Option<KeyFinding> {
        let key = self.certificate_key(value)?;
        let history = self
            .history_key
            .map(|i| xxh3_64_with_seed(value(i).as_bytes(), HISTORY_KEY_DOMAIN));
        let entry = KeyEntry {
            row,
            from: valid_from.map_or(NO_DATE, date::Ymd::to_days),
            to: valid_to.map_or(NO_DATE, date::Ymd::to_days),
            history: history.unwrap_or(0),
            next: u32::MAX,
        };
        let new_index = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        let Some(&(head, tail)) = self.index.get(&key) else {
            self.index.insert(key, (new_index, new_index));
            self.entries.push(entry);
            return None;
        };
        // Compare with the earlier rows of this certificate until the first finding; the
        // group's tail is stored, so appending never walks the group.
        let mut finding: Option<(Code, u32)> = None;
        let mut i = head;
        while let Some(e) = self.entries.get(i as usize).copied() {
            finding = if history.is_some() {
                (e.history == entry.history).then_some((Code::DuplicateHistoryKey, e.row))
            } else if e.from == entry.from && e.to == entry.to {
                Some((Code::DuplicateCertificate, e.row))
            } else if self.no_overlap
                && e.from != NO_DATE
                && e.to != NO_DATE
                && entry.from != NO_DATE
                && entry.to != NO_DATE
                && e.from <= entry.to
                && entry.from <= e.to
            {
                Some((Code::OverlappingPeriods, e.row))
            } else {
                None
            };
            if finding.is_some() {
                break;
            }
            i = e.next;
        }
        if let Some(t) = self.entries.get_mut(tail as usize) {
            t.next = new_index;
        }
        self.index.insert(key, (head, new_index));
        self.entries.push(entry);
        finding.map(|(code, other_row)| KeyFinding {
            code,
            other_row,
            on_history_key: history.is_some(),
        })
    }
}

/// A row that repeats an earlier row's certificate ([`KeyTracker::observe`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyFinding {
    /// K001, K002 or K003.
    pub code: Code,
    /// The earlier row.
    pub other_row: u32,
    /// Found on the 履歴キー (K003) rather than on the certificate and its period.
    pub on_history_key: bool,
}

/// One row of one certificate, kept for the cross-row checks.
#[derive(Debug, Clone, Copy)]
struct KeyEntry {
    row: u32,
    from: i32,
    to: i32,
    history: u64,
    /// Next entry of the same certificate, or `u32::MAX`.
    next: u32,
}

const NO_DATE: i32 = i32::MIN;

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(f: KeyFinding) -> (Code, u32) {
        (f.code, f.other_row)
    }

    fn ymd(y: i32, m: u8, d: u8) -> Option<date::Ymd> {
        date::Ymd::new(y, m, d)
    }

    #[test]
    fn large_groups_append_without_walking() {
        // 50,000 copies of one certificate: each is a duplicate of the first row, found at
        // once; the group's tail is stored, so this is linear.
        let layout = Layout::full();
        let mut t = KeyTracker::new(&layout);
        let my = layout.field_index("myNumber").unwrap();
        let value = |i: usize| if i == my { "123456789018" } else { "" };
        assert_eq!(
            t.observe(2, &value, ymd(2025, 4, 1), ymd(2026, 3, 31))
                .map(pair),
            None
        );
        for row in 3..50_002 {
            assert_eq!(
                t.observe(row, &value, ymd(2025, 4, 1), ymd(2026, 3, 31))
                    .map(pair),
                Some((Code::DuplicateCertificate, 2))
            );
        }
    }

    #[test]
    fn renewal_is_not_an_overlap_but_a_shared_day_is() {
        let layout = Layout::full();
        let mut t = KeyTracker::new(&layout);
        let my = layout.field_index("myNumber").unwrap();
        let value = |i: usize| if i == my { "123456789018" } else { "" };
        assert_eq!(
            t.observe(2, &value, ymd(2025, 4, 1), ymd(2026, 3, 31))
                .map(pair),
            None
        );
        assert_eq!(
            t.observe(3, &value, ymd(2026, 4, 1), ymd(2027, 3, 31))
                .map(pair),
            None
        );
        assert_eq!(
            t.observe(4, &value, ymd(2027, 3, 31), ymd(2028, 3, 31))
                .map(pair),
            Some((Code::OverlappingPeriods, 3))
        );
    }

    /// Issue 9 (7): structured numbers gave false K001s with the hand-rolled 2×64-bit hash.
    /// Distinct sequential My Numbers, and keys that differ only in how the fields split, never
    /// share a fingerprint.
    #[test]
    fn distinct_keys_never_collide() {
        let layout = Layout::full();
        let t = KeyTracker::new(&layout);
        let my = layout.field_index("myNumber").unwrap();
        let mut seen = std::collections::HashSet::new();
        for n in 0..300_000u64 {
            let v = format!("{:012}", 100_000_000_000 + n * 7);
            let value = |i: usize| if i == my { v.as_str() } else { "" };
            assert!(seen.insert(t.certificate_key(&value).unwrap()), "{v}");
        }
        // Field boundaries count: ("ab", "c") is not ("a", "bc").
        let certs = layout.key_index().certificate;
        let [a, b, ..] = certs[..] else {
            panic!("the full layout keys certificates on several fields: {certs:?}");
        };
        {
            let k1 = t.certificate_key(&|i| match i {
                i if i == a => "ab",
                i if i == b => "c",
                _ => "",
            });
            let k2 = t.certificate_key(&|i| match i {
                i if i == a => "a",
                i if i == b => "bc",
                _ => "",
            });
            assert_ne!(k1, k2);
        }
    }
}

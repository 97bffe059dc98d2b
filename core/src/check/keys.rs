//! The cross-row certificate checks: a compact index of every row's certificate key.
//!
//! K001 (the same certificate twice), K002 (overlapping validity periods in a full snapshot)
//! and K003 (a 履歴キー repeated within one certificate) compare each row with the earlier rows
//! of the same certificate. When the layout names a `keys.certificate_type`, a repeat whose
//! type differs is K004 (a warning: the seeds' key 個人番号 + 公費受給者番号 + 受給者証サブキー
//! makes them one certificate at PMH) — and an error on a row of the same type always wins. Two
//! indexes decide them with the same function ([`KeyTracker::observe_key`]) and never keep the
//! key values themselves:
//!
//! * [`SortedKeys`], for a whole file whose layout has no 履歴キー (`pmhcsv validate` of 全件):
//!   32 bytes per row appended in file order (fingerprint, row, period and the row's
//!   certificate type as a number into a table of the file's distinct type values), sorted
//!   once at the end;
//! * [`KeyTracker`], row by row (履歴キー layouts, whose K003 shows the key's value, and the
//!   page's one-row re-check): a 128-bit fingerprint per certificate in a hash table and
//!   24 bytes per row.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use crate::domain::date;
use crate::findings::codes::Code;
use crate::layout::Layout;
use xxhash_rust::xxh3::{Xxh3, xxh3_64_with_seed, xxh3_128_with_seed};

/// Hash seeds of the certificate key and of the 履歴キー (compared only within one
/// certificate's rows).
const CERTIFICATE_DOMAIN: u64 = 0x243F_6A88_85A3_08D3;
const HISTORY_KEY_DOMAIN: u64 = 0xA409_3822_299F_31D0;
const TYPE_DOMAIN: u64 = 0x1319_8A2E_0370_7344;

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
/// 履歴キー, K004 differing only by certificate type), as a reusable index: rows are observed in order and each is compared with the
/// earlier rows of the same certificate. About 72 bytes per row (README: Performance); a whole
/// file without 履歴キー uses the sorted index (`SortedKeys`) instead.
#[derive(Debug, Clone)]
pub struct KeyTracker {
    certificate: Vec<usize>,
    certificate_type: Option<usize>,
    history_key: Option<usize>,
    no_overlap: bool,
    /// Certificate fingerprint → (first, last) entry of its rows, or ([`LARGE`], n) for a
    /// certificate with many rows, indexed in `large[n]`.
    index: HashMap<u128, (u32, u32), BuildHasherDefault<PreHashed>>,
    entries: Vec<KeyEntry>,
    large: Vec<LargeGroup>,
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
        let rows = rows.min(MAX_CAPACITY_HINT);
        Self {
            certificate: k.certificate,
            certificate_type: k.certificate_type,
            history_key: k.history_key,
            no_overlap: layout.keys.no_overlap,
            index: HashMap::with_capacity_and_hasher(rows, BuildHasherDefault::default()),
            entries: Vec::with_capacity(rows),
            large: Vec::new(),
        }
    }

    /// The 128-bit fingerprint of a row's certificate key, or `None` when every key field is
    /// empty. `value(i)` gives layout field `i`'s (trimmed) value.
    ///
    /// XXH3-128 over the key fields, each preceded by its length (so `("ab", "c")` and
    /// `("a", "bc")` differ). For n keys an ideal 128-bit hash collides with probability about
    /// n² / 2¹²⁹: 1.5 × 10⁻²⁵ at 10 million rows (README: Performance).
    pub fn certificate_key<'v>(&self, value: &dyn Fn(usize) -> &'v str) -> Option<u128> {
        self.certificate_key_read(value).map(|(key, _)| key)
    }

    /// [`KeyTracker::certificate_key`], and whether the key's bytes are all ASCII (then no
    /// repair would change how the key is written: see `Back::key_checks`). Decided on the
    /// bytes already copied for the hash, a word at a time (a length prefix of 128 or more
    /// also answers "not ASCII", which only costs a closer look).
    pub(crate) fn certificate_key_read<'v>(
        &self,
        value: &dyn Fn(usize) -> &'v str,
    ) -> Option<(u128, bool)> {
        // One call over the length-prefixed fields concatenated on the stack (XXH3 gives the
        // same hash in one call as streamed, tested); longer keys are streamed. Each field's
        // value is taken once (it is trimmed on every call).
        let mut buf = [0u8; 192];
        let mut n = 0;
        let mut values = 0;
        for &i in &self.certificate {
            let v = value(i).as_bytes();
            let Some(dst) = buf.get_mut(n..n + 8 + v.len()) else {
                let all_empty = self.certificate.iter().all(|&i| value(i).is_empty());
                let ascii = self.certificate.iter().all(|&i| value(i).is_ascii());
                return (!all_empty).then(|| (self.streamed_key(value), ascii));
            };
            let (len, bytes) = dst.split_at_mut(8);
            len.copy_from_slice(&(v.len() as u64).to_le_bytes());
            copy_short(bytes, v);
            n += 8 + v.len();
            values += v.len();
        }
        if values == 0 {
            return None;
        }
        // The bytes past `n` are zero: whole words cover the key.
        let high = buf
            .chunks_exact(8)
            .take(n.div_ceil(8))
            .fold(0u64, |acc, w| {
                let mut word = [0u8; 8];
                word.copy_from_slice(w);
                acc | u64::from_le_bytes(word)
            });
        let ascii = high & 0x8080_8080_8080_8080 == 0;
        Some((xxh3_128_with_seed(&buf[..n], CERTIFICATE_DOMAIN), ascii))
    }

    /// [`KeyTracker::certificate_key`] with the fields streamed into the hasher.
    fn streamed_key<'v>(&self, value: &dyn Fn(usize) -> &'v str) -> u128 {
        let mut h = Xxh3::with_seed(CERTIFICATE_DOMAIN);
        for &i in &self.certificate {
            let v = value(i).as_bytes();
            h.update(&(v.len() as u64).to_le_bytes());
            h.update(v);
        }
        h.digest128()
    }

    /// Observes one row; returns the first finding against an earlier row of the same
    /// certificate.
    pub fn observe<'v>(
        &mut self,
        row: u32,
        value: &dyn Fn(usize) -> &'v str,
        valid_from: Option<date::Ymd>,
        valid_to: Option<date::Ymd>,
    ) -> Option<KeyFinding> {
        let key = self.certificate_key(value)?;
        self.observe_with_key(row, key, value, valid_from, valid_to)
    }

    /// [`KeyTracker::observe`] of a row whose certificate fingerprint is known.
    pub(crate) fn observe_with_key<'v>(
        &mut self,
        row: u32,
        key: u128,
        value: &dyn Fn(usize) -> &'v str,
        valid_from: Option<date::Ymd>,
        valid_to: Option<date::Ymd>,
    ) -> Option<KeyFinding> {
        let history = self
            .history_key
            .map(|i| xxh3_64_with_seed(value(i).as_bytes(), HISTORY_KEY_DOMAIN));
        let entry = KeyEntry {
            row,
            from: valid_from.map_or(NO_DATE, date::Ymd::order_key),
            to: valid_to.map_or(NO_DATE, date::Ymd::order_key),
            // Without a 履歴キー the slot holds the certificate type's hash (0 without one): a
            // collision (2⁻⁶⁴ per pair) gives K001/K002 instead of K004, the stricter answer.
            // With a 履歴キー the type plays no part: a repeated 履歴キー is K003 whatever the
            // type (one history row of one certificate at PMH).
            history: history
                .unwrap_or_else(|| self.certificate_type.map_or(0, |i| type_hash(value(i)))),
            next: u32::MAX,
        };
        self.observe_key(key, entry, history.is_some())
    }

    /// Observes one row by its certificate fingerprint: the one place that decides K001, K002,
    /// K003 and K004, for the per-row index ([`KeyTracker::observe`]) and the sorted one
    /// ([`SortedKeys`]) alike.
    fn observe_key(&mut self, key: u128, entry: KeyEntry, history: bool) -> Option<KeyFinding> {
        let new_index = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        let Some(&(head, tail)) = self.index.get(&key) else {
            self.index.insert(key, (new_index, new_index));
            self.entries.push(entry);
            return None;
        };
        let finding = if head == LARGE {
            // `tail` is the group's index in `large`.
            let (no_overlap, typed) = (self.no_overlap, self.typed());
            self.large
                .get_mut(tail as usize)
                .and_then(|g| g.observe(&entry, history, no_overlap, typed))
        } else {
            let (finding, walked) = self.walk(head, &entry, history);
            if let Some(t) = self.entries.get_mut(tail as usize) {
                t.next = new_index;
            }
            if walked >= SMALL_GROUP {
                // From now on this certificate is indexed: each row costs O(log n).
                let mut g = LargeGroup::default();
                let typed = self.typed();
                let mut i = head;
                while let Some(e) = self.entries.get(i as usize).copied() {
                    let _ = g.observe(&e, history, self.no_overlap, typed);
                    i = e.next;
                }
                let _ = g.observe(&entry, history, self.no_overlap, typed);
                let id = u32::try_from(self.large.len()).unwrap_or(u32::MAX);
                self.large.push(g);
                self.index.insert(key, (LARGE, id));
            } else {
                self.index.insert(key, (head, new_index));
            }
            finding
        };
        self.entries.push(entry);
        let (code, other_row) = match finding? {
            Repeat::HistoryKey(row) => (Code::DuplicateHistoryKey, row),
            Repeat::Period(row) => (Code::DuplicateCertificate, row),
            Repeat::Overlap(row) => (Code::OverlappingPeriods, row),
            Repeat::OtherType(row) => (Code::CertificateTypeOnly, row),
        };
        let on_type = code == Code::CertificateTypeOnly;
        Some(KeyFinding {
            code,
            other_row,
            on_history_key: history && !on_type,
            on_type,
        })
    }

    /// Whether rows carry a certificate type to compare (K004): a type field and no 履歴キー.
    fn typed(&self) -> bool {
        self.certificate_type.is_some() && self.history_key.is_none()
    }

    /// Forgets every row (keeps the key configuration and the allocations).
    fn clear(&mut self) {
        self.index.clear();
        self.entries.clear();
        self.large.clear();
    }

    /// The earlier rows of a small group, from `head`: the earliest exact repeat of the same
    /// type (K003 on the 履歴キー, else K001 on the period), else the earliest overlapping
    /// period of the same type (K002), else the earliest of those of another type (K004).
    /// Also returns how many rows were walked.
    fn walk(&self, head: u32, entry: &KeyEntry, history: bool) -> (Option<Repeat>, usize) {
        let (mut repeat, mut overlap, mut other, mut walked) = (None, None, None, 0);
        let mut i = head;
        while let Some(e) = self.entries.get(i as usize) {
            walked += 1;
            // Without a 履歴キー, `history` is the type (see `observe`).
            let same_type = history || e.history == entry.history;
            let found = if history {
                (e.history == entry.history).then_some(Repeat::HistoryKey(e.row))
            } else if e.from == entry.from && e.to == entry.to {
                Some(Repeat::Period(e.row))
            } else if self.no_overlap && overlaps(e, entry) {
                Some(Repeat::Overlap(e.row))
            } else {
                None
            };
            match found {
                Some(Repeat::Overlap(_)) if same_type => {
                    overlap = overlap.or(found);
                }
                Some(r) if same_type => {
                    repeat = Some(r);
                    break;
                }
                Some(_) => other = other.or(Some(Repeat::OtherType(e.row))),
                None => {}
            }
            i = e.next;
        }
        (repeat.or(overlap).or(other), walked)
    }
}

/// `dst.copy_from_slice(src)` in moves of fixed size: 8 bytes at a time, then 4, 2 and 1. A
/// copy of unknown length is a call to the C library's `memcpy`, and musl's (the static Linux
/// binary) starts a `rep movsq` even for the few bytes of a key field: three such calls a row.
fn copy_short(dst: &mut [u8], src: &[u8]) {
    debug_assert_eq!(dst.len(), src.len());
    let mut words = src.chunks_exact(8);
    let mut at = 0;
    for w in &mut words {
        if let Some(d) = dst.get_mut(at..at + 8) {
            d.copy_from_slice(w);
        }
        at += 8;
    }
    let mut rest = words.remainder();
    for size in [4, 2, 1] {
        if let Some((head, tail)) = rest.split_at_checked(size) {
            if let Some(d) = dst.get_mut(at..at + size) {
                d.copy_from_slice(head);
            }
            at += size;
            rest = tail;
        }
    }
}

/// The certificate-key index of a streaming check whose layout has no 履歴キー: each row's
/// (fingerprint, row, from, to, certificate type) is appended to one vector, sorted once at the
/// end, and each certificate's rows are then decided in row order by
/// [`KeyTracker::observe_key`], exactly as the per-row index decides them (certificates never
/// influence each other's findings). 32 bytes per row, plus each distinct certificate type
/// value of the file once, and no random probe into a table per row (issue 13: the table's
/// cache misses were 15 % of the time and 90 of 96 MB).
#[derive(Debug, Clone)]
pub(crate) struct SortedKeys {
    /// Computes fingerprints, and decides each certificate's rows at the end.
    tracker: KeyTracker,
    rows: Vec<SortedEntry>,
    /// The file's distinct certificate type values (K004), numbered in order of appearance:
    /// value → number, and number → (the value's hash as [`KeyTracker::observe`] computes it,
    /// the value for the finding). Empty without a type field.
    type_numbers: HashMap<Box<str>, u32>,
    types: Vec<(u64, Box<str>)>,
    /// The previous row's type number (rows of one type often follow each other).
    last_type: Option<u32>,
}

/// One row of [`SortedKeys`]: 32 bytes on every target (checked below; packed so that the
/// fingerprint's alignment never pads it). `kind` numbers the row's certificate type in `SortedKeys::types` (0 without a
/// type field): the same type value has the same number, so the decision sees the same type
/// hashes as the per-row index.
#[derive(Debug, Clone, Copy)]
#[repr(C, packed(4))]
struct SortedEntry {
    key: u128,
    row: u32,
    from: i32,
    to: i32,
    kind: u32,
}

const _: () = assert!(std::mem::size_of::<SortedEntry>() == 32);
const _: () = assert!(std::mem::size_of::<(u32, KeyFinding, u32)>() == 16);

impl SortedKeys {
    /// Whether the layout's certificate checks can wait for the end of the file: it has no
    /// 履歴キー (a K003 finding shows the key's value, which the sorted index does not keep).
    pub(crate) fn applies(layout: &Layout) -> bool {
        layout.key_index().history_key.is_none()
    }

    /// An empty index with room for `rows` rows (capped like [`KeyTracker::with_capacity`]).
    pub(crate) fn with_capacity(layout: &Layout, rows: usize) -> Self {
        Self {
            tracker: KeyTracker::new(layout),
            rows: Vec::with_capacity(rows.min(MAX_CAPACITY_HINT)),
            type_numbers: HashMap::new(),
            types: Vec::new(),
            last_type: None,
        }
    }

    /// Records one row; `false` when it has no certificate key (every key field empty).
    #[cfg(test)]
    pub(crate) fn push<'v>(
        &mut self,
        row: u32,
        value: &dyn Fn(usize) -> &'v str,
        valid_from: Option<date::Ymd>,
        valid_to: Option<date::Ymd>,
    ) -> bool {
        let Some(key) = self.tracker.certificate_key(value) else {
            return false;
        };
        self.push_with_key(row, key, value, valid_from, valid_to);
        true
    }

    /// The per-row index whose key configuration this one shares (to read a row's key).
    pub(crate) fn tracker(&self) -> &KeyTracker {
        &self.tracker
    }

    /// Records one row whose certificate fingerprint is `key` (a row without one, every key
    /// field empty, has no finding and is not recorded).
    pub(crate) fn push_with_key<'v>(
        &mut self,
        row: u32,
        key: u128,
        value: &dyn Fn(usize) -> &'v str,
        valid_from: Option<date::Ymd>,
        valid_to: Option<date::Ymd>,
    ) {
        let kind = match self.tracker.certificate_type {
            Some(i) if self.tracker.typed() => self.type_number(value(i)),
            _ => 0,
        };
        self.rows.push(SortedEntry {
            key,
            row,
            from: valid_from.map_or(NO_DATE, date::Ymd::order_key),
            to: valid_to.map_or(NO_DATE, date::Ymd::order_key),
            kind,
        });
    }

    /// The number of a certificate type value, new ones numbered in order.
    fn type_number(&mut self, v: &str) -> u32 {
        // The value's hash first: the types are then told apart by one number each, and only
        // the one with the same hash is compared as text (exact).
        let h = type_hash(v);
        let same = |&(th, ref t): &(u64, Box<str>)| th == h && &**t == v;
        if let Some(n) = self.last_type
            && self.types.get(n as usize).is_some_and(same)
        {
            return n;
        }
        // A file has a handful of types: a scan of their hashes beats a SipHash lookup.
        let known = if self.types.len() <= 16 {
            self.types
                .iter()
                .position(same)
                .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
        } else {
            self.type_numbers.get(v).copied()
        };
        let n = match known {
            Some(n) => n,
            None => {
                // At most one type per row, and rows are numbered in u32.
                let n = u32::try_from(self.types.len()).unwrap_or(u32::MAX);
                self.types.push((h, v.into()));
                self.type_numbers.insert(v.into(), n);
                n
            }
        };
        self.last_type = Some(n);
        n
    }

    /// Every row's finding against an earlier row of its certificate, in row order: the
    /// findings [`KeyTracker::observe`] would have returned row by row, each with the row's
    /// certificate type value when the finding is on the type (K004).
    ///
    /// Held as (row, finding, type number), 16 bytes each (asserted below); the type's text is
    /// looked up as each finding is taken. A file of one certificate repeated a million times
    /// has a million findings.
    pub(crate) fn finish(self) -> impl Iterator<Item = (u32, KeyFinding, Option<String>)> {
        let Self {
            mut tracker,
            mut rows,
            types,
            ..
        } = self;
        // Most certificates have one row, and a certificate of one row has no finding: only
        // the rows whose fingerprint may repeat are sorted. The fingerprint is a hash already.
        retain_repeated(&mut rows, |e| (e.key >> 64) as u64);
        // By fingerprint alone (cheaper than by (key, row)); each certificate's rows are then
        // put in row order, as the file has them: rows are unique, so this is the order a sort
        // by (key, row) gives.
        rows.sort_unstable_by_key(|e| e.key);
        let mut found: Vec<(u32, KeyFinding, u32)> = Vec::new();
        for group in rows.chunk_by_mut(|a, b| a.key == b.key) {
            if group.len() < 2 {
                continue;
            }
            group.sort_unstable_by_key(|e| e.row);
            tracker.clear();
            for e in group {
                let entry = KeyEntry {
                    row: e.row,
                    from: e.from,
                    to: e.to,
                    // As `KeyTracker::observe` fills it without a 履歴キー: the type's hash.
                    history: types.get(e.kind as usize).map_or(0, |&(h, _)| h),
                    next: u32::MAX,
                };
                if let Some(f) = tracker.observe_key(e.key, entry, false) {
                    found.push((e.row, f, e.kind));
                }
            }
        }
        drop(rows);
        found.sort_unstable_by_key(|&(row, _, _)| row);
        found.into_iter().map(move |(row, f, kind)| {
            let value = f
                .on_type
                .then(|| types.get(kind as usize).map(|(_, v)| v.to_string()))
                .flatten();
            (row, f, value)
        })
    }
}

/// The rows' 個人番号 and 生年月日, for K005: a My Number is one person's, and a person has one
/// date of birth, so two rows with the same number and different dates of birth cannot both be
/// right. One of them holds another person's number (a parent's number typed in a child's
/// こども医療 row is the classic case, and every check digit is valid), and PMH would attach
/// that row's certificate to the wrong person; or a date of birth is wrong.
///
/// 16 bytes a row, sorted once at the end, in every check (the per-row and the sorted
/// certificate index alike): the finding of a row depends on every earlier row of its number,
/// wherever it stands in the file.
#[derive(Debug, Clone, Default)]
pub(crate) struct BirthDates {
    rows: Vec<BirthEntry>,
}

#[derive(Debug, Clone, Copy)]
struct BirthEntry {
    number: u64,
    row: u32,
    birth: i32,
}

const _: () = assert!(std::mem::size_of::<BirthEntry>() == 16);

impl BirthDates {
    /// An empty index with room for `rows` rows (capped like [`KeyTracker::with_capacity`]).
    pub(crate) fn with_capacity(rows: usize) -> Self {
        Self {
            rows: Vec::with_capacity(rows.min(MAX_CAPACITY_HINT)),
        }
    }

    /// Records row `row`, whose 個人番号 is `number` ([`my_number_value`]) and whose 生年月日 is
    /// `birth`; a row without either is not recorded.
    pub(crate) fn push(&mut self, row: u32, number: Option<u64>, birth: Option<date::Ymd>) {
        let (Some(birth), Some(n)) = (birth, number) else {
            return;
        };
        self.rows.push(BirthEntry {
            number: n,
            row,
            birth: birth.order_key(),
        });
    }

    /// Every row whose 生年月日 differs from that of the first row (in file order) with its
    /// 個人番号: (row, that first row), in row order.
    pub(crate) fn finish(self) -> Vec<(u32, u32)> {
        let mut rows = self.rows;
        // Most numbers appear once (measured: the sort of every row cost about 7 % of a check
        // of 1,000,000 rows on one core). The number is no hash: mixed first.
        retain_repeated(&mut rows, |e| e.number.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        // By number alone (cheaper than by (number, row)): the first row of a number is its
        // group's smallest row, whatever order the sort left the group in.
        rows.sort_unstable_by_key(|e| e.number);
        let mut found: Vec<(u32, u32)> = Vec::new();
        for group in rows.chunk_by(|a, b| a.number == b.number) {
            let Some(first) = group.iter().min_by_key(|e| e.row) else {
                continue;
            };
            found.extend(
                group
                    .iter()
                    .filter(|e| e.birth != first.birth)
                    .map(|e| (e.row, first.row)),
            );
        }
        found.sort_unstable();
        found
    }
}

/// Leaves out of `rows` every entry whose `hash` no other entry has, before an index is sorted
/// to group equal entries: a group of one decides nothing. Two bits a hash slot (seen once,
/// seen again), in two linear passes: what stays is every entry whose hash repeats and the few
/// others that share a slot with one. `hash` must be well mixed in its high bits (the slot is
/// its top 24). Below 2¹⁶ entries the sort is cheap and nothing is left out; above, 2 × 2 MiB
/// for the passes' duration.
fn retain_repeated<T>(rows: &mut Vec<T>, hash: impl Fn(&T) -> u64) {
    const SLOT_BITS: u32 = 24;
    if rows.len() < 1 << 16 {
        return;
    }
    let slot = |e: &T| (hash(e) >> (64 - SLOT_BITS)) as usize;
    // (seen once, seen again) of 64 slots side by side: one cache line a slot, not two.
    let mut bits = vec![[0u64; 2]; 1 << (SLOT_BITS - 6)];
    for e in rows.iter() {
        let s = slot(e);
        let bit = 1u64 << (s & 63);
        if let Some([once, again]) = bits.get_mut(s >> 6) {
            *again |= *once & bit;
            *once |= bit;
        }
    }
    rows.retain(|e| {
        let s = slot(e);
        bits.get(s >> 6)
            .is_none_or(|[_, again]| again & (1u64 << (s & 63)) != 0)
    });
}

/// A 個人番号 as K005 compares it: exactly 12 ASCII digits, not all the same. A number of one
/// digit repeated (`000000000000`, N007) is a stand-in shared by people whose number is not
/// known, not anyone's number.
///
/// The value is the twelve digits as nibbles (48 bits), not the number: K005 only groups
/// equal numbers, and the nibbles come from two words without the multiply chain of a decimal
/// parse (12 dependent steps, about 1.5 % of a check on one core).
pub(crate) fn my_number_value(s: &str) -> Option<u64> {
    let (head, tail) = s.as_bytes().split_first_chunk::<8>()?;
    let tail: &[u8; 4] = tail.try_into().ok()?;
    let high = digit_nibbles(u64::from_le_bytes(*head), u64::MAX)?;
    let low = digit_nibbles(u64::from(u32::from_le_bytes(*tail)), u64::from(u32::MAX))?;
    // N007's own definition of such a stand-in.
    if crate::domain::checkdigit::is_all_same_digit(s) {
        return None;
    }
    Some(high | low << 32)
}

/// The bytes of `w` under `mask` (whole bytes, from the lowest), if every one is an ASCII
/// digit: their digits as nibbles, the lowest byte's first.
fn digit_nibbles(w: u64, mask: u64) -> Option<u64> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let (high, zeros) = ((ONES * 0xF0) & mask, (ONES * 0x30) & mask);
    // A high nibble of 3, and 6 more keeps it 3 (0x30–0x39; no carry out of a byte).
    if w & high != zeros || w.wrapping_add((ONES * 0x06) & mask) & high != zeros {
        return None;
    }
    let x = w & (ONES * 0x0F);
    let x = (x | x >> 4) & 0x00FF_00FF_00FF_00FF;
    let x = (x | x >> 8) & 0x0000_FFFF_0000_FFFF;
    Some((x | x >> 16) & 0xFFFF_FFFF)
}

/// The hash of a certificate type value, compared between rows of one certificate (K004).
fn type_hash(v: &str) -> u64 {
    xxh3_64_with_seed(v.as_bytes(), TYPE_DOMAIN)
}

/// What a row repeats of an earlier row of its certificate, and that row.
#[derive(Debug, Clone, Copy)]
enum Repeat {
    /// The same 履歴キー (差分履歴 layouts).
    HistoryKey(u32),
    /// The same validity period (or both without dates).
    Period(u32),
    /// A validity period sharing a day.
    Overlap(u32),
    /// One of the above, with another certificate type (K004).
    OtherType(u32),
}

/// The most rows an index reserves room for up front (a wrong hint cannot exhaust memory).
const MAX_CAPACITY_HINT: usize = 4_000_000;

/// Rows walked before a certificate's rows get their own index ([`LargeGroup`]).
const SMALL_GROUP: usize = 16;
/// `index` marks an indexed certificate with this head (the tail is its `large` index).
const LARGE: u32 = u32::MAX;

/// Whether two periods with all four dates share a day.
fn overlaps(a: &KeyEntry, b: &KeyEntry) -> bool {
    a.from != NO_DATE
        && a.to != NO_DATE
        && b.from != NO_DATE
        && b.to != NO_DATE
        && a.from <= b.to
        && b.from <= a.to
}

/// The rows of one certificate with many rows, indexed so that each new row costs O(log n)
/// instead of a walk over every earlier row (issue 9: one certificate with 100,000 periods was
/// quadratic).
///
/// Overlaps use the *maximal* periods: those not contained in another. Sorted by start they are
/// also sorted by end, and a period overlaps some earlier period exactly when it overlaps a
/// maximal one, so one ordered lookup answers, and the witness row really overlaps.
///
/// With a certificate type, each type has its own [`Periods`] (K001/K002/K003 within a type),
/// and one more over all types finds the K004 repeats.
#[derive(Debug, Clone, Default)]
struct LargeGroup {
    /// Per type hash (0 without a type): the rows of that type.
    by_type: HashMap<u64, Periods>,
    /// All types together, and each row's type (only with a certificate type).
    any: Periods,
    row_types: HashMap<u32, u64>,
}

impl LargeGroup {
    fn observe(
        &mut self,
        e: &KeyEntry,
        history: bool,
        no_overlap: bool,
        typed: bool,
    ) -> Option<Repeat> {
        // Without a 履歴キー, `history` is the type (see `KeyTracker::observe`).
        let kind = if typed { e.history } else { 0 };
        let same = self
            .by_type
            .entry(kind)
            .or_default()
            .observe(e, history, no_overlap);
        if !typed {
            return same;
        }
        let any = self.any.observe(e, history, no_overlap);
        self.row_types.insert(e.row, kind);
        same.or_else(|| {
            let row = match any? {
                Repeat::HistoryKey(r)
                | Repeat::Period(r)
                | Repeat::Overlap(r)
                | Repeat::OtherType(r) => r,
            };
            (self.row_types.get(&row) != Some(&kind)).then_some(Repeat::OtherType(row))
        })
    }
}

/// The rows of one certificate (of one type) in a [`LargeGroup`].
#[derive(Debug, Clone, Default)]
struct Periods {
    /// (start, end) → earliest row with exactly that period.
    periods: HashMap<(i32, i32), u32>,
    /// 履歴キー → earliest row.
    history_keys: HashMap<u64, u32>,
    /// Maximal periods: start → (end, row).
    maximal: BTreeMap<i32, (i32, u32)>,
}

impl Periods {
    fn observe(&mut self, e: &KeyEntry, history: bool, no_overlap: bool) -> Option<Repeat> {
        if history {
            return match self.history_keys.entry(e.history) {
                Entry::Occupied(o) => Some(Repeat::HistoryKey(*o.get())),
                Entry::Vacant(v) => {
                    v.insert(e.row);
                    None
                }
            };
        }
        if let Some(&row) = self.periods.get(&(e.from, e.to)) {
            return Some(Repeat::Period(row));
        }
        self.periods.insert((e.from, e.to), e.row);
        if e.from == NO_DATE || e.to == NO_DATE || e.from > e.to {
            return None; // R001 / missing dates: no period to compare
        }
        let found = if no_overlap {
            // The first maximal period ending on or after `from`: the one with the smallest
            // start among those (ends grow with starts).
            self.first_ending_on_or_after(e.from)
                .filter(|&(start, _, _)| start <= e.to)
                .map(|(_, _, row)| Repeat::Overlap(row))
        } else {
            None
        };
        self.insert_maximal(e.from, e.to, e.row);
        found
    }

    /// A maximal period running on or after `day` with the smallest start that can overlap a
    /// period beginning on `day`: the one starting last on or before `day` if it still runs
    /// then (it overlaps), else the first starting after `day` (ends grow with starts, so no
    /// other can start earlier and still reach `day`). (start, end, row).
    fn first_ending_on_or_after(&self, day: i32) -> Option<(i32, i32, u32)> {
        if let Some((&start, &(end, row))) = self.maximal.range(..=day).next_back()
            && end >= day
        {
            return Some((start, end, row));
        }
        self.maximal
            .range(day..)
            .next()
            .map(|(&start, &(end, row))| (start, end, row))
    }

    fn insert_maximal(&mut self, from: i32, to: i32, row: u32) {
        // Contained in a maximal period (the one with the largest start ≤ from has the largest
        // end among those): nothing changes.
        if let Some((_, &(end, _))) = self.maximal.range(..=from).next_back()
            && end >= to
        {
            return;
        }
        // Remove the maximal periods it contains: starts ≥ from with ends ≤ to, a contiguous
        // run. Each period is removed at most once, so this is amortised O(log n).
        let contained: Vec<i32> = self
            .maximal
            .range(from..)
            .take_while(|&(_, &(end, _))| end <= to)
            .map(|(&start, _)| start)
            .collect();
        for start in contained {
            self.maximal.remove(&start);
        }
        self.maximal.insert(from, (to, row));
    }
}

/// A row that repeats an earlier row's certificate ([`KeyTracker::observe`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyFinding {
    /// K001, K002, K003 or K004.
    pub code: Code,
    /// The earlier row.
    pub other_row: u32,
    /// Found on the 履歴キー (K003) rather than on the certificate and its period.
    pub on_history_key: bool,
    /// Found on the certificate type (K004): the rows differ only by it.
    pub on_type: bool,
}

/// One row of one certificate, kept for the cross-row checks.
#[derive(Debug, Clone, Copy)]
struct KeyEntry {
    row: u32,
    /// The validity period's first and last days as [`date::Ymd::order_key`]s (only ever
    /// compared), or [`NO_DATE`].
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

    /// K005's index with more rows than its pre-sort filter needs (2¹⁶) gives what a plain
    /// map of each number's first row gives: the filter only leaves out numbers seen once.
    #[test]
    fn birth_dates_above_the_filter_size_find_every_repeat() {
        let n: u32 = 200_000;
        let mut rng = crate::tools::rng::Rng::new(17);
        let mut births = BirthDates::with_capacity(0);
        let mut first: HashMap<u64, (u32, i32)> = HashMap::new();
        let mut want: Vec<(u32, u32)> = Vec::new();
        for row in 2..n + 2 {
            // Mostly distinct numbers; one row in 50 repeats one of 300 numbers.
            let number = if rng.below(50) == 0 {
                100_000_000_000 + rng.below(300)
            } else {
                200_000_000_000 + u64::from(row)
            };
            let birth = date::Ymd::from_days(i32::try_from(rng.below(3)).unwrap() * 400).unwrap();
            births.push(row, Some(number), Some(birth));
            let (r, b) = *first.entry(number).or_insert((row, birth.order_key()));
            if b != birth.order_key() {
                want.push((row, r));
            }
        }
        assert!(want.len() > 1000, "{}", want.len());
        assert_eq!(births.finish(), want);
    }

    /// The certificate index with more rows than its pre-sort filter needs (2¹⁶) finds what
    /// the per-row index finds: the filter leaves out only certificates of one row.
    #[test]
    fn sorted_keys_above_the_filter_size_find_every_repeat() {
        let layout = Layout::full();
        let my = layout.field_index("myNumber").unwrap();
        let recipient = layout.field_index("medicalSubsidyRecipientNumber").unwrap();
        let mut rng = crate::tools::rng::Rng::new(23);
        let mut per_row_index = KeyTracker::new(&layout);
        let mut sorted = SortedKeys::with_capacity(&layout, 0);
        let mut per_row = Vec::new();
        for row in 2..200_002u32 {
            // Mostly distinct certificates; one row in 50 is one of 300 certificates again.
            let (number, id) = if rng.below(50) == 0 {
                (format!("1{:011}", rng.below(300)), "00000001".to_owned())
            } else {
                (format!("2{row:011}"), format!("{row:08}"))
            };
            let value = |i: usize| match i {
                i if i == my => number.as_str(),
                i if i == recipient => id.as_str(),
                _ => "",
            };
            let y = 2000 + i32::try_from(rng.below(4)).unwrap();
            let (from, to) = (ymd(y, 4, 1), ymd(y + 1, 3, 31));
            assert!(sorted.push(row, &value, from, to));
            if let Some(f) = per_row_index.observe(row, &value, from, to) {
                per_row.push((row, f, None));
            }
        }
        assert!(per_row.len() > 2000, "{}", per_row.len());
        assert_eq!(sorted.finish().collect::<Vec<_>>(), per_row);
    }

    /// K005's number: a value for exactly twelve ASCII digits not all the same, equal only
    /// for equal numbers (checked against the decimal value on random and edited numbers).
    #[test]
    fn my_number_values_are_the_numbers_and_only_they() {
        let decimal = |s: &str| -> Option<u64> {
            let ok = s.len() == 12
                && s.bytes().all(|b| b.is_ascii_digit())
                && !crate::domain::checkdigit::is_all_same_digit(s);
            ok.then(|| s.parse().unwrap())
        };
        let mut rng = crate::tools::rng::Rng::new(5);
        let mut seen: HashMap<u64, u64> = HashMap::new();
        for _ in 0..20_000 {
            let mut b: Vec<u8> = (0..12).map(|_| b'0' + rng.below(10) as u8).collect();
            match rng.below(4) {
                // Any byte at any position (a non-digit, or a digit again).
                0 => b[rng.below(12) as usize] = rng.below(128) as u8,
                1 => b.truncate(rng.below(12) as usize),
                2 => b.push(b'0' + rng.below(10) as u8),
                _ => {}
            }
            let s = String::from_utf8(b).unwrap();
            let (got, want) = (my_number_value(&s), decimal(&s));
            assert_eq!(got.is_some(), want.is_some(), "{s:?}");
            if let (Some(g), Some(w)) = (got, want) {
                assert_eq!(*seen.entry(g).or_insert(w), w, "{s:?}");
            }
        }
        // Numbers one digit apart, at every position: every digit counts.
        let mut values = std::collections::HashSet::new();
        for pos in 0..12 {
            for d in b'0'..=b'9' {
                let mut b = *b"123456789018";
                b[pos] = d;
                values.insert(my_number_value(std::str::from_utf8(&b).unwrap()).unwrap());
            }
        }
        assert_eq!(values.len(), 12 * 9 + 1);
        for d in b'0'..=b'9' {
            assert_eq!(
                my_number_value(&String::from(char::from(d)).repeat(12)),
                None
            );
        }
        for bad in [
            "１２３４５６７８９０１８",
            "12345678901",
            "12345678901/",
            "12345678901:",
        ] {
            assert_eq!(my_number_value(bad), None, "{bad}");
        }
    }

    /// The key's ASCII answer (validate folds a key that is not: `Back::key_checks`) sees a
    /// high byte in any field at any position, on the stack buffer and on the streamed path;
    /// the fingerprint is the one `certificate_key` gives.
    #[test]
    fn certificate_key_read_says_whether_the_key_is_ascii() {
        let layout = Layout::full();
        let t = KeyTracker::new(&layout);
        let k = layout.key_index();
        for (values, ascii) in [
            (["123456789018", "00012345", ""], true),
            (["123456789018", "０００１２３４５", ""], false),
            (["１23456789018", "00012345", ""], false),
            (["123456789018", "00012345", "A\u{200B}"], false),
            (["123456789018", "00012345", &"9".repeat(150)], true),
            (["123456789018", "00012345", &"9".repeat(300)], true),
            (
                [
                    "123456789018",
                    "00012345",
                    &format!("{}０", "9".repeat(300)),
                ],
                false,
            ),
        ] {
            let value = |i: usize| {
                k.certificate
                    .iter()
                    .position(|&c| c == i)
                    .map_or("", |p| values[p])
            };
            let (key, is_ascii) = t.certificate_key_read(&value).unwrap();
            assert_eq!(is_ascii, ascii, "{values:?}");
            assert_eq!(Some(key), t.certificate_key(&value));
        }
        assert_eq!(t.certificate_key_read(&|_| ""), None);
    }

    #[test]
    fn copy_short_copies_every_length() {
        let src: Vec<u8> = (1..=40).collect();
        for len in 0..=src.len() {
            let mut dst = vec![0u8; len];
            copy_short(&mut dst, &src[..len]);
            assert_eq!(dst, &src[..len], "length {len}");
        }
    }

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

    /// Issue 10 (3): the seeds' key (seed 000 lines 549–551) leaves the type out; rows that
    /// differ only by it are K004 (a warning), and a same-type repeat still wins (K001/K002),
    /// in small groups and in indexed ones alike.
    #[test]
    fn rows_differing_only_by_type_are_k004() {
        let layout = Layout::full();
        let my = layout.field_index("myNumber").unwrap();
        let ty = layout.field_index("orgSpecificCertificateTypeId").unwrap();
        for extra in [0u32, 40] {
            let mut t = KeyTracker::new(&layout);
            // The sorted index sees the same rows and must find the same, with the type shown.
            let mut sorted = SortedKeys::with_capacity(&layout, 0);
            let mut per_row = Vec::new();
            let mut row = 2;
            // Distinct, renewing periods first (past SMALL_GROUP when `extra` is 40).
            for n in 0..extra {
                let value = |i: usize| match i {
                    i if i == my => "123456789018",
                    i if i == ty => "T0",
                    _ => "",
                };
                let y = 1900 + n as i32;
                assert_eq!(t.observe(row, &value, ymd(y, 1, 1), ymd(y, 12, 31)), None);
                assert!(sorted.push(row, &value, ymd(y, 1, 1), ymd(y, 12, 31)));
                row += 1;
            }
            let mut obs = |t: &mut KeyTracker, row: u32, ty_v: &'static str, m: (u8, u8)| {
                let value = move |i: usize| match i {
                    i if i == my => "123456789018",
                    i if i == ty => ty_v,
                    _ => "",
                };
                assert!(sorted.push(row, &value, ymd(2025, m.0, 1), ymd(2026, m.1, 28)));
                let f = t.observe(row, &value, ymd(2025, m.0, 1), ymd(2026, m.1, 28));
                if let Some(f) = f {
                    per_row.push((row, f, f.on_type.then(|| ty_v.to_owned())));
                }
                f.map(|f| (f.code, f.other_row, f.on_type))
            };
            let first = row;
            assert_eq!(obs(&mut t, first, "A", (4, 3)), None);
            assert_eq!(
                obs(&mut t, first + 1, "B", (4, 3)),
                Some((Code::CertificateTypeOnly, first, true)),
                "extra {extra}"
            );
            // Same type as row `first + 1`: the error, not the warning.
            assert_eq!(
                obs(&mut t, first + 2, "B", (4, 3)),
                Some((Code::DuplicateCertificate, first + 1, false)),
                "extra {extra}"
            );
            assert_eq!(
                obs(&mut t, first + 3, "A", (5, 2)),
                Some((Code::OverlappingPeriods, first, false)),
                "extra {extra}"
            );
            // Rows `first` (overlapping) and `first + 3` (the same period) are both of
            // another type: either is a witness (the index finds the exact repeat first).
            let got = obs(&mut t, first + 4, "C", (5, 2));
            assert!(
                [first, first + 3]
                    .map(|r| Some((Code::CertificateTypeOnly, r, true)))
                    .contains(&got),
                "extra {extra}: {got:?}"
            );
            assert_eq!(t.large.is_empty(), extra == 0);
            assert_eq!(
                sorted.finish().collect::<Vec<_>>(),
                per_row,
                "extra {extra}"
            );
        }
        // 差分履歴: the 履歴キー decides, whatever the type (no certificate_type there).
        let diff = Layout::diff();
        assert_eq!(diff.keys.certificate_type, None);
        let mut t = KeyTracker::new(&diff);
        let (my, ty, hk) = (
            diff.field_index("myNumber").unwrap(),
            diff.field_index("orgSpecificCertificateTypeId").unwrap(),
            diff.field_index("historyKey").unwrap(),
        );
        let v = |ty_v: &'static str| {
            move |i: usize| match i {
                i if i == my => "123456789018",
                i if i == ty => ty_v,
                i if i == hk => "1",
                _ => "",
            }
        };
        assert_eq!(t.observe(2, &v("A"), None, None), None);
        assert_eq!(
            t.observe(3, &v("B"), None, None).map(pair),
            Some((Code::DuplicateHistoryKey, 2))
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

    /// The one-call fingerprint equals the streamed one for keys of every length, across the
    /// stack buffer's limit.
    #[test]
    fn one_call_key_is_the_streamed_key() {
        let layout = Layout::full();
        let t = KeyTracker::new(&layout);
        let certs = layout.key_index().certificate;
        let mut streamed = 0;
        for len in 0..260usize {
            let long: String = "愛知1".chars().cycle().take(len).collect();
            let value = |i: usize| {
                if i == certs[0] {
                    long.as_str()
                } else if i == certs[1] {
                    "00012345"
                } else {
                    ""
                }
            };
            let key = t.certificate_key(&value).unwrap();
            assert_eq!(key, t.streamed_key(&value), "{len}");
            streamed += usize::from(8 * certs.len() + long.len() + 8 > 192);
        }
        assert!(streamed > 100, "{streamed} keys past the buffer");
    }

    /// A key of more fields than the stack buffer's length prefixes fit (a vendor's layout):
    /// all empty is still no key, and one value is still the streamed key.
    #[test]
    fn a_key_of_many_empty_fields_is_no_key() {
        let layout = Layout::full();
        let mut t = KeyTracker::new(&layout);
        t.certificate = (0..30).collect();
        assert!(8 * t.certificate.len() > 192, "past the buffer");
        assert_eq!(t.certificate_key(&|_| ""), None);
        let one = |i: usize| if i == 29 { "00012345" } else { "" };
        assert_eq!(t.certificate_key(&one), Some(t.streamed_key(&one)));
    }

    /// The index against a naive reference that compares every pair, on groups small and
    /// large (past [`SMALL_GROUP`]): same code, and the witness row really repeats or
    /// overlaps the new row and comes before it.
    #[test]
    fn indexed_groups_agree_with_the_pairwise_reference() {
        use proptest::prelude::*;
        use std::cell::Cell;
        let layout = Layout::full();
        let my = layout.field_index("myNumber").unwrap();
        let (large_seen, k001, k002) = (Cell::new(0), Cell::new(0), Cell::new(0));
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(200));
        let rows = proptest::collection::vec((0u8..3, 0i32..400, 0i32..60, any::<bool>()), 1..80);
        runner
            .run(&rows, |rows| {
                let mut t = KeyTracker::new(&layout);
                let mut seen: Vec<(u8, i32, i32, bool)> = Vec::new();
                for (n, &(cert, from, len, dated)) in rows.iter().enumerate() {
                    let row = n as u32 + 2;
                    let v = ["123456789018", "234567890125", "345678901230"][cert as usize];
                    let value = |i: usize| if i == my { v } else { "" };
                    let base = date::Ymd::new(2020, 1, 1).unwrap().to_days();
                    let (f, to) = (base + from, base + from + len);
                    let d = |x: i32| if dated { date::Ymd::from_days(x) } else { None };
                    let got = t.observe(row, &value, d(f), d(to));
                    let same: Vec<_> = seen
                        .iter()
                        .enumerate()
                        .filter(|(_, e)| e.0 == cert)
                        .collect();
                    let exact = same
                        .iter()
                        .find(|(_, e)| e.3 == dated && (!dated || (e.1 == f && e.2 == to)));
                    let want = if let Some((j, _)) = exact {
                        Some((Code::DuplicateCertificate, *j as u32 + 2))
                    } else if dated && same.iter().any(|(_, e)| e.3 && e.1 <= to && f <= e.2) {
                        Some((Code::OverlappingPeriods, 0))
                    } else {
                        None
                    };
                    match (got, want) {
                        (None, None) => {}
                        (Some(g), Some((Code::OverlappingPeriods, _))) => {
                            prop_assert_eq!(g.code, Code::OverlappingPeriods);
                            let e = seen[g.other_row as usize - 2];
                            prop_assert!(e.0 == cert && e.3 && e.1 <= to && f <= e.2);
                            k002.set(k002.get() + 1);
                        }
                        (Some(g), Some(w)) => {
                            prop_assert_eq!((g.code, g.other_row), w);
                            k001.set(k001.get() + 1);
                        }
                        (g, w) => prop_assert!(false, "row {}: got {:?}, want {:?}", row, g, w),
                    }
                    seen.push((cert, f, to, dated));
                }
                large_seen.set(large_seen.get() + usize::from(!t.large.is_empty()));
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
        // The generator reaches the indexed path and both findings.
        let (large_seen, k001, k002) = (large_seen.get(), k001.get(), k002.get());
        assert!(large_seen >= 20, "{large_seen} runs reached the index");
        assert!(k001 >= 50 && k002 >= 200, "K001 {k001}, K002 {k002}");
    }

    /// The same against a pairwise reference with certificate types (issue 10, K004): a
    /// same-type exact repeat is K001 (earliest such row), else a same-type overlap K002, else
    /// an exact or overlapping row of another type K004 — an error is never hidden behind the
    /// warning, in small groups and indexed ones. The generator reaches all three and the index.
    #[test]
    fn typed_groups_agree_with_the_pairwise_reference() {
        use proptest::prelude::*;
        use std::cell::Cell;
        let layout = Layout::full();
        let my = layout.field_index("myNumber").unwrap();
        let ty = layout.field_index("orgSpecificCertificateTypeId").unwrap();
        let counts = [Cell::new(0), Cell::new(0), Cell::new(0), Cell::new(0)];
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(200));
        // Starts on a 15-day grid and three lengths: exact repeats are frequent enough.
        let rows = proptest::collection::vec(
            (
                0u8..2,
                0u8..3,
                (0i32..24).prop_map(|x| x * 15),
                prop_oneof![Just(14i32), Just(29), Just(59)],
            ),
            1..70,
        );
        let large_seen = Cell::new(0);
        runner
            .run(&rows, |rows| {
                let mut t = KeyTracker::new(&layout);
                let mut sorted = SortedKeys::with_capacity(&layout, 0);
                let mut per_row = Vec::new();
                let mut seen: Vec<(u8, u8, i32, i32)> = Vec::new();
                let base = date::Ymd::new(2020, 1, 1).unwrap().to_days();
                for (n, &(cert, kind, from, len)) in rows.iter().enumerate() {
                    let row = n as u32 + 2;
                    let v = ["123456789018", "234567890125"][cert as usize];
                    let k = ["A", "B", "C"][kind as usize];
                    let value = |i: usize| match i {
                        i if i == my => v,
                        i if i == ty => k,
                        _ => "",
                    };
                    let (f, to) = (base + from, base + from + len);
                    let got = t.observe(
                        row,
                        &value,
                        date::Ymd::from_days(f),
                        date::Ymd::from_days(to),
                    );
                    prop_assert!(sorted.push(
                        row,
                        &value,
                        date::Ymd::from_days(f),
                        date::Ymd::from_days(to),
                    ));
                    if let Some(g) = got {
                        per_row.push((row, g, g.on_type.then(|| k.to_owned())));
                    }
                    let same_cert = |e: &&(u8, u8, i32, i32)| e.0 == cert;
                    let exact = |e: &&(u8, u8, i32, i32)| e.2 == f && e.3 == to;
                    let overlap = |e: &&(u8, u8, i32, i32)| e.2 <= to && f <= e.3;
                    let first_exact_same = seen
                        .iter()
                        .position(|e| same_cert(&e) && e.1 == kind && exact(&e));
                    let overlap_same = seen
                        .iter()
                        .any(|e| same_cert(&e) && e.1 == kind && overlap(&e));
                    let other = seen
                        .iter()
                        .any(|e| same_cert(&e) && e.1 != kind && overlap(&e));
                    let want = match (first_exact_same, overlap_same, other) {
                        (Some(j), _, _) => Some((Code::DuplicateCertificate, j as u32 + 2)),
                        (None, true, _) => Some((Code::OverlappingPeriods, 0)),
                        (None, false, true) => Some((Code::CertificateTypeOnly, 0)),
                        _ => None,
                    };
                    match (got, want) {
                        (None, None) => counts[0].set(counts[0].get() + 1),
                        (Some(g), Some((Code::DuplicateCertificate, j))) => {
                            prop_assert_eq!(
                                (g.code, g.other_row, g.on_type),
                                (Code::DuplicateCertificate, j, false)
                            );
                            counts[1].set(counts[1].get() + 1);
                        }
                        (Some(g), Some((code, _))) => {
                            prop_assert_eq!(g.code, code);
                            let e = seen[g.other_row as usize - 2];
                            prop_assert!(e.0 == cert && overlap(&&e));
                            prop_assert_eq!(e.1 != kind, code == Code::CertificateTypeOnly);
                            prop_assert_eq!(g.on_type, code == Code::CertificateTypeOnly);
                            let i = if code == Code::OverlappingPeriods {
                                2
                            } else {
                                3
                            };
                            counts[i].set(counts[i].get() + 1);
                        }
                        (g, w) => prop_assert!(false, "row {}: got {:?}, want {:?}", row, g, w),
                    }
                    seen.push((cert, kind, f, to));
                }
                large_seen.set(large_seen.get() + usize::from(!t.large.is_empty()));
                // The sorted index decides the same rows alike (issue 13), K004 included.
                prop_assert_eq!(sorted.finish().collect::<Vec<_>>(), per_row);
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
        let c = counts.map(|c| c.get());
        assert!(
            c[1] >= 50 && c[2] >= 200 && c[3] >= 50,
            "none/K001/K002/K004: {c:?}"
        );
        assert!(
            large_seen.get() >= 20,
            "{} runs reached the index",
            large_seen.get()
        );
    }

    /// One certificate with many distinct, renewing periods goes to the index instead of
    /// walking every earlier row (issue 9: 100,000 rows took 14 s; the old walk needed 5 × 10⁹
    /// comparisons here). Timings belong to benchmarks; core has no clock.
    #[test]
    fn one_certificate_with_many_periods_is_not_quadratic() {
        let layout = Layout::full();
        let my = layout.field_index("myNumber").unwrap();
        let value = |i: usize| if i == my { "123456789018" } else { "" };
        let mut t = KeyTracker::new(&layout);
        let base = date::Ymd::new(1000, 1, 1).unwrap().to_days();
        for n in 0..100_000 {
            let f = date::Ymd::from_days(base + n * 3);
            let to = date::Ymd::from_days(base + n * 3 + 2);
            assert_eq!(t.observe(n as u32 + 2, &value, f, to), None);
        }
        assert_eq!(t.large.len(), 1);
        assert!(
            t.large[0]
                .by_type
                .values()
                .map(|p| p.maximal.len())
                .sum::<usize>()
                == 100_000
        );
    }
}

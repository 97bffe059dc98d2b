//! Every row's personal values, looked for in every cell that is searched for the row's own
//! ([`super::scan`]): a family member's name, カナ or address written in 備考 is another row's
//! 氏名, 氏名カナ or 住所; a My Number with a wrong check digit is found by no pattern.
//!
//! Indexed (the values compared as the row's own are, folded the same way by
//! [`OwnValue::new`]):
//!
//! * **text**: each personal value and its parts between spaces, an address's tails from a
//!   later level on (`中区栄1-1-1`), compared with the cell's folded characters, spaces left out
//!   (a whole name spaced anywhere or nowhere). The beginnings and ends of a name written
//!   without a space (`大翔` of `村上大翔`) stay the row's own: across a file they would be in
//!   every word. A value of ASCII characters only needs three characters and a letter; in a row
//!   with the wrong number of columns, a cell of ASCII characters only is nobody's (a code
//!   shifted into 氏名).
//! * **digits**: values in digits (a My Number, also with a wrong check digit; a contact; an
//!   address's tail of numbers alone, `12-30-15`) of six digits or more, found with any
//!   separators or none but not inside a longer number, unless written as the value is (a tail
//!   of fewer digits, `6-20-6`, is the row's own only: across a file it would be in every
//!   number). In a row with the wrong number of columns a number without
//!   separators needs ten digits (a shifted 公費負担者番号 or 受給者番号 is nobody's).
//!   A 生年月日 the checker reads as a date is left to the date patterns (in a number field, 8
//!   bare digits are an identifier, not somebody's birthday).
//! * **romaji**: each カナ (of a name column, or any personal column of a shifted row) as
//!   [`romaji::forms`]: its parts of three
//!   letters or more, the whole in both orders; looked for in free text only, a part of fewer
//!   than five letters only at the start of a word.
//!
//! Cost: one hash per value (a few per row) in a set, and a map from a value's first two
//! characters to the lengths of the values that start with them, each behind a small Bloom
//! filter (2 MiB and 128 KiB, which stay in the processor's caches where the sets do not). A
//! cell is looked up only at positions whose two characters start some value, and there only
//! for those lengths, with a hash extended one character at a time: never a scan over the
//! values.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use super::romaji;
use super::scan::{self, Hit, OwnValue, Span};
use crate::layout::Personal;

/// SplitMix64's finaliser.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hasher for keys that are hashes already (mixed once more).
#[derive(Default)]
struct Mixed(u64);

impl Hasher for Mixed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = mix(self.0 ^ u64::from(b));
        }
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = mix(x);
    }
}

type Set = HashSet<u64, BuildHasherDefault<Mixed>>;
type Map = HashMap<u64, u64, BuildHasherDefault<Mixed>>;

/// What a hash is of: each kind has its own seed.
const TEXT: u64 = 1;
const DIGITS: u64 = 2;
/// A value in digits as written (separators and all).
const EXACT: u64 = 3;
const ROMAJI: u64 = 4;

fn seed(kind: u64) -> u64 {
    0xCBF2_9CE4_8422_2325 ^ kind.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

fn step(h: u64, c: char) -> u64 {
    (h ^ u64::from(c)).wrapping_mul(0x0000_0100_0000_01B3)
}

/// The key of a value of `len` characters whose running hash is `h`.
fn fin(h: u64, len: usize) -> u64 {
    h ^ ((len as u64) << 57)
}

fn hash(kind: u64, chars: &[char]) -> u64 {
    fin(
        chars.iter().fold(seed(kind), |h, &c| step(h, c)),
        chars.len(),
    )
}

fn pair(kind: u64, a: char, b: char) -> u64 {
    (kind << 60) | (u64::from(a) << 30) | u64::from(b)
}

/// The longest value indexed (characters compared); a longer one is the row's own only.
const MAX_LEN: usize = 63;

/// A one-hash Bloom filter of `2^bits` bits over keys that are hashes: a compact first test
/// before the sets, which on a large file are far bigger than the processor's caches (most
/// lookups miss, and most misses end here).
struct Filter {
    words: Vec<u64>,
    shift: u32,
}

impl Filter {
    fn new(bits: u32) -> Self {
        Self {
            words: vec![0; 1 << (bits - 6)],
            shift: 64 - bits,
        }
    }

    fn at(&self, key: u64) -> (usize, u64) {
        let i = (mix(key ^ 0x5DEE_CE66_D1CE_4E5B) >> self.shift) as usize;
        (i / 64, 1 << (i % 64))
    }

    fn insert(&mut self, key: u64) {
        let (w, b) = self.at(key);
        self.words[w] |= b;
    }

    fn may_hold(&self, key: u64) -> bool {
        let (w, b) = self.at(key);
        self.words[w] & b != 0
    }
}

/// The index (see the module docs).
pub(crate) struct Shared {
    /// Which folded characters start a text value (bit per code point modulo 2^16).
    starts: Vec<u64>,
    /// (kind, first character, second character) → the lengths of the values starting so
    /// (bit n: n characters).
    pairs: Map,
    /// The keys of `pairs` (128 KiB).
    pair_filter: Filter,
    /// The lengths of the values in digits.
    digit_lens: u64,
    values: Set,
    /// The keys of `values` (2 MiB: one in ten lookups of a value that is not there passes).
    value_filter: Filter,
    romaji: bool,
}

impl Shared {
    pub(crate) fn new() -> Self {
        Self {
            starts: vec![0; 1024],
            pairs: Map::default(),
            pair_filter: Filter::new(20),
            digit_lens: 0,
            values: Set::default(),
            value_filter: Filter::new(24),
            romaji: false,
        }
    }

    fn add_pair(&mut self, key: u64, len: usize) {
        self.pair_filter.insert(key);
        *self.pairs.entry(key).or_default() |= 1 << len;
    }

    fn add_value(&mut self, key: u64) {
        self.value_filter.insert(key);
        self.values.insert(key);
    }

    /// The lengths of the values starting with `key`'s two characters (0: none).
    fn lengths(&self, key: u64) -> u64 {
        if !self.pair_filter.may_hold(key) {
            return 0;
        }
        self.pairs.get(&key).copied().unwrap_or(0)
    }

    fn holds(&self, key: u64) -> bool {
        self.value_filter.may_hold(key) && self.values.contains(&key)
    }

    fn may_start(&self, c: char) -> bool {
        let i = u32::from(c) as usize & 0xFFFF;
        self.starts[i / 64] & (1 << (i % 64)) != 0
    }

    /// Adds one personal cell of a row: `text` as read, `parts` its [`scan::own_parts`],
    /// `kind` what its column holds, `ragged` whether the row has the wrong number of columns.
    pub(crate) fn add_cell(
        &mut self,
        text: &str,
        parts: &[OwnValue],
        kind: Personal,
        ragged: bool,
    ) {
        let t = crate::check::trim_edges(text);
        if kind == Personal::BirthDate && crate::domain::date::parse_lenient(t, true).is_ok() {
            return;
        }
        // In a row whose values are shifted, a value of ASCII characters only is a code or a
        // number shifted into the column, unless it is a part of a value that is not.
        let shifted_code = ragged && t.is_ascii();
        for o in parts {
            if o.own_only {
                continue;
            }
            if o.digits {
                let bare = o.folded.iter().all(char::is_ascii_digit);
                if o.key.len() >= 6 && !(ragged && bare && o.key.len() < 10) {
                    self.add_number(&o.key, &o.folded);
                }
                continue;
            }
            let key = &o.key;
            let wide = key.iter().any(|c| !c.is_ascii());
            let word = key.len() >= 3 && key.iter().any(char::is_ascii_alphabetic);
            if wide || (word && !shifted_code) {
                self.add_text(key);
            } else if !shifted_code
                && key
                    .iter()
                    .all(|&c| c.is_ascii_digit() || scan::is_number_sep(c))
            {
                // Numbers joined (an address's tail `12-30-15`): a value in digits, found as
                // the others are (with six digits or more: `6-20-6` alone is nobody's).
                let digits: Vec<char> = key.iter().copied().filter(char::is_ascii_digit).collect();
                if digits.len() >= 6 {
                    self.add_number(&digits, key);
                }
            }
        }
        // The カナ in romaji (a shifted row may have it in another column).
        if (kind == Personal::Name || ragged) && romaji::may_be_kana(t) {
            self.add_romaji(t);
        }
    }

    fn add_romaji(&mut self, t: &str) {
        for form in romaji::forms(t) {
            let f: Vec<char> = form.chars().collect();
            if (2..=MAX_LEN).contains(&f.len()) {
                self.add_pair(pair(ROMAJI, f[0], f[1]), f.len());
                self.add_value(hash(ROMAJI, &f));
                self.romaji = true;
            }
        }
    }

    fn add_text(&mut self, key: &[char]) {
        let marks = key.iter().filter(|&&c| scan::is_mark(c)).count();
        if key.len() < marks + 2 || key.len() > MAX_LEN {
            return;
        }
        let i = u32::from(key[0]) as usize & 0xFFFF;
        self.starts[i / 64] |= 1 << (i % 64);
        self.add_pair(pair(TEXT, key[0], key[1]), key.len());
        self.add_value(hash(TEXT, key));
    }

    /// A value in digits: its digits (`key`) and as written (`folded`, separators and all).
    fn add_number(&mut self, key: &[char], folded: &[char]) {
        if key.len() > MAX_LEN {
            return;
        }
        self.digit_lens |= 1 << key.len();
        self.add_value(hash(DIGITS, key));
        self.add_value(hash(EXACT, folded));
    }

    /// A cheap first test: whether a cell without digits may hold an indexed value (a text
    /// value's first two characters, two kanji numerals in a row for a value in digits, a Latin
    /// letter in free text for romaji).
    pub(crate) fn may_hold(&self, v: &[char], free_text: bool) -> bool {
        if self.romaji && free_text && v.iter().any(|&c| romaji::letter(c).is_some()) {
            return true;
        }
        let mut prev: Option<char> = None;
        let mut hit = false;
        scan::fold_chars(v, &mut |f, _| {
            if hit || f == ' ' {
                return;
            }
            if let Some(p) = prev
                && ((self.may_start(p) && self.lengths(pair(TEXT, p, f)) != 0)
                    || (self.digit_lens != 0 && p.is_ascii_digit() && f.is_ascii_digit()))
            {
                hit = true;
            }
            prev = Some(f);
        });
        hit
    }

    /// The spans of a cell (`v`, folded as [`scan::fold_seq`] gives it) that hold an indexed
    /// value; romaji only in free text.
    pub(crate) fn find(
        &self,
        v: &[char],
        folded: &[char],
        from: &[usize],
        free_text: bool,
        out: &mut Vec<Span>,
    ) {
        self.text(folded, from, out);
        if self.digit_lens != 0 && folded.iter().any(char::is_ascii_digit) {
            self.digits(folded, from, out);
        }
        if self.romaji && free_text {
            self.romaji(v, out);
        }
    }

    fn text(&self, folded: &[char], from: &[usize], out: &mut Vec<Span>) {
        // The cell's folded characters with its spaces left out.
        let n = folded.len();
        let next = |mut i: usize| {
            while i < n && folded[i] == ' ' {
                i += 1;
            }
            i
        };
        let mut p = next(0);
        while p < n {
            let c0 = folded[p];
            let second = next(p + 1);
            if second < n && self.may_start(c0) && scan::starts_char(from, p) {
                let mask = self.lengths(pair(TEXT, c0, folded[second]));
                let (mut h, mut q, mut len) = (seed(TEXT), p, 0);
                while mask != 0 && q < n && len < MAX_LEN {
                    h = step(h, folded[q]);
                    len += 1;
                    if mask >> len == 0 {
                        break;
                    }
                    if mask & (1 << len) != 0
                        && self.holds(fin(h, len))
                        && scan::ends_char(folded, from, q + 1)
                    {
                        out.push(Span {
                            range: from[p]..from[q] + 1,
                            hit: Hit::Own,
                        });
                    }
                    q = next(q + 1);
                }
            }
            p = second;
        }
    }

    fn digits(&self, folded: &[char], from: &[usize], out: &mut Vec<Span>) {
        let n = folded.len();
        let mut i = 0;
        let mut chain: Vec<usize> = Vec::new();
        while i < n {
            if !folded[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            // A chain: digits with nothing but separators between them.
            chain.clear();
            chain.push(i);
            let mut j = i + 1;
            loop {
                let mut k = j;
                while k < n && scan::is_number_sep(folded[k]) {
                    k += 1;
                }
                if k < n && folded[k].is_ascii_digit() {
                    chain.push(k);
                    j = k + 1;
                } else {
                    break;
                }
            }
            for a in 0..chain.len() {
                let mut h = seed(DIGITS);
                for (k, &q) in chain[a..].iter().enumerate().take(MAX_LEN) {
                    h = step(h, folded[q]);
                    let len = k + 1;
                    if self.digit_lens >> len == 0 {
                        break;
                    }
                    if self.digit_lens & (1 << len) == 0 || !self.holds(fin(h, len)) {
                        continue;
                    }
                    let (s, e) = (chain[a], q + 1);
                    if !scan::starts_char(from, s) || !scan::ends_char(folded, from, e) {
                        continue;
                    }
                    let apart = (s == 0 || !folded[s - 1].is_ascii_digit())
                        && folded.get(e).is_none_or(|c| !c.is_ascii_digit());
                    if apart || self.holds(hash(EXACT, &folded[s..e])) {
                        out.push(Span {
                            range: from[s]..from[e - 1] + 1,
                            hit: Hit::Own,
                        });
                    }
                }
            }
            i = chain.last().map_or(i, |&l| l) + 1;
        }
    }

    fn romaji(&self, v: &[char], out: &mut Vec<Span>) {
        let Some(w) = romaji::view(v) else {
            return;
        };
        for a in 0..w.chars.len().saturating_sub(1) {
            let mask = self.lengths(pair(ROMAJI, w.chars[a], w.chars[a + 1]));
            if mask == 0 {
                continue;
            }
            let mut h = seed(ROMAJI);
            for (k, &c) in w.chars[a..].iter().enumerate().take(MAX_LEN) {
                h = step(h, c);
                let len = k + 1;
                if mask >> len == 0 {
                    break;
                }
                // A short part only where a word starts (`Ren`, not the `ren` of `parent`).
                if mask & (1 << len) != 0
                    && (len >= 5 || w.word_start[a])
                    && self.holds(fin(h, len))
                {
                    out.push(Span {
                        range: w.src[a].0..w.src[a + k].1,
                        hit: Hit::Own,
                    });
                }
            }
        }
    }
}

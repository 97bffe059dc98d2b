//! Character classification and safe conversions for names, カナ and addresses.
//!
//! PMH does not define its character sets (pmh-layout §2, UNKNOWN), so the validator reports
//! what downstream Japanese systems are known to choke on rather than rejecting on its own
//! (domain-codes §8):
//!
//! * [`classify`] places one character relative to the CP932 (Windows-31J) repertoire as
//!   implemented by `encoding_rs::SHIFT_JIS` (= WHATWG `Shift_JIS`), after mapping the Mac/JIS
//!   forms of §8.3 to their CP932 forms so that e.g. `〜` is not reported falsely (§8.4 step 1,
//!   VERIFIED with `encoding_rs` 0.8.44). Lead bytes `0x87` (NEC row 13), `0xED`–`0xEE`
//!   (NEC-selected IBM) and `0xFA`–`0xFC` (IBM) are 機種依存; PUA is 外字 (§8.4, INFERRED
//!   algorithm from VERIFIED facts).
//! * [`suggestion`] proposes a standard replacement for common 機種依存文字 / 異体字; the user
//!   confirms it (names are never normalised silently, §8.2).
//! * [`halfwidth_kana_to_fullwidth`] widens JIS X 0201 katakana without producing characters
//!   outside CP932 (NFKC would turn `ﾜﾞ` into `ヷ`, §8.2 VERIFIED).
//!
//! Speed: [`classify`] answers ASCII, kana and JIS X 0208 kanji without calling the encoder.
//! The kanji test uses a 2,624-byte bitmap of U+4E00–U+9FFF (`core/data/jis0208_kanji.hex`,
//! one bit per code point, least significant bit first, 32 bytes per line) marking the
//! characters `SHIFT_JIS` encodes with a JIS X 0208 kanji lead byte (`0x88`–`0x9F`,
//! `0xE0`–`0xEA`). It is parsed at compile time and the test
//! `kanji_bitmap_matches_encoding_rs` re-derives it from `encoding_rs` and prints the
//! replacement file if they ever differ.

use std::cell::Cell;

use encoding_rs::{EncoderResult, SHIFT_JIS};

/// Why a character may not survive in a PMH record or a CP932 system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharIssue {
    /// 外字: Private Use Area U+E000–U+F8FF or planes 15/16. Meaningless outside the PC that
    /// typed it.
    Gaiji,
    /// 機種依存文字: in CP932 but not JIS X 0208 — NEC row 13 (lead `0x87`, e.g. `①` `㈱`),
    /// NEC-selected IBM (`0xED`–`0xEE`) or IBM extensions (`0xFA`–`0xFC`, e.g. `髙` `﨑`).
    VendorSpecific,
    /// Not representable in CP932 at all (e.g. `𠮷`, `ゔ`, `ヷ`, `é`), after mapping the Mac/JIS
    /// forms. May still be a legitimate JIS X 0213 / 戸籍 character: a warning, not an error.
    OutsideCp932,
    /// 半角カナ U+FF61–U+FF9F.
    HalfWidthKana,
    /// A C0 (U+0000–U+001F), DEL (U+007F) or C1 (U+0080–U+009F) control character, including
    /// tab and line breaks.
    Control,
}

const KANJI_FIRST: u32 = 0x4E00;
const KANJI_LAST: u32 = 0x9FFF;
const KANJI_BITMAP_LEN: usize = ((KANJI_LAST - KANJI_FIRST + 1) / 8) as usize;

/// JIS X 0208 kanji membership for U+4E00–U+9FFF, parsed at compile time.
static JIS0208_KANJI: [u8; KANJI_BITMAP_LEN] =
    parse_hex_bitmap(include_str!("../../../data/jis0208_kanji.hex"));

/// Bytes of [`BMP_CLEAR`]: one bit per code point U+0000–U+FFFF.
const BMP_BITMAP_LEN: usize = 0x1_0000 / 8;

/// The code points of the Basic Multilingual Plane that are [`is_clear`] (one bit each, least
/// significant bit first; 8 KiB, `core/data/bmp_clear.hex`, parsed at compile time):
/// [`all_clear`] answers every 2- and 3-byte UTF-8 character with one lookup instead of range
/// tests and calls to the encoder. The test `bmp_bitmap_matches_is_clear` re-derives it from
/// [`is_clear`] and prints the replacement file if they ever differ.
static BMP_CLEAR: [u8; BMP_BITMAP_LEN] =
    parse_hex_bitmap(include_str!("../../../data/bmp_clear.hex"));

const fn hex_value(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        // Evaluated in a `static` initialiser: a bad data file is a compile error, never a
        // runtime panic.
        _ => panic!("core/data/*.hex: not a hex digit"),
    }
}

const fn parse_hex_bitmap<const N: usize>(text: &str) -> [u8; N] {
    let bytes = text.as_bytes();
    let mut out = [0u8; N];
    let mut i = 0;
    let mut nibbles = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        if b == b'\n' || b == b'\r' {
            continue;
        }
        let v = hex_value(b);
        assert!(nibbles / 2 < N, "core/data/*.hex: too long");
        if nibbles % 2 == 0 {
            out[nibbles / 2] = v << 4;
        } else {
            out[nibbles / 2] |= v;
        }
        nibbles += 1;
    }
    assert!(nibbles == N * 2, "core/data/*.hex: wrong length");
    out
}

fn is_jis0208_kanji(cp: u32) -> bool {
    let Some(i) = cp.checked_sub(KANJI_FIRST) else {
        return false;
    };
    let i = i as usize;
    JIS0208_KANJI
        .get(i >> 3)
        .is_some_and(|&b| b & (1 << (i & 7)) != 0)
}

/// How `encoding_rs::SHIFT_JIS` encodes one character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sjis {
    Single(u8),
    Double(u8, u8),
    Unmappable,
}

/// Encodes one character with `SHIFT_JIS`, on the stack.
///
/// Uses the `without_replacement` API: an unmappable character yields
/// `EncoderResult::Unmappable` and writes no bytes, so the HTML numeric reference that the
/// replacing API would produce can never be mistaken for an encoding.
fn encode_sjis(c: char) -> Sjis {
    // The encoder searches tables for a character outside its fast ranges (a vendor kanji
    // such as 髙, ①, ㈱ or one it cannot write): thousands of instructions each. Files repeat
    // the few such characters they hold, so the answers are kept in a small direct-mapped
    // memo per thread. Its empty slots hold U+0000, whose answer (the byte 0) is true.
    thread_local! {
        static MEMO: [Cell<(char, Sjis)>; 64] =
            const { [const { Cell::new(('\0', Sjis::Single(0))) }; 64] };
    }
    let cp = u32::from(c);
    let slot = ((cp ^ (cp >> 6)) & 63) as usize;
    if let Some(hit) = MEMO.with(|m| m.get(slot).map(Cell::get).filter(|&(k, _)| k == c)) {
        return hit.1;
    }
    let found = encode_sjis_uncached(c);
    MEMO.with(|m| {
        if let Some(s) = m.get(slot) {
            s.set((c, found));
        }
    });
    found
}

/// [`encode_sjis`] without the memo.
fn encode_sjis_uncached(c: char) -> Sjis {
    let mut utf8 = [0u8; 4];
    let src: &str = c.encode_utf8(&mut utf8);
    let mut dst = [0u8; 8];
    let mut encoder = SHIFT_JIS.new_encoder();
    let (result, _read, written) =
        encoder.encode_from_utf8_without_replacement(src, &mut dst, true);
    match (result, dst.get(..written)) {
        (EncoderResult::InputEmpty, Some(&[b])) => Sjis::Single(b),
        (EncoderResult::InputEmpty, Some(&[lead, trail])) => Sjis::Double(lead, trail),
        _ => Sjis::Unmappable,
    }
}

/// Whether `encoding_rs::SHIFT_JIS` (the CP932 output dialect) can write `c` as bytes rather
/// than as a numeric character reference (`&#134071;`).
#[must_use]
pub fn encodes_in_cp932(c: char) -> bool {
    c.is_ascii() || encode_sjis(c) != Sjis::Unmappable
}

/// Classifies one character; `None` means an ordinary ASCII / JIS X 0208 character (or a
/// half-width-safe one such as `¥`, which CP932 writes as `0x5C`).
///
/// Mac/JIS forms (`〜 − — ‖ ¢ £ ¬`) are judged by their CP932 form (§8.3), so they return
/// `None`; use [`mac_jis_to_cp932`] / [`suggestion`] to propose the CP932 character.
#[must_use]
pub fn classify(c: char) -> Option<CharIssue> {
    classify_with(c, true)
}

/// [`classify`]; with `clear_map`, a character of the Basic Multilingual Plane that
/// [`BMP_CLEAR`] lists (such as 々, ※ or ○) is answered by one lookup before the encoder, which
/// takes thousands of instructions for a character outside its fast tables. Without it (tests),
/// every answer is derived from the encoder, so the map can be checked against it.
fn classify_with(c: char, clear_map: bool) -> Option<CharIssue> {
    let cp = u32::from(c);
    if cp < 0x80 {
        return if cp < 0x20 || cp == 0x7F {
            Some(CharIssue::Control)
        } else {
            None
        };
    }
    match cp {
        0x80..=0x9F => return Some(CharIssue::Control),
        // 　、。〃, hiragana ぁ–ん, ゛゜ゝゞ, katakana ァ–ヶ, ・ーヽヾ, full-width ０–９ Ａ–Ｚ ａ–ｚ:
        // all JIS X 0208 rows 1, 3, 4 and 5 (checked against the encoder by a test).
        0x3000..=0x3003
        | 0x3041..=0x3093
        | 0x309B..=0x309E
        | 0x30A1..=0x30F6
        | 0x30FB..=0x30FE
        | 0xFF10..=0xFF19
        | 0xFF21..=0xFF3A
        | 0xFF41..=0xFF5A => return None,
        KANJI_FIRST..=KANJI_LAST if is_jis0208_kanji(cp) => return None,
        0xE000..=0xF8FF | 0xF_0000..=0x10_FFFF => return Some(CharIssue::Gaiji),
        0xFF61..=0xFF9F => return Some(CharIssue::HalfWidthKana),
        // Clear: neither an issue nor a Mac/JIS form (which would be `None` here too).
        0..=0xFFFF if clear_map && BMP_CLEAR[(cp >> 3) as usize] & (1 << (cp & 7)) != 0 => {
            return None;
        }
        _ => {}
    }
    let c = mac_jis_to_cp932(c).unwrap_or(c);
    match encode_sjis(c) {
        Sjis::Unmappable => Some(CharIssue::OutsideCp932),
        Sjis::Double(0x87 | 0xED | 0xEE | 0xFA..=0xFC, _) => Some(CharIssue::VendorSpecific),
        // User-defined area; only reachable from PUA, which is handled above.
        Sjis::Double(0xF0..=0xF9, _) => Some(CharIssue::Gaiji),
        Sjis::Double(..) | Sjis::Single(_) => None,
    }
}

/// [`BMP_CLEAR`] as 64-bit words: word `n` holds the bits of U+(64n)–U+(64n+63), least
/// significant bit first. For a 3-byte UTF-8 character `c0 c1 c2` that is word
/// `(c0 & 0x0F) << 6 | (c1 & 0x3F)` and bit `c2 & 0x3F`: one load, no code point assembled.
static BMP_CLEAR_WORDS: [u64; BMP_BITMAP_LEN / 8] = bitmap_words(&BMP_CLEAR);

const fn bitmap_words<const N: usize, const W: usize>(bytes: &[u8; N]) -> [u64; W] {
    assert!(N == W * 8, "bitmap: words are 8 bytes");
    let mut out = [0u64; W];
    let mut i = 0;
    while i < N {
        out[i / 8] |= (bytes[i] as u64) << ((i % 8) * 8);
        i += 1;
    }
    out
}

/// Whether a character needs no attention at all: [`classify`] does not flag it, and it has no
/// Mac/JIS form for build mode to repair ([`mac_jis_to_cp932`]; `〜` is a valid character, but
/// it is uploaded as `～`). The one definition behind [`all_clear`].
/// A stand-in for a lost character ([`is_lost_mark`]) is valid JIS X 0208 but needs attention
/// in a name or an address (C006), so it is not clear either.
#[must_use]
pub fn is_clear(c: char) -> bool {
    classify(c).is_none() && mac_jis_to_cp932(c).is_none() && !is_lost_mark(c)
}

/// Whether `c` is a mark that conversions put where a character was lost (C006 in a name or an
/// address), other than the ASCII `?` a Shift_JIS save writes: `？`, that `?` made full-width
/// (name and address columns are full-width by custom, and a 全角 conversion turns the `?`
/// into `？`); `〓` (下駄記号), the JIS mark for a character that cannot be shown; `●`, which
/// replaced the characters outside the 医療保険者向け中間サーバー's set in names loaded from
/// 住民記録 ("漢字氏名の●化", domain-codes.md §8.4). No name or address is written with them.
#[must_use]
pub const fn is_lost_mark(c: char) -> bool {
    matches!(c, '？' | '〓' | '●')
}

/// Whether every character of `s` [`is_clear`]: the fast all-clear for the common case of
/// names and addresses written in ASCII, kana and JIS X 0208 kanji. A record that passes needs
/// neither the checker's per-field character scans nor build mode's Mac/JIS step.
///
/// ASCII goes eight bytes at a time (a short run before a multi-byte character in the same
/// word, so a comma between two kanji cells is one step); every other character of the Basic
/// Multilingual Plane is one lookup in [`BMP_CLEAR`] without assembling its code point; only
/// 4-byte characters (none of them clear in practice) fall back to [`is_clear`].
#[must_use]
pub fn all_clear(s: &str) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut rest = s.as_bytes();
    'ascii: loop {
        // An ASCII run, eight bytes at a time (SWAR): a byte below 0x20 or DEL before the
        // first byte with its high bit set (where the run ends) is a control character. The
        // subtraction's borrow can only flag bytes above a truly flagged one, so the lowest
        // flagged byte is a true one, and only bytes below the run's end count.
        while let Some((word, after)) = rest.split_first_chunk::<8>() {
            let w = u64::from_le_bytes(*word);
            let del = w ^ (ONES * 0x7F);
            let flagged = (w.wrapping_sub(ONES * 0x20) & !w | del.wrapping_sub(ONES) & !del) & HIGH;
            let high = w & HIGH;
            if high == 0 {
                if flagged != 0 {
                    return false;
                }
                rest = after;
                continue;
            }
            // Bits below the first high byte's high bit: that byte's own and later ones out.
            let below = high.trailing_zeros();
            if flagged & ((1u64 << below) - 1) != 0 {
                return false;
            }
            // Never out of range (at most 8 of at least 8 bytes); if it were, not clear.
            let Some(next) = rest.get(below as usize / 8..) else {
                return false;
            };
            rest = next;
            break;
        }
        // At a multi-byte character, or fewer than eight bytes from the end.
        loop {
            match rest {
                // Kana, kanji, full-width forms: bit `c2 & 0x3F` of word
                // `(c0 & 0x0F) << 6 | (c1 & 0x3F)`. `s` is valid UTF-8: the two bytes after
                // a lead byte are its continuation bytes.
                [c0, c1, c2, tail @ ..] if c0 & 0xF0 == 0xE0 => {
                    let word =
                        BMP_CLEAR_WORDS[(usize::from(c0 & 0x0F) << 6) | usize::from(c1 & 0x3F)];
                    if word & (1 << (c2 & 0x3F)) == 0 {
                        return false;
                    }
                    rest = tail;
                }
                [c, tail @ ..] if *c < 0x80 => {
                    if tail.len() >= 7 {
                        continue 'ascii;
                    }
                    if *c < 0x20 || *c == 0x7F {
                        return false;
                    }
                    rest = tail;
                }
                [] => return true,
                [c0, c1, tail @ ..] if c0 & 0xE0 == 0xC0 => {
                    let cp = (u32::from(c0 & 0x1F) << 6) | u32::from(c1 & 0x3F);
                    if BMP_CLEAR[(cp >> 3) as usize] & (1 << (cp & 7)) == 0 {
                        return false;
                    }
                    rest = tail;
                }
                _ => {
                    let Some(ch) = s.get(s.len() - rest.len()..).and_then(|t| t.chars().next())
                    else {
                        return false;
                    };
                    if !is_clear(ch) {
                        return false;
                    }
                    let Some(next) = rest.get(ch.len_utf8()..) else {
                        return false;
                    };
                    rest = next;
                }
            }
        }
    }
}

/// The CP932 (Windows) form of a Mac/JIS code point (§8.3, VERIFIED pairs): `〜`→`～`,
/// `−`→`－`, `—`→`―`, `‖`→`∥`, `¢`→`￠`, `£`→`￡`, `¬`→`￢`.
#[must_use]
pub const fn mac_jis_to_cp932(c: char) -> Option<char> {
    match c {
        '\u{301C}' => Some('\u{FF5E}'),
        '\u{2212}' => Some('\u{FF0D}'),
        '\u{2014}' => Some('\u{2015}'),
        '\u{2016}' => Some('\u{2225}'),
        '\u{00A2}' => Some('\u{FFE0}'),
        '\u{00A3}' => Some('\u{FFE1}'),
        '\u{00AC}' => Some('\u{FFE2}'),
        _ => None,
    }
}

/// Replacement table, sorted by character (asserted by a test).
///
/// Kinds of entry:
/// * Mac/JIS → CP932 forms (§8.3).
/// * NEC row 13 symbols → their plain reading: circled digits `①` → `(1)` (parenthesised, like
///   `㈱` → `(株)`, so that `①②` does not become the ambiguous `12`), Roman numerals → ASCII
///   letters, `№` → `No.`, `℡` → `TEL`, unit squares → katakana / ASCII, era squares → era names.
/// * CJK compatibility ideographs (IBM extension) → their canonical (NFC) equivalent.
/// * Common IBM-extension 異体字 → the JIS X 0208 form (`髙`→`高`, `﨑`→`崎`). `濵` → `濱`, not
///   `浜`: `濵` is a variant of the traditional `濱` (JIS X 0208 level 2), and proposing `濱` keeps
///   the person's 字体 family instead of switching to the simplified form.
/// * Kana outside CP932 → base kana + `゛` (`ゔ` → `う゛`, `ヷ` → `ワ゛`), the same policy as
///   [`halfwidth_kana_to_fullwidth`].
static SUGGESTIONS: &[(char, &str)] = &[
    ('\u{00A2}', "\u{FFE0}"), // ¢ → ￠
    ('\u{00A3}', "\u{FFE1}"), // £ → ￡
    ('\u{00AC}', "\u{FFE2}"), // ¬ → ￢
    ('\u{2014}', "\u{2015}"), // — → ―
    ('\u{2016}', "\u{2225}"), // ‖ → ∥
    ('\u{2116}', "No."),      // №
    ('\u{2121}', "TEL"),      // ℡
    ('\u{2160}', "I"),
    ('\u{2161}', "II"),
    ('\u{2162}', "III"),
    ('\u{2163}', "IV"),
    ('\u{2164}', "V"),
    ('\u{2165}', "VI"),
    ('\u{2166}', "VII"),
    ('\u{2167}', "VIII"),
    ('\u{2168}', "IX"),
    ('\u{2169}', "X"),
    ('\u{2170}', "i"),
    ('\u{2171}', "ii"),
    ('\u{2172}', "iii"),
    ('\u{2173}', "iv"),
    ('\u{2174}', "v"),
    ('\u{2175}', "vi"),
    ('\u{2176}', "vii"),
    ('\u{2177}', "viii"),
    ('\u{2178}', "ix"),
    ('\u{2179}', "x"),
    ('\u{2212}', "\u{FF0D}"), // − → －
    ('\u{2460}', "(1)"),
    ('\u{2461}', "(2)"),
    ('\u{2462}', "(3)"),
    ('\u{2463}', "(4)"),
    ('\u{2464}', "(5)"),
    ('\u{2465}', "(6)"),
    ('\u{2466}', "(7)"),
    ('\u{2467}', "(8)"),
    ('\u{2468}', "(9)"),
    ('\u{2469}', "(10)"),
    ('\u{246A}', "(11)"),
    ('\u{246B}', "(12)"),
    ('\u{246C}', "(13)"),
    ('\u{246D}', "(14)"),
    ('\u{246E}', "(15)"),
    ('\u{246F}', "(16)"),
    ('\u{2470}', "(17)"),
    ('\u{2471}', "(18)"),
    ('\u{2472}', "(19)"),
    ('\u{2473}', "(20)"),
    ('\u{301C}', "\u{FF5E}"),   // 〜 → ～
    ('\u{301D}', "\u{201C}"),   // 〝 → “
    ('\u{301F}', "\u{201D}"),   // 〟 → ”
    ('\u{3094}', "う゛"),       // ゔ
    ('\u{30F7}', "ワ゛"),       // ヷ
    ('\u{30F8}', "ヰ゛"),       // ヸ
    ('\u{30F9}', "ヱ゛"),       // ヹ
    ('\u{30FA}', "ヲ゛"),       // ヺ
    ('\u{3231}', "(株)"),       // ㈱
    ('\u{3232}', "(有)"),       // ㈲
    ('\u{3239}', "(代)"),       // ㈹
    ('\u{32A4}', "(上)"),       // ㊤
    ('\u{32A5}', "(中)"),       // ㊥
    ('\u{32A6}', "(下)"),       // ㊦
    ('\u{32A7}', "(左)"),       // ㊧
    ('\u{32A8}', "(右)"),       // ㊨
    ('\u{32FF}', "令和"),       // ㋿
    ('\u{3303}', "アール"),     // ㌃
    ('\u{330D}', "カロリー"),   // ㌍
    ('\u{3314}', "キロ"),       // ㌔
    ('\u{3318}', "グラム"),     // ㌘
    ('\u{3322}', "センチ"),     // ㌢
    ('\u{3323}', "セント"),     // ㌣
    ('\u{3326}', "ドル"),       // ㌦
    ('\u{3327}', "トン"),       // ㌧
    ('\u{332B}', "パーセント"), // ㌫
    ('\u{3336}', "ヘクタール"), // ㌶
    ('\u{333B}', "ページ"),     // ㌻
    ('\u{3349}', "ミリ"),       // ㍉
    ('\u{334A}', "ミリバール"), // ㍊
    ('\u{334D}', "メートル"),   // ㍍
    ('\u{3351}', "リットル"),   // ㍑
    ('\u{3357}', "ワット"),     // ㍗
    ('\u{337B}', "平成"),       // ㍻
    ('\u{337C}', "昭和"),       // ㍼
    ('\u{337D}', "大正"),       // ㍽
    ('\u{337E}', "明治"),       // ㍾
    ('\u{338E}', "mg"),         // ㎎
    ('\u{338F}', "kg"),         // ㎏
    ('\u{339C}', "mm"),         // ㎜
    ('\u{339D}', "cm"),         // ㎝
    ('\u{339E}', "km"),         // ㎞
    ('\u{33A1}', "m2"),         // ㎡
    ('\u{33C4}', "cc"),         // ㏄
];

/// IBM-extension / outside-CP932 kanji → JIS X 0208 form. Kept apart from [`SUGGESTIONS`] so the
/// two kinds of entry stay reviewable; both sorted.
static KANJI_SUGGESTIONS: &[(char, &str)] = &[
    ('\u{589E}', "\u{5897}"),  // 增 → 増
    ('\u{5BEC}', "\u{5BDB}"),  // 寬 → 寛
    ('\u{5FB7}', "\u{5FB3}"),  // 德 → 徳
    ('\u{6085}', "\u{60A6}"),  // 悅 → 悦
    ('\u{654E}', "\u{6559}"),  // 敎 → 教
    ('\u{663B}', "\u{6602}"),  // 昻 → 昂
    ('\u{6801}', "\u{67F3}"),  // 栁 → 柳
    ('\u{6852}', "\u{6851}"),  // 桒 → 桑
    ('\u{6A6B}', "\u{6A2A}"),  // 橫 → 横
    ('\u{6DF8}', "\u{6E05}"),  // 淸 → 清
    ('\u{6FF5}', "\u{6FF1}"),  // 濵 → 濱
    ('\u{7028}', "\u{702C}"),  // 瀨 → 瀬
    ('\u{7DA0}', "\u{7DD1}"),  // 綠 → 緑
    ('\u{7DD6}', "\u{7DD2}"),  // 緖 → 緒
    ('\u{7FA1}', "\u{7FA8}"),  // 羡 → 羨
    ('\u{85B0}', "\u{85AB}"),  // 薰 → 薫
    ('\u{8CF4}', "\u{983C}"),  // 賴 → 頼
    ('\u{90DE}', "\u{90CE}"),  // 郞 → 郎
    ('\u{9115}', "\u{90F7}"),  // 鄕 → 郷
    ('\u{9751}', "\u{9752}"),  // 靑 → 青
    ('\u{9AD9}', "\u{9AD8}"),  // 髙 → 高
    ('\u{9ED1}', "\u{9ED2}"),  // 黑 → 黒
    ('\u{F929}', "\u{6717}"),  // 朗 (compat) → 朗
    ('\u{F9DC}', "\u{9686}"),  // 隆 (compat) → 隆
    ('\u{FA10}', "\u{585A}"),  // 塚 (compat) → 塚
    ('\u{FA11}', "\u{5D0E}"),  // 﨑 → 崎
    ('\u{FA12}', "\u{6674}"),  // 晴 (compat) → 晴
    ('\u{FA16}', "\u{732A}"),  // 猪 (compat) → 猪
    ('\u{FA17}', "\u{76CA}"),  // 益 (compat) → 益
    ('\u{FA18}', "\u{793C}"),  // 礼 (compat) → 礼
    ('\u{FA19}', "\u{795E}"),  // 神 (compat) → 神
    ('\u{FA1A}', "\u{7965}"),  // 祥 (compat) → 祥
    ('\u{FA1B}', "\u{798F}"),  // 福 (compat) → 福
    ('\u{FA1C}', "\u{9756}"),  // 靖 (compat) → 靖
    ('\u{FA1D}', "\u{7CBE}"),  // 精 (compat) → 精
    ('\u{FA1E}', "\u{7FBD}"),  // 羽 (compat) → 羽
    ('\u{FA22}', "\u{8AF8}"),  // 諸 (compat) → 諸
    ('\u{FA25}', "\u{9038}"),  // 逸 (compat) → 逸
    ('\u{FA26}', "\u{90FD}"),  // 都 (compat) → 都
    ('\u{FA2A}', "\u{98EF}"),  // 飯 (compat) → 飯
    ('\u{FA2B}', "\u{98FC}"),  // 飼 (compat) → 飼
    ('\u{FA2C}', "\u{9928}"),  // 館 (compat) → 館
    ('\u{FA2D}', "\u{9DB4}"),  // 鶴 (compat) → 鶴
    ('\u{FF02}', "\u{201D}"),  // ＂ (IBM) → ”
    ('\u{FF07}', "\u{2019}"),  // ＇ (IBM) → ’
    ('\u{FFE4}', "\u{FF5C}"),  // ￤ (IBM) → ｜
    ('\u{20BB7}', "\u{5409}"), // 𠮷 → 吉
];

fn lookup(table: &'static [(char, &'static str)], c: char) -> Option<&'static str> {
    table
        .binary_search_by_key(&c, |&(k, _)| k)
        .ok()
        .and_then(|i| table.get(i))
        .map(|&(_, v)| v)
}

/// A standard replacement for a 機種依存文字, 異体字 or Mac/JIS form, for the user to confirm.
///
/// Every replacement consists only of characters [`classify`] accepts (asserted by a test).
/// Half-width kana are not covered here (their voiced marks need context): use
/// [`halfwidth_kana_to_fullwidth`].
#[must_use]
pub fn suggestion(c: char) -> Option<&'static str> {
    lookup(SUGGESTIONS, c).or_else(|| lookup(KANJI_SUGGESTIONS, c))
}

/// JIS X 0201 katakana U+FF61–U+FF9F → JIS X 0208, in code point order.
///
/// The voiced marks ﾞ/ﾟ map to the spacing full-width marks ゛/゜ (U+309B/U+309C), not the
/// combining ones NFKC produces.
const HALF_TO_FULL: [char; 63] = [
    '。', '「', '」', '、', '・', 'ヲ', 'ァ', 'ィ', 'ゥ', 'ェ', 'ォ', 'ャ', 'ュ', 'ョ', 'ッ', 'ー',
    'ア', 'イ', 'ウ', 'エ', 'オ', 'カ', 'キ', 'ク', 'ケ', 'コ', 'サ', 'シ', 'ス', 'セ', 'ソ', 'タ',
    'チ', 'ツ', 'テ', 'ト', 'ナ', 'ニ', 'ヌ', 'ネ', 'ノ', 'ハ', 'ヒ', 'フ', 'ヘ', 'ホ', 'マ', 'ミ',
    'ム', 'メ', 'モ', 'ヤ', 'ユ', 'ヨ', 'ラ', 'リ', 'ル', 'レ', 'ロ', 'ワ', 'ン', '゛', '゜',
];

const HALF_VOICED_MARK: char = '\u{FF9E}';
const HALF_SEMI_VOICED_MARK: char = '\u{FF9F}';

/// Full-width kana + dakuten, within CP932 only (`ウ` → `ヴ`; `ワ`/`ヲ` have no CP932 form).
fn voiced(base: char) -> Option<char> {
    match base {
        'カ' | 'キ' | 'ク' | 'ケ' | 'コ' | 'サ' | 'シ' | 'ス' | 'セ' | 'ソ' | 'タ' | 'チ'
        | 'ツ' | 'テ' | 'ト' | 'ハ' | 'ヒ' | 'フ' | 'ヘ' | 'ホ' => {
            char::from_u32(u32::from(base) + 1)
        }
        'ウ' => Some('ヴ'),
        _ => None,
    }
}

/// Full-width kana + handakuten.
fn semi_voiced(base: char) -> Option<char> {
    match base {
        'ハ' | 'ヒ' | 'フ' | 'ヘ' | 'ホ' => char::from_u32(u32::from(base) + 2),
        _ => None,
    }
}

/// Widens half-width katakana (U+FF61–U+FF9F) to JIS X 0208 full-width; everything else is
/// copied unchanged.
///
/// * A voiced / semi-voiced mark combines with the half-width kana right before it when CP932
///   has the result: `ｶﾞ` → `ガ`, `ﾊﾟ` → `パ`, `ｳﾞ` → `ヴ`.
/// * Otherwise it becomes the spacing full-width mark: `ｱﾞ` → `ア゛`, and deliberately
///   `ﾜﾞ` → `ワ゛` (not `ヷ` U+30F7, which is outside CP932; NFKC would produce it, §8.2).
/// * Marks only combine with a kana that was itself half-width in the input (a full-width `カ`
///   followed by `ﾞ` gives `カ゛`), so the conversion never reinterprets full-width text.
///
/// The output contains no U+FF61–U+FF9F and no character outside CP932 that was not already in
/// the input (property-tested).
#[must_use]
pub fn halfwidth_kana_to_fullwidth(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // The full-width form of the previous input character if it was half-width kana that
    // has not yet taken a mark.
    let mut last_half: Option<char> = None;
    for c in s.chars() {
        let cp = u32::from(c);
        if !(0xFF61..=0xFF9F).contains(&cp) {
            out.push(c);
            last_half = None;
            continue;
        }
        if c == HALF_VOICED_MARK || c == HALF_SEMI_VOICED_MARK {
            let combine = if c == HALF_VOICED_MARK {
                voiced
            } else {
                semi_voiced
            };
            match last_half.and_then(combine) {
                Some(combined) => {
                    out.pop();
                    out.push(combined);
                }
                None => out.push(if c == HALF_VOICED_MARK { '゛' } else { '゜' }),
            }
            last_half = None;
            continue;
        }
        let full = HALF_TO_FULL
            .get((cp - 0xFF61) as usize)
            .copied()
            .unwrap_or(c);
        out.push(full);
        last_half = Some(full);
    }
    out
}

/// Whether `c` is a full-width digit or Latin letter (`０`–`９`, `Ａ`–`Ｚ`, `ａ`–`ｚ`): the
/// characters [`fullwidth_alnum_to_halfwidth`] narrows.
#[must_use]
pub fn is_fullwidth_alnum(c: char) -> bool {
    matches!(c, '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ')
}

/// The first [full-width digit or letter](is_fullwidth_alnum) of `s` and its 1-based
/// character position. All of them are U+FFxx (UTF-8 lead byte `EF`): a value without that
/// byte is passed over by `memchr` without decoding a character.
#[must_use]
pub fn first_fullwidth_alnum(s: &str) -> Option<(u32, char)> {
    let b = s.as_bytes();
    let at = memchr::memchr_iter(0xEF, b).find(|&i| {
        s.get(i..)
            .and_then(|rest| rest.chars().next())
            .is_some_and(is_fullwidth_alnum)
    })?;
    let ch = s[at..].chars().next()?;
    let pos = s[..at].chars().count() + 1;
    Some((u32::try_from(pos).unwrap_or(u32::MAX), ch))
}

/// Narrows full-width digits and Latin letters (`０`–`９`, `Ａ`–`Ｚ`, `ａ`–`ｚ`) to ASCII; nothing
/// else changes (punctuation stays full-width).
#[must_use]
pub fn fullwidth_alnum_to_halfwidth(s: &str) -> String {
    s.chars()
        .map(|c| {
            if is_fullwidth_alnum(c) {
                char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// Whether `s` is a full-width katakana name: only `ァ`–`ヶ` (U+30A1–U+30F6), `ー` (U+30FC) and
/// `・` (U+30FB), with single spaces (U+3000 or ASCII) allowed as separators between parts.
///
/// `false` for an empty string, a leading or trailing space, or two spaces in a row. Basis:
/// domain-codes §8.1 (INFERRED convention); whether PMH allows the space is UNKNOWN.
#[must_use]
pub fn is_fullwidth_katakana_name(s: &str) -> bool {
    let mut after_space = true; // forbids a leading space
    for c in s.chars() {
        match c {
            '\u{30A1}'..='\u{30F6}' | '\u{30FB}' | '\u{30FC}' => after_space = false,
            '\u{3000}' | ' ' if !after_space => after_space = true,
            _ => return false,
        }
    }
    !after_space
}

fn is_katakana_letter(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | '\u{30FC}')
}

fn is_dash_lookalike(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{FF0D}'
            | '\u{2212}'
            | '\u{2010}'
            | '\u{2015}'
            | '\u{2014}'
            | '\u{2500}'
            | '\u{FF70}'
    )
}

/// In a カナ string, replaces long-vowel look-alikes that follow a katakana with `ー` (U+30FC).
///
/// Look-alikes: `-` U+002D, `－` U+FF0D, `−` U+2212, `‐` U+2010, `―` U+2015, `—` U+2014,
/// `─` U+2500, `ｰ` U+FF70 (right after a full-width katakana or `ー`), and the kanji `一`
/// U+4E00 only when it also precedes a katakana. A replaced mark counts as katakana for the next
/// character, so `カ--` becomes `カーー`. Convert half-width kana first. `None` when nothing
/// changes. A proposal for the user (§8.3 policy, INFERRED), not a silent fix.
#[must_use]
pub fn lookalike_long_vowel_fix(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut changed = false;
    let mut prev: Option<char> = None;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let after_kana = prev.is_some_and(is_katakana_letter);
        let replace = if is_dash_lookalike(c) {
            after_kana
        } else if c == '\u{4E00}' {
            after_kana && chars.peek().copied().is_some_and(is_katakana_letter)
        } else {
            false
        };
        let c = if replace {
            changed = true;
            'ー'
        } else {
            c
        };
        out.push(c);
        prev = Some(c);
    }
    changed.then_some(out)
}

/// Whether `c` is an invisible formatting character: Unicode's format characters (category Cf:
/// the zero-width space U+200B and joiners U+200C/U+200D, the soft hyphen U+00AD, the
/// direction marks and embeddings U+200E/U+200F, U+202A–U+202E, U+2066–U+2069, the word joiner
/// and invisible operators U+2060–U+2064, BOM U+FEFF, the tag characters …) and the line and
/// paragraph separators U+2028/U+2029. Such a character shows as nothing, or reorders the
/// text around it, yet it is part of the value: a number holding one is another number, a
/// name holding one matches no other spelling of it. Whatever PMH's character rules are, the
/// value is wrong (V014), and removing the character leaves every visible character as it was
/// (X014). Variation selectors are not listed: an 異体字 selector (U+E0100…) chooses a glyph.
/// None of these characters is in CP932, so a record the all-clear scan passes has none.
#[must_use]
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

/// Whether `c` is a character nobody sees in a value: a control character (C0, DEL, C1: tabs
/// and line breaks included), an [`is_invisible_format`] character, or a noncharacter
/// (U+FDD0–U+FDEF, U+FFFE/U+FFFF of every plane: code points Unicode reserves for a
/// program's internal use, never text). The one definition behind V014.
///
/// Decided on two comparisons for the common characters (reports escape every character they
/// write through it): ASCII, and U+2070–U+FDCF (kana, kanji, CJK punctuation), which hold
/// none of them.
#[must_use]
#[inline]
pub fn is_invisible(c: char) -> bool {
    let n = u32::from(c);
    if n < 0xA0 {
        return !(0x20..0x7F).contains(&n); // C0, DEL, C1
    }
    if (0x2070..0xFDD0).contains(&n) {
        return false;
    }
    is_invisible_format(c) || is_noncharacter(c)
}

/// Unicode's noncharacters: U+FDD0–U+FDEF and the last two code points of every plane.
#[must_use]
pub fn is_noncharacter(c: char) -> bool {
    let n = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE
}

/// The first [`is_invisible`] character of `s` for which `keep` is false, with its 1-based
/// position in characters.
#[must_use]
pub fn first_invisible(s: &str, keep: impl Fn(char) -> bool) -> Option<(u32, char)> {
    s.chars()
        .zip(1u32..)
        .find(|&(c, _)| is_invisible(c) && !keep(c))
        .map(|(c, pos)| (pos, c))
}

/// The first trace of a character lost before the value reached this file, with its 1-based
/// position in characters: `?`, which a Shift_JIS (CP932) save writes for a character it cannot
/// hold (`𠮷田` → `?田`), a mark other conversions write ([`is_lost_mark`]: `？`, `〓`, `●`), or
/// a numeric character reference (`&#134071;`, `&#x20BB7;`), which other encoders write
/// instead. A mark is returned as written, a reference as the character it stands for. Only
/// values where none belongs (names and addresses) are asked. An ASCII value without `?` or `&`
/// is passed over by `memchr2`; the marks are never in an ASCII value.
#[must_use]
pub fn first_lost_character(s: &str) -> Option<(u32, char)> {
    let b = s.as_bytes();
    let ascii = memchr::memchr2_iter(b'?', b'&', b).find_map(|i| {
        let ch = if b[i] == b'?' {
            '?'
        } else {
            numeric_reference(&s[i..])?
        };
        Some((i, ch))
    });
    let before = s.get(..ascii.map_or(s.len(), |(i, _)| i)).unwrap_or(s);
    let mark = if before.is_ascii() {
        None
    } else {
        before.char_indices().find(|&(_, c)| is_lost_mark(c))
    };
    mark.or(ascii).map(|(i, ch)| {
        let pos = s[..i].chars().count() + 1;
        (u32::try_from(pos).unwrap_or(u32::MAX), ch)
    })
}

/// The character of the numeric character reference `s` starts with (`&#20013;`, `&#x4E2D;`),
/// if it is one: 1–7 decimal or 1–6 hexadecimal digits and `;`, naming a Unicode scalar value.
#[must_use]
pub fn numeric_reference(s: &str) -> Option<char> {
    let rest = s.strip_prefix("&#")?;
    let (digits, radix) = match rest.strip_prefix(['x', 'X']) {
        Some(hex) => (hex, 16),
        None => (rest, 10),
    };
    let len = digits
        .bytes()
        .take_while(|b| (*b as char).is_digit(radix))
        .count();
    let longest = if radix == 16 { 6 } else { 7 };
    if len == 0 || len > longest || !digits[len..].starts_with(';') {
        return None;
    }
    u32::from_str_radix(&digits[..len], radix)
        .ok()
        .and_then(char::from_u32)
}

/// Whether `s` holds an [`is_invisible_format`] character (those are never ASCII).
#[must_use]
pub fn has_invisible_format(s: &str) -> bool {
    !s.is_ascii() && s.chars().any(is_invisible_format)
}

/// `s` without its [`is_invisible_format`] characters (X014).
#[must_use]
pub fn without_invisible_format(s: &str) -> String {
    s.chars().filter(|&c| !is_invisible_format(c)).collect()
}

/// Whether [`trim_edges`] removes `c` at an edge: Unicode white space (ASCII spaces, tabs and
/// line breaks, NBSP U+00A0, ideographic space U+3000, the U+2000 spaces …) and the zero-width
/// characters U+200B/U+200C/U+200D, U+2060 and BOM U+FEFF. The one definition of "edge space"
/// for the checker (V008), the repairs (X001), the master reader and the date parser.
#[must_use]
pub fn is_edge_space(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
        )
}

/// Whether the UTF-8 character starting at `b[0]` may be one that [`trim_edges`] removes.
/// Byte-level and conservative: `false` proves the character is not white space or a
/// zero-width/BOM character.
pub(crate) fn may_be_edge_space_at(b: &[u8]) -> bool {
    match b {
        [c, ..] if *c < 0x80 => *c <= b' ' || *c == 0x7F,
        [0xC2, 0x85 | 0xA0, ..]
        | [0xE1, 0x9A, 0x80, ..]
        | [0xE3, 0x80, 0x80, ..]
        | [0xEF, 0xBB, 0xBF, ..] => true,
        [0xE2, 0x80 | 0x81, ..] => true,
        _ => false,
    }
}

/// Trims white space, NBSP, ideographic and zero-width spaces at both edges.
///
/// Inlined for its common case, a value whose edges are decided on a few bytes: a printable
/// ASCII character (digits, codes, dates), or a multi-byte character whose first or last byte
/// no edge space has (kana and kanji names, addresses). The checker trims every cell, and in
/// WebAssembly a call that returns a `&str` goes through the shadow stack (3–4 times the
/// native cost).
#[must_use]
#[inline]
pub fn trim_edges(s: &str) -> &str {
    let b = s.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return s;
    };
    // U+3000 (E3 80 80) shares its lead byte with every kana: decided on the second byte.
    let start_may =
        EDGE_SPACE_FIRST[usize::from(first)] || (first == 0xE3 && b.get(1) == Some(&0x80));
    if start_may || EDGE_SPACE_LAST[usize::from(last)] {
        trim_edges_outlined(s)
    } else {
        s
    }
}

/// Bytes that may start a character [`is_edge_space`] accepts (besides E3, decided on the
/// next byte): ASCII controls, space and DEL, and the lead bytes of U+0085/U+00A0 (C2),
/// U+1680 (E1), U+2000–U+2060 (E2) and U+FEFF (EF). A test checks every character.
static EDGE_SPACE_FIRST: [bool; 256] = byte_table(&[
    (0x00, 0x20),
    (0x7F, 0x7F),
    (0xC2, 0xC2),
    (0xE1, 0xE2),
    (0xEF, 0xEF),
]);

/// Bytes that may end a character [`is_edge_space`] accepts: ASCII controls, space and DEL,
/// and the continuation bytes `80`–`8D`, `9F`, `A0`, `A8`, `A9`, `AF` and `BF` (U+0085,
/// U+00A0, U+1680, U+2000–U+200D, U+2028/9, U+202F, U+205F, U+2060, U+3000, U+FEFF). A test
/// checks every character.
static EDGE_SPACE_LAST: [bool; 256] = byte_table(&[
    (0x00, 0x20),
    (0x7F, 0x7F),
    (0x80, 0x8D),
    (0x9F, 0xA0),
    (0xA8, 0xA9),
    (0xAF, 0xAF),
    (0xBF, 0xBF),
]);

/// A table of the bytes in the inclusive `ranges`.
const fn byte_table(ranges: &[(u8, u8)]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut r = 0;
    while r < ranges.len() {
        let (first, last) = ranges[r];
        let mut b = first as usize;
        while b <= last as usize {
            table[b] = true;
            b += 1;
        }
        r += 1;
    }
    table
}

#[inline(never)]
fn trim_edges_outlined(s: &str) -> &str {
    let b = s.as_bytes();
    let Some(&last) = b.last() else { return s };
    // Decide on bytes that neither edge can be trimmed.
    let end_may = if last < 0x80 {
        last <= b' ' || last == 0x7F
    } else {
        let n = b.len();
        (n >= 2 && may_be_edge_space_at(&b[n - 2..]))
            || (n >= 3 && may_be_edge_space_at(&b[n - 3..]))
    };
    if !end_may && !may_be_edge_space_at(b) {
        return s;
    }
    s.trim_matches(is_edge_space)
}

#[cfg(test)]
mod tests;

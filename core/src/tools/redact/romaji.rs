//! Names in romaji: a 氏名カナ written in Latin letters in free text (`Murakami Hiroto`,
//! `HIROTO MURAKAMI`, `ｍｕｒａｋａｍｉ`, `Sinzi` for シンジ, `Ohno` for オオノ).
//!
//! A カナ is romanized once ([`hepburn`]) and both it and the cell's letters are
//! brought to one canonical spelling ([`canon`]) before they are compared, so that every usual
//! way of writing a name is the same:
//!
//! * Hepburn, 訓令 and 日本式 alike: `shi`/`si`, `chi`/`ti`, `tsu`/`tu`, `fu`/`hu`,
//!   `ji`/`zi`/`di`, `zu`/`du`, `sha`/`sya`, `cha`/`tya`, `ja`/`zya`/`jya`, `tchi`/`tti`, and `m`
//!   before `b`, `m`, `p` as `n` (`Homma`, `Honma`);
//! * long vowels written any way: `oo`, `ou`, `oh` before a consonant or at the end, `ō`, `ô`,
//!   `uu`, `ū`, `aa`, `ii`, `ee`, `ei` as one vowel (`Ohno`, `Ono`, `Oono`, `Ouno`, `Ōno`);
//! * case and width: letters are compared in lower case and half width; `n'` (`Shin'ichi`) is
//!   `n`.
//!
//! The canonical form loses distinctions (オノ and オオノ are both `ono`): a cell may have more
//! replaced than the name, never less.

/// A cell's character as a Latin letter: lower case, half width, a vowel with a macron or a
/// circumflex as the vowel (`ō` → `o`). `None`: no letter.
pub(crate) fn letter(c: char) -> Option<char> {
    let c = match c {
        '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c)
        }
        _ => c,
    };
    if c.is_ascii_alphabetic() {
        return Some(c.to_ascii_lowercase());
    }
    Some(match c {
        'ā' | 'Ā' | 'â' | 'Â' => 'a',
        'ī' | 'Ī' | 'î' | 'Î' => 'i',
        'ū' | 'Ū' | 'û' | 'Û' => 'u',
        'ē' | 'Ē' | 'ê' | 'Ê' => 'e',
        'ō' | 'Ō' | 'ô' | 'Ô' => 'o',
        _ => return None,
    })
}

fn is_upper(c: char) -> bool {
    c.is_ascii_uppercase() || ('\u{FF21}'..='\u{FF3A}').contains(&c) || "ĀĪŪĒŌÂÎÛÊÔ".contains(c)
}

fn vowel(c: Option<char>) -> bool {
    matches!(c, Some('a' | 'i' | 'u' | 'e' | 'o'))
}

/// A letter of a canonical spelling, with the characters of the cell it stands for
/// (`start..end`).
pub(crate) type Canon = (char, usize, usize);

/// The canonical spelling of one word (see the module docs). Each output letter keeps the
/// range of input characters it stands for (a dropped `h` or a merged vowel widens the range of
/// the letter before it).
pub(crate) fn canon(word: &[Canon]) -> Vec<Canon> {
    let at = |k: usize| word.get(k).map(|x| x.0);
    let mut out: Vec<Canon> = Vec::with_capacity(word.len() + 2);
    let mut k = 0;
    while k < word.len() {
        let (c, s, e) = word[k];
        let (next, next2) = (at(k + 1), at(k + 2));
        let h_end = word.get(k + 1).map_or(e, |x| x.2);
        let h_start = word.get(k + 1).map_or(s, |x| x.1);
        match (c, next) {
            // shi, chi: si, ti; sha, cho: sya, tyo; tsu: tu.
            ('s' | 'c', Some('h')) if next2 == Some('i') => {
                out.push((if c == 's' { 's' } else { 't' }, s, h_end));
                k += 2;
            }
            ('s' | 'c', Some('h')) if vowel(next2) => {
                out.push((if c == 's' { 's' } else { 't' }, s, e));
                out.push(('y', h_start, h_end));
                k += 2;
            }
            ('t', Some('s')) if next2 == Some('u') => {
                out.push(('t', s, h_end));
                k += 2;
            }
            // ji, di: zi; ja, jya: zya; du: zu.
            ('j', Some('i')) | ('d', Some('i' | 'u')) => {
                out.push(('z', s, e));
                k += 1;
            }
            ('j', Some('y')) => {
                out.push(('z', s, e));
                k += 1;
            }
            ('j', _) if vowel(next) => {
                out.push(('z', s, e));
                out.push(('y', s, e));
                k += 1;
            }
            // fu: hu; m before b, m, p: n (Homma, Namba).
            ('f', Some('u')) => {
                out.push(('h', s, e));
                k += 1;
            }
            ('m', Some('b' | 'm' | 'p')) => {
                out.push(('n', s, e));
                k += 1;
            }
            _ => {
                out.push((c, s, e));
                k += 1;
            }
        }
    }
    // Long vowels as one: oo, ou, oh (before a consonant or at the end), uu, aa, ii, ee, ei.
    let mut merged: Vec<Canon> = Vec::with_capacity(out.len());
    for k in 0..out.len() {
        let (c, s, e) = out[k];
        if let Some(last) = merged.last_mut() {
            let merge = match (last.0, c) {
                ('o', 'o' | 'u') | ('u', 'u') | ('a', 'a') | ('i', 'i') | ('e', 'e' | 'i') => true,
                ('o', 'h') => {
                    !vowel(out.get(k + 1).map(|x| x.0)) && out.get(k + 1).map(|x| x.0) != Some('y')
                }
                _ => false,
            };
            if merge {
                last.2 = e;
                continue;
            }
        }
        merged.push((c, s, e));
    }
    merged
}

/// The canonical spelling of a romanized word (no ranges).
fn canon_str(s: &str) -> String {
    let word: Vec<Canon> = s.chars().map(|c| (c, 0, 0)).collect();
    canon(&word).into_iter().map(|x| x.0).collect()
}

/// The letters of a cell as canonical words: `chars` the canonical letters, `src` the range of
/// cell characters each stands for, `word_start` whether it begins a word (after a non-letter,
/// or an upper-case letter after a lower-case one: `MurakamiHiroto`).
pub(crate) struct View {
    pub(crate) chars: Vec<char>,
    pub(crate) src: Vec<(usize, usize)>,
    pub(crate) word_start: Vec<bool>,
}

/// [`View`] of a cell; `None` when it holds no Latin letter.
pub(crate) fn view(v: &[char]) -> Option<View> {
    if !v.iter().any(|&c| letter(c).is_some()) {
        return None;
    }
    let mut out = View {
        chars: Vec::new(),
        src: Vec::new(),
        word_start: Vec::new(),
    };
    let mut word: Vec<Canon> = Vec::new();
    let flush = |word: &mut Vec<Canon>, out: &mut View| {
        for (k, (c, s, e)) in canon(word).into_iter().enumerate() {
            out.chars.push(c);
            out.src.push((s, e));
            out.word_start.push(k == 0);
        }
        word.clear();
    };
    for (i, &c) in v.iter().enumerate() {
        match letter(c) {
            Some(l) => {
                let camel =
                    i > 0 && is_upper(c) && letter(v[i - 1]).is_some() && !is_upper(v[i - 1]);
                if camel {
                    flush(&mut word, &mut out);
                }
                word.push((l, i, i + 1));
            }
            // An apostrophe inside a word (`Shin'ichi`) is no break.
            None if matches!(c, '\'' | '’' | '＇')
                && !word.is_empty()
                && v.get(i + 1).copied().and_then(letter).is_some() => {}
            None => flush(&mut word, &mut out),
        }
    }
    flush(&mut word, &mut out);
    Some(out)
}

/// Whether `value` starts with a kana (a cheap test before [`forms`]).
pub(crate) fn may_be_kana(value: &str) -> bool {
    value.chars().next().is_some_and(|c| {
        matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '\u{FF66}'..='\u{FF9D}')
    })
}

/// A カナ value (katakana, hiragana or 半角カナ, in parts between spaces) as katakana parts;
/// `None` when a part holds anything but kana.
fn kana_parts(value: &str) -> Option<Vec<Vec<char>>> {
    const HALF: &str = "ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ";
    const FULL: &str = "ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";
    let mut parts = Vec::new();
    for part in value.split([' ', '　', '・', '･']) {
        let mut p: Vec<char> = Vec::new();
        for c in part.chars() {
            let k = match c {
                '\u{3041}'..='\u{3096}' => char::from_u32(u32::from(c) + 0x60).unwrap_or(c),
                '\u{FF66}'..='\u{FF9D}' => HALF
                    .chars()
                    .position(|h| h == c)
                    .and_then(|i| FULL.chars().nth(i))
                    .unwrap_or(c),
                'ﾞ' | '゛' | '\u{3099}' => {
                    let last = p.last_mut()?;
                    *last = match *last {
                        'ウ' => 'ヴ',
                        b => char::from_u32(u32::from(b) + 1).filter(|_| voiceable(b))?,
                    };
                    continue;
                }
                'ﾟ' | '゜' | '\u{309A}' => {
                    let last = p.last_mut()?;
                    *last = char::from_u32(u32::from(*last) + 2)
                        .filter(|_| "ハヒフヘホ".contains(*last))?;
                    continue;
                }
                '-' | '－' | '‐' | '―' => 'ー',
                _ => c,
            };
            if !('\u{30A1}'..='\u{30FC}').contains(&k) {
                return None;
            }
            p.push(k);
        }
        if !p.is_empty() {
            parts.push(p);
        }
    }
    (!parts.is_empty()).then_some(parts)
}

fn voiceable(c: char) -> bool {
    "カキクケコサシスセソタチツテトハヒフヘホ".contains(c)
}

/// One katakana in Hepburn.
fn syllable(c: char) -> Option<&'static str> {
    Some(match c {
        'ア' | 'ァ' => "a",
        'イ' | 'ィ' | 'ヰ' => "i",
        'ウ' | 'ゥ' => "u",
        'エ' | 'ェ' | 'ヱ' => "e",
        'オ' | 'ォ' | 'ヲ' => "o",
        'カ' | 'ヵ' => "ka",
        'キ' => "ki",
        'ク' => "ku",
        'ケ' | 'ヶ' => "ke",
        'コ' => "ko",
        'サ' => "sa",
        'シ' => "shi",
        'ス' => "su",
        'セ' => "se",
        'ソ' => "so",
        'タ' => "ta",
        'チ' => "chi",
        'ツ' => "tsu",
        'テ' => "te",
        'ト' => "to",
        'ナ' => "na",
        'ニ' => "ni",
        'ヌ' => "nu",
        'ネ' => "ne",
        'ノ' => "no",
        'ハ' => "ha",
        'ヒ' => "hi",
        'フ' => "fu",
        'ヘ' => "he",
        'ホ' => "ho",
        'マ' => "ma",
        'ミ' => "mi",
        'ム' => "mu",
        'メ' => "me",
        'モ' => "mo",
        'ヤ' | 'ャ' => "ya",
        'ユ' | 'ュ' => "yu",
        'ヨ' | 'ョ' => "yo",
        'ラ' => "ra",
        'リ' => "ri",
        'ル' => "ru",
        'レ' => "re",
        'ロ' => "ro",
        'ワ' | 'ヮ' => "wa",
        'ン' => "n",
        'ガ' => "ga",
        'ギ' => "gi",
        'グ' => "gu",
        'ゲ' => "ge",
        'ゴ' => "go",
        'ザ' => "za",
        'ジ' | 'ヂ' => "ji",
        'ズ' | 'ヅ' => "zu",
        'ゼ' => "ze",
        'ゾ' => "zo",
        'ダ' => "da",
        'デ' => "de",
        'ド' => "do",
        'バ' => "ba",
        'ビ' => "bi",
        'ブ' => "bu",
        'ベ' => "be",
        'ボ' => "bo",
        'パ' => "pa",
        'ピ' => "pi",
        'プ' => "pu",
        'ペ' => "pe",
        'ポ' => "po",
        'ヴ' => "vu",
        _ => return None,
    })
}

/// One katakana part in Hepburn (`ムラカミ` → `murakami`, `シンジ` → `shinji`, `キョウコ` →
/// `kyouko`, `ハットリ` → `hattori`); `None` if a character has no reading.
fn hepburn(part: &[char]) -> Option<String> {
    let mut out = String::new();
    let mut geminate = false;
    for &c in part {
        match c {
            'ッ' => geminate = true,
            'ー' => {
                if let Some(v) = out.chars().last().filter(|&v| vowel(Some(v))) {
                    out.push(v);
                }
            }
            // A small ya, yu, yo after an i-row kana: kya, sha, cho, ja.
            'ャ' | 'ュ' | 'ョ' if out.len() >= 2 && out.ends_with('i') => {
                out.pop();
                if !(out.ends_with("sh") || out.ends_with("ch") || out.ends_with('j')) {
                    out.push('y');
                }
                out.push_str(&syllable(c)?[1..]);
            }
            // A small vowel after another kana: fa, ti, she, je.
            'ァ' | 'ィ' | 'ゥ' | 'ェ' | 'ォ' if out.len() >= 2 => {
                if out.chars().last().is_some_and(|v| vowel(Some(v))) {
                    out.pop();
                }
                out.push_str(syllable(c)?);
            }
            _ => {
                let s = syllable(c)?;
                if std::mem::take(&mut geminate) && s != "n" && !vowel(s.chars().next()) {
                    out.push(if s.starts_with("ch") {
                        't'
                    } else {
                        s.as_bytes()[0] as char
                    });
                }
                out.push_str(s);
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The shortest canonical romaji looked for: a part of fewer letters is in too many words.
pub(crate) const MIN_LETTERS: usize = 3;

/// The canonical romaji a カナ value may be written as in free text: each part (at least
/// [`MIN_LETTERS`] letters) and, for a value of several parts, the whole in its order and in
/// reverse (`murakamihiroto`, `hirotomurakami`: written without a space). Empty when the value
/// is not kana.
pub(crate) fn forms(value: &str) -> Vec<String> {
    let Some(parts) = kana_parts(value) else {
        return Vec::new();
    };
    let Some(romaji) = parts
        .iter()
        .map(|p| hepburn(p).map(|h| canon_str(&h)))
        .collect::<Option<Vec<String>>>()
    else {
        return Vec::new();
    };
    let mut out: Vec<String> = romaji
        .iter()
        .filter(|r| r.len() >= MIN_LETTERS)
        .cloned()
        .collect();
    if romaji.len() >= 2 {
        out.push(romaji.concat());
        let mut rev = romaji.clone();
        rev.reverse();
        out.push(rev.concat());
        out.retain(|r| r.len() >= MIN_LETTERS);
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon_of(s: &str) -> String {
        let v: Vec<char> = s.chars().collect();
        view(&v)
            .map(|w| w.chars.iter().collect())
            .unwrap_or_default()
    }

    #[test]
    fn kana_in_hepburn() {
        for (kana, romaji) in [
            ("ムラカミ", "murakami"),
            ("シンジ", "shinji"),
            ("キョウコ", "kyouko"),
            ("ハットリ", "hattori"),
            ("マッチ", "matchi"),
            ("ジュンイチ", "junichi"),
            ("チヂワ", "chijiwa"),
            ("ユーキ", "yuuki"),
        ] {
            let p: Vec<char> = kana.chars().collect();
            assert_eq!(hepburn(&p).as_deref(), Some(romaji), "{kana}");
        }
    }

    /// Every usual spelling of a name has one canonical form.
    #[test]
    fn spellings_meet() {
        for group in [
            &[
                "Ohno",
                "Ono",
                "Oono",
                "Ōno",
                "OHNO",
                "Ouno",
                "Ôno",
                "ｏｎｏ",
            ][..],
            &["Shinji", "Sinzi", "SHINJI", "Shinzi", "Sinji"],
            &["Tsuchiya", "Tutiya", "Tsutiya"],
            &["Fujita", "Huzita", "Fuzita"],
            &["Kyoko", "Kyouko", "Kyōko", "Kyohko"],
            &["Homma", "Honma"],
            &["Yuuki", "Yūki", "Yuki"],
            &["Satou", "Sato", "Satoh", "Satō"],
            &["Chijiwa", "Tiziwa", "Tidiwa"],
            &["Shun'ichi", "Shunichi", "Syuniti"],
            &["Hattori", "Hattori"],
            &["Junko", "Zyunko", "Jyunko"],
        ] {
            let c = canon_of(group[0]);
            for s in group {
                assert_eq!(canon_of(s), c, "{s} vs {}", group[0]);
            }
        }
        // Kana and Latin meet.
        assert_eq!(forms("オオノ　シンジ"), {
            let mut v = vec![
                canon_of("Ohno"),
                canon_of("Shinji"),
                canon_of("OhnoShinji").replace(' ', ""),
                canon_of("shinjiohno"),
            ];
            v.sort();
            v
        });
        // Different names stay apart.
        assert_ne!(canon_of("Murakami"), canon_of("Murakumo"));
    }

    #[test]
    fn words_and_ranges() {
        let v: Vec<char> = "TEL MurakamiHiroto Satoh".chars().collect();
        let w = view(&v).unwrap();
        let text: String = w.chars.iter().collect();
        assert_eq!(text, "telmurakamihirotosato");
        let starts: Vec<usize> = (0..w.chars.len()).filter(|&i| w.word_start[i]).collect();
        assert_eq!(starts, [0, 3, 11, 17]);
        // The dropped `h` of Satoh is covered by the `o` before it.
        assert_eq!(w.src.last(), Some(&(22, 24)));
        assert!(view(&['村', '上']).is_none());
        // Forms: parts of three letters or more, the whole both ways; not kana: nothing.
        assert!(forms("ムラカミ　ヒロト").contains(&"murakamihiroto".to_owned()));
        assert!(forms("ﾑﾗｶﾐ ﾋﾛﾄ").contains(&"hirotomurakami".to_owned()));
        assert_eq!(forms("アイ"), Vec::<String>::new());
        assert!(forms("村上大翔").is_empty());
        assert!(forms("ﾔﾏﾀﾞ").contains(&"yamada".to_owned()));
    }
}

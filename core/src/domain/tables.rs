//! Fixed code tables: prefectures, national 法別番号, 地単公費 分類番号 and sex codes.
//!
//! Each table is a `static` slice sorted by code without duplicates (asserted by the tests), so
//! lookups are binary searches and the tables can be printed back into the docs unchanged.
//!
//! Basis (sections of `domain-codes.md` / `pmh-layout.md`):
//! * Prefectures: JIS X 0401 codes 01–47, VERIFIED (domain-codes §5). Beware the public-code
//!   typo 茨木 (a city in Osaka) for 08 茨城.
//! * National 公費 法別番号: 「診療報酬請求書等の記載要領」別表, VERIFIED (domain-codes §6.1). The
//!   table is revised occasionally; 27 (老人保健, abolished 2008) is deliberately absent.
//! * 地単 法別番号 have no national list (domain-codes §6.2): any number not in the national
//!   table is treated as local, never rejected.
//! * 地単公費マスタ 分類番号 001–013: pmh-layout §4 (seed 002), VERIFIED.
//! * Sex codes 1 = 男, 2 = 女: INFERRED (pmh-layout §2 row 7: only `"2"` is seen in the spec).
//!   Code 3 (不明) is UNKNOWN and therefore not listed; a layout that needs it must add it.

#![cfg_attr(
    not(test),
    expect(
        dead_code,
        reason = "prefectures, 地単公費 categories and sex codes are reference tables with tests that no check uses yet"
    )
)]

/// One prefecture (都道府県) with its JIS X 0401 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefecture {
    /// JIS X 0401 code, 1–47.
    pub code: u8,
    /// Official Japanese name including the suffix (都/道/府/県), e.g. `茨城県`.
    pub name_ja: &'static str,
    /// English name without suffix, e.g. `Ibaraki`.
    pub name_en: &'static str,
}

const fn pref(code: u8, name_ja: &'static str, name_en: &'static str) -> Prefecture {
    Prefecture {
        code,
        name_ja,
        name_en,
    }
}

static PREFECTURES: [Prefecture; 47] = [
    pref(1, "北海道", "Hokkaido"),
    pref(2, "青森県", "Aomori"),
    pref(3, "岩手県", "Iwate"),
    pref(4, "宮城県", "Miyagi"),
    pref(5, "秋田県", "Akita"),
    pref(6, "山形県", "Yamagata"),
    pref(7, "福島県", "Fukushima"),
    pref(8, "茨城県", "Ibaraki"),
    pref(9, "栃木県", "Tochigi"),
    pref(10, "群馬県", "Gunma"),
    pref(11, "埼玉県", "Saitama"),
    pref(12, "千葉県", "Chiba"),
    pref(13, "東京都", "Tokyo"),
    pref(14, "神奈川県", "Kanagawa"),
    pref(15, "新潟県", "Niigata"),
    pref(16, "富山県", "Toyama"),
    pref(17, "石川県", "Ishikawa"),
    pref(18, "福井県", "Fukui"),
    pref(19, "山梨県", "Yamanashi"),
    pref(20, "長野県", "Nagano"),
    pref(21, "岐阜県", "Gifu"),
    pref(22, "静岡県", "Shizuoka"),
    pref(23, "愛知県", "Aichi"),
    pref(24, "三重県", "Mie"),
    pref(25, "滋賀県", "Shiga"),
    pref(26, "京都府", "Kyoto"),
    pref(27, "大阪府", "Osaka"),
    pref(28, "兵庫県", "Hyogo"),
    pref(29, "奈良県", "Nara"),
    pref(30, "和歌山県", "Wakayama"),
    pref(31, "鳥取県", "Tottori"),
    pref(32, "島根県", "Shimane"),
    pref(33, "岡山県", "Okayama"),
    pref(34, "広島県", "Hiroshima"),
    pref(35, "山口県", "Yamaguchi"),
    pref(36, "徳島県", "Tokushima"),
    pref(37, "香川県", "Kagawa"),
    pref(38, "愛媛県", "Ehime"),
    pref(39, "高知県", "Kochi"),
    pref(40, "福岡県", "Fukuoka"),
    pref(41, "佐賀県", "Saga"),
    pref(42, "長崎県", "Nagasaki"),
    pref(43, "熊本県", "Kumamoto"),
    pref(44, "大分県", "Oita"),
    pref(45, "宮崎県", "Miyazaki"),
    pref(46, "鹿児島県", "Kagoshima"),
    pref(47, "沖縄県", "Okinawa"),
];

/// All 47 prefectures, sorted by code.
#[must_use]
pub fn prefectures() -> &'static [Prefecture] {
    &PREFECTURES
}

/// The prefecture with JIS X 0401 code `code` (1–47).
#[must_use]
pub fn prefecture(code: u8) -> Option<&'static Prefecture> {
    // The table is dense: index = code − 1.
    PREFECTURES
        .get(usize::from(code).checked_sub(1)?)
        .filter(|p| p.code == code)
}

/// A national 公費負担医療 法別番号 (domain-codes §6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Houbetsu {
    /// Two-digit 法別番号, 10–79.
    pub code: u8,
    /// Programme (制度) and its law, as in the 記載要領 table.
    pub name_ja: &'static str,
}

const fn hb(code: u8, name_ja: &'static str) -> Houbetsu {
    Houbetsu { code, name_ja }
}

static NATIONAL_HOUBETSU: [Houbetsu; 27] = [
    hb(10, "感染症法 – 結核患者の適正医療 (法第37条の2)"),
    hb(11, "感染症法 – 結核患者の入院"),
    hb(12, "生活保護法 – 医療扶助"),
    hb(13, "戦傷病者特別援護法 – 療養の給付"),
    hb(14, "戦傷病者特別援護法 – 更生医療"),
    hb(15, "障害者総合支援法 – 自立支援医療(更生医療)"),
    hb(16, "障害者総合支援法 – 自立支援医療(育成医療)"),
    hb(17, "児童福祉法 – 療育の給付"),
    hb(18, "原子爆弾被爆者に対する援護に関する法律 – 認定疾病医療"),
    hb(
        19,
        "原子爆弾被爆者に対する援護に関する法律 – 一般疾病医療費",
    ),
    hb(20, "精神保健及び精神障害者福祉に関する法律 – 措置入院"),
    hb(21, "障害者総合支援法 – 自立支援医療(精神通院医療)"),
    hb(22, "麻薬及び向精神薬取締法 – 入院措置"),
    hb(23, "母子保健法 – 養育医療"),
    hb(
        24,
        "障害者総合支援法 – 療養介護医療及び基準該当療養介護医療",
    ),
    hb(
        25,
        "中国残留邦人等の円滑な帰国の促進並びに永住帰国した中国残留邦人等及び特定配偶者の自立の支援に関する法律 – 医療支援給付",
    ),
    hb(28, "感染症法 – 一類感染症等の患者の入院"),
    hb(29, "感染症法 – 新感染症の患者の入院"),
    hb(
        30,
        "心神喪失等の状態で重大な他害行為を行った者の医療及び観察等に関する法律 – 医療の給付",
    ),
    hb(38, "肝炎治療特別促進事業に係る医療の給付"),
    hb(
        51,
        "特定疾患治療費・先天性血液凝固因子障害等治療費・水俣病総合対策費の国庫補助による療養費及び研究治療費・茨城県神栖町有機ヒ素化合物緊急措置事業・メチル水銀の健康影響による治療研究費",
    ),
    hb(52, "児童福祉法 – 小児慢性特定疾病医療支援"),
    hb(53, "児童福祉法の措置等に係る医療の給付"),
    hb(54, "難病の患者に対する医療等に関する法律 – 特定医療"),
    hb(
        62,
        "特定B型肝炎ウイルス感染者給付金等の支給に関する特別措置法 – 定期検査費及び母子感染防止医療費",
    ),
    hb(66, "石綿による健康被害の救済に関する法律 – 医療費の支給"),
    hb(79, "児童福祉法 – 肢体不自由児通所医療及び障害児入所医療"),
];

/// The national 公費 法別番号 table (domain-codes §6.1), sorted by code.
#[must_use]
pub fn national_houbetsu() -> &'static [Houbetsu] {
    &NATIONAL_HOUBETSU
}

/// The national 法別 entry for `code`, if any.
#[must_use]
pub fn national_houbetsu_entry(code: u8) -> Option<&'static Houbetsu> {
    NATIONAL_HOUBETSU
        .binary_search_by_key(&code, |h| h.code)
        .ok()
        .and_then(|i| NATIONAL_HOUBETSU.get(i))
}

/// Whether `code` is a national 公費 法別番号 (domain-codes §6.1).
#[must_use]
pub fn is_national_houbetsu(code: u8) -> bool {
    national_houbetsu_entry(code).is_some()
}

/// A 地単公費マスタ 分類番号 (pmh-layout §4, seed 002).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalCategory {
    /// Three-digit code `"001"`–`"013"`.
    pub code: &'static str,
    /// Japanese category name.
    pub name_ja: &'static str,
}

const fn lc(code: &'static str, name_ja: &'static str) -> LocalCategory {
    LocalCategory { code, name_ja }
}

static LOCAL_CATEGORIES: [LocalCategory; 13] = [
    lc("001", "こども"),
    lc("002", "ひとり親"),
    lc("003", "感染症"),
    lc("004", "がん"),
    lc("005", "難病・特定疾患"),
    lc("006", "高齢者"),
    lc("007", "妊産婦"),
    lc("008", "寡婦"),
    lc("009", "障害者"),
    lc("010", "不妊治療"),
    lc("011", "被爆"),
    lc("012", "水俣"),
    lc("013", "その他"),
];

/// The 地単公費 分類番号 table, sorted by code.
#[must_use]
pub fn local_categories() -> &'static [LocalCategory] {
    &LOCAL_CATEGORIES
}

/// The 地単公費 分類 entry for `code` (`"001"`–`"013"`), if any.
#[must_use]
pub fn local_category(code: &str) -> Option<&'static LocalCategory> {
    LOCAL_CATEGORIES
        .binary_search_by(|c| c.code.cmp(code))
        .ok()
        .and_then(|i| LOCAL_CATEGORIES.get(i))
}

/// Whether a 公費負担者番号 belongs to a national programme or a local (地単) one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InsurerKind {
    /// The 法別番号 is in the national table (domain-codes §6.1).
    National,
    /// Any other 法別番号: a 地単 programme or an unknown number (domain-codes §6.2). Not an
    /// error by itself. Note that 01–09 are 医療保険 法別 (§6.3), never 公費; the validator may
    /// report those separately.
    Local,
}

/// Classifies an 8-digit 公費負担者番号 by its 法別番号 (first two digits).
///
/// `None` unless `insurer_number` is exactly 8 ASCII digits.
#[must_use]
pub fn insurer_kind(insurer_number: &str) -> Option<InsurerKind> {
    let b = insurer_number.as_bytes();
    if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let houbetsu = (b[0] - b'0') * 10 + (b[1] - b'0');
    Some(if is_national_houbetsu(houbetsu) {
        InsurerKind::National
    } else {
        InsurerKind::Local
    })
}

static SEX_CODES: [(&str, &str, &str); 2] = [("1", "男", "male"), ("2", "女", "female")];

/// Default 性別 codes as `(code, Japanese, English)`, sorted by code.
///
/// INFERRED from the spec example (`"2"` for a woman, pmh-layout §2 row 7). `"3"` (不明) is
/// UNKNOWN for PMH and deliberately absent: a layout that needs it must declare it.
#[must_use]
pub fn sex_codes() -> &'static [(&'static str, &'static str, &'static str)] {
    &SEX_CODES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefectures_are_complete_sorted_and_unique() {
        let p = prefectures();
        assert_eq!(p.len(), 47);
        for (i, pref) in p.iter().enumerate() {
            assert_eq!(usize::from(pref.code), i + 1);
            assert!(!pref.name_ja.is_empty() && !pref.name_en.is_empty());
            assert!(
                ["都", "道", "府", "県"]
                    .iter()
                    .any(|s| pref.name_ja.ends_with(s)),
                "{}",
                pref.name_ja
            );
        }
        let mut names: Vec<_> = p.iter().map(|p| p.name_ja).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 47);
    }

    // Spec: domain-codes §5 typo trap.
    #[test]
    fn ibaraki_is_not_the_osaka_city() {
        assert_eq!(prefecture(8).map(|p| p.name_ja), Some("茨城県"));
        assert!(prefectures().iter().all(|p| !p.name_ja.contains("茨木")));
    }

    #[test]
    fn prefecture_lookup() {
        assert_eq!(prefecture(1).map(|p| p.name_ja), Some("北海道"));
        assert_eq!(
            prefecture(13).map(|p| (p.name_ja, p.name_en)),
            Some(("東京都", "Tokyo"))
        );
        assert_eq!(prefecture(26).map(|p| p.name_ja), Some("京都府"));
        assert_eq!(prefecture(27).map(|p| p.name_ja), Some("大阪府"));
        assert_eq!(prefecture(47).map(|p| p.name_ja), Some("沖縄県"));
        assert_eq!(prefecture(0), None);
        assert_eq!(prefecture(48), None);
        assert_eq!(prefecture(255), None);
    }

    #[test]
    fn national_houbetsu_matches_section_6_1() {
        let codes: Vec<u8> = national_houbetsu().iter().map(|h| h.code).collect();
        assert_eq!(
            codes,
            [
                10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 28, 29, 30, 38, 51,
                52, 53, 54, 62, 66, 79
            ]
        );
        assert!(codes.windows(2).all(|w| w[0] < w[1]));
        assert!(national_houbetsu().iter().all(|h| !h.name_ja.is_empty()));
        assert!(is_national_houbetsu(54));
        assert!(is_national_houbetsu(12));
        assert!(!is_national_houbetsu(27)); // 老人保健, abolished
        assert!(!is_national_houbetsu(88)); // 東京 マル子 (地単)
        assert!(!is_national_houbetsu(0));
        assert_eq!(
            national_houbetsu_entry(54).map(|h| h.name_ja),
            Some("難病の患者に対する医療等に関する法律 – 特定医療")
        );
    }

    #[test]
    fn local_categories_sorted_unique() {
        let c = local_categories();
        assert_eq!(c.len(), 13);
        for (i, cat) in c.iter().enumerate() {
            assert_eq!(cat.code, format!("{:03}", i + 1));
            assert!(!cat.name_ja.is_empty());
        }
        assert_eq!(
            local_category("005").map(|c| c.name_ja),
            Some("難病・特定疾患")
        );
        assert_eq!(local_category("013").map(|c| c.name_ja), Some("その他"));
        assert_eq!(local_category("014"), None);
        assert_eq!(local_category("5"), None);
    }

    #[test]
    fn insurer_kinds() {
        assert_eq!(insurer_kind("54016027"), Some(InsurerKind::National));
        assert_eq!(insurer_kind("87654323"), Some(InsurerKind::Local));
        assert_eq!(insurer_kind("88134457"), Some(InsurerKind::Local));
        assert_eq!(insurer_kind("41250000"), Some(InsurerKind::Local)); // 滋賀 地単 40s
        assert_eq!(insurer_kind("5401602"), None);
        assert_eq!(insurer_kind("540160277"), None);
        assert_eq!(insurer_kind("５４０１６０２７"), None);
        assert_eq!(insurer_kind(""), None);
    }

    #[test]
    fn sex_codes_have_no_unknown_entry() {
        assert_eq!(sex_codes(), &[("1", "男", "male"), ("2", "女", "female")]);
        assert!(sex_codes().windows(2).all(|w| w[0].0 < w[1].0));
    }
}

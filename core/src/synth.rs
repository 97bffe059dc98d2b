//! Deterministic synthetic recipients: valid check digits, realistic Japanese names and
//! addresses, 券面 columns. For benchmarks, fixtures and demos: never real people.
//!
//! The same seed and row index always give the same row, on every platform.

use crate::domain::checkdigit;
pub use crate::domain::checkdigit::my_number_check_digit;

pub use crate::tools::rng::Rng;

const FAMILY: &[(&str, &str)] = &[
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("斎藤", "サイトウ"),
    ("清水", "シミズ"),
    ("愛知", "アイチ"),
    ("長谷川", "ハセガワ"),
];

/// (kanji, kana, sex code)
const GIVEN: &[(&str, &str, &str)] = &[
    ("太郎", "タロウ", "1"),
    ("翔太", "ショウタ", "1"),
    ("大翔", "ヒロト", "1"),
    ("蓮", "レン", "1"),
    ("健一", "ケンイチ", "1"),
    ("悠真", "ユウマ", "1"),
    ("湊", "ミナト", "1"),
    ("一郎", "イチロウ", "1"),
    ("花子", "ハナコ", "2"),
    ("陽菜", "ヒナ", "2"),
    ("結衣", "ユイ", "2"),
    ("美咲", "ミサキ", "2"),
    ("由美子", "ユミコ", "2"),
    ("さくら", "サクラ", "2"),
    ("葵", "アオイ", "2"),
    ("恵子", "ケイコ", "2"),
];

const PLACES: &[(&str, &str)] = &[
    ("愛知県", "名古屋市中区栄"),
    ("東京都", "八王子市元本郷町"),
    ("東京都", "東久留米市本町"),
    ("大阪府", "大阪市北区梅田"),
    ("北海道", "札幌市中央区北一条西"),
    ("福岡県", "福岡市博多区博多駅前"),
    ("神奈川県", "横浜市西区みなとみらい"),
    ("京都府", "京都市左京区下鴨"),
    ("宮城県", "仙台市青葉区一番町"),
    ("広島県", "広島市中区基町"),
];

/// (type id, certificate name, 法別, pref, national programme?, 疾病名 sample)
const PROGRAMMES: &[(&str, &str, u8, &str, bool, &str)] = &[
    ("KODOMO01", "子ども医療費受給者証", 88, "13", false, ""),
    (
        "NANBYO01",
        "特定医療費(指定難病)受給者証",
        54,
        "23",
        true,
        "潰瘍性大腸炎",
    ),
    (
        "JIRITSU1",
        "自立支援医療受給者証(精神通院)",
        21,
        "27",
        true,
        "統合失調症",
    ),
    (
        "IKUSEI01",
        "自立支援医療受給者証(育成医療)",
        16,
        "01",
        true,
        "先天性心疾患",
    ),
    (
        "HITORI01",
        "ひとり親家庭等医療費受給者証",
        81,
        "13",
        false,
        "",
    ),
];

const HOSPITALS: &[&str] = &[
    "市立総合病院",
    "中央クリニック",
    "さくら小児科",
    "みなと薬局",
];

/// A valid 12-digit My Number whose first 11 digits are derived from `n` (a bijection on
/// `0..10^11`, so distinct `n` give distinct numbers).
pub fn my_number(n: u64) -> String {
    let body = (n.wrapping_mul(7_919_000_003) + 12_345_678_901) % 100_000_000_000;
    let s = format!("{body:011}");
    let digits: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
    let cd = checkdigit::my_number_check_digit(&digits);
    format!("{s}{cd}")
}

/// Appends the MHLW (Luhn) check digit to a digit string.
pub fn with_luhn(body: &str) -> String {
    let digits: Vec<u8> = body
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    format!("{body}{}", checkdigit::luhn_check_digit(&digits))
}

/// The header row (Japanese labels of the built-in 全件 layout, plus three 券面 items).
pub const FULL_HEADER: &str = "機関別受給者証種別ID,個人番号,氏名,氏名カナ,住所,生年月日,性別,不開示フラグ,公費負担者番号,受給者証名,公費受給者番号,受給者証サブキー,区分,所得区分,追加条件,指定医療機関情報,常に償還払い,自己負担上限額種別,負担定義,負担率（日）,負担率（月）,負担率（回）,金額（日）,金額（月）,金額（回）,自己負担上限割合,有効期間開始日,有効期間終了日,受給者証番号,疾病名,指定医療機関名";

fn push_date(out: &mut String, days: i32) {
    if let Some(d) = crate::domain::date::Ymd::from_days(days) {
        out.push_str(&d.to_string());
    }
}

/// Writes synthetic row `i` (valid for the built-in 全件 layout) as CSV with CRLF into `out`.
pub fn full_row(seed: u64, i: u64, out: &mut String) {
    let mut r = Rng::new(seed ^ i.wrapping_mul(0xA24B_AED4_963E_E407));
    let (fam, fam_kana) = *r.pick(FAMILY);
    let (giv, giv_kana, sex) = *r.pick(GIVEN);
    let (pref, city) = *r.pick(PLACES);
    let (type_id, cert, houbetsu, pref_code, national, disease) = *r.pick(PROGRAMMES);
    // Born 1940..2024, certificate from after birth, valid one year.
    let birth = -10_957 + i32::try_from(r.below(30_600)).unwrap_or(0); // 1940-01-01 + ..
    let from = (birth + 1).max(19_000 + i32::try_from(r.below(1_800)).unwrap_or(0));
    let to = from + 364;
    let insurer = with_luhn(&format!("{houbetsu:02}{pref_code}{:03}", r.below(1000)));
    let recipient = if national {
        with_luhn(&format!("{:06}", r.below(1_000_000)))
    } else {
        format!("{:08}", r.below(100_000_000))
    };
    out.push_str(type_id);
    out.push(',');
    out.push_str(&my_number(i));
    out.push(',');
    out.push_str(fam);
    out.push_str(giv);
    out.push(',');
    out.push_str(fam_kana);
    out.push('　');
    out.push_str(giv_kana);
    out.push(',');
    out.push_str(pref);
    out.push_str(city);
    out.push_str(&format!(
        "{}-{}-{}",
        1 + r.below(9),
        1 + r.below(30),
        1 + r.below(20)
    ));
    if r.below(3) == 0 {
        out.push_str(&format!(
            " コーポ{}{}号室",
            FAMILY[r.below(FAMILY.len() as u64) as usize].0,
            101 + r.below(5) * 100
        ));
    }
    out.push(',');
    push_date(out, birth);
    out.push(',');
    out.push_str(sex);
    out.push(',');
    out.push_str(if r.below(50) == 0 { "1" } else { "0" });
    out.push(',');
    out.push_str(&insurer);
    out.push(',');
    out.push_str(cert);
    out.push(',');
    out.push_str(&recipient);
    out.push_str(",,");
    out.push_str(if national { "1" } else { "" });
    out.push(',');
    if national {
        let level = *r.pick(&["一般", "上位", "低所得1", "低所得2"]);
        out.push_str(level);
    }
    out.push(',');
    if r.below(4) == 0 {
        out.push_str("01-1;02-3");
    }
    out.push(',');
    if national {
        out.push_str(&format!("0110113719 {}", r.pick(HOSPITALS)));
    }
    out.push(',');
    out.push_str(if r.below(10) == 0 { "1" } else { "0" });
    out.push(',');
    // 自己負担上限額: 種別, 負担定義, 負担率（日/月/回）, 金額（日/月/回）, 自己負担上限割合.
    if national {
        out.push_str("月額,,,,,,");
        out.push_str(&format!(
            "{}",
            [2500, 5000, 10000, 20000][r.below(4) as usize]
        ));
        out.push_str(",,");
    } else {
        out.push_str(",,,,,,,,");
    }
    out.push(',');
    push_date(out, from);
    out.push(',');
    push_date(out, to);
    out.push(',');
    out.push_str(&format!("{:07}", r.below(10_000_000)));
    out.push(',');
    out.push_str(disease);
    out.push(',');
    if national {
        let hospital = *r.pick(HOSPITALS);
        out.push_str(hospital);
    }
    out.push_str("\r\n");
}

/// A whole synthetic 全件 file of `rows` rows: UTF-8 BOM, CRLF (for tests; the benchmark
/// streams rows instead).
pub fn full_file(seed: u64, rows: u64) -> String {
    let mut s = String::from("\u{FEFF}");
    s.push_str(FULL_HEADER);
    s.push_str("\r\n");
    for i in 0..rows {
        full_row(seed, i, &mut s);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Layout, Options, check_bytes};

    #[test]
    fn my_numbers_are_valid_and_distinct() {
        let mut seen = std::collections::HashSet::new();
        for n in 0..10_000 {
            let m = my_number(n);
            assert_eq!(
                checkdigit::my_number(&m),
                checkdigit::CheckOutcome::Valid,
                "{m}"
            );
            assert!(seen.insert(m));
        }
    }

    #[test]
    fn synthetic_file_validates_clean() {
        let layout = Layout::full();
        let file = full_file(7, 2000);
        let report = check_bytes(&layout, Options::default(), file.as_bytes());
        let listed: Vec<String> = report
            .diagnostics
            .iter()
            .take(5)
            .map(|d| format!("{:?}", d))
            .collect();
        assert_eq!(report.errors, 0, "{listed:#?}");
        assert_eq!(report.warnings, 0, "{listed:#?}");
        assert_eq!(report.rows, 2000);
    }

    #[test]
    fn deterministic() {
        assert_eq!(full_file(1, 50), full_file(1, 50));
        assert_ne!(full_file(1, 50), full_file(2, 50));
    }
}

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

/// Days of birth dates from 1940-01-01: to 2021-11-10, before the reference date the
/// benchmarks check with (2022-01-01).
const BIRTH_DAYS: u64 = 29_900;

/// The generators' version: files written by an earlier one (a benchmark's cached data) hold
/// other rows and are not reused.
pub const VERSION: u32 = 2;

/// Writes synthetic row `i` (valid for the built-in 全件 layout) as CSV with CRLF into `out`.
pub fn full_row(seed: u64, i: u64, out: &mut String) {
    let mut r = Rng::new(seed ^ i.wrapping_mul(0xA24B_AED4_963E_E407));
    let (fam, fam_kana) = *r.pick(FAMILY);
    let (giv, giv_kana, sex) = *r.pick(GIVEN);
    let (pref, city) = *r.pick(PLACES);
    let (type_id, cert, houbetsu, pref_code, national, disease) = *r.pick(PROGRAMMES);
    // Born 1940..2021 (before the benchmarks' reference date, 2022-01-01: a later birth is
    // R004), certificate from after birth, valid one year.
    let birth = -10_957 + i32::try_from(r.below(BIRTH_DAYS)).unwrap_or(0); // 1940-01-01 + ..
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

/// Surnames of the "realistic variety" file (JIS X 0208 kanji only: no 外字, no 機種依存).
const VARIED_FAMILY: &[(&str, &str)] = &[
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
    ("山崎", "ヤマザキ"),
    ("森", "モリ"),
    ("池田", "イケダ"),
    ("橋本", "ハシモト"),
    ("阿部", "アベ"),
    ("石川", "イシカワ"),
    ("山下", "ヤマシタ"),
    ("中島", "ナカジマ"),
    ("石井", "イシイ"),
    ("小川", "オガワ"),
    ("前田", "マエダ"),
    ("岡田", "オカダ"),
    ("長谷川", "ハセガワ"),
    ("藤田", "フジタ"),
    ("後藤", "ゴトウ"),
    ("近藤", "コンドウ"),
    ("村上", "ムラカミ"),
    ("遠藤", "エンドウ"),
    ("青木", "アオキ"),
    ("坂本", "サカモト"),
    ("斉藤", "サイトウ"),
    ("福田", "フクダ"),
    ("太田", "オオタ"),
    ("西村", "ニシムラ"),
    ("藤井", "フジイ"),
    ("金子", "カネコ"),
    ("岡本", "オカモト"),
    ("藤原", "フジワラ"),
    ("中野", "ナカノ"),
    ("三浦", "ミウラ"),
    ("原田", "ハラダ"),
    ("中川", "ナカガワ"),
    ("松田", "マツダ"),
    ("竹内", "タケウチ"),
    ("小野", "オノ"),
    ("田村", "タムラ"),
    ("中山", "ナカヤマ"),
    ("和田", "ワダ"),
    ("石田", "イシダ"),
    ("上田", "ウエダ"),
    ("勅使河原", "テシガワラ"),
    ("五十嵐", "イガラシ"),
    ("東海林", "ショウジ"),
    ("小鳥遊", "タカナシ"),
];

/// Given names of the "realistic variety" file: (kanji, kana, sex code).
const VARIED_GIVEN: &[(&str, &str, &str)] = &[
    ("太郎", "タロウ", "1"),
    ("翔太", "ショウタ", "1"),
    ("大翔", "ヒロト", "1"),
    ("蓮", "レン", "1"),
    ("健一", "ケンイチ", "1"),
    ("悠真", "ユウマ", "1"),
    ("湊", "ミナト", "1"),
    ("一郎", "イチロウ", "1"),
    ("陽翔", "ハルト", "1"),
    ("樹", "イツキ", "1"),
    ("大和", "ヤマト", "1"),
    ("誠", "マコト", "1"),
    ("浩二", "コウジ", "1"),
    ("隆之介", "リュウノスケ", "1"),
    ("勇気", "ユウキ", "1"),
    ("拓海", "タクミ", "1"),
    ("正雄", "マサオ", "1"),
    ("修", "オサム", "1"),
    ("花子", "ハナコ", "2"),
    ("陽菜", "ヒナ", "2"),
    ("結衣", "ユイ", "2"),
    ("美咲", "ミサキ", "2"),
    ("由美子", "ユミコ", "2"),
    ("さくら", "サクラ", "2"),
    ("葵", "アオイ", "2"),
    ("恵子", "ケイコ", "2"),
    ("凛", "リン", "2"),
    ("芽依", "メイ", "2"),
    ("紬", "ツムギ", "2"),
    ("千代子", "チヨコ", "2"),
    ("美智子", "ミチコ", "2"),
    ("優子", "ユウコ", "2"),
    ("彩花", "アヤカ", "2"),
    ("瑞穂", "ミズホ", "2"),
    ("ひなた", "ヒナタ", "2"),
    ("莉子", "リコ", "2"),
];

/// (prefecture, city and ward) of the "realistic variety" file.
const VARIED_CITIES: &[(&str, &str)] = &[
    ("愛知県", "名古屋市中区"),
    ("愛知県", "豊橋市"),
    ("東京都", "八王子市"),
    ("東京都", "世田谷区"),
    ("東京都", "東久留米市"),
    ("大阪府", "大阪市北区"),
    ("大阪府", "東大阪市"),
    ("北海道", "札幌市中央区"),
    ("北海道", "上川郡東神楽町"),
    ("福岡県", "北九州市小倉北区"),
    ("神奈川県", "横浜市西区"),
    ("神奈川県", "足柄下郡箱根町"),
    ("京都府", "京都市左京区"),
    ("宮城県", "仙台市青葉区"),
    ("広島県", "広島市中区"),
    ("鹿児島県", "熊毛郡屋久島町"),
    ("沖縄県", "島尻郡南大東村"),
    ("長野県", "北佐久郡軽井沢町"),
];

const VARIED_TOWNS: &[&str] = &[
    "栄",
    "本町",
    "元本郷町",
    "梅田",
    "北一条西",
    "みなとみらい",
    "下鴨松ノ木町",
    "一番町",
    "基町",
    "大字宮之浦",
    "字新川",
    "旧軽井沢",
    "桜丘",
    "緑が丘",
    "中央",
    "東雲",
];

const VARIED_BUILDINGS: &[&str] = &[
    "コーポ",
    "メゾン",
    "ハイツ",
    "グランドパレス",
    "市営住宅",
    "サンライズマンション",
    "レジデンス",
    "荘",
];

/// What a planted row of the "realistic variety" file gets wrong, with the code it must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plant {
    /// 個人番号 with a wrong check digit (N001).
    MyNumberCheckDigit,
    /// The previous row again (K001).
    Duplicate,
    /// The previous row's certificate with a period overlapping it (K002).
    Overlap,
    /// 有効期間 ending before it starts (R001).
    Reversed,
    /// 半角カナ in the address (C004).
    HalfWidthKana,
    /// A 機種依存 kanji (髙) in the name (C002).
    VendorChar,
    /// A birth date that is not in the calendar (V004).
    BadDate,
    /// 氏名 missing (V001).
    NoName,
}

impl Plant {
    /// The finding code the row must get (and no other row-level one).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::MyNumberCheckDigit => "N001",
            Self::Duplicate => "K001",
            Self::Overlap => "K002",
            Self::Reversed => "R001",
            Self::HalfWidthKana => "C004",
            Self::VendorChar => "C002",
            Self::BadDate => "V004",
            Self::NoName => "V001",
        }
    }
}

/// The planted mistake of row `i` of the "realistic variety" file: one row in ten.
#[must_use]
pub fn varied_plant(seed: u64, i: u64) -> Option<Plant> {
    let mut r = Rng::new((seed ^ 0x5851_F42D_4C95_7F2D) ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    if r.below(10) != 0 {
        return None;
    }
    let plants = [
        Plant::MyNumberCheckDigit,
        Plant::Duplicate,
        Plant::Overlap,
        Plant::Reversed,
        Plant::HalfWidthKana,
        Plant::VendorChar,
        Plant::BadDate,
        Plant::NoName,
    ];
    let p = *r.pick(&plants);
    // A repeat of the previous row only when that row is a plain one.
    let repeat = matches!(p, Plant::Duplicate | Plant::Overlap);
    if repeat && (i == 0 || varied_plant_raw(seed, i - 1)) {
        return Some(Plant::Reversed);
    }
    Some(p)
}

fn varied_plant_raw(seed: u64, i: u64) -> bool {
    let mut r = Rng::new((seed ^ 0x5851_F42D_4C95_7F2D) ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    r.below(10) == 0
}

/// The valid fields of row `i` of the "realistic variety" file, and its 有効期間開始日 (days).
fn varied_fields(seed: u64, i: u64) -> (Vec<String>, i32) {
    let mut r = Rng::new(seed ^ i.wrapping_mul(0xD6E8_FEB8_6659_FD93));
    let (fam, fam_kana) = *r.pick(VARIED_FAMILY);
    let (giv, giv_kana, sex) = *r.pick(VARIED_GIVEN);
    let (pref, city) = *r.pick(VARIED_CITIES);
    let town = *r.pick(VARIED_TOWNS);
    let (type_id, cert, houbetsu, pref_code, national, disease) = *r.pick(PROGRAMMES);
    let birth = -10_957 + i32::try_from(r.below(BIRTH_DAYS)).unwrap_or(0);
    let from = (birth + 1).max(19_000 + i32::try_from(r.below(1_800)).unwrap_or(0));
    let to = from + 364;
    let day =
        |d: i32| crate::domain::date::Ymd::from_days(d).map_or_else(String::new, |d| d.to_string());
    let mut address = format!("{pref}{city}{town}");
    match r.below(3) {
        0 => address.push_str(&format!(
            "{}丁目{}番{}号",
            ["一", "二", "三", "四", "五", "六", "七", "八", "九"][r.below(9) as usize],
            1 + r.below(40),
            1 + r.below(30)
        )),
        1 => address.push_str(&format!("{}-{}", 1 + r.below(2000), 1 + r.below(50))),
        _ => address.push_str(&format!(
            "{}－{}－{}",
            1 + r.below(9),
            1 + r.below(30),
            1 + r.below(20)
        )),
    }
    if r.below(5) < 2 {
        let building = *r.pick(VARIED_BUILDINGS);
        let owner = r.pick(VARIED_FAMILY).0;
        address.push_str(&format!(
            " {owner}{building}{}号室",
            101 + r.below(12) * 100
        ));
    }
    let insurer = with_luhn(&format!("{houbetsu:02}{pref_code}{:03}", r.below(1000)));
    let recipient = if national {
        with_luhn(&format!("{:06}", r.below(1_000_000)))
    } else {
        format!("{:08}", r.below(100_000_000))
    };
    let level = if national {
        (*r.pick(&["一般", "上位", "低所得1", "低所得2"])).to_owned()
    } else {
        String::new()
    };
    let fields = vec![
        type_id.to_owned(),
        my_number(i),
        format!("{fam}{giv}"),
        format!("{fam_kana}　{giv_kana}"),
        address,
        day(birth),
        sex.to_owned(),
        (if r.below(50) == 0 { "1" } else { "0" }).to_owned(),
        insurer,
        cert.to_owned(),
        recipient,
        String::new(),
        (if national { "1" } else { "" }).to_owned(),
        level,
        (if r.below(4) == 0 { "01-1;02-3" } else { "" }).to_owned(),
        if national {
            format!("0110113719 {}", r.pick(HOSPITALS))
        } else {
            String::new()
        },
        (if r.below(10) == 0 { "1" } else { "0" }).to_owned(),
        // 自己負担上限額: 種別, 負担定義, 負担率（日/月/回）, 金額（日/月/回）, 自己負担上限割合,
        // as `full_row` writes them.
        (if national { "月額" } else { "" }).to_owned(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        if national {
            [2500, 5000, 10000, 20000][r.below(4) as usize].to_string()
        } else {
            String::new()
        },
        String::new(),
        String::new(),
        day(from),
        day(to),
        format!("{:07}", r.below(10_000_000)),
        disease.to_owned(),
        if national {
            (*r.pick(HOSPITALS)).to_owned()
        } else {
            String::new()
        },
    ];
    (fields, from)
}

/// Writes row `i` of the "realistic variety" 全件 file (CSV, CRLF) into `out`: names from 64
/// surnames and 36 given names (JIS X 0208 only), addresses of varying length and form, and one
/// row in ten with one planted mistake ([`varied_plant`]).
pub fn varied_row(seed: u64, i: u64, out: &mut String) {
    // 有効期間開始日 and 有効期間終了日 in `FULL_HEADER` (checked by a test).
    const VALID_FROM: usize = 26;
    const VALID_TO: usize = 27;
    let plant = varied_plant(seed, i);
    let (mut f, from) = match plant {
        Some(Plant::Duplicate | Plant::Overlap) => varied_fields(seed, i - 1),
        _ => varied_fields(seed, i),
    };
    let day =
        |d: i32| crate::domain::date::Ymd::from_days(d).map_or_else(String::new, |d| d.to_string());
    match plant {
        None | Some(Plant::Duplicate) => {}
        Some(Plant::MyNumberCheckDigit) => {
            let last = if f[1].ends_with('0') { '1' } else { '0' };
            f[1].pop();
            f[1].push(last);
        }
        Some(Plant::Overlap) => {
            f[VALID_FROM] = day(from + 100);
            f[VALID_TO] = day(from + 464);
        }
        Some(Plant::Reversed) => {
            f[VALID_TO] = day(from - 1);
            // Still born before the start.
            f[5] = day(from - 4000);
        }
        Some(Plant::HalfWidthKana) => f[4].push_str(" ｺｰﾎﾟ"),
        Some(Plant::VendorChar) => f[2] = f[2].replacen("高", "髙", 1),
        Some(Plant::BadDate) => f[5] = "2013-02-30".to_owned(),
        Some(Plant::NoName) => f[2].clear(),
    }
    if plant == Some(Plant::VendorChar) && !f[2].contains('髙') {
        f[2].insert(0, '髙');
    }
    out.push_str(&f.join(","));
    out.push_str("\r\n");
}

/// A whole "realistic variety" file of `rows` rows: UTF-8 BOM, CRLF.
pub fn varied_file(seed: u64, rows: u64) -> String {
    let mut s = String::from("\u{FEFF}");
    s.push_str(FULL_HEADER);
    s.push_str("\r\n");
    for i in 0..rows {
        varied_row(seed, i, &mut s);
    }
    s
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

    /// The "realistic variety" file: exactly the planted rows have row findings, each its
    /// planted code, about one in ten.
    #[test]
    fn varied_file_has_exactly_the_planted_findings() {
        // `varied_row` plants periods at these columns.
        let header: Vec<&str> = FULL_HEADER.split(',').collect();
        assert_eq!(
            (header[26], header[27]),
            ("有効期間開始日", "有効期間終了日")
        );
        let layout = Layout::full();
        let rows = 3000;
        let file = varied_file(11, rows);
        let opts = Options {
            max_diagnostics: usize::MAX,
            ..Options::default()
        };
        let report = check_bytes(&layout, opts, file.as_bytes());
        assert_eq!(report.rows, rows);
        let mut got: std::collections::BTreeMap<u32, std::collections::BTreeSet<&str>> =
            std::collections::BTreeMap::new();
        for d in &report.diagnostics {
            if let Some(row) = d.row {
                got.entry(row).or_default().insert(d.code.as_str());
            }
        }
        let mut want = std::collections::BTreeMap::new();
        let mut kinds = std::collections::BTreeSet::new();
        for i in 0..rows {
            if let Some(p) = varied_plant(11, i) {
                want.insert(i as u32 + 2, std::collections::BTreeSet::from([p.code()]));
                kinds.insert(p.code());
            }
        }
        assert_eq!(got, want);
        assert_eq!(kinds.len(), 8, "{kinds:?}");
        assert!((250..350).contains(&want.len()), "{} planted", want.len());
    }

    #[test]
    fn deterministic() {
        assert_eq!(full_file(1, 50), full_file(1, 50));
        assert_ne!(full_file(1, 50), full_file(2, 50));
    }
}

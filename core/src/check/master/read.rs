//! Reading the master CSV files into [`Masters`]: encoding, header, one definition per row,
//! every problem a [`MasterError`] with file, line and column.

use super::MasterColumn as Col;
use super::*;
use MasterProblem as P;

/// Parses one master CSV into `m` (a copy the caller throws away on error): its encoding, or
/// every problem found (at most [`MAX_ERRORS`] listed).
pub(super) fn load(
    m: &mut Masters,
    bytes: &[u8],
    source: &str,
) -> Result<TextEncoding, ConfigError> {
    let (text, encoding) = decode(bytes, source)?;
    let rows = read_rows(&text, source)?;
    let mut loader = Loader::new(m, source);
    loader.rows(&rows);
    let Loader {
        errors,
        total_errors,
        added,
        ..
    } = loader;
    if !errors.is_empty() {
        return Err(combine(source, errors, total_errors));
    }
    if added == 0 {
        return Err(MasterError::file(source, P::NoDefinitions).into());
    }
    Ok(encoding)
}

fn decode(bytes: &[u8], source: &str) -> Result<(Vec<u8>, TextEncoding), MasterError> {
    let mut d = Decoder::new();
    let mut out = Vec::with_capacity(bytes.len());
    d.push(bytes, &mut out);
    d.finish(&mut out);
    if let Some(why) = d.encoding().refusal(d.failure()) {
        return Err(MasterError::file(source, P::Encoding { why }));
    }
    Ok((out, d.encoding()))
}

struct Row {
    line: u64,
    cells: Vec<String>,
}

fn read_rows(text: &[u8], source: &str) -> Result<Vec<Row>, ConfigError> {
    let delimiter = detect_delimiter(text);
    let mut reader = RecordReader::new(delimiter);
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut total = 0usize;
    let mut f = |ev: Event<'_>| {
        let Event::Record(rec) = ev else { return };
        let mut problem = None;
        if !rec.quotes_balanced {
            problem = Some(MasterError::at_line(source, rec.line, P::UnclosedQuote));
        }
        let mut cells = Vec::with_capacity(rec.len());
        for i in 0..rec.len() {
            match std::str::from_utf8(rec.field(i)) {
                Ok(s) if !s.contains('\u{FFFD}') => cells.push(s.to_owned()),
                _ => {
                    problem.get_or_insert_with(|| MasterError {
                        cell: Some(MasterCell::Number(i + 1)),
                        ..MasterError::at_line(source, rec.line, P::Mojibake)
                    });
                    cells.push(String::new());
                }
            }
        }
        match problem {
            Some(e) => {
                total += 1;
                if errors.len() < MAX_ERRORS {
                    errors.push(e);
                }
            }
            None => rows.push(Row {
                line: rec.line,
                cells,
            }),
        }
    };
    reader.feed(text, &mut f);
    reader.finish(&mut f);
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(combine(source, errors, total))
    }
}

/// Tab when the first line that is not blank or a comment has tabs and no commas.
fn detect_delimiter(text: &[u8]) -> u8 {
    for line in text.split(|&b| b == b'\n') {
        let t = line.trim_ascii();
        if t.is_empty() || t.starts_with(b"#") || t.starts_with("＃".as_bytes()) {
            continue;
        }
        return if t.contains(&b'\t') && !t.contains(&b',') {
            b'\t'
        } else {
            b','
        };
    }
    b','
}

fn cell_trim(s: &str) -> &str {
    s.trim_matches(is_edge_space)
}

fn is_skipped(cells: &[String]) -> bool {
    let first = cells.first().map_or("", |c| cell_trim(c));
    first.starts_with('#')
        || first.starts_with('＃')
        || cells.iter().all(|c| cell_trim(c).is_empty())
}

impl Col {
    /// Every column, in the template's order.
    pub const ALL: [Col; 10] = [
        Col::Kind,
        Col::TypeId,
        Col::Code,
        Col::Name,
        Col::Insurer,
        Col::Houbetsu,
        Col::RecipientCheck,
        Col::ItemCode,
        Col::ItemName,
        Col::Note,
    ];

    const fn idx(self) -> usize {
        self as usize
    }

    /// The header spellings accepted for the column: the Japanese name first, the English
    /// name second, then aliases.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Col::Kind => &["種類", "kind"],
            Col::TypeId => &[
                "機関別受給者証種別ID",
                "certificate_type_id",
                "orgSpecificCertificateTypeId",
                "受給者証種別ID",
            ],
            Col::Code => &["コード", "code"],
            Col::Name => &["名称", "name"],
            Col::Insurer => &[
                "公費負担者番号",
                "insurer_number",
                "medicalSubsidyInsurerNumber",
                "負担者番号",
            ],
            Col::Houbetsu => &["法別番号", "houbetsu", "法別"],
            Col::RecipientCheck => &["受給者番号検証", "recipient_check", "公費受給者番号検証"],
            Col::ItemCode => &["項目コード", "item_code"],
            Col::ItemName => &["項目名", "item_name"],
            Col::Note => &["備考", "note", "notes", "comment", "remarks", "メモ"],
        }
    }

    fn parse(header: &str) -> Option<Col> {
        let f = fold(header);
        Col::ALL
            .into_iter()
            .find(|c| c.names().iter().any(|n| fold(n) == f))
    }

    /// Whether rows of `kind` may fill the column.
    fn used_by(self, kind: Kind) -> bool {
        match self {
            Col::Kind | Col::TypeId | Col::Name | Col::Note => true,
            Col::Code => true, // 受給者証種別: blank or the same ID (checked separately)
            Col::Insurer | Col::Houbetsu | Col::RecipientCheck => kind == Kind::CertificateType,
            Col::ItemCode | Col::ItemName => kind == Kind::Condition,
        }
    }
}

/// Header information of one file.
struct Header {
    /// Column index of each [`Col`].
    index: [Option<usize>; 10],
    /// Header cells as written.
    names: Vec<String>,
    /// Columns with an empty header.
    unnamed: Vec<usize>,
}

/// Definitions by (kind, code key): the scopes and places they were defined with.
type Seen = HashMap<(Kind, String), Vec<(Option<String>, Place)>>;

struct Loader<'m> {
    m: &'m mut Masters,
    source: &'m str,
    errors: Vec<MasterError>,
    total_errors: usize,
    added: usize,
    /// Existing entries by key, for duplicate detection: (kind, code key) → places and scopes.
    seen: Seen,
    /// 追加条件 item names: (scope, item) → (name, place).
    item_names: HashMap<(Option<String>, String), (String, Place)>,
}

impl MasterError {
    /// A problem of the whole file.
    fn file(source: &str, problem: MasterProblem) -> Self {
        MasterError {
            file: source.to_owned(),
            line: None,
            cell: None,
            problem: Box::new(problem),
        }
    }

    /// A problem of one line.
    fn at_line(source: &str, line: u64, problem: MasterProblem) -> Self {
        MasterError {
            line: Some(line),
            ..MasterError::file(source, problem)
        }
    }
}

impl<'m> Loader<'m> {
    fn new(m: &'m mut Masters, source: &'m str) -> Self {
        let mut seen = Seen::new();
        for e in &m.segments {
            seen.entry((Kind::Segment, e.code.clone()))
                .or_default()
                .push((e.scope.clone(), e.at.clone()));
        }
        for e in &m.income_segments {
            seen.entry((Kind::IncomeSegment, e.code.clone()))
                .or_default()
                .push((e.scope.clone(), e.at.clone()));
        }
        let mut item_names = HashMap::new();
        for e in &m.conditions {
            seen.entry((Kind::Condition, condition_key(&e.item, &e.code)))
                .or_default()
                .push((e.scope.clone(), e.at.clone()));
            if !e.item_name.is_empty() {
                item_names
                    .entry((e.scope.clone(), e.item.clone()))
                    .or_insert_with(|| (e.item_name.clone(), e.at.clone()));
            }
        }
        Self {
            m,
            source,
            errors: Vec::new(),
            total_errors: 0,
            added: 0,
            seen,
            item_names,
        }
    }

    fn error(&mut self, e: MasterError) {
        self.total_errors += 1;
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(e);
        }
    }

    fn rows(&mut self, rows: &[Row]) {
        let mut rows = rows.iter().filter(|r| !is_skipped(&r.cells));
        let Some(header_row) = rows.next() else {
            self.error(MasterError::file(self.source, P::Empty));
            return;
        };
        let Some(header) = self.header(header_row) else {
            return;
        };
        for row in rows {
            if let Err(e) = self.row(&header, row) {
                self.error(e);
            }
        }
    }

    fn header(&mut self, row: &Row) -> Option<Header> {
        let source = self.source;
        let mut h = Header {
            index: [None; 10],
            names: row.cells.iter().map(|c| cell_trim(c).to_owned()).collect(),
            unnamed: Vec::new(),
        };
        let mut ok = true;
        for (i, name) in h.names.iter().enumerate() {
            if name.is_empty() {
                h.unnamed.push(i);
                continue;
            }
            match Col::parse(name) {
                Some(col) => {
                    if let Some(prev) = h.index[col.idx()] {
                        ok = false;
                        let e = MasterError {
                            cell: Some(MasterCell::At {
                                number: i + 1,
                                header: name.clone(),
                            }),
                            ..MasterError::at_line(
                                source,
                                row.line,
                                P::DuplicateColumn {
                                    column: col,
                                    first: prev + 1,
                                    first_header: h.names[prev].clone(),
                                },
                            )
                        };
                        self.error(e);
                    } else {
                        h.index[col.idx()] = Some(i);
                    }
                }
                None => {
                    ok = false;
                    self.error(MasterError {
                        cell: Some(MasterCell::At {
                            number: i + 1,
                            header: name.clone(),
                        }),
                        ..MasterError::at_line(source, row.line, P::UnknownColumn)
                    });
                }
            }
        }
        if h.index[Col::Kind.idx()].is_none() {
            ok = false;
            self.error(MasterError::at_line(source, row.line, P::NoKindColumn));
        }
        ok.then_some(h)
    }

    fn row(&mut self, h: &Header, row: &Row) -> Result<(), MasterError> {
        let ctx = Ctx {
            source: self.source,
            line: row.line,
            header: h,
            cells: &row.cells,
        };
        // Values outside the named columns.
        for (i, c) in row.cells.iter().enumerate() {
            let v = cell_trim(c);
            if v.is_empty() || (i < h.names.len() && !h.unnamed.contains(&i)) {
                continue;
            }
            return Err(ctx.err_index(
                i,
                P::ValueWithoutHeader {
                    value: v.to_owned(),
                },
            ));
        }
        let kind_cell = ctx.get(Col::Kind);
        let Some(kind) = Kind::parse(kind_cell) else {
            return Err(if kind_cell.is_empty() {
                ctx.err(Col::Kind, P::KindEmpty)
            } else {
                ctx.err(
                    Col::Kind,
                    P::KindUnknown {
                        value: kind_cell.to_owned(),
                    },
                )
            });
        };
        for col in Col::ALL {
            let v = ctx.get(col);
            if !v.is_empty() && !col.used_by(kind) {
                return Err(ctx.err(
                    col,
                    P::ColumnNotUsed {
                        kind,
                        value: v.to_owned(),
                    },
                ));
            }
        }
        let at = Place {
            source: self.source.to_owned(),
            line: row.line,
        };
        match kind {
            Kind::CertificateType => self.certificate_type(&ctx, at),
            Kind::Segment | Kind::IncomeSegment => self.code(&ctx, kind, at),
            Kind::Condition => self.condition(&ctx, at),
        }
    }

    fn certificate_type(&mut self, ctx: &Ctx<'_>, at: Place) -> Result<(), MasterError> {
        let id = ctx.require(Col::TypeId, Kind::CertificateType)?;
        check_alnum(ctx, Col::TypeId, id)?;
        let code = ctx.get(Col::Code);
        if !code.is_empty() && code != id {
            return Err(ctx.err(
                Col::Code,
                P::CodeInTypeRow {
                    id: id.to_owned(),
                    value: code.to_owned(),
                },
            ));
        }
        let mut numbers: Vec<String> = Vec::new();
        for n in split_list(ctx.get(Col::Insurer)) {
            if !(n.len() == 8 && n.bytes().all(|b| b.is_ascii_digit())) {
                return Err(ctx.err(
                    Col::Insurer,
                    P::InsurerNumberFormat {
                        value: n.to_owned(),
                        halfwidth: halfwidth_hint(n, |s| {
                            s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit())
                        }),
                    },
                ));
            }
            if numbers.iter().any(|x| x == n) {
                return Err(ctx.err(
                    Col::Insurer,
                    P::InsurerNumberTwice {
                        value: n.to_owned(),
                    },
                ));
            }
            numbers.push(n.to_owned());
        }
        let mut houbetsu: Vec<String> = Vec::new();
        for h in split_list(ctx.get(Col::Houbetsu)) {
            let two_digits = h.len() == 2 && h.bytes().all(|b| b.is_ascii_digit());
            if !two_digits || h.starts_with('0') {
                return Err(ctx.err(
                    Col::Houbetsu,
                    P::HoubetsuFormat {
                        value: h.to_owned(),
                        health_insurance: two_digits,
                        halfwidth: halfwidth_hint(h, |s| {
                            s.len() == 2
                                && s.bytes().all(|b| b.is_ascii_digit())
                                && !s.starts_with('0')
                        }),
                    },
                ));
            }
            if houbetsu.iter().any(|x| x == h) {
                return Err(ctx.err(
                    Col::Houbetsu,
                    P::HoubetsuTwice {
                        value: h.to_owned(),
                    },
                ));
            }
            houbetsu.push(h.to_owned());
        }
        if !houbetsu.is_empty()
            && let Some(n) = numbers
                .iter()
                .find(|n| !houbetsu.iter().any(|h| n.starts_with(h.as_str())))
        {
            return Err(ctx.err(
                Col::Insurer,
                P::InsurerNotInHoubetsu {
                    number: n.clone(),
                    houbetsu: houbetsu.clone(),
                },
            ));
        }
        let check_cell = ctx.get(Col::RecipientCheck);
        let recipient_check_digit = if check_cell.is_empty() {
            let codes: Vec<&str> = if houbetsu.is_empty() {
                numbers.iter().map(|n| &n[..2]).collect()
            } else {
                houbetsu.iter().map(String::as_str).collect()
            };
            // Nothing to go by: the row's own 公費負担者番号 decides (a type defined by its
            // id alone must not switch the national check digit off).
            (!codes.is_empty()).then(|| {
                codes
                    .iter()
                    .all(|c| c.parse::<u8>().is_ok_and(tables::is_national_houbetsu))
            })
        } else {
            Some(parse_yes_no(check_cell).ok_or_else(|| {
                ctx.err(
                    Col::RecipientCheck,
                    P::RecipientCheckValue {
                        value: check_cell.to_owned(),
                    },
                )
            })?)
        };
        if let Some(prev) = self.m.types.get(id) {
            return Err(ctx.err(
                Col::TypeId,
                P::TypeDefinedTwice {
                    id: id.to_owned(),
                    first: prev.defined_at.clone(),
                },
            ));
        }
        self.m.types.insert(
            id.to_owned(),
            CertificateType {
                id: id.to_owned(),
                name: ctx.get(Col::Name).to_owned(),
                insurer_numbers: numbers,
                houbetsu,
                recipient_check_digit,
                defined_at: at,
            },
        );
        self.added += 1;
        Ok(())
    }

    fn code(&mut self, ctx: &Ctx<'_>, kind: Kind, at: Place) -> Result<(), MasterError> {
        let code = ctx.require(Col::Code, kind)?;
        if code.chars().count() > CODE_MAX_CHARS || code.chars().any(char::is_control) {
            return Err(ctx.err(
                Col::Code,
                P::CodeNotUsable {
                    code: code.to_owned(),
                },
            ));
        }
        for scope in scopes(ctx)? {
            self.not_seen(ctx, Col::Code, kind, code.to_owned(), code, &scope)?;
            let entry = CodeEntry {
                scope,
                code: code.to_owned(),
                name: ctx.get(Col::Name).to_owned(),
                at: at.clone(),
            };
            self.seen
                .entry((kind, code.to_owned()))
                .or_default()
                .push((entry.scope.clone(), at.clone()));
            if kind == Kind::Segment {
                self.m.segments.push(entry);
            } else {
                self.m.income_segments.push(entry);
            }
            self.added += 1;
        }
        Ok(())
    }

    fn condition(&mut self, ctx: &Ctx<'_>, at: Place) -> Result<(), MasterError> {
        let item = ctx.require(Col::ItemCode, Kind::Condition)?;
        check_alnum(ctx, Col::ItemCode, item)?;
        let code = ctx.require(Col::Code, Kind::Condition)?;
        check_alnum(ctx, Col::Code, code)?;
        let item_name = ctx.get(Col::ItemName);
        for scope in scopes(ctx)? {
            let key = condition_key(item, code);
            self.not_seen(
                ctx,
                Col::Code,
                Kind::Condition,
                key.clone(),
                &format!("{item}-{code}"),
                &scope,
            )?;
            if !item_name.is_empty() {
                let k = (scope.clone(), item.to_owned());
                match self.item_names.get(&k) {
                    Some((name, p)) if name != item_name => {
                        return Err(ctx.err(
                            Col::ItemName,
                            P::ItemNameDiffers {
                                item: item.to_owned(),
                                name: item_name.to_owned(),
                                first_name: name.clone(),
                                first: p.clone(),
                            },
                        ));
                    }
                    Some(_) => {}
                    None => {
                        self.item_names
                            .insert(k, (item_name.to_owned(), at.clone()));
                    }
                }
            }
            self.seen
                .entry((Kind::Condition, key))
                .or_default()
                .push((scope.clone(), at.clone()));
            self.m.conditions.push(ConditionEntry {
                scope,
                item: item.to_owned(),
                item_name: item_name.to_owned(),
                code: code.to_owned(),
                name: ctx.get(Col::Name).to_owned(),
                at: at.clone(),
            });
            self.added += 1;
        }
        Ok(())
    }

    /// Error if `key` of `kind` is already defined for an overlapping scope.
    fn not_seen(
        &self,
        ctx: &Ctx<'_>,
        col: Col,
        kind: Kind,
        key: String,
        shown: &str,
        scope: &Option<String>,
    ) -> Result<(), MasterError> {
        let Some(prev) = self.seen.get(&(kind, key)) else {
            return Ok(());
        };
        let Some((prev_scope, p)) = prev
            .iter()
            .find(|(s, _)| s.is_none() || scope.is_none() || s == scope)
        else {
            return Ok(());
        };
        Err(ctx.err(
            col,
            P::AlreadyDefined {
                kind,
                value: shown.to_owned(),
                scope: scope.clone(),
                first: p.clone(),
                first_scope: prev_scope.clone(),
            },
        ))
    }
}

fn condition_key(item: &str, code: &str) -> String {
    format!("{item}-{code}")
}

/// One data row being read, for cell access and messages naming file, line and column.
struct Ctx<'r> {
    source: &'r str,
    line: u64,
    header: &'r Header,
    cells: &'r [String],
}

impl<'r> Ctx<'r> {
    /// The trimmed cell of `col` (`""` when the column or the cell is absent).
    fn get(&self, col: Col) -> &'r str {
        self.header.index[col.idx()]
            .and_then(|i| self.cells.get(i))
            .map_or("", |c| cell_trim(c))
    }

    /// The cell of a column the row's kind needs: error if the column is missing or empty.
    fn require(&self, col: Col, kind: Kind) -> Result<&'r str, MasterError> {
        if self.header.index[col.idx()].is_none() {
            return Err(MasterError::at_line(
                self.source,
                self.line,
                P::RequiredColumnMissing { column: col, kind },
            ));
        }
        let v = self.get(col);
        if v.is_empty() {
            return Err(self.err(col, P::ValueRequired { kind }));
        }
        Ok(v)
    }

    fn err(&self, col: Col, problem: MasterProblem) -> MasterError {
        match self.header.index[col.idx()] {
            Some(i) => self.err_index(i, problem),
            None => MasterError {
                cell: Some(MasterCell::Missing(col)),
                ..MasterError::at_line(self.source, self.line, problem)
            },
        }
    }

    fn err_index(&self, i: usize, problem: MasterProblem) -> MasterError {
        let header = self.header.names.get(i).cloned().unwrap_or_default();
        MasterError {
            cell: Some(MasterCell::At {
                number: i + 1,
                header,
            }),
            ..MasterError::at_line(self.source, self.line, problem)
        }
    }
}

/// The scopes of a 区分 / 所得区分 / 追加条件 row: `[None]` when unscoped.
fn scopes(ctx: &Ctx<'_>) -> Result<Vec<Option<String>>, MasterError> {
    let cell = ctx.get(Col::TypeId);
    if cell.is_empty() {
        return Ok(vec![None]);
    }
    let mut out: Vec<Option<String>> = Vec::new();
    for id in split_list(cell) {
        check_alnum(ctx, Col::TypeId, id)?;
        if out.iter().any(|s| s.as_deref() == Some(id)) {
            return Err(ctx.err(Col::TypeId, P::TypeIdTwice { id: id.to_owned() }));
        }
        out.push(Some(id.to_owned()));
    }
    if out.is_empty() {
        return Err(ctx.err(
            Col::TypeId,
            P::NoTypeId {
                value: cell.to_owned(),
            },
        ));
    }
    Ok(out)
}

/// Values of a list cell: separated by `;` (also `；`, `、`, `,`), each trimmed.
fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split([';', '；', '、', ','])
        .map(cell_trim)
        .filter(|p| !p.is_empty())
}

/// 半角英数 ≤50 (IDs, 追加条件 codes).
fn check_alnum(ctx: &Ctx<'_>, col: Col, v: &str) -> Result<(), MasterError> {
    if is_alnum_id(v) {
        return Ok(());
    }
    Err(ctx.err(
        col,
        P::NotAlnum {
            value: v.to_owned(),
            halfwidth: halfwidth_hint(v, is_alnum_id),
        },
    ))
}

/// The half-width spelling when narrowing full-width letters and digits makes `v` valid.
fn halfwidth_hint(v: &str, valid: impl Fn(&str) -> bool) -> Option<String> {
    let narrow = fullwidth_alnum_to_halfwidth(v);
    (narrow != v && valid(&narrow)).then_some(narrow)
}

fn parse_yes_no(s: &str) -> Option<bool> {
    const YES: [&str; 12] = [
        "する",
        "はい",
        "あり",
        "有",
        "要",
        "○",
        "〇",
        "yes",
        "y",
        "true",
        "1",
        "検証する",
    ];
    const NO: [&str; 12] = [
        "しない",
        "いいえ",
        "なし",
        "無",
        "不要",
        "×",
        "-",
        "no",
        "n",
        "false",
        "0",
        "検証しない",
    ];
    let f = fold(s);
    if YES.iter().any(|y| fold(y) == f) {
        Some(true)
    } else if NO.iter().any(|n| fold(n) == f) {
        Some(false)
    } else {
        None
    }
}

/// The header row the template and the docs use.
pub const HEADER: &str = "種類,機関別受給者証種別ID,コード,名称,公費負担者番号,法別番号,受給者番号検証,項目コード,項目名,備考";

/// Template text (without BOM; [`Masters::template`] adds it and CRLF line ends).
pub(super) const TEMPLATE: &str = "\
# pmhcsv 制度マスタ（municipality master）テンプレート。「#」で始まる行はコメントで、読み飛ばされます。
# 1行に1つの定義を書きます。種類: 受給者証種別 / 区分 / 所得区分 / 追加条件（英語: certificate_type / segment / income_segment / condition）。
# 受給者証種別: 機関別受給者証種別ID（半角英数50文字以内）・名称（受給者証名）・公費負担者番号（半角数字8桁）または法別番号（2桁）・受給者番号検証（する/しない。空欄は法別が国の制度なら する）。
# 区分・所得区分: コードと名称。機関別受給者証種別ID を書くとその種別だけ、空欄ならすべての種別で使えます（複数は ; で区切る）。
# 追加条件: 項目コードとコード（どちらも半角英数）が1組。名称はコードの名前、項目名は項目の名前です。
# 公費負担者番号・法別番号が複数あるときは ; で区切ります。備考の列は自由に使えます。Excel ではコードの列を「文字列」にしてください（01 が 1 になります）。
種類,機関別受給者証種別ID,コード,名称,公費負担者番号,法別番号,受給者番号検証,項目コード,項目名,備考
受給者証種別,KODOMO01,,子ども医療費受給者証,88134457,,しない,,,地単：負担者番号で照合
受給者証種別,NANBYO01,,特定医療費(指定難病)受給者証,,54,する,,,国の制度：法別番号で照合
区分,NANBYO01,1,入院,,,,,,NANBYO01 だけで使う区分
区分,NANBYO01,2,外来,,,,,,
所得区分,,一般,一般所得,,,,,,すべての種別で使う所得区分
所得区分,,低所得,低所得,,,,,,
追加条件,NANBYO01,1,該当,,,,01,人工呼吸器等装着,
追加条件,NANBYO01,0,非該当,,,,01,人工呼吸器等装着,
追加条件,NANBYO01,3,高額かつ長期,,,,02,負担上限の特例,
";

//! Today's 全件 file against the one uploaded last time (`--previous`): which certificates are
//! new, changed (and in which fields), unchanged, and which PMH will delete because they are
//! missing — the guard against a truncated export.
//!
//! Keys, the refusal of unusable snapshots and the passes are `diff`'s own ([`Keys`],
//! [`usable`], [`scan`], [`reread`]): a certificate is what `diff` calls a certificate, and a
//! snapshot `diff` refuses is refused here for the same reason. The unit compared is the
//! **certificate** (the layout's `keys.certificate`), because PMH deletes certificates: a
//! certificate is removed only when none of its rows is left.
//!
//! Memory: 40 bytes per row between the passes, plus one fingerprint per field of the rows
//! that changed. The result holds row numbers and field indices, never values.

use std::collections::HashMap;

use super::run::{Keys, reread, scan, usable};
use super::*;

/// One certificate in one snapshot: its sheet rows (header = 1), in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRows {
    /// Sheet rows of the certificate's history rows.
    pub rows: Vec<u32>,
}

/// A certificate in both snapshots whose rows differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedCertificate {
    /// Its rows in the previous file.
    pub previous_rows: Vec<u32>,
    /// Its rows in the current file.
    pub current_rows: Vec<u32>,
    /// Indices of the full layout's fields whose value changed, ascending.
    pub fields: Vec<usize>,
    /// A 券面項目 (column after the fixed ones) changed.
    pub details: bool,
    /// The certificate has more or fewer history rows than before.
    pub history_rows: bool,
}

/// The comparison of two 全件 snapshots ([`compare()`]). Counts are of certificates.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The check of the previous file.
    pub previous: Report,
    /// The check of the current file.
    pub current: Report,
    /// Certificates in the previous file.
    pub previous_certificates: u64,
    /// Certificates in the current file.
    pub current_certificates: u64,
    /// Certificates only in the current file (registrations), by first row.
    pub added: Vec<CertificateRows>,
    /// Certificates in both whose rows differ, by first current row.
    pub changed: Vec<ChangedCertificate>,
    /// Certificates whose rows are the same (in any order, any encoding, any column order).
    pub unchanged: u64,
    /// Certificates only in the previous file: PMH deletes them, by first previous row.
    pub removed: Vec<CertificateRows>,
    /// Rows without a certificate key (they cannot be followed), as `diff` reports them.
    pub issues: Vec<DiffIssue>,
}

impl Comparison {
    /// Nothing to upload: no certificate added, changed or removed.
    pub fn unchanged_all(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }

    /// Removals within `limit` (the same rule as `diff`'s deletion guard).
    pub fn removals_allowed(&self, limit: DeletionLimit) -> bool {
        limit.allows(self.removed.len() as u64, self.previous_certificates)
    }
}

/// One keyed row between the passes.
#[derive(Debug, Clone, Copy)]
struct Keyed {
    cert: u128,
    unit: u128,
    content: u64,
    row: u32,
}

/// A pair of rows (previous, current) whose fields are compared in the last passes, and the
/// changed certificate it belongs to.
#[derive(Debug, Clone, Copy)]
struct Pair {
    previous: u32,
    current: u32,
    changed: usize,
}

/// Compares the current 全件 snapshot with the previous one, certificate by certificate.
/// `opts` are the checks applied while reading (the mapping, masters); output and repairs are
/// off. Each snapshot is read twice.
///
/// # Errors
/// [`DiffError::UnusableSnapshot`] (previous = [`Side::From`], current = [`Side::To`]) for an
/// empty, header-only or unkeyable snapshot, exactly as `diff` refuses it;
/// [`DiffError::NoCertificateKey`] for a layout without certificate key; [`DiffError::Io`] and
/// [`DiffError::Changed`] when a file cannot be read or changes between the passes.
pub fn compare(
    full: &Layout,
    opts: &Options,
    previous: &mut dyn Snapshot,
    current: &mut dyn Snapshot,
) -> Result<Comparison, DiffError> {
    let row_key = if full.key_index().valid_from.is_some() {
        RowKey::Period
    } else {
        RowKey::Certificate
    };
    let keys = Keys::new(full, row_key)?;
    let mut check_opts = opts.clone();
    check_opts.output = None;
    check_opts.repair = false;
    check_opts.kind = crate::check::InputKind::Upload;
    // [`usable`] finds a missing key column among the kept findings: header findings come
    // first, so a list of this length always holds them, whatever the caller's limit.
    check_opts.max_diagnostics = check_opts.max_diagnostics.max(1000);
    let mut issues = Vec::new();

    let read = |snap: &mut dyn Snapshot, side, issues: &mut Vec<DiffIssue>| {
        let mut v: Vec<Keyed> = Vec::new();
        let (report, visited, kept) =
            scan(&keys, &check_opts, snap, side, issues, &mut |f, row| {
                if let Some(unit) = f.unit {
                    v.push(Keyed {
                        cert: f.cert,
                        unit,
                        content: f.content,
                        row,
                    });
                }
            })?;
        usable(&keys, side, &report, kept)?;
        v.sort_unstable_by_key(|e| (e.cert, e.unit, e.row));
        Ok::<_, DiffError>((report, v, visited))
    };
    let (prev_report, p, p_visited) = read(previous, Side::From, &mut issues)?;
    let (cur_report, c, c_visited) = read(current, Side::To, &mut issues)?;

    let groups = |v: &[Keyed]| v.chunk_by(|a, b| a.cert == b.cert).count() as u64;
    let mut out = Comparison {
        previous_certificates: groups(&p),
        current_certificates: groups(&c),
        previous: prev_report,
        current: cur_report,
        added: Vec::new(),
        changed: Vec::new(),
        unchanged: 0,
        removed: Vec::new(),
        issues,
    };
    let rows_of = |g: &[Keyed]| {
        let mut rows: Vec<u32> = g.iter().map(|e| e.row).collect();
        rows.sort_unstable();
        CertificateRows { rows }
    };
    let mut pairs: Vec<Pair> = Vec::new();
    let mut pg = p.chunk_by(|a, b| a.cert == b.cert).peekable();
    let mut cg = c.chunk_by(|a, b| a.cert == b.cert).peekable();
    loop {
        let order = match (pg.peek(), cg.peek()) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(a), Some(b)) => a[0].cert.cmp(&b[0].cert),
        };
        match order {
            std::cmp::Ordering::Less => {
                out.removed.push(rows_of(pg.next().unwrap_or_default()));
            }
            std::cmp::Ordering::Greater => {
                out.added.push(rows_of(cg.next().unwrap_or_default()));
            }
            std::cmp::Ordering::Equal => {
                let a = pg.next().unwrap_or_default();
                let b = cg.next().unwrap_or_default();
                let mut ca: Vec<u64> = a.iter().map(|e| e.content).collect();
                let mut cb: Vec<u64> = b.iter().map(|e| e.content).collect();
                ca.sort_unstable();
                cb.sort_unstable();
                if ca == cb {
                    out.unchanged += 1;
                    continue;
                }
                let index = out.changed.len();
                pair_rows(a, b, index, &mut pairs);
                out.changed.push(ChangedCertificate {
                    previous_rows: rows_of(a).rows,
                    current_rows: rows_of(b).rows,
                    fields: Vec::new(),
                    details: false,
                    history_rows: a.len() != b.len(),
                });
            }
        }
    }
    drop((p, c));
    out.added.sort_unstable_by_key(|g| g.rows.first().copied());
    out.removed
        .sort_unstable_by_key(|g| g.rows.first().copied());

    // Which fields: the paired rows' fields, fingerprinted one by one in two more passes.
    if !pairs.is_empty() {
        let per_field = |r: &RowView<'_>| -> Vec<u64> {
            let mut v: Vec<u64> = r
                .fields
                .iter()
                .map(|x| {
                    let mut f = Fingerprint::new(3);
                    f.add(x.as_bytes());
                    f.finish64()
                })
                .collect();
            let mut d = Fingerprint::new(4);
            for (name, value) in r.details {
                d.add(&[0x1D]);
                d.add(name.as_bytes());
                d.add(value.as_bytes());
            }
            v.push(d.finish64());
            v
        };
        let by_prev: HashMap<u32, usize> = pairs
            .iter()
            .enumerate()
            .map(|(i, q)| (q.previous, i))
            .collect();
        let by_cur: HashMap<u32, usize> = pairs
            .iter()
            .enumerate()
            .map(|(i, q)| (q.current, i))
            .collect();
        let mut before: HashMap<usize, Vec<u64>> = HashMap::new();
        let again = reread(full, &out.previous, previous, &mut |r| {
            if let Some(&i) = by_prev.get(&r.row) {
                before.insert(i, per_field(r));
            }
        })?;
        if again.0 != out.previous.sha256 || again.1 != p_visited {
            return Err(DiffError::Changed(Side::From));
        }
        let mut fields: Vec<Vec<bool>> = vec![Vec::new(); out.changed.len()];
        let again = reread(full, &out.current, current, &mut |r| {
            let Some(&i) = by_cur.get(&r.row) else { return };
            let now = per_field(r);
            let Some(was) = before.get(&i) else { return };
            let flags = &mut fields[pairs[i].changed];
            flags.resize(now.len().max(was.len()), false);
            for (k, flag) in flags.iter_mut().enumerate() {
                *flag |= now.get(k) != was.get(k);
            }
        })?;
        if again.0 != out.current.sha256 || again.1 != c_visited {
            return Err(DiffError::Changed(Side::To));
        }
        let n = full.fields.len();
        for (ch, flags) in out.changed.iter_mut().zip(fields) {
            ch.fields = flags
                .iter()
                .enumerate()
                .filter(|&(k, &f)| f && k < n)
                .map(|(k, _)| k)
                .collect();
            ch.details = flags.get(n).copied().unwrap_or(false);
        }
    }
    out.changed
        .sort_unstable_by_key(|g| g.current_rows.first().copied());
    Ok(out)
}

/// Pairs the rows of one certificate for the field comparison: rows of the same history row
/// (row key) first, then the rest in key order; identical rows are not compared.
fn pair_rows(a: &[Keyed], b: &[Keyed], changed: usize, pairs: &mut Vec<Pair>) {
    let mut used_a = vec![false; a.len()];
    let mut used_b = vec![false; b.len()];
    // Identical rows first: they changed nothing.
    for (i, x) in a.iter().enumerate() {
        if let Some(j) = (0..b.len()).find(|&j| !used_b[j] && b[j].content == x.content) {
            used_a[i] = true;
            used_b[j] = true;
        }
    }
    let mut push = |i: usize, j: usize, used_a: &mut [bool], used_b: &mut [bool]| {
        used_a[i] = true;
        used_b[j] = true;
        pairs.push(Pair {
            previous: a[i].row,
            current: b[j].row,
            changed,
        });
    };
    for i in 0..a.len() {
        if used_a[i] {
            continue;
        }
        if let Some(j) = (0..b.len()).find(|&j| !used_b[j] && b[j].unit == a[i].unit) {
            push(i, j, &mut used_a, &mut used_b);
        }
    }
    for i in 0..a.len() {
        if used_a[i] {
            continue;
        }
        if let Some(j) = (0..b.len()).find(|&j| !used_b[j]) {
            push(i, j, &mut used_a, &mut used_b);
        }
    }
}

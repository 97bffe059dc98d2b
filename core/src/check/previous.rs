//! The finding of a comparison with the previous upload (`--previous`): more certificates
//! missing than the limit allows (P001). The comparison itself is
//! [`crate::tools::diff::compare`]; this is its one emitter, so that the finding is in the
//! report like every other one (counted, rendered, exit code 1).

use crate::findings::codes::Code;
use crate::findings::diagnostic::{Detail, Diagnostic};
use crate::findings::report::Report;
use crate::tools::diff::{Comparison, DeletionLimit};

/// Rows of the previous file named in the finding at most.
const LISTED: usize = 5;

/// Adds P001 to `report` (the current file's) when the certificates missing since the
/// previous upload exceed `limit` (the same rule as `diff`'s deletion guard). The finding is
/// placed first, so that a cut list never hides it. Returns whether it was added.
pub fn removal_check(report: &mut Report, cmp: &Comparison, limit: DeletionLimit) -> bool {
    if cmp.removals_allowed(limit) {
        return false;
    }
    let rows = cmp
        .removed
        .iter()
        .filter_map(|c| c.rows.first().copied())
        .take(LISTED)
        .collect();
    let d = Diagnostic::new(Code::TooManyRemovals).detail(Detail::Removals {
        removed: cmp.removed.len() as u64,
        previous: cmp.previous_certificates,
        rows,
    });
    report.add_first(d);
    true
}

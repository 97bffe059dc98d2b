//! Lookups over a loaded master: 区分, 所得区分 and 追加条件 by code and by certificate type.

use super::*;

/// Lookups built once per loaded file, so that a check costs the same whatever the size of the
/// master (issue 9: every 区分 check walked every code; a 50,000-code master cost ~3.4 ms per
/// unknown value).
#[derive(Debug, Clone, Default)]
pub(super) struct Index {
    pub(super) segments: CodeIndex,
    pub(super) income_segments: CodeIndex,
    pub(super) conditions: ConditionIndex,
}

impl Index {
    pub(super) fn new(m: &Masters) -> Index {
        Index {
            segments: CodeIndex::new(&m.segments),
            income_segments: CodeIndex::new(&m.income_segments),
            conditions: ConditionIndex::new(&m.conditions),
        }
    }
}

/// What applies to one certificate type: whether anything does, and the first few values.
#[derive(Debug, Clone, Default)]
pub(super) struct Listing {
    pub(super) any: bool,
    pub(super) valid: Vec<String>,
    pub(super) more: usize,
}

impl Listing {
    /// The values of `unscoped` and `scoped` (entry indices, each ascending) in entry order.
    fn merged<'a>(unscoped: &[usize], scoped: &[usize], value: impl Fn(usize) -> &'a str) -> Self {
        let (mut a, mut b) = (unscoped.iter().peekable(), scoped.iter().peekable());
        let merged = std::iter::from_fn(|| match (a.peek(), b.peek()) {
            (Some(&&x), Some(&&y)) if y < x => b.next(),
            (Some(_), _) => a.next(),
            (None, _) => b.next(),
        });
        // Distinct, for 追加条件 items (codes are distinct already).
        let mut seen = std::collections::HashSet::new();
        let distinct = merged.map(|&i| value(i)).filter(|v| seen.insert(*v));
        let (valid, more) = first_few(distinct);
        Listing {
            any: !valid.is_empty(),
            valid,
            more,
        }
    }
}

/// Entry indices by scope: the unscoped ones and those of each 受給者証種別.
fn by_scope<'a>(
    scopes: impl Iterator<Item = &'a Option<String>>,
) -> (Vec<usize>, HashMap<String, Vec<usize>>) {
    let (mut unscoped, mut scoped) = (Vec::new(), HashMap::<String, Vec<usize>>::new());
    for (i, scope) in scopes.enumerate() {
        match scope {
            None => unscoped.push(i),
            Some(t) => scoped.entry(t.clone()).or_default().push(i),
        }
    }
    (unscoped, scoped)
}

/// 区分 or 所得区分 codes.
#[derive(Debug, Clone, Default)]
pub(super) struct CodeIndex {
    /// Code → its entries.
    by_code: HashMap<String, Vec<usize>>,
    /// What applies to a type no entry is scoped to.
    unscoped: Listing,
    /// What applies to each type some entry is scoped to (unscoped entries included).
    by_type: HashMap<String, Listing>,
}

impl CodeIndex {
    pub(super) fn new(list: &[CodeEntry]) -> Self {
        let mut by_code: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in list.iter().enumerate() {
            by_code.entry(e.code.clone()).or_default().push(i);
        }
        let (unscoped, scoped) = by_scope(list.iter().map(|e| &e.scope));
        let code = |i: usize| list[i].code.as_str();
        CodeIndex {
            by_code,
            unscoped: Listing::merged(&unscoped, &[], code),
            by_type: scoped
                .iter()
                .map(|(t, own)| (t.clone(), Listing::merged(&unscoped, own, code)))
                .collect(),
        }
    }

    /// Checks `value` for `type_id` (both trimmed by the caller or here): skipped
    /// ([`CodeCheck::NoRule`]) when nothing applies to the type; an empty value is fine.
    pub(super) fn check(&self, list: &[CodeEntry], type_id: &str, value: &str) -> CodeCheck {
        let value = value.trim_matches(is_edge_space);
        let listing = self.by_type.get(type_id).unwrap_or(&self.unscoped);
        if !listing.any {
            return CodeCheck::NoRule;
        }
        let defined = self
            .by_code
            .get(value)
            .is_some_and(|ix| ix.iter().any(|&i| applies(&list[i].scope, type_id)));
        if defined || value.is_empty() {
            CodeCheck::Ok
        } else {
            CodeCheck::Unknown {
                valid: listing.valid.clone(),
                more: listing.more,
            }
        }
    }
}

/// 追加条件 items and codes.
#[derive(Debug, Clone, Default)]
pub(super) struct ConditionIndex {
    /// Item code → its entries (every scope), ascending.
    by_item: HashMap<String, Vec<usize>>,
    /// Items that apply to a type no entry is scoped to.
    unscoped: Listing,
    /// Items that apply to each type some entry is scoped to.
    by_type: HashMap<String, Listing>,
}

impl ConditionIndex {
    pub(super) fn new(list: &[ConditionEntry]) -> Self {
        let mut by_item: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in list.iter().enumerate() {
            by_item.entry(e.item.clone()).or_default().push(i);
        }
        let (unscoped, scoped) = by_scope(list.iter().map(|e| &e.scope));
        let item = |i: usize| list[i].item.as_str();
        ConditionIndex {
            by_item,
            unscoped: Listing::merged(&unscoped, &[], item),
            by_type: scoped
                .iter()
                .map(|(t, own)| (t.clone(), Listing::merged(&unscoped, own, item)))
                .collect(),
        }
    }

    pub(super) fn items_for(&self, type_id: &str) -> &Listing {
        self.by_type.get(type_id).unwrap_or(&self.unscoped)
    }

    /// The entries of `item` that apply to `type_id`, in file order.
    pub(super) fn entries_of<'a>(
        &'a self,
        list: &'a [ConditionEntry],
        type_id: &'a str,
        item: &str,
    ) -> impl Iterator<Item = &'a ConditionEntry> + Clone + 'a {
        self.by_item
            .get(item)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(move |&i| &list[i])
            .filter(move |e| applies(&e.scope, type_id))
    }
}

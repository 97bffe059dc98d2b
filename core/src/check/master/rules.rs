//! The master checks of one row (M001–M006): the row's codes against the municipality's
//! 制度マスタ.

use crate::check::*;

impl<'l> Back<'l> {
    /// The 制度マスタ checks of one row: type ID, its 公費負担者番号, 区分, 所得区分, 追加条件.
    pub(in crate::check) fn master_checks(
        &mut self,
        row: u32,
        line: u64,
        text: &str,
        ranges: &[(usize, usize)],
        field_cols: &[Option<u32>],
    ) {
        let Some(masters) = self.opts.masters.clone() else {
            return;
        };
        let Some(tf) = self.type_field else { return };
        let get = |i: usize| {
            ranges
                .get(i)
                .and_then(|&(s, e)| text.get(s..e))
                .map_or("", trim_edges)
        };
        let type_id = get(tf);
        if type_id.is_empty() {
            return;
        }
        let layout = self.layout;
        let push = |sink: &mut Sink,
                    code: Code,
                    fi: usize,
                    value: &str,
                    part: Option<String>,
                    valid: Vec<String>,
                    more: usize| {
            let f = &layout.fields[fi];
            sink.push(
                Diagnostic::new(code)
                    .at(row, line)
                    .column(field_cols[fi])
                    .field(fi, f.basis_of(Rule::Checks))
                    .value(value)
                    .detail(Detail::Valid {
                        part,
                        values: valid,
                        more,
                    }),
            );
        };
        if let CodeCheck::Unknown { valid, more } = masters.check_certificate_type(type_id) {
            push(
                &mut self.sink,
                Code::UnknownCertificateType,
                tf,
                type_id,
                None,
                valid,
                more,
            );
            return; // the other checks depend on the type
        }
        if let Some(fi) = self.insurer_field {
            let v = get(fi);
            match masters.check_insurer_number(type_id, v) {
                InsurerMatch::NotRegistered { expected }
                | InsurerMatch::WrongHoubetsu { expected } => {
                    push(
                        &mut self.sink,
                        Code::InsurerNotRegistered,
                        fi,
                        v,
                        None,
                        expected,
                        0,
                    );
                }
                _ => {}
            }
        }
        let segments = [
            (self.segment_field, Code::UnknownSegment, true),
            (self.income_segment_field, Code::UnknownIncomeSegment, false),
        ];
        for (field, code, seg) in segments {
            let Some(fi) = field else { continue };
            let v = get(fi);
            if v.is_empty() {
                continue;
            }
            let check = if seg {
                masters.check_segment(type_id, v)
            } else {
                masters.check_income_segment(type_id, v)
            };
            if let CodeCheck::Unknown { valid, more } = check {
                push(&mut self.sink, code, fi, v, None, valid, more);
            }
        }
        if let Some(fi) = self.conditions_field {
            let v = get(fi);
            for p in masters.check_conditions(type_id, v) {
                match p {
                    ConditionProblem::UnknownItem {
                        item, valid, more, ..
                    } => {
                        push(
                            &mut self.sink,
                            Code::UnknownConditionItem,
                            fi,
                            v,
                            Some(item),
                            valid,
                            more,
                        );
                    }
                    ConditionProblem::UnknownCode {
                        item,
                        code,
                        valid,
                        more,
                        ..
                    } => {
                        push(
                            &mut self.sink,
                            Code::UnknownConditionCode,
                            fi,
                            v,
                            Some(format!("{item}-{code}")),
                            valid,
                            more,
                        );
                    }
                }
            }
        }
    }
}

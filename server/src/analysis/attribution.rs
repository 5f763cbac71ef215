//! Attribution analysis: (source, cue, content) triples and direct quotations (owned by the
//! sourcing work).

use super::document::Document;
use super::{Attribution, Context, PersonMention, Quote};

/// Attributions and quotations in text order.
pub fn find_attributions(
    doc: &Document<'_>,
    people: &[PersonMention],
    ctx: &Context<'_>,
) -> (Vec<Attribution>, Vec<Quote>) {
    let _ = (doc, people, ctx);
    (Vec::new(), Vec::new())
}

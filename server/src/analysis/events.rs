//! Nominal event mentions in one article (owned by the events work).

use super::document::Document;
use super::{Context, EventMention, PersonMention};

/// All event mentions in the article, in text order, anaphors linked to antecedents.
pub fn find_events(doc: &Document<'_>, people: &[PersonMention], ctx: &Context<'_>) -> Vec<EventMention> {
    let _ = (doc, people, ctx);
    Vec::new()
}

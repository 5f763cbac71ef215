//! Finding people in one article (owned by the people work; see issue "Named officials").

use super::document::Document;
use super::{Context, PersonMention};

/// All person mentions in the article, in text order.
pub fn find_people(doc: &Document<'_>, ctx: &Context<'_>) -> Vec<PersonMention> {
    let _ = (doc, ctx);
    Vec::new()
}

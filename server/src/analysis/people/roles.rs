//! Role text: verbatim role phrases next to names, and their normalised grouping key.

use crate::analysis::lexicon::fold_diacritics;

use super::lists::DEGREE_WORDS;

/// "top Élysée adviser" → "elysee adviser"; "a spokesman for the German chancellor" →
/// "spokesman for german chancellor". Lower case, diacritics folded, articles, possessive
/// pronouns and degree adjectives dropped, punctuation removed.
pub fn normalize_role(text: &str) -> String {
    let folded = fold_diacritics(text).to_lowercase();
    let mut out = String::with_capacity(folded.len());
    for w in folded.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\'')) {
        let w = w.trim_matches(|c| c == '\'' || c == '-');
        if w.is_empty() || DEGREE_WORDS.contains(&w) || w == "s" {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        assert_eq!(normalize_role("top Élysée adviser"), "elysee adviser");
        assert_eq!(
            normalize_role("a spokesman for the German chancellor"),
            "spokesman for german chancellor"
        );
        assert_eq!(
            normalize_role("Deputy Foreign Minister"),
            "deputy foreign minister"
        );
        assert_eq!(
            normalize_role("the national security adviser"),
            "national security adviser"
        );
    }
}

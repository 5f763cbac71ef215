use super::*;
use crate::analysis::testutil::ctx;

fn people(t: &str) -> Vec<PersonMention> {
    let doc = Document::parse(t, None);
    find_people(&doc, &ctx())
}

fn names(t: &str) -> Vec<(String, String)> {
    people(t).into_iter().map(|m| (m.text, m.name)).collect()
}

#[test]
fn title_cued_full_name() {
    let t = "Deputy Foreign Minister Sergei Ryabkov said on Thursday that talks would go on.";
    let p = people(t);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].text, "Sergei Ryabkov");
    assert_eq!(p[0].form, MentionForm::FullName);
    assert_eq!(p[0].title.as_ref().unwrap().text, "Deputy Foreign Minister");
    assert_eq!(p[0].surname, "ryabkov");
}

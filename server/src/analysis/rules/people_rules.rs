//! People rules that need only the article and the knowledge base:
//! - `stale-title`: the title the text gives a KB person is one the KB says they did not hold
//!   on the article's date ("Ambassador Philippe Garnier" after his posting ended).
//! - `unknown-official`: a person introduced with an official title who is not in the KB
//!   (the editor offers "Add to knowledge base"; see `kb_entry_snippet`).
//!
//! `name-variant` needs the whole workspace and lives with the people index.

use std::collections::HashSet;

use crate::analysis::document::Document;
use crate::analysis::kb::{name_key, KbIndex};
use crate::analysis::{
    Context, Edit, Finding, Fix, MentionForm, PersonMention, PersonRole, RoleText,
};
use crate::config::KbRole;

use super::default_severity;

/// Words that make a written role an official one (government, institutions, companies).
const OFFICIAL_WORDS: &[&str] = &[
    "minister",
    "president",
    "secretary",
    "ambassador",
    "envoy",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "official",
    "adviser",
    "advisor",
    "director",
    "governor",
    "senator",
    "mayor",
    "chancellor",
    "commissioner",
    "chairman",
    "chairwoman",
    "chair",
    "chief",
    "general",
    "admiral",
    "colonel",
    "commander",
    "prosecutor",
    "attorney",
    "judge",
    "justice",
    "speaker",
    "premier",
    "diplomat",
    "negotiator",
    "lawmaker",
    "representative",
    "congressman",
    "congresswoman",
    "deputy",
    "head",
    "leader",
    "king",
    "queen",
    "prince",
    "ceo",
    "executive",
    "undersecretary",
    "sheriff",
    "coroner",
    "inspector",
    "superintendent",
    "aide",
    "officer",
];

pub fn run(
    doc: &Document<'_>,
    people: &[PersonMention],
    ctx: &Context<'_>,
    out: &mut Vec<Finding>,
) {
    stale_title(doc, people, ctx, out);
    unknown_official(people, ctx, out);
}

fn kb_person(m: &PersonMention, kb: &KbIndex) -> Option<usize> {
    if let Some(id) = &m.kb_id {
        return match kb.by_id(id)? {
            crate::analysis::kb::KbTarget::Person(i) => Some(i),
            _ => None,
        };
    }
    // "Ambassador Garnier" with no full name in the article: a unique KB surname.
    if !m.resolved && m.form != MentionForm::RoleOnly {
        if let [i] = kb.people_with_surname(&m.surname) {
            return Some(*i);
        }
    }
    None
}

fn describe(r: &KbRole) -> String {
    let mut s = r.title.clone();
    if let Some(o) = &r.organization {
        if !name_key(&r.title).contains(&name_key(o)) {
            s.push_str(&format!(" ({o})"));
        }
    }
    match (r.from, r.to) {
        (Some(f), Some(t)) => s.push_str(&format!(", {f} to {t}")),
        (Some(f), None) => s.push_str(&format!(", since {f}")),
        (None, Some(t)) => s.push_str(&format!(", until {t}")),
        (None, None) => {}
    }
    s
}

fn stale_title(
    doc: &Document<'_>,
    people: &[PersonMention],
    ctx: &Context<'_>,
    out: &mut Vec<Finding>,
) {
    let Some(date) = doc.meta.date else { return };
    if ctx.kb.people.is_empty() {
        return;
    }
    for m in people {
        if m.role != PersonRole::Subject || m.form == MentionForm::RoleOnly {
            continue;
        }
        let Some(title) = &m.title else { continue };
        let Some(pi) = kb_person(m, ctx.kb) else {
            continue;
        };
        let described = ctx.kb.roles_described_by(pi, &title.text);
        if described.is_empty() || described.iter().any(|r| r.held_on(date)) {
            continue;
        }
        let person = &ctx.kb.people[pi];
        let current: Vec<&KbRole> = person.roles.iter().filter(|r| r.held_on(date)).collect();
        let past = described.iter().any(|r| r.to.is_some_and(|t| t < date));
        let role = described[0];
        let mut message = format!(
            "“{}” does not fit {} on {date}: the knowledge base has {}",
            title.text,
            person.name,
            describe(role)
        );
        if let Some(c) = current.first() {
            message.push_str(&format!("; on that date: {}", describe(c)));
        }
        if let Some((hi, _)) = ctx.kb.holder_of(
            &format!(
                "{} {}",
                role.title,
                role.organization.as_deref().unwrap_or("")
            ),
            Some(date),
        ) {
            if hi != pi {
                message.push_str(&format!("; {} held the post then", ctx.kb.people[hi].name));
            }
        }
        let mut fixes = Vec::new();
        if past {
            // At a sentence start the title keeps the capital: "Former Ambassador".
            let at_start = doc
                .sentences
                .iter()
                .any(|s| s.span.start == title.span.start);
            let edit = if at_start && starts_capitalised(&title.text) {
                Edit {
                    span: title.span.clone(),
                    new_text: format!("Former {}", title.text),
                    snippet: false,
                }
            } else {
                Edit {
                    span: title.span.start..title.span.start,
                    new_text: "former ".into(),
                    snippet: false,
                }
            };
            fixes.push(Fix {
                title: "Mark the title as former".to_string(),
                edits: vec![edit],
                preferred: current.is_empty(),
            });
        }
        for c in &current {
            fixes.push(Fix {
                title: format!("Replace with “{}”", c.title),
                edits: vec![Edit {
                    span: title.span.clone(),
                    new_text: c.title.clone(),
                    snippet: false,
                }],
                preferred: fixes.is_empty(),
            });
        }
        out.push(Finding {
            code: "stale-title",
            severity: default_severity("stale-title"),
            span: title.span.clone(),
            message,
            related: vec![(m.span.clone(), person.name.clone())],
            fixes,
        });
    }
}

fn starts_capitalised(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

/// Whether a written role is an official one.
pub fn is_official(role: &RoleText) -> bool {
    role.normalized
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| OFFICIAL_WORDS.contains(&w))
}

fn unknown_official(people: &[PersonMention], ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut seen: HashSet<&str> = HashSet::new();
    for m in people {
        if m.role != PersonRole::Subject || m.kb_id.is_some() || m.form == MentionForm::RoleOnly {
            continue;
        }
        let Some(title) = &m.title else { continue };
        if !is_official(title) || seen.contains(&*m.name) {
            continue;
        }
        // A bare surname the KB knows is not unknown.
        if !m.resolved && !ctx.kb.people_with_surname(&m.surname).is_empty() {
            continue;
        }
        seen.insert(&*m.name);
        out.push(Finding {
            code: "unknown-official",
            severity: default_severity("unknown-official"),
            span: m.span.clone(),
            message: format!("{} ({}) is not in the knowledge base", m.name, title.text),
            related: vec![(title.span.clone(), "role as written".to_string())],
            fixes: Vec::new(),
        });
    }
}

/// A `[[person]]` entry for `byline.toml` filled from a mention (for "Add to knowledge base").
pub fn kb_entry_snippet(m: &PersonMention, date: Option<chrono::NaiveDate>) -> String {
    let name = m.name.trim();
    let id = crate::config::slug(name);
    let mut s = format!("[[person]]\nid = {id:?}\nname = {name:?}\n");
    if let Some(t) = &m.title {
        s.push_str(&format!("\n[[person.roles]]\ntitle = {:?}\n", t.text));
        if let Some(d) = date {
            s.push_str(&format!("from = \"{d}\"\n"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rules::RuleSettings;
    use crate::analysis::{people, Lexicons};
    use crate::config::PersonEntry;

    use crate::analysis::testutil::{kb_person, kb_role as role};

    fn person(id: &str, name: &str, roles: Vec<KbRole>) -> PersonEntry {
        kb_person(id, name, &[], roles)
    }

    fn kb() -> KbIndex {
        KbIndex::new(
            vec![
                person(
                    "philippe-garnier",
                    "Philippe Garnier",
                    vec![role(
                        "French Ambassador to Germany",
                        None,
                        "2022-01-17",
                        Some("2025-08-31"),
                    )],
                ),
                person(
                    "helene-daubigny",
                    "Hélène Daubigny",
                    vec![role(
                        "French Ambassador to Germany",
                        None,
                        "2025-09-01",
                        None,
                    )],
                ),
                person(
                    "lena-holm",
                    "Lena Holm",
                    vec![
                        role(
                            "Employment Minister",
                            None,
                            "2022-12-15",
                            Some("2025-08-28"),
                        ),
                        role("Finance Minister", None, "2025-08-29", None),
                    ],
                ),
                person(
                    "sergei-ryabkov",
                    "Sergei Ryabkov",
                    vec![role(
                        "Deputy Foreign Minister",
                        Some("Russian Foreign Ministry"),
                        "2008-08-01",
                        None,
                    )],
                ),
            ],
            vec![],
        )
    }

    fn findings(text: &str) -> Vec<Finding> {
        let kb = kb();
        let lex = Lexicons::default();
        let rules = RuleSettings::default();
        let ctx = Context {
            kb: &kb,
            lexicons: &lex,
            rules: &rules,
            fallback_date: None,
        };
        let doc = Document::parse(text, None);
        let p = people::find_people(&doc, &ctx);
        let mut out = Vec::new();
        run(&doc, &p, &ctx, &mut out);
        out
    }

    #[test]
    fn stale_ambassador_and_minister() {
        let t = "---\ndate: 2026-03-13\n---\nAmbassador Philippe Garnier, France’s envoy in Berlin, told a think-tank audience on Friday that talks were useful. Mr. Garnier left early.\n";
        let f = findings(t);
        let stale: Vec<_> = f.iter().filter(|f| f.code == "stale-title").collect();
        assert_eq!(stale.len(), 1, "{f:?}");
        assert_eq!(&t[stale[0].span.clone()], "Ambassador");
        assert!(
            stale[0].message.contains("Hélène Daubigny"),
            "{}",
            stale[0].message
        );
        assert!(stale[0].fixes[0].title.contains("former"));

        let t = "---\ndate: 2026-03-18\n---\nEmployment Minister Lena Holm, who drew up the financing, said the bill would pass.\n";
        let f = findings(t);
        let stale: Vec<_> = f.iter().filter(|f| f.code == "stale-title").collect();
        assert_eq!(stale.len(), 1, "{f:?}");
        assert!(stale[0]
            .fixes
            .iter()
            .any(|x| x.edits[0].new_text == "Finance Minister"));
    }

    #[test]
    fn valid_or_former_titles_do_not_fire() {
        for t in [
            "---\ndate: 2025-04-10\n---\nAmbassador Philippe Garnier told reporters the talks were useful.\n",
            "---\ndate: 2026-03-13\n---\nFormer ambassador Philippe Garnier told reporters the talks were useful.\n",
            "---\ndate: 2026-03-18\n---\nFinance Minister Lena Holm said the bill would pass.\n",
            "---\ndate: 2026-03-12\n---\nDeputy Foreign Minister Sergei Ryabkov said the talks were useful.\n",
            "Ambassador Philippe Garnier told reporters the talks were useful.\n",
        ] {
            let f = findings(t);
            assert!(f.iter().all(|f| f.code != "stale-title"), "{t}: {f:?}");
        }
    }

    #[test]
    fn unknown_official_once_per_person() {
        let t = "Energy Minister Mikkel Thorsen rejected that criticism. Thorsen said the grid would hold. Deputy Foreign Minister Sergei Ryabkov agreed.\n";
        let f = findings(t);
        let u: Vec<_> = f.iter().filter(|f| f.code == "unknown-official").collect();
        assert_eq!(u.len(), 1, "{f:?}");
        assert_eq!(&t[u[0].span.clone()], "Mikkel Thorsen");
        // Not an official title, or no title at all: no hint.
        let f =
            findings("The singer Anna Lind said she was thrilled. Mikkel Thorsen said nothing.\n");
        assert!(f.iter().all(|f| f.code != "unknown-official"), "{f:?}");
    }

    #[test]
    fn snippet() {
        let t = "Energy Minister Mikkel Thorsen rejected that criticism.";
        let doc = Document::parse(t, None);
        let ctx = Context::defaults();
        let p = people::find_people(&doc, &ctx);
        let s = kb_entry_snippet(&p[0], chrono::NaiveDate::from_ymd_opt(2026, 3, 18));
        assert!(s.contains("id = \"mikkel-thorsen\""), "{s}");
        assert!(s.contains("title = \"Energy Minister\""), "{s}");
        assert!(s.contains("from = \"2026-03-18\""), "{s}");
    }
}

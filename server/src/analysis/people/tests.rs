use super::*;
use crate::analysis::rules::RuleSettings;
use crate::analysis::testutil::{ctx, kb_person as person};
use crate::analysis::{KbIndex, Lexicons};
use crate::config::KbRole;

fn people(t: &str) -> Vec<PersonMention> {
    let doc = Document::parse(t, None);
    find_people(&doc, &ctx())
}

/// (surface text, name) of every mention.
fn names(t: &str) -> Vec<(String, String)> {
    people(t)
        .into_iter()
        .map(|m| (m.text.to_string(), m.name.to_string()))
        .collect()
}

fn texts(t: &str) -> Vec<String> {
    people(t).into_iter().map(|m| m.text.to_string()).collect()
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

#[test]
fn title_cued_full_name() {
    let t = "Deputy Foreign Minister Sergei Ryabkov said on Thursday that talks would go on.";
    let p = people(t);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(&*p[0].text, "Sergei Ryabkov");
    assert_eq!(p[0].form, MentionForm::FullName);
    assert_eq!(
        &*p[0].title.as_ref().unwrap().text,
        "Deputy Foreign Minister"
    );
    assert_eq!(
        &*p[0].title.as_ref().unwrap().normalized,
        "deputy foreign minister"
    );
    assert_eq!(&*p[0].surname, "ryabkov");
    assert!(p[0].resolved);
}

#[test]
fn titles_of_many_kinds() {
    assert_eq!(
        texts("Talks resumed after Prime Minister Mette Frederiksen arrived in Brussels."),
        vec!["Mette Frederiksen"]
    );
    assert_eq!(
        texts("The deal was backed by Secretary of State Antony Blinken and his team."),
        vec!["Antony Blinken"]
    );
    assert_eq!(
        texts("The plan came from special envoy Steve Witkoff, officials said."),
        vec!["Steve Witkoff"]
    );
    assert_eq!(
        texts("The briefing was led by Gen. Mark Milley in the morning."),
        vec!["Mark Milley"]
    );
    assert_eq!(
        texts("The bill is opposed by Sen. Lisa Murkowski of Alaska."),
        vec!["Lisa Murkowski"]
    );
    assert_eq!(
        texts("The clinic was run by Dr. Amara Okafor for a decade."),
        vec!["Amara Okafor"]
    );
}

#[test]
fn titled_surname_and_honorifics() {
    let t = "Emmanuel Macron spoke first. Later, President Macron said the talks were useful, and Ms. Frederiksen agreed.";
    let p = people(t);
    let forms: Vec<_> = p.iter().map(|m| (m.text.as_ref(), m.form)).collect();
    assert_eq!(
        forms,
        vec![
            ("Emmanuel Macron", MentionForm::FullName),
            ("President Macron", MentionForm::TitledSurname),
            ("Ms. Frederiksen", MentionForm::TitledSurname)
        ]
    );
    assert_eq!(&*p[1].name, "Emmanuel Macron");
    assert!(p[1].resolved);
    assert_eq!(&*p[2].name, "Frederiksen");
    assert!(!p[2].resolved);
}

#[test]
fn appositive_after_and_before() {
    let t = "Jake Sullivan, the national security adviser, said the meeting was constructive.";
    let p = people(t);
    assert_eq!(p.len(), 1);
    assert_eq!(
        &*p[0].title.as_ref().unwrap().text,
        "the national security adviser"
    );
    assert_eq!(
        &*p[0].title.as_ref().unwrap().normalized,
        "national security adviser"
    );

    let t = "The French ambassador to Germany, Anne-Marie Descôtes, told reporters the visit would go ahead.";
    let p = people(t);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(&*p[0].text, "Anne-Marie Descôtes");
    assert_eq!(
        &*p[0].title.as_ref().unwrap().text,
        "The French ambassador to Germany"
    );
    assert_eq!(&*p[0].surname, "descotes");
}

#[test]
fn speech_cues() {
    assert_eq!(
        texts("“We are not there yet,” said Mikkel Thorsen."),
        vec!["Mikkel Thorsen"]
    );
    assert_eq!(
        texts("The vote was close, according to Birgitte Aal, an economist."),
        vec!["Birgitte Aal"]
    );
    assert_eq!(
        texts("It was, as Jonathan Mercer put it, a long night."),
        vec!["Jonathan Mercer"]
    );
    assert_eq!(
        texts("Karsten Vinding said the levy was unfair."),
        vec!["Karsten Vinding"]
    );
}

#[test]
fn second_references_resolve_in_article() {
    let t = "Deputy Foreign Minister Sergei Ryabkov met the delegation. Ryabkov said little. Later, Ryabkov's aides left.";
    let p = people(t);
    assert_eq!(p.len(), 3);
    for m in &p[1..] {
        assert_eq!(&*m.text, "Ryabkov");
        assert_eq!(&*m.name, "Sergei Ryabkov");
        assert_eq!(m.form, MentionForm::Surname);
        assert!(m.resolved);
    }
    // The possessive is outside the span.
    assert_eq!(&t[p[2].span.clone()], "Ryabkov");
}

#[test]
fn surname_before_full_name_resolves() {
    let t = "Ryabkov's description of the talks was brief. Deputy Foreign Minister Sergei Ryabkov spoke for ten minutes.";
    let p = people(t);
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(&*p[0].name, "Sergei Ryabkov");
}

#[test]
fn unresolved_surname_stays_surname() {
    let t = "Some say Ryabkov, who has allegedly been sidelined, was not consulted.";
    let p = people(t);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(&*p[0].name, "Ryabkov");
    assert!(!p[0].resolved);
    assert_eq!(&*p[0].surname, "ryabkov");
}

#[test]
fn places_orgs_months_are_not_people() {
    for t in [
        "The Kremlin said on Monday that the White House had not replied.",
        "Despite the rain, talks in Geneva went ahead in March.",
        "NATO and the European Union issued a joint statement from Brussels.",
        "The Betty Ford Center confirmed the news to the Los Angeles Superior Court.",
        "Shares of Apple Computer rose after the New Orleans Saints game.",
        "He flew to New York on Tuesday and then to Mount Cook.",
        "The Boeing 787 and the Airbus A380 were on display.",
        "The company said it would cut 10,000 jobs, Airbus said.",
    ] {
        assert!(people(t).is_empty(), "{t}: {:?}", people(t));
    }
}

#[test]
fn particles_and_diacritics() {
    assert_eq!(
        texts("European Commission President Ursula von der Leyen said the plan was ready."),
        vec!["Ursula von der Leyen"]
    );
    assert_eq!(
        texts("Turkish President Recep Tayyip Erdoğan said he would attend."),
        vec!["Recep Tayyip Erdoğan"]
    );
    let p = people("Ursula von der Leyen arrived. Von der Leyen said the plan was ready.");
    assert!(
        p.iter().all(|m| &*m.name == "Ursula von der Leyen"),
        "{p:?}"
    );
}

#[test]
fn cjk_names() {
    let t = "Foreign Minister 王毅 said the talks should continue.";
    assert_eq!(texts(t), vec!["王毅"]);
    let t = "Keiko Tanabe (田辺恵子), the ambassador, said Tokyo agreed.";
    let n = names(t);
    assert_eq!(
        n,
        vec![
            pair("Keiko Tanabe", "Keiko Tanabe"),
            pair("田辺恵子", "Keiko Tanabe")
        ]
    );
}

#[test]
fn headlines_repeat_known_names_only() {
    let t = "Ryabkov Warns On Missile Plans In Geneva\n\nDeputy Foreign Minister Sergei Ryabkov said on Thursday that the talks were useful.\n";
    let p = people(t);
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(&*p[0].text, "Ryabkov");
    assert_eq!(&*p[0].name, "Sergei Ryabkov");
    // Headline words are not people.
    let t = "Talks Resume In Geneva As Deadline Looms\n\nThe talks resumed on Monday.\n";
    assert!(people(t).is_empty());
}

#[test]
fn bylines_and_credits() {
    let t = "Talks in Geneva end without deal\n\nBy Anna Keller and Pavel Sorokin\n\nGENEVA — The talks ended.\n\nPhoto: Marc Dubois/Ledger\n";
    let p = people(t);
    let got: Vec<_> = p.iter().map(|m| (m.text.as_ref(), m.role)).collect();
    assert_eq!(
        got,
        vec![
            ("Anna Keller", PersonRole::Author),
            ("Pavel Sorokin", PersonRole::Author),
            ("Marc Dubois", PersonRole::Credit)
        ]
    );
    let t = "---\nauthor: Jane Doe\n---\nThe talks ended.\n";
    let p = people(t);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].role, PersonRole::Author);
    assert_eq!(&t[p[0].span.clone()], "Jane Doe");
    let t = "The talks ended.\n\n(Reporting by Anna Keller in Geneva; Editing by Tom Hadley)\n";
    let got: Vec<_> = people(t)
        .into_iter()
        .map(|m| (m.text.to_string(), m.role))
        .collect();
    assert_eq!(
        got,
        vec![
            ("Anna Keller".to_string(), PersonRole::Author),
            ("Tom Hadley".to_string(), PersonRole::Credit)
        ]
    );
}

#[test]
fn sentence_initial_capitals_are_not_people() {
    for t in [
        "Despite the delay, talks went on.",
        "However, nothing changed.",
        "Officials said the plan would work.",
        "Authorities have released the name.",
    ] {
        assert!(people(t).is_empty(), "{t}: {:?}", people(t));
    }
}

#[test]
fn roles_in_front_of_names() {
    let p = people("Kremlin spokesman Dmitry Peskov said the talks were useful.");
    assert_eq!(&*p[0].title.as_ref().unwrap().text, "Kremlin spokesman");
    let p = people("Lohan's attorney, Shawn Holley, spoke out about the move.");
    assert_eq!(&*p.last().unwrap().text, "Shawn Holley");
    assert_eq!(
        &*p.last().unwrap().title.as_ref().unwrap().text,
        "Lohan's attorney"
    );
}

fn with_kb(t: &str, kb: &KbIndex) -> Vec<PersonMention> {
    let lex = Lexicons::default();
    let rules = RuleSettings::default();
    let c = Context {
        kb,
        lexicons: &lex,
        rules: &rules,
        fallback_date: None,
    };
    let doc = Document::parse(t, None);
    find_people(&doc, &c)
}

#[test]
fn kb_names_aliases_role_only_and_near_spellings() {
    let role = |title: &str, from: &str, to: Option<&str>| KbRole {
        title: title.into(),
        organization: None,
        from: crate::config::parse_loose_date(from),
        to: to.and_then(crate::config::parse_loose_date),
    };
    let kb = KbIndex::new(
        vec![
            person(
                "sergei-ryabkov",
                "Sergei Ryabkov",
                &["Sergei A. Ryabkov"],
                vec![],
            ),
            person(
                "helene-daubigny",
                "Hélène Daubigny",
                &[],
                vec![role("French Ambassador to Germany", "2025-09-01", None)],
            ),
            person(
                "john-ratcliffe",
                "John Ratcliffe",
                &[],
                vec![role("CIA Director", "2025-01-23", None)],
            ),
        ],
        vec![],
    );
    let t = "---\ndate: 2026-03-13\n---\nSergei A. Ryabkov spoke. The French ambassador to Germany was there, and the CIA director sent a note. Sergey Ryabkov left.\n";
    let p = with_kb(t, &kb);
    let got: Vec<_> = p
        .iter()
        .map(|m| (m.text.as_ref(), m.form, m.kb_id.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "Sergei A. Ryabkov",
                MentionForm::Alias,
                Some("sergei-ryabkov")
            ),
            (
                "The French ambassador to Germany",
                MentionForm::RoleOnly,
                Some("helene-daubigny")
            ),
            (
                "the CIA director",
                MentionForm::RoleOnly,
                Some("john-ratcliffe")
            ),
            (
                "Sergey Ryabkov",
                MentionForm::FullName,
                Some("sergei-ryabkov")
            ),
        ]
    );
    assert_eq!(&*p[3].name, "Sergei Ryabkov");
}

#[test]
fn never_panics_on_odd_input() {
    for t in [
        "",
        "A",
        "Mr.",
        "Mr. ",
        "’s",
        "J. K.",
        "(王",
        "Dr Who's \"The\" ' s ’ ",
        "Ursula von",
        "von der",
        ", the adviser, said",
        "\u{a0}Ryabkov\u{a0}said",
        "Prime Minister",
        "By\n\nPhoto:",
        "Deputy Foreign Minister Sergei Ryabkov (",
        "🎉 Anna Keller 🎉 said",
    ] {
        let _ = people(t);
    }
}

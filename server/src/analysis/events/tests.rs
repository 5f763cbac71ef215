use chrono::NaiveDate;

use super::*;
use crate::analysis::testutil::ctx;
use crate::analysis::{KbIndex, Lexicons, MentionForm, PersonRole};
use crate::config::EventEntry;

fn doc_with_date(body: &str) -> String {
    format!("---\ndate: 2026-03-12\n---\n{body}")
}

fn events(text: &str) -> Vec<EventMention> {
    let doc = Document::parse(text, None);
    find_events(&doc, &[], &ctx())
}

fn person(text: &str, name: &str) -> PersonMention {
    let s = text.find(name).expect("name in text");
    let surname = name
        .split_whitespace()
        .last()
        .unwrap_or(name)
        .to_lowercase();
    PersonMention {
        span: s..s + name.len(),
        text: name.into(),
        form: MentionForm::FullName,
        role: PersonRole::Subject,
        name: name.into(),
        surname: surname.into(),
        resolved: true,
        kb_id: None,
        title: None,
    }
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

#[test]
fn place_from_premodifier_and_prepositions() {
    let t = doc_with_date(
        "GENEVA — Diplomats gathered for the Geneva summit on Thursday.\n\n\
         The foreign ministers held talks in Geneva on Tuesday, officials said.\n\n\
         Their three-hour meeting at the Palais des Nations ended without a statement.\n",
    );
    let ev = events(&t);
    let summit = ev.iter().find(|e| &*e.trigger == "summit").unwrap();
    assert_eq!(&*summit.text, "the Geneva summit");
    assert_eq!(summit.place.as_deref(), Some("geneva"));
    assert_eq!(summit.class, EventClass::Meeting);
    assert_eq!(summit.date, date("2026-03-12"));
    let talks = ev.iter().find(|e| &*e.trigger == "talks").unwrap();
    assert_eq!(&*talks.text, "talks in Geneva");
    assert_eq!(talks.place.as_deref(), Some("geneva"));
    assert_eq!(talks.date, date("2026-03-10"));
    assert_eq!(&*talks.group, "meeting");
    let meeting = ev.iter().find(|e| &*e.trigger == "meeting").unwrap();
    assert_eq!(
        &*meeting.text,
        "Their three-hour meeting at the Palais des Nations"
    );
    assert_eq!(meeting.extent.as_deref(), Some("three-hour"));
    assert_eq!(meeting.place.as_deref(), Some("geneva"));
}

#[test]
fn parties_from_pairs_and_between() {
    let t = "Officials prepared for US–China talks next month.\n\n\
             A round of Élysée-Berlin consultations followed.\n\n\
             The negotiations between France and Germany stalled over tariffs.\n";
    let ev = events(t);
    assert_eq!(ev.len(), 3, "{ev:#?}");
    assert_eq!(strs(&ev[0].parties), ["china", "us"]);
    assert_eq!(ev[0].place, None);
    assert_eq!(strs(&ev[1].parties), ["france", "germany"]);
    assert_eq!(strs(&ev[2].parties), ["france", "germany"]);
    assert_eq!(&*ev[2].text, "The negotiations between France and Germany");
}

#[test]
fn participants_from_people() {
    let t =
        "Secretary of State Antony Blinken met Wang Yi in a meeting that lasted into the night.\n";
    let people = vec![person(t, "Antony Blinken"), person(t, "Wang Yi")];
    let doc = Document::parse(t, None);
    let ev = find_events(&doc, &people, &ctx());
    assert_eq!(ev.len(), 1);
    assert_eq!(strs(&ev[0].participants), ["Antony Blinken", "Wang Yi"]);

    // A person quoted as a source is not a participant.
    let t = "The vote was delayed, spokeswoman Maria Lopez said on Friday.\n";
    let people = vec![person(t, "Maria Lopez")];
    let doc = Document::parse(t, None);
    let ev = find_events(&doc, &people, &ctx());
    assert_eq!(ev.len(), 1);
    assert!(ev[0].participants.is_empty(), "{:?}", ev[0].participants);
}

#[test]
fn anaphors_attach_to_qualified_antecedent() {
    let t = doc_with_date(
        "Negotiators arrived for the Geneva talks on Monday.\n\n\
         A separate earthquake struck Turkey.\n\n\
         The talks resumed after lunch, and the meeting ended at dusk.\n\n\
         The quake caused no casualties.\n",
    );
    let ev = events(&t);
    let idx = |trig: &str| ev.iter().position(|e| &*e.trigger == trig).unwrap();
    let geneva = idx("talks");
    assert_eq!(ev[geneva].antecedent, None);
    let bare_talks = ev.iter().rposition(|e| &*e.trigger == "talks").unwrap();
    assert_ne!(bare_talks, geneva);
    assert_eq!(ev[bare_talks].antecedent, Some(geneva));
    assert_eq!(ev[idx("meeting")].antecedent, Some(geneva));
    assert_eq!(ev[idx("quake")].antecedent, Some(idx("earthquake")));
    // The qualified mention of another class is never an antecedent.
    assert_eq!(ev[idx("earthquake")].antecedent, None);
}

#[test]
fn verbs_are_not_events() {
    let t = "Rebels threatened to attack the city.\n\n\
             They call it a victory, and police arrest anyone who protests.\n\n\
             Officials will vote on the plan.\n";
    let ev = events(t);
    let triggers: Vec<&str> = ev.iter().map(|e| e.trigger.as_ref()).collect();
    assert!(!triggers.contains(&"attack"), "{triggers:?}");
    assert!(!triggers.contains(&"call"), "{triggers:?}");
    assert!(!triggers.contains(&"arrest"), "{triggers:?}");
    assert!(!triggers.contains(&"vote"), "{triggers:?}");
    // …but the noun uses are.
    let t = "The attack came hours after the vote, and the suspect went to trial in May.\n";
    let ev = events(t);
    let triggers: Vec<&str> = ev.iter().map(|e| e.trigger.as_ref()).collect();
    assert_eq!(triggers, ["attack", "vote", "trial"]);
}

#[test]
fn modifier_events_are_not_swallowed() {
    let t = "Her drunk driving arrest led to a court hearing in Los Angeles.\n";
    let ev = events(t);
    let texts: Vec<&str> = ev.iter().map(|e| e.text.as_ref()).collect();
    assert_eq!(
        texts,
        [
            "Her drunk driving",
            "arrest",
            "a court hearing in Los Angeles"
        ]
    );
    assert_eq!(ev[2].place.as_deref(), Some("los angeles"));
}

#[test]
fn kb_events_anchor_mentions() {
    let kb = KbIndex::new(
        vec![],
        vec![EventEntry {
            id: "geneva-2026".into(),
            name: "Geneva summit".into(),
            date: date("2026-03-10"),
            place: Some("Geneva".into()),
            participants: vec![],
            aliases: vec!["lakeside meeting".into()],
            span: 0..0,
        }],
    );
    let lex = Lexicons::default();
    let rules = crate::analysis::rules::RuleSettings::default();
    let c = Context {
        kb: &kb,
        lexicons: &lex,
        rules: &rules,
        fallback_date: None,
    };
    let t = "Delegates praised the lakeside meeting. Critics skipped the Geneva summit.\n";
    let doc = Document::parse(t, None);
    let ev = find_events(&doc, &[], &c);
    assert_eq!(ev.len(), 2, "{ev:#?}");
    assert!(ev.iter().all(|e| e.kb_id.as_deref() == Some("geneva-2026")));
    assert_eq!(&*ev[1].text, "the Geneva summit");
    // Found by fuzzing: a KB name three bytes after a multi-byte character.
    for t in [
        "\u{fffd}e Geneva summit U",
        "’ Geneva summit",
        "é the Geneva summit",
    ] {
        let doc = Document::parse(t, None);
        let ev = find_events(&doc, &[], &c);
        assert_eq!(ev.len(), 1, "{t}");
    }
}

#[test]
fn never_panics_on_odd_input() {
    for t in [
        "",
        "talks",
        "the",
        "’s talks – between , and",
        "Talks In Geneva On Tuesday",
        "the meeting at\n\nthe",
        "É-É talks between É and",
        "in the three-hour-long-long meeting on March 99, 20000",
    ] {
        let _ = events(t);
    }
}

#[test]
fn many_anaphors_link_to_the_last_qualified_mention() {
    // Found by fuzzing: a backward scan per anaphor made long texts quadratic.
    let t = doc_with_date(&format!(
        "Negotiators arrived for the Geneva talks on Monday. {}A separate earthquake struck. The talks ended.",
        "The talks resumed. ".repeat(300)
    ));
    let ev = events(&t);
    let geneva = ev.iter().position(|e| &*e.trigger == "talks").unwrap();
    let bare: Vec<_> = ev
        .iter()
        .filter(|e| &*e.trigger == "talks")
        .skip(1)
        .collect();
    assert_eq!(bare.len(), 301);
    assert!(bare.iter().all(|e| e.antecedent == Some(geneva)));
}

fn strs(v: &[crate::analysis::Str]) -> Vec<&str> {
    v.iter().map(|s| &**s).collect()
}

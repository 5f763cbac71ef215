use super::*;
use crate::analysis::testutil::ctx;

fn atts(t: &str) -> Vec<(String, SourceKind, String)> {
    let d = Document::parse(t, None);
    let (a, _) = find_attributions(&d, &[], &ctx());
    a.iter()
        .map(|a| (a.source_text.clone(), a.kind, t[a.cue.clone()].to_string()))
        .collect()
}

fn one(t: &str) -> (String, SourceKind, String) {
    let v = atts(t);
    assert_eq!(v.len(), 1, "{t}: {v:?}");
    v.into_iter().next().unwrap()
}

use SourceKind::*;

#[test]
fn active_forms() {
    assert_eq!(
        one("Ryabkov said the talks were useful."),
        ("Ryabkov".into(), Institution, "said".into())
    );
    assert_eq!(
        one("Finance Minister Lena Holm said the levy would expire.").0,
        "Lena Holm"
    );
    assert_eq!(
        one("Analysts say the real test will come in the summer.").1,
        Vague
    );
    assert_eq!(
        one("Sources indicate the Russian side arrived with a proposal.").1,
        Vague
    );
    assert_eq!(
        one("Critics argue the whole exercise is a stalling tactic.").1,
        Vague
    );
    assert_eq!(one("Many believe it is Europe that will pay.").1, Vague);
    assert_eq!(one("French officials said the plan was dead.").1, Anonymous);
    assert_eq!(one("In Brussels, NATO Secretary General Mark Rutte called the outcome \"a modest but necessary start\".").0, "Mark Rutte");
    assert_eq!(
        one("Karsten Vinding, energy spokesman for the largest opposition party, said the levy was a mistake.").0,
        "Karsten Vinding"
    );
    assert_eq!(
        one("Japan's ambassador to the Conference on Disarmament, Keiko Tanabe, said Tokyo wanted more.").0,
        "Keiko Tanabe"
    );
    let a = one("A Western diplomat who spoke on condition of anonymity because he was not authorized to discuss private consultations said several governments had asked for an account.");
    assert_eq!((a.0.as_str(), a.1), ("A Western diplomat", Anonymous));
    assert_eq!(
        one("In Washington, the White House said the president had been briefed.").1,
        Institution
    );
}

#[test]
fn trailing_and_parenthetical() {
    let a = one("The two sides agreed to set up working groups, the first concrete step in years, officials from both sides said after talks in Geneva.");
    assert_eq!(
        (a.0.as_str(), a.1),
        ("officials from both sides", Anonymous)
    );
    assert_eq!(
        one("The alliance, he added, would not accept any arrangement.").2,
        "added"
    );
    let a = one("\"We came here to test whether there is a basis,\" Ellison told reporters after the meeting.");
    assert_eq!(a.0, "Ellison");
    let a = one("Wind supplied 58 percent of Denmark's electricity last year, grid operator Energinet said.");
    assert_eq!(
        (a.0.as_str(), a.1),
        ("grid operator Energinet", Institution)
    );
}

#[test]
fn inverted_forms() {
    let a = one("\"We are not going to pretend,\" said Ryabkov.");
    assert_eq!((a.0.as_str(), a.2.as_str()), ("Ryabkov", "said"));
    let a = one("“It was a mistake,” said a senior official, who asked not to be named.");
    assert_eq!((a.0.as_str(), a.1), ("a senior official", Anonymous));
    // Not inverted: the phrase after "said" is the subject of the reported clause.
    let a = one("Zhou Minghua, a researcher at the Centre for Strategic Dialogue, said Chinese officials would treat it as a bilateral matter.");
    assert_eq!(a.0, "Zhou Minghua");
}

#[test]
fn passive_forms() {
    let a = one("The plan was called “premature” by Finance Minister Lena Holm.");
    assert_eq!(
        (a.0.as_str(), a.1, a.2.as_str()),
        ("Lena Holm", NamedPerson, "was called")
    );
    let a = one("The summit is widely seen as the start of a reset.");
    assert_eq!((a.1, a.2.as_str()), (Agentless, "is widely seen as"));
    let a = one("It is believed that President Putin signed off on the position.");
    assert_eq!((a.1, a.2.as_str()), (Agentless, "It is believed"));
    let a = one("The idea has been interpreted in Washington as a quiet challenge.");
    assert_eq!(
        (a.1, a.2.as_str()),
        (Agentless, "has been interpreted in Washington as")
    );
    let a = one("Senior aides are said to be frustrated with the White House.");
    assert_eq!(a.1, Agentless);
    let a = one("The move has been interpreted by some as a signal.");
    assert_eq!((a.0.as_str(), a.1), ("some", Vague));
    // Not attributions.
    assert!(atts("The meeting was called off after the storm.").is_empty());
    assert!(atts("The minister was seen leaving the building.").is_empty());
    assert!(atts("The bill is expected to pass comfortably.").is_empty());
}

#[test]
fn colon_according_put_it() {
    let a = one("Mr. Ryabkov was blunt: “Nobody should expect a new treaty this year.”");
    assert_eq!(
        (a.0.as_str(), a.1, a.2.as_str()),
        ("Ryabkov", NamedPerson, ":")
    );
    let a = one("Prices rose 3.1% in the second half of 2025, according to Eurostat.");
    assert_eq!(
        (a.0.as_str(), a.1, a.2.as_str()),
        ("Eurostat", Institution, "according to")
    );
    let a = one("According to some accounts, the U.S. delegation asked for a recess.");
    assert_eq!(a.1, Vague);
    let a = one("Inside the room, according to a person familiar with the talks, much of the time went on procedure.");
    assert_eq!(
        (a.0.as_str(), a.1),
        ("a person familiar with the talks", Anonymous)
    );
    let a = one("Until then, as one European official put it, “everybody is guessing.”");
    assert_eq!(
        (a.0.as_str(), a.1, a.2.as_str()),
        ("one European official", Anonymous, "put it")
    );
}

#[test]
fn pronouns_take_the_last_person() {
    let t = "Deputy Foreign Minister Sergei Ryabkov said the talks were useful. He noted that Moscow still had concerns.";
    let d = Document::parse(t, None);
    let (a, _) = find_attributions(&d, &[], &ctx());
    assert_eq!(a.len(), 2);
    assert_eq!(a[1].kind, NamedPerson);
    assert_eq!(a[1].person.as_deref(), Some("Sergei Ryabkov"));
}

#[test]
fn pronouns_use_people_mentions() {
    use crate::analysis::{MentionForm, PersonMention, PersonRole};
    let t = "Lena Holm arrived late. She said the levy would expire in 2031.";
    let d = Document::parse(t, None);
    let m = PersonMention {
        span: 0..9,
        text: "Lena Holm".into(),
        form: MentionForm::FullName,
        role: PersonRole::Subject,
        name: "Lena Holm".into(),
        surname: "holm".into(),
        resolved: true,
        kb_id: None,
        title: None,
    };
    let (a, _) = find_attributions(&d, &[m], &ctx());
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].person.as_deref(), Some("Lena Holm"));
}

#[test]
fn not_attributions() {
    for t in [
        "French officials declined to say whether he spoke for the government.",
        "The committee chair has not said which way she will vote.",
        "Ketsoyan would not say what the star was being treated for.",
        "Critics called for his resignation.",
        "Many people agreed to leave the area.",
        "His remarks were the sharpest of the day.",
        "The talks, as Swiss officials insisted on calling them, ended early.",
        "“Nobody in this building thinks the levy survives,” is a line we heard.",
    ] {
        let v: Vec<_> = atts(t)
            .into_iter()
            .filter(|a| matches!(a.1, Vague | Anonymous | Agentless))
            .collect();
        assert!(v.is_empty(), "{t}: {v:?}");
    }
}

#[test]
fn quotes_link_to_speakers() {
    let t = "Ryabkov was asked about the talks. “We are not in a hurry,” he said.\n\n“They are negotiating about us, without us.”\n\nThe ministry said:\n\n> We reject the claims entirely and will respond.\n";
    let d = Document::parse(t, None);
    let (a, q) = find_attributions(&d, &[], &ctx());
    assert_eq!(q.len(), 3);
    assert_eq!(a[q[0].attribution.unwrap()].source_text, "he");
    // A quotation that opens the next paragraph continues the speaker before it (AP style).
    assert_eq!(a[q[1].attribution.unwrap()].source_text, "he");
    assert_eq!(a[q[2].attribution.unwrap()].source_text, "The ministry");
}

#[test]
fn multi_sentence_and_multi_paragraph_quotes() {
    let t = "“We will not retreat. We will hold the line,” Holm said.\n\n“We have done this before.\n\n“And we will do it again,” she added.\n";
    let d = Document::parse(t, None);
    let (_, q) = find_attributions(&d, &[], &ctx());
    assert_eq!(q.len(), 3);
    assert!(q.iter().all(|q| q.attribution.is_some()), "{q:?}");
}

#[test]
fn never_panics() {
    for t in [
        "",
        "said",
        "according to",
        "as put it",
        ":",
        "“",
        "was seen by",
        "He said",
        "It is believed",
        "by",
        "\"\"",
        "said,",
        "— said X —",
    ] {
        let d = Document::parse(t, None);
        let _ = find_attributions(&d, &[], &ctx());
    }
}

#[test]
fn cues_per_sentence_are_capped() {
    // Found by fuzzing: thousands of cues in one "sentence" (no punctuation) were quadratic.
    let t = "Ryabkov said ".repeat(MAX_CUES_PER_SENTENCE * 3);
    let v = atts(&t);
    assert!(
        !v.is_empty() && v.len() <= MAX_CUES_PER_SENTENCE,
        "{}",
        v.len()
    );
    // Many quotations and colon lead-ins in many sentences stay linear and keep linking.
    let one = "Sergei Ryabkov was blunt: “no deal today”.\n\n";
    let single = crate::analysis::analyze(one, &ctx());
    assert_eq!(single.attributions.len(), 1);
    let many = crate::analysis::analyze(&one.repeat(500), &ctx());
    assert_eq!(many.attributions.len(), 500);
    assert_eq!(many.quotes.len(), 500);
    assert!(many.quotes.iter().all(|q| q.attribution.is_some()));
}

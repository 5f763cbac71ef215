//! Nominal event mentions in one article (owned by the events work).
//!
//! A mention is a trigger noun from the `event-triggers` lexicon ("talks", "summit",
//! "earthquake", "shooting") with what qualifies it in its noun phrase and right after it:
//! - place: "Geneva talks", "talks in Geneva", "at the Palais des Nations" (landmark → city via
//!   the gazetteer), or an unknown proper-noun modifier ("the Fulton courthouse shooting");
//! - parties: "US–China", "Élysée-Berlin", "Iranian", "between France and Germany";
//! - participants: people (from the people analysis) named in the phrase or its sentence;
//! - time: "Tuesday's", "on March 12", "earlier this week" (resolved against the article date);
//! - extent: "three-hour", "two-day".
//!
//! Bare anaphors ("the talks", "the meeting") get the index of the most recent compatible
//! qualified mention of the same class and group in the article (else of the most recent
//! mention of that group). KB events match by name or alias and anchor the mention.
//!
//! The span is the phrase: determiner and pre-modifiers, the trigger, and a place or parties
//! prepositional phrase ("the three-hour meeting at the Palais des Nations"); an event noun used
//! as a modifier of another trigger ("the drunk driving case") is not swallowed.

pub mod gazetteer;
pub mod tokens;
pub mod when;

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher as Fx;
use std::sync::{Arc, LazyLock, Mutex};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use chrono::NaiveDate;

use super::document::{BlockKind, Document};
use super::kb::KbTarget;
use super::lexicon::{is_word_boundary, Lexicon};
use super::{Context, EventClass, EventMention, PersonMention, Span};
use gazetteer::PlaceKind;
use tokens::Toks;

/// Parse a lexicon class name.
pub fn class_from_str(s: &str) -> EventClass {
    match s.trim().to_ascii_lowercase().as_str() {
        "meeting" => EventClass::Meeting,
        "vote" => EventClass::Vote,
        "test" => EventClass::Test,
        "violence" => EventClass::Violence,
        "disaster" => EventClass::Disaster,
        "agreement" => EventClass::Agreement,
        "legal" => EventClass::Legal,
        _ => EventClass::Other,
    }
}

/// (class, group) of a lexicon entry "word<TAB>class[<TAB>group]".
fn entry_class_group(entry: &str) -> (EventClass, String) {
    let mut cols = entry.split('\t');
    let word = cols.next().unwrap_or("").trim().to_lowercase();
    let class = cols.next().map_or(EventClass::Other, class_from_str);
    let group = cols
        .next()
        .map(|g| g.trim().to_lowercase())
        .filter(|g| !g.is_empty())
        .unwrap_or(word);
    (class, group)
}

/// The trigger lexicon compiled for scanning: a DFA (several times faster than the lexicon's
/// general automaton on long articles) and each entry's class and group. Cached per lexicon
/// content, so a `byline.toml` patch gets its own table.
struct TriggerTable {
    ac: Option<AhoCorasick>,
    info: Vec<(EventClass, Box<str>)>,
}

impl TriggerTable {
    fn find_words(&self, text: &str) -> Vec<(Span, usize)> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        ac.find_iter(text)
            .filter(|m| is_word_boundary(text, m.start(), m.end()))
            .map(|m| (m.range(), m.pattern().as_usize()))
            .collect()
    }
}

fn trigger_table(lex: &Lexicon) -> Arc<TriggerTable> {
    static CACHE: Mutex<Vec<(u64, Arc<TriggerTable>)>> = Mutex::new(Vec::new());
    let mut h = Fx::default();
    lex.entries().hash(&mut h);
    let key = h.finish();
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, t)) = cache.iter().find(|(k, _)| *k == key) {
        return t.clone();
    }
    let pats: Vec<&str> = lex
        .entries()
        .iter()
        .map(|e| e.split('\t').next().unwrap_or(e).trim())
        .collect();
    let ac = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&pats)
        .or_else(|_| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .build(&pats)
        })
        .ok();
    let info = lex
        .entries()
        .iter()
        .map(|e| {
            let (c, g) = entry_class_group(e);
            (c, g.into_boxed_str())
        })
        .collect();
    let t = Arc::new(TriggerTable { ac, info });
    if cache.len() >= 4 {
        cache.remove(0);
    }
    cache.push((key, t.clone()));
    t
}

/// The class and group of a trigger word according to `lex` (case-insensitive).
pub fn trigger_info(lex: &Lexicon, word: &str) -> Option<(EventClass, String)> {
    lex.entries()
        .iter()
        .find(|e| {
            e.split('\t')
                .next()
                .is_some_and(|w| w.eq_ignore_ascii_case(word))
        })
        .map(|e| entry_class_group(e))
}

// ---------------------------------------------------------------------------------------------
// Word classes used by the phrase heuristics

const DETERMINERS: &[&str] = &[
    "the", "a", "an", "this", "that", "these", "those", "its", "his", "her", "their", "our", "my",
    "your", "whose", "another", "each", "every", "no", "any", "some", "such",
];
const DEFINITE: &[&str] = &["the", "this", "that", "these", "those", "its", "their"];
/// Words before a trigger that make it a noun.
const NOUN_CONTEXT: &[&str] = &[
    "of",
    "in",
    "after",
    "before",
    "during",
    "following",
    "since",
    "amid",
    "amidst",
    "for",
    "over",
    "about",
    "from",
    "with",
    "without",
    "into",
    "at",
    "on",
    "by",
    "under",
    "against",
    "despite",
    "upon",
    "until",
    "through",
    "throughout",
    "first",
    "last",
    "latest",
    "recent",
    "new",
    "second",
    "third",
    "planned",
    "proposed",
    "deadly",
    "fatal",
    "major",
    "possible",
    "alleged",
    "massive",
    "huge",
    "big",
    "brief",
    "historic",
    "annual",
    "previous",
    "next",
    "ongoing",
];
const SUBJECT_PRONOUNS: &[&str] = &["i", "we", "they", "you", "he", "she", "it", "who", "which"];
const AUX: &[&str] = &[
    "to",
    "will",
    "would",
    "can",
    "could",
    "may",
    "might",
    "must",
    "should",
    "shall",
    "did",
    "does",
    "do",
    "not",
    "never",
    "cannot",
    "won't",
    "didn't",
    "don't",
    "doesn't",
    "wouldn't",
    "couldn't",
    "can't",
    "shouldn't",
    "let",
    "please",
    "also",
];
const BE: &[&str] = &["is", "are", "was", "were", "be", "been", "being", "am"];
/// Words after a verb-capable trigger that show it is used as a verb.
const OBJECTS: &[&str] = &[
    "him",
    "her",
    "them",
    "me",
    "us",
    "himself",
    "herself",
    "themselves",
    "itself",
    "the",
    "a",
    "an",
    "his",
    "their",
    "its",
    "our",
    "my",
    "your",
    "back",
    "off",
    "out",
    "up",
    "down",
    "away",
    "several",
    "two",
    "three",
    "four",
    "five",
    "dozens",
    "hundreds",
    "anyone",
    "everyone",
    "someone",
    "nobody",
    "people",
];
/// Participles that work as adjectives before an event noun ("the planned talks").
const PARTICIPLE_ADJECTIVES: &[&str] = &[
    "alleged",
    "planned",
    "proposed",
    "scheduled",
    "delayed",
    "failed",
    "attempted",
    "botched",
    "armed",
    "organized",
    "organised",
    "coordinated",
    "suspected",
    "reported",
    "renewed",
    "televised",
    "heated",
    "disputed",
    "contested",
    "rigged",
    "stalled",
    "postponed",
    "expected",
    "troubled",
    "related",
    "unprovoked",
    "coordinated",
    "sustained",
    "widespread",
    "unexpected",
    "unannounced",
    "unprecedented",
    "closed",
    "advanced",
    "limited",
    "sustained",
    "protracted",
];
/// Motion verbs before "to": "went to trial", "sent to rehab".
const MOTION: &[&str] = &[
    "go", "goes", "went", "gone", "going", "headed", "heading", "sent", "returned", "return",
    "taken", "took", "come", "came", "back", "due", "ahead", "up", "way", "prior", "lead", "led",
    "leading", "path", "road", "prelude", "response", "reaction", "run-up", "related",
];
/// Trigger lemmas that are also common verbs (checked for verb use).
const VERB_CAPABLE: &[&str] = &[
    "attack",
    "murder",
    "call",
    "vote",
    "test",
    "launch",
    "strike",
    "raid",
    "crash",
    "fire",
    "fall",
    "escape",
    "release",
    "visit",
    "march",
    "protest",
    "rally",
    "rescue",
    "appeal",
    "trade",
    "transfer",
    "repair",
    "recall",
    "sentence",
    "arrest",
    "capture",
    "chase",
    "bid",
    "offer",
    "win",
    "split",
    "hack",
    "leak",
    "spill",
    "flood",
    "storm",
    "riot",
    "clash",
    "deal",
    "talk",
    "address",
    "interview",
    "tour",
    "trip",
    "battle",
    "campaign",
    "race",
    "cut",
    "veto",
    "probe",
    "pardon",
    "parole",
    "bail",
    "abuse",
    "assault",
    "wreck",
    "collapse",
    "blast",
    "purchase",
    "overhaul",
    "reform",
    "debut",
    "premiere",
    "defeat",
    "triumph",
    "boycott",
    "parade",
    "match",
    "poll",
    "caucus",
    "recount",
    "ambush",
    "rape",
    "quake",
    "blaze",
    "contract",
    "compromise",
    "trial",
    "surge",
    "overdose",
    "rehab",
    "divorce",
    "breach",
    "shell",
    "shoot",
    "kill",
    "bomb",
    "charge",
    "meet",
    "stay",
    "sale",
    "end",
    "exit",
    "plea",
];
/// Triggers so common in other senses that they count only after a determiner or adjective
/// ("a shot", "the case", "his return").
const DET_REQUIRED: &[&str] = &[
    "shot",
    "shots",
    "hit",
    "round",
    "move",
    "moves",
    "step",
    "cut",
    "cuts",
    "blow",
    "case",
    "cases",
    "return",
    "goal",
    "goals",
    "stroke",
    "review",
    "sweep",
    "attempt",
    "call",
    "calls",
    "fight",
    "session",
    "release",
    "operation",
    "record",
    "sale",
    "offer",
    "bid",
];
/// "-ing" words that work as adjectives before an event noun.
const ING_ADJECTIVES: &[&str] = &[
    "ongoing",
    "upcoming",
    "continuing",
    "escalating",
    "recurring",
    "shocking",
    "stunning",
    "lasting",
    "long-running",
    "looming",
    "pending",
    "devastating",
    "damaging",
    "crippling",
    "alarming",
    "deadly-looking",
    "growing",
    "opening",
    "closing",
    "closing-door",
    "sweeping",
    "wedding",
    "morning",
    "evening",
    "building",
    "housing",
    "fundraising",
    "shooting",
];
/// Nouns after a trigger that make the trigger a modifier of a thing, not an event
/// ("rehab facility", "fire department", "election officials", "emergency patch").
const MODIFIED_NOUNS: &[&str] = &[
    "facility",
    "facilities",
    "center",
    "centers",
    "centre",
    "centres",
    "clinic",
    "clinics",
    "program",
    "programs",
    "programme",
    "unit",
    "units",
    "department",
    "departments",
    "station",
    "stations",
    "crew",
    "crews",
    "truck",
    "trucks",
    "engine",
    "engines",
    "service",
    "services",
    "brigade",
    "brigades",
    "official",
    "officials",
    "commission",
    "committee",
    "headquarters",
    "office",
    "offices",
    "patch",
    "patches",
    "update",
    "updates",
    "room",
    "rooms",
    "team",
    "teams",
    "squad",
    "squads",
    "worker",
    "workers",
    "helicopter",
    "helicopters",
    "vehicle",
    "vehicles",
    "chief",
    "chiefs",
    "system",
    "systems",
    "law",
    "laws",
    "fund",
    "funds",
    "plan",
    "plans",
    "expert",
    "experts",
    "insurance",
    "alarm",
    "alarms",
    "exit",
    "exits",
    "extinguisher",
    "extinguishers",
    "hydrant",
    "hydrants",
    "escape",
    "fighter",
    "fighters",
    "marshal",
    "marshals",
    "inspector",
    "inspectors",
    "investigator",
    "investigators",
    "coverage",
    "record",
    "records",
    "family",
    "families",
    "boss",
    "bosses",
    "syndicate",
    "scene",
    "scenes",
    "lab",
    "labs",
    "rate",
    "rates",
    "statistics",
];
/// Speech words: a person right before or after one is a source, not a participant.
const SPEECH: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "according",
    "stated",
    "explained",
    "announced",
    "confirmed",
    "spokesman",
    "spokeswoman",
    "spokesperson",
];
const FUNCTION_WORDS: &[&str] = &[
    "in",
    "on",
    "at",
    "of",
    "for",
    "with",
    "by",
    "to",
    "from",
    "after",
    "before",
    "during",
    "since",
    "amid",
    "over",
    "under",
    "into",
    "about",
    "against",
    "and",
    "or",
    "but",
    "as",
    "than",
    "which",
    "who",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "has",
    "have",
    "had",
    "will",
    "would",
    "said",
    "says",
    "say",
    "told",
    "i",
    "we",
    "they",
    "he",
    "she",
    "it",
    "you",
    "there",
    "here",
    "when",
    "while",
    "where",
    "if",
    "because",
    "despite",
    "following",
    "near",
    "between",
    "among",
    "not",
    "also",
    "now",
    "then",
    "just",
    "could",
    "should",
    "may",
    "might",
    "can",
    "did",
    "does",
    "do",
    "so",
    "yet",
    "still",
    "even",
    "only",
    "very",
    "more",
    "most",
];
/// Joiners inside a multi-word proper name ("Palais des Nations", "Bay of Pigs").
const NAME_JOINERS: &[&str] = &[
    "de", "des", "du", "la", "le", "of", "the", "von", "van", "al", "el", "di", "da",
];

const PREPOSITIONS: &[&str] = &[
    "of", "in", "on", "at", "for", "from", "with", "by", "into", "over", "about", "under", "after",
    "before",
];

fn is_preposition(w: &str) -> bool {
    in_list(F_PREPOSITIONS, w)
}

/// Every word list above as bit flags in one table, so a membership test is one hash lookup.
static WORD_FLAGS: LazyLock<HashMap<&'static str, u32, BuildFx>> = LazyLock::new(|| {
    let mut m: HashMap<&'static str, u32, BuildFx> = HashMap::default();
    for (bit, list) in WORD_LISTS.iter().enumerate() {
        for w in *list {
            *m.entry(*w).or_default() |= 1 << bit;
        }
    }
    m
});

const WORD_LISTS: &[&[&str]] = &[
    DETERMINERS,
    DEFINITE,
    NOUN_CONTEXT,
    SUBJECT_PRONOUNS,
    AUX,
    BE,
    OBJECTS,
    PARTICIPLE_ADJECTIVES,
    MOTION,
    VERB_CAPABLE,
    DET_REQUIRED,
    ING_ADJECTIVES,
    MODIFIED_NOUNS,
    SPEECH,
    FUNCTION_WORDS,
    NAME_JOINERS,
    PREPOSITIONS,
];

/// FxHash for short word keys (std's SipHash dominated the profile).
type BuildFx = rustc_hash::FxBuildHasher;

/// Membership of `w` (any case) in the word lists of `flags` (`F_*` bits).
fn in_list(flags: u32, w: &str) -> bool {
    let mut buf = [0u8; 24];
    let b = w.as_bytes();
    if b.len() > buf.len() {
        return false;
    }
    for (d, c) in buf.iter_mut().zip(b) {
        *d = c.to_ascii_lowercase();
    }
    let lower = std::str::from_utf8(&buf[..b.len()]).unwrap_or("");
    WORD_FLAGS.get(lower).is_some_and(|f| f & flags != 0)
}

const F_DETERMINERS: u32 = 1 << 0;
const F_DEFINITE: u32 = 1 << 1;
const F_NOUN_CONTEXT: u32 = 1 << 2;
const F_SUBJECT_PRONOUNS: u32 = 1 << 3;
const F_AUX: u32 = 1 << 4;
const F_BE: u32 = 1 << 5;
const F_OBJECTS: u32 = 1 << 6;
const F_PARTICIPLE_ADJECTIVES: u32 = 1 << 7;
const F_MOTION: u32 = 1 << 8;
const F_VERB_CAPABLE: u32 = 1 << 9;
const F_DET_REQUIRED: u32 = 1 << 10;
const F_ING_ADJECTIVES: u32 = 1 << 11;
const F_MODIFIED_NOUNS: u32 = 1 << 12;
const F_SPEECH: u32 = 1 << 13;
const F_FUNCTION_WORDS: u32 = 1 << 14;
const F_NAME_JOINERS: u32 = 1 << 15;
const F_PREPOSITIONS: u32 = 1 << 16;

/// Singular lemma of a trigger word for the verb check ("strikes" → "strike").
fn lemma(w: &str) -> String {
    let l = w.to_ascii_lowercase();
    if let Some(b) = l.strip_suffix("ies") {
        return format!("{b}y");
    }
    for suf in ["ches", "shes", "sses", "xes"] {
        if l.ends_with(suf) {
            return l[..l.len() - 2].to_string();
        }
    }
    if l.ends_with('s') && !l.ends_with("ss") && l.len() > 3 {
        return l[..l.len() - 1].to_string();
    }
    l
}

const UNITS: &[&str] = &[
    "minute", "hour", "day", "week", "month", "year", "night", "session", "round",
];
const NUMBER_WORDS: &[&str] = &[
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "fifteen",
    "twenty",
    "thirty",
    "forty",
    "forty-eight",
    "several",
    "multi",
    "half",
    "marathon",
    "all",
];

/// "three-hour", "48-hour", "two-day", "day-long", "week-long" → the extent.
fn extent_of(w: &str) -> Option<String> {
    let l = w.to_ascii_lowercase().replace('–', "-");
    let parts: Vec<&str> = l.split('-').collect();
    if parts.len() < 2 {
        return None;
    }
    let unit = parts[1].trim_end_matches('s');
    if parts.len() == 2 && parts[1] == "long" && UNITS.contains(&parts[0]) {
        return Some(l);
    }
    let num_ok = parts[0].chars().all(|c| c.is_ascii_digit()) || NUMBER_WORDS.contains(&parts[0]);
    let tail_ok = parts.len() == 2 || (parts.len() == 3 && parts[2] == "long");
    (num_ok && !parts[0].is_empty() && UNITS.contains(&unit) && tail_ok).then_some(l)
}

// ---------------------------------------------------------------------------------------------

/// What the phrase analysis found around one trigger.
#[derive(Default)]
struct Quals {
    place: Option<String>,
    /// Place known to the gazetteer (hard constraint when linking).
    parties: Vec<String>,
    participants: Vec<super::Str>,
    date: Option<NaiveDate>,
    extent: Option<String>,
}

impl Quals {
    fn any(&self) -> bool {
        self.place.is_some()
            || !self.parties.is_empty()
            || !self.participants.is_empty()
            || self.date.is_some()
            || self.extent.is_some()
    }
}

struct Found {
    span: Span,
    trigger_span: Span,
    class: EventClass,
    group: String,
    quals: Quals,
    /// Qualified by the phrase itself (not just people elsewhere in the sentence).
    np_qualified: bool,
    definite: bool,
    kb_id: Option<String>,
}

struct Detector<'d, 'p> {
    doc: &'d Document<'d>,
    people: &'p [PersonMention],
    titles: &'d Lexicon,
    date: Option<NaiveDate>,
}

/// All event mentions in the article, in text order, anaphors linked to antecedents.
pub fn find_events(
    doc: &Document<'_>,
    people: &[PersonMention],
    ctx: &Context<'_>,
) -> Vec<EventMention> {
    let lex = ctx.lexicons.get("event-triggers");
    let det = Detector {
        doc,
        people,
        titles: ctx.lexicons.get("titles"),
        date: doc.meta.date,
    };
    let prose = doc.prose.as_str();

    let table = trigger_table(lex);
    let mut found: Vec<Found> = Vec::new();
    let hits = table.find_words(prose);
    let mut toks = Toks::new(prose, 0..0);
    let mut hi = 0;
    for (si, sent) in doc.sentences.iter().enumerate() {
        while hi < hits.len() && hits[hi].0.start < sent.span.start {
            hi += 1;
        }
        let first = hi;
        while hi < hits.len() && hits[hi].0.end <= sent.span.end {
            hi += 1;
        }
        if first == hi {
            continue;
        }
        toks.reset(sent.span.clone());
        let headline = det.is_headline(si, &toks);
        // Token index ranges of the triggers in this sentence.
        let mut trig: Vec<(usize, usize, usize)> = Vec::new(); // (first tok, last tok, entry)
        for (range, entry) in &hits[first..hi] {
            let (Some(a), Some(b)) = (toks.starting_at(range.start), toks.ending_at(range.end))
            else {
                continue;
            };
            if b < a {
                continue;
            }
            trig.push((a, b, *entry));
        }
        for (k, &(a, b, entry)) in trig.iter().enumerate() {
            let Some((class, group)) = table.info.get(entry) else {
                continue;
            };
            let (class, group) = (*class, group.to_string());
            if !det.is_noun(&toks, a, b) || (!headline && det.inside_name(&toks, a, b)) {
                continue;
            }
            if a == b
                && !headline
                && toks.is_cap(a)
                && !toks.is_all_caps(a)
                && when::is_calendar_word(toks.base(a))
            {
                continue; // "March 12", "in March"
            }
            if a == b && !headline && det.in_title(&toks, a) {
                continue; // "Catching Fire", "The Hunger Games"
            }
            let prev_trigger_end = k.checked_sub(1).map(|p| trig[p].1);
            let next_trigger_start = trig.get(k + 1).map(|n| n.0);
            if let Some(f) = det.phrase(
                &toks,
                a,
                b,
                class,
                group,
                headline,
                prev_trigger_end,
                next_trigger_start,
            ) {
                found.push(f);
            }
        }
    }

    det.apply_kb(&mut found, ctx);
    found.sort_by_key(|f| (f.span.start, f.span.end));
    det.inherit_article_context(&mut found);

    // Anaphors.
    // The antecedent is the last earlier mention of the same class and group, qualified (or
    // from the KB) if there is one: per (class, group), the last qualified and the last of any
    // kind so far (a backward scan per anaphor was quadratic on long texts).
    #[derive(Default)]
    struct LastSeen {
        qualified: Option<usize>,
        any: Option<usize>,
    }
    let mut last: HashMap<(EventClass, &str), LastSeen> = HashMap::new();
    let mut out: Vec<EventMention> = Vec::with_capacity(found.len());
    for (i, f) in found.iter().enumerate() {
        let mut antecedent = None;
        let key = (f.class, f.group.as_str());
        if f.definite && !f.np_qualified && f.kb_id.is_none() {
            antecedent = last.get(&key).and_then(|l| l.qualified.or(l.any));
        }
        let seen = last.entry(key).or_default();
        seen.any = Some(i);
        if f.np_qualified || f.kb_id.is_some() {
            seen.qualified = Some(i);
        }
        let text = doc.text.get(f.span.clone()).unwrap_or("").to_string();
        let trigger = doc
            .text
            .get(f.trigger_span.clone())
            .unwrap_or("")
            .to_lowercase();
        let mut parties = f.quals.parties.clone();
        parties.sort();
        parties.dedup();
        out.push(EventMention {
            span: f.span.clone(),
            text: text.into(),
            trigger: trigger.into(),
            group: f.group.as_str().into(),
            class: f.class,
            place: f.quals.place.as_deref().map(Into::into),
            parties: parties.iter().map(|s| s.as_str().into()).collect(),
            participants: f.quals.participants.clone(),
            date: f.quals.date,
            extent: f.quals.extent.as_deref().map(Into::into),
            antecedent,
            kb_id: f.kb_id.as_deref().map(Into::into),
        });
    }
    out
}

impl<'d> Detector<'d, '_> {
    /// Headlines and Title Case lines: capitalisation says nothing there.
    fn is_headline(&self, si: usize, t: &Toks<'_>) -> bool {
        if self.doc.sentence_kind(si) == BlockKind::Heading {
            return true;
        }
        let (mut words, mut caps) = (0usize, 0usize);
        for i in 0..t.len() {
            if let Some(w) = t.word(i) {
                words += 1;
                if w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()) {
                    caps += 1;
                }
            }
        }
        words >= 4 && caps * 10 >= words * 7
    }

    /// Noun, not verb, use of the trigger at tokens a..=b.
    fn is_noun(&self, t: &Toks<'_>, a: usize, b: usize) -> bool {
        let head = t.base(b).to_ascii_lowercase();
        let prev = a
            .checked_sub(1)
            .and_then(|p| t.word(p))
            .map(str::to_ascii_lowercase);
        let next = t.word(b + 1).map(str::to_ascii_lowercase);
        let prev_s = prev.as_deref().unwrap_or("");
        let next_s = next.as_deref().unwrap_or("");
        let prev_is_det = in_list(F_DETERMINERS, prev_s) || (a > 0 && t.is_possessive(a - 1));
        if a == b && in_list(F_DET_REQUIRED, &head) {
            let adj = a > 0
                && t.is_word(a - 1)
                && !in_list(F_FUNCTION_WORDS, prev_s)
                && !in_list(F_AUX, prev_s)
                && !in_list(F_SUBJECT_PRONOUNS, prev_s)
                && !in_list(F_BE, prev_s)
                && !prev_s.ends_with("ed");
            if !(prev_is_det || adj || in_list(F_NOUN_CONTEXT, prev_s) && !is_preposition(prev_s)) {
                return false;
            }
        }
        if prev_s == "without" {
            return false; // "life without parole", "ended without incident"
        }
        if in_list(F_MODIFIED_NOUNS, next_s) && !t.is_cap(b + 1) {
            return false;
        }
        if head.ends_with("ing") && a == b {
            if in_list(F_BE, prev_s) {
                return false;
            }
            if in_list(F_OBJECTS, next_s) && !prev_is_det {
                return false;
            }
            if in_list(F_AUX, prev_s) && !prev_is_det {
                return false;
            }
            return true;
        }
        if prev_is_det || in_list(F_NOUN_CONTEXT, prev_s) {
            return true;
        }
        if a != b {
            return true; // multi-word triggers ("plane crash") are nouns
        }
        let lem = lemma(&head);
        if !in_list(F_VERB_CAPABLE, &lem) && !in_list(F_VERB_CAPABLE, &head) {
            return true;
        }
        if in_list(F_SUBJECT_PRONOUNS, prev_s) {
            return false;
        }
        if prev_s == "to" {
            let before = a.checked_sub(2).and_then(|p| t.word(p)).unwrap_or("");
            return in_list(F_MOTION, before);
        }
        if in_list(F_AUX, prev_s) {
            return false;
        }
        if in_list(F_OBJECTS, next_s) {
            return false;
        }
        // "Israel strikes Gaza": a plural-looking verb between two names.
        if head.ends_with('s') && head != lem && t.is_cap(b + 1) && a > 0 && t.is_cap(a - 1) {
            return false;
        }
        true
    }

    /// A capitalised trigger inside a longer proper name ("Promises Treatment Center", "the
    /// Fire Department"): not an event.
    fn inside_name(&self, t: &Toks<'_>, a: usize, b: usize) -> bool {
        if a == 0 || !t.is_cap(a) {
            return false;
        }
        let next_cap =
            t.is_cap(b + 1) && !t.is_possessive(b) && !when::is_calendar_word(t.base(b + 1));
        next_cap && self.person_in(t.toks[b + 1].s, t.toks[b + 1].e).is_none()
    }

    /// A capitalised one-word trigger right after another capitalised word that is neither a
    /// known place nor a person: part of a title or name ("Catching Fire", "Hunger Games").
    /// Named events are multi-word lexicon entries ("Academy Awards", "World Cup").
    fn in_title(&self, t: &Toks<'_>, a: usize) -> bool {
        if a < 2 || !t.is_cap(a) || t.is_all_caps(a) || !t.is_cap(a - 1) || t.is_all_caps(a - 1) {
            return false;
        }
        let prev = t.base(a - 1);
        if t.is_possessive(a - 1)
            || in_list(F_DETERMINERS, prev)
            || in_list(F_FUNCTION_WORDS, prev)
            || when::is_calendar_word(prev)
            || gazetteer::lookup(prev).is_some()
            || prev.contains(['-', '–'])
        {
            return false;
        }
        self.person_in(t.toks[a - 1].s, t.toks[a - 1].e).is_none()
    }

    /// A person mention covering the byte range, if any.
    fn person_in(&self, s: usize, e: usize) -> Option<&PersonMention> {
        let i = self.people.partition_point(|p| p.span.end <= s);
        self.people[i..]
            .iter()
            .take_while(|p| p.span.start < e)
            .find(|p| p.role == super::PersonRole::Subject)
    }

    /// A capitalised proper-name run starting at token `i` (words, "des"/"of" joiners inside):
    /// returns the index past it.
    fn name_run(&self, t: &Toks<'_>, i: usize, limit: usize) -> usize {
        let mut j = i;
        while j < limit && t.is_word(j) {
            if t.is_cap(j) && !when::is_calendar_word(t.base(j)) {
                j += 1;
                if t.is_possessive(j - 1) {
                    break;
                }
            } else if j > i && in_list(F_NAME_JOINERS, t.word(j).unwrap_or("")) && t.is_cap(j + 1) {
                j += 1;
            } else {
                break;
            }
        }
        j
    }

    /// Classify a proper name at tokens i..j into the qualifiers. Returns true if used.
    fn take_name(
        &self,
        t: &Toks<'_>,
        i: usize,
        j: usize,
        q: &mut Quals,
        headline: bool,
        as_party: bool,
    ) -> bool {
        if i >= j {
            return false;
        }
        let s = t.toks[i].s;
        let e = t.toks[j - 1].s + t.base(j - 1).len();
        let name = t.text.get(s..e).unwrap_or("");
        if let Some(p) = self.person_in(s, e) {
            if !q.participants.contains(&p.name) {
                q.participants.push(p.name.clone());
            }
            return true;
        }
        // Longest gazetteer name inside the run, from the left.
        let max = gazetteer::max_words();
        let words: Vec<usize> = (i..j).collect();
        for len in (1..=words.len().min(max)).rev() {
            for start in 0..=(words.len() - len) {
                let a = words[start];
                let b = words[start + len - 1];
                let nm = t
                    .text
                    .get(t.toks[a].s..t.toks[b].s + t.base(b).len())
                    .unwrap_or("");
                if let Some(p) = gazetteer::lookup(nm) {
                    match p.kind {
                        PlaceKind::Country | PlaceKind::Adjective => {
                            if !q.parties.contains(&p.key) {
                                q.parties.push(p.key.clone());
                            }
                        }
                        PlaceKind::City | PlaceKind::Region | PlaceKind::Landmark => {
                            if as_party {
                                if let Some(c) = &p.country {
                                    if !q.parties.contains(c) {
                                        q.parties.push(c.clone());
                                    }
                                }
                            } else if q.place.is_none()
                                || q.place
                                    .as_deref()
                                    .is_some_and(|old| !gazetteer::is_known(old))
                            {
                                q.place = Some(p.key.clone());
                            }
                        }
                    }
                    return true;
                }
            }
        }
        if headline || (i..j).all(|k| t.is_all_caps(k)) {
            return false;
        }
        // A title before the name: a person the people analysis did not see.
        let first = t.word(i).unwrap_or("");
        if self.titles.contains_ignore_case(first) || t.is_possessive(j - 1) || as_party {
            let n: super::Str = name.into();
            if !n.is_empty() && !q.participants.contains(&n) {
                q.participants.push(n);
            }
            return true;
        }
        if q.place.is_none() {
            q.place = Some(gazetteer::norm(name));
            return true;
        }
        false
    }

    #[allow(clippy::too_many_arguments)]
    fn phrase(
        &self,
        t: &Toks<'_>,
        a: usize,
        b: usize,
        class: EventClass,
        group: String,
        headline: bool,
        prev_trigger_end: Option<usize>,
        next_trigger_start: Option<usize>,
    ) -> Option<Found> {
        let mut q = Quals::default();
        let mut np_qualified = false;
        // ---- left: determiner and pre-modifiers
        let mut start = a;
        let mut definite = false;
        let mut tentative = 0usize;
        let mut j = a;
        while j > 0 {
            let k = j - 1;
            if prev_trigger_end.is_some_and(|e| k <= e) || !t.is_word(k) {
                break;
            }
            let w = t.word(k).unwrap_or("");
            let lw = w.to_ascii_lowercase();
            if in_list(F_DETERMINERS, &lw) {
                start = k;
                definite = in_list(F_DEFINITE, &lw);
                break;
            }
            if t.is_possessive(k) {
                start = k;
                j = k;
                tentative = 0;
                definite = true;
                continue;
            }
            let digit = w.starts_with(|c: char| c.is_ascii_digit());
            let hyph = w.contains(['-', '–']);
            if t.is_cap(k) && !in_list(F_FUNCTION_WORDS, &lw) {
                // Sentence-initial capitals are ordinary words unless they are names we know.
                let sentence_initial = k == 0;
                if sentence_initial
                    && gazetteer::lookup(t.base(k)).is_none()
                    && self.person_in(t.toks[k].s, t.toks[k].e).is_none()
                {
                    break;
                }
                start = k;
                j = k;
                tentative = 0;
                continue;
            }
            if digit || (hyph && extent_of(w).is_some()) || lw.ends_with("-year-old") {
                start = k;
                j = k;
                tentative = 0;
                continue;
            }
            let verbish = (lw.ends_with("ed") && !in_list(F_PARTICIPLE_ADJECTIVES, &lw))
                || (lw.ends_with("ing") && !in_list(F_ING_ADJECTIVES, &lw))
                || (lw.ends_with('s')
                    && !lw.ends_with("ss")
                    && !lw.ends_with("us")
                    && !lw.ends_with("is"));
            if in_list(F_FUNCTION_WORDS, &lw)
                || in_list(F_AUX, &lw)
                || in_list(F_SPEECH, &lw)
                || in_list(F_SUBJECT_PRONOUNS, &lw)
                || in_list(F_BE, &lw)
                || verbish
                || tentative >= 3
            {
                break;
            }
            tentative += 1;
            j = k;
        }
        // Qualifiers in the pre-modifiers.
        let mut k = start;
        while k < a {
            let w = t.word(k).unwrap_or("");
            if let Some(x) = extent_of(w) {
                q.extent = Some(x);
                k += 1;
                continue;
            }
            if let Some((d, end)) = when::date_at(t, k, self.date) {
                if end <= a {
                    q.date = Some(d);
                    k = end;
                    continue;
                }
            }
            if t.is_cap(k) && (w.contains(['-', '–', '/'])) {
                // "US–China", "Élysée-Berlin": parties.
                let parts: Vec<&str> = t.base(k).split(['-', '–', '/']).collect();
                let places: Vec<&gazetteer::Place> =
                    parts.iter().filter_map(|p| gazetteer::lookup(p)).collect();
                if places.len() == parts.len() && parts.len() >= 2 {
                    for p in places {
                        if let Some(c) = &p.country {
                            if !q.parties.contains(c) {
                                q.parties.push(c.clone());
                            }
                        }
                    }
                    k += 1;
                    continue;
                }
            }
            if t.is_cap(k) && !in_list(F_DETERMINERS, w) {
                let end = self.name_run(t, k, a);
                if end > k {
                    self.take_name(t, k, end, &mut q, headline, false);
                    k = end;
                    continue;
                }
            }
            k += 1;
        }
        // ---- right: place / parties / date phrases
        let mut end = t.toks[b].s + t.base(b).len();
        let limit = next_trigger_start.unwrap_or(t.len());
        let mut k = b + 1;
        for _ in 0..3 {
            if k >= limit {
                break;
            }
            let Some(w) = t.word(k) else { break };
            let lw = w.to_ascii_lowercase();
            match lw.as_str() {
                "in" | "at" | "near" | "outside" | "inside" | "off" => {
                    let mut m = k + 1;
                    if t.word(m).is_some_and(|x| in_list(F_DETERMINERS, x)) {
                        m += 1;
                    }
                    if let Some((d, e)) = when::date_at(t, m, self.date) {
                        q.date = Some(d);
                        k = e;
                        continue;
                    }
                    let stop = self.name_run(t, m, limit);
                    let known = stop > m
                        && gazetteer::lookup(
                            t.text.get(t.toks[m].s..t.toks[stop - 1].e).unwrap_or(""),
                        )
                        .is_some();
                    // "in a Christmas party", "at the Waitrose store": a modifier, not a place.
                    let modifier = t.word(stop).is_some_and(|w| {
                        !t.is_cap(stop) && !in_list(F_FUNCTION_WORDS, w) && !in_list(F_SPEECH, w)
                    });
                    if stop > m && (known || (!headline && !modifier)) {
                        let before = q.place.clone();
                        if self.take_name(t, m, stop, &mut q, headline, false) && q.place != before
                        {
                            end = t.toks[stop - 1].s + t.base(stop - 1).len();
                        }
                        k = stop;
                        if t.punct_is(k, ',') && t.is_cap(k + 1) {
                            // "in Malibu, California"
                            let s2 = self.name_run(t, k + 1, limit);
                            k = s2;
                        }
                        continue;
                    }
                    break;
                }
                "between" | "with" | "involving" | "among" => {
                    let mut m = k + 1;
                    let mut got = false;
                    let mut last = end;
                    while m < limit && m < k + 14 {
                        if t.punct_is(m, ',')
                            || t.word(m)
                                .is_some_and(|x| in_list(F_DETERMINERS, x) || x == "and")
                        {
                            m += 1;
                            continue;
                        }
                        if !t.is_cap(m) && !t.word(m).is_some_and(|x| x.contains(['-', '–'])) {
                            break;
                        }
                        let stop = self.name_run(t, m, limit).max(m + 1);
                        if self.take_name(t, m, stop, &mut q, headline, true) {
                            got = true;
                            last = t.toks[stop - 1].s + t.base(stop - 1).len();
                        }
                        m = stop;
                    }
                    if got {
                        end = last;
                    }
                    k = m;
                    if !got {
                        break;
                    }
                }
                "of" | "by" | "against" | "on" | "last" | "this" | "earlier" | "next" => {
                    if let Some((d, e)) =
                        when::date_at(t, if lw == "on" { k + 1 } else { k }, self.date)
                    {
                        q.date = Some(d);
                        k = e;
                        continue;
                    }
                    if lw == "last" || lw == "this" || lw == "earlier" || lw == "next" {
                        break;
                    }
                    let mut m = k + 1;
                    if t.word(m).is_some_and(|x| in_list(F_DETERMINERS, x)) {
                        m += 1;
                    }
                    let stop = self.name_run(t, m, limit);
                    if stop > m && !headline {
                        let s = t.toks[m].s;
                        let e = t.toks[stop - 1].e;
                        if let Some(p) = self.person_in(s, e) {
                            if !q.participants.contains(&p.name) {
                                q.participants.push(p.name.clone());
                            }
                        } else {
                            self.take_name(t, m, stop, &mut q, headline, true);
                        }
                    }
                    break;
                }
                _ => {
                    if let Some((d, e)) = when::date_at(t, k, self.date) {
                        q.date = Some(d);
                        k = e;
                        continue;
                    }
                    break;
                }
            }
        }
        np_qualified |= q.any();
        // ---- sentence people (not speakers) as participants
        let (ss, se) = (t.toks[0].s, t.toks[t.len() - 1].e);
        let lo = self.people.partition_point(|p| p.span.end <= ss);
        for p in self.people[lo..].iter().take_while(|p| p.span.start < se) {
            if p.role != super::PersonRole::Subject || q.participants.contains(&p.name) {
                continue;
            }
            let (Some(pi), Some(pj)) = (t.starting_at(p.span.start), t.ending_at(p.span.end))
            else {
                continue;
            };
            let near_speech = |i: Option<usize>| {
                i.and_then(|i| t.word(i))
                    .is_some_and(|w| in_list(F_SPEECH, w))
            };
            if near_speech(pi.checked_sub(1))
                || near_speech(Some(pj + 1))
                || near_speech(pi.checked_sub(2))
            {
                continue;
            }
            q.participants.push(p.name.clone());
        }
        let s = t.toks[start].s;
        Some(Found {
            span: s..end,
            trigger_span: t.toks[a].s..t.toks[b].s + t.base(b).len(),
            class,
            group,
            quals: q,
            np_qualified,
            definite,
            kb_id: None,
        })
    }

    /// Mentions that name no participants take the article's main people (named at least
    /// twice, or in the headline/lede, and not only as a quoted source): "the shooting" in a
    /// story about a named gunman is that gunman's shooting, which keeps same-wording events of
    /// different stories apart when linking. Places are not inherited: the most-named city of
    /// an article is too often a team, a dateline or a comparison.
    fn inherit_article_context(&self, found: &mut [Found]) {
        if found.is_empty() {
            return;
        }
        let main = self.main_people();
        if main.is_empty() {
            return;
        }
        for f in found.iter_mut() {
            if f.kb_id.is_none() && f.quals.participants.is_empty() {
                f.quals.participants = main.clone();
            }
        }
    }

    /// A person right next to a speech word ("Lopez said", "said Lopez", "spokeswoman Lopez").
    fn is_speaker(&self, span: &Span) -> bool {
        let prose = self.doc.prose.as_str();
        let word_after = prose
            .get(span.end..)
            .unwrap_or("")
            .split(|c: char| !c.is_alphanumeric())
            .find(|w| !w.is_empty())
            .unwrap_or("");
        let before = prose.get(..span.start).unwrap_or("");
        let mut prev = before
            .rsplit(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty());
        let w1 = prev.next().unwrap_or("");
        let w2 = prev.next().unwrap_or("");
        in_list(F_SPEECH, word_after) || in_list(F_SPEECH, w1) || in_list(F_SPEECH, w2)
    }

    fn main_people(&self) -> Vec<super::Str> {
        let lede_end = self.doc.sentences.get(2).map_or(usize::MAX, |s| s.span.end);
        let mut counts: Vec<(&str, u32, bool)> = Vec::new();
        for p in self
            .people
            .iter()
            .filter(|p| p.role == super::PersonRole::Subject)
        {
            if self.is_speaker(&p.span) {
                continue;
            }
            let early = p.span.start < lede_end;
            match counts.iter_mut().find(|c| c.0 == &*p.name) {
                Some(c) => {
                    c.1 += 1;
                    c.2 |= early;
                }
                None => counts.push((&*p.name, 1, early)),
            }
        }
        counts.retain(|c| c.1 >= 2 || c.2);
        counts.sort_by_key(|c| std::cmp::Reverse(c.1));
        counts.into_iter().take(3).map(|c| c.0.into()).collect()
    }

    /// Knowledge-base event names and aliases: anchor overlapping mentions, add the others.
    fn apply_kb(&self, found: &mut Vec<Found>, ctx: &Context<'_>) {
        if ctx.kb.events.is_empty() {
            return;
        }
        let lex = ctx.lexicons.get("event-triggers");
        for m in ctx.kb.find(&self.doc.prose) {
            let KbTarget::Event(ei) = m.target else {
                continue;
            };
            let Some(entry) = ctx.kb.events.get(ei) else {
                continue;
            };
            if let Some(f) = found
                .iter_mut()
                .find(|f| f.span.start < m.span.end && m.span.start < f.span.end)
            {
                f.kb_id = Some(entry.id.clone());
                f.span = f.span.start.min(m.span.start)..f.span.end.max(m.span.end);
                continue;
            }
            let text = self.doc.prose.get(m.span.clone()).unwrap_or("");
            let (class, group, trig) = text
                .split(|c: char| !c.is_alphanumeric() && c != '-')
                .rev()
                .filter(|w| !w.is_empty())
                .find_map(|w| trigger_info(lex, w).map(|(c, g)| (c, g, w.to_string())))
                .unwrap_or_else(|| {
                    let last = text
                        .split_whitespace()
                        .last()
                        .unwrap_or(text)
                        .to_lowercase();
                    (EventClass::Other, last.clone(), last)
                });
            let ts = text
                .rfind(trig.as_str())
                .map_or(m.span.start, |i| m.span.start + i);
            let mut span = m.span.clone();
            // Include a determiner right before the name ("the Geneva summit").
            if let Some(b) = span.start.checked_sub(4) {
                let prev = self.doc.prose.get(b..span.start).unwrap_or("");
                // `b` is a char boundary only when `prev` is ("the "): test that first (found
                // by fuzzing: four bytes back can fall inside a character).
                if prev.eq_ignore_ascii_case("the ") {
                    let glued = self.doc.prose[..b]
                        .chars()
                        .next_back()
                        .is_some_and(char::is_alphanumeric);
                    if !glued {
                        span.start = b;
                    }
                }
            }
            found.push(Found {
                span,
                trigger_span: ts..ts + trig.len(),
                class,
                group,
                quals: Quals::default(),
                np_qualified: true,
                definite: false,
                kb_id: Some(entry.id.clone()),
            });
        }
    }
}

#[cfg(test)]
mod tests;

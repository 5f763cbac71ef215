//! Source noun phrases: find the head of a subject phrase and classify it (named person,
//! institution, unnamed official, vague group). Uses the people mentions when the people
//! detector found any, and capitalised-name heuristics (titles lexicon, organisation words)
//! otherwise.

use super::super::lexicon::Lexicons;
use super::super::{PersonMention, PersonRole, SourceKind, Span};
use std::sync::LazyLock;

use super::tokens::{capitalised, in_set, is_any, strip_possessive, tt, FnvBuild, Tok, WordSet};

static S_POSTMOD: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(&[POSTMOD]));
static S_DETERMINERS: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(&[DETERMINERS]));
static S_ROLE: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(&[ROLE_WORDS]));

/// A classified source phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Src {
    pub span: Span,
    pub kind: SourceKind,
    pub person: Option<String>,
}

pub const DETERMINERS: &[&str] = &[
    "a", "an", "the", "this", "that", "these", "those", "one", "two", "three", "four", "five",
    "six", "seven", "eight", "nine", "ten", "several", "some", "many", "most", "few", "other",
    "another", "various", "numerous", "both", "all", "each", "every", "any", "certain", "multiple",
    "dozens", "scores", "hundreds", "more", "fewer", "such",
];

/// Adjectives that do not identify anyone ("independent analysts", "some experts").
const PLAIN_ADJ: &[&str] = &[
    "independent",
    "leading",
    "prominent",
    "top",
    "outside",
    "private",
    "informed",
    "knowledgeable",
    "well-placed",
    "reliable",
    "credible",
    "unnamed",
    "anonymous",
    "former",
    "current",
    "veteran",
    "other",
    "local",
    "foreign",
    "international",
    "political",
    "financial",
    "legal",
    "military",
    "industry",
    "market",
    "energy",
    "security",
    "defence",
    "defense",
    "oil",
    "seasoned",
    "longtime",
    "experienced",
    "respected",
    "influential",
    "skeptical",
    "sceptical",
    "concerned",
    "senior",
    "junior",
    "few",
    "key",
    "some",
    "many",
    "most",
    "several",
];

/// Lower-case words before a group noun that give it an affiliation ("government officials").
const ORG_ADJ: &[&str] = &[
    "government",
    "administration",
    "party",
    "ministry",
    "police",
    "embassy",
    "congressional",
    "parliamentary",
    "palace",
    "company",
    "bank",
    "campaign",
    "union",
    "court",
    "cabinet",
    "opposition",
    "coalition",
    "presidential",
    "council",
    "agency",
    "federal",
    "regional",
    "city",
    "county",
    "intelligence",
    "airline",
    "hospital",
    "school",
    "university",
    "team",
    "club",
    "league",
    "commission",
    "committee",
    "army",
    "navy",
    "kremlin",
    "state",
    "crew",
    "staff",
    "board",
    "council",
    "opposition",
    "ruling",
    "junior",
    "senior",
];

/// Whether words before a group noun give it an affiliation ("Opposition lawmakers", "crew
/// members", "government officials"); determiners and plain adjectives do not.
pub fn affiliated(words: &[&str]) -> bool {
    words.iter().any(|w| {
        let (bare, _) = strip_possessive(w);
        let lw = bare.to_lowercase();
        !DETERMINERS.contains(&lw.as_str())
            && !PLAIN_ADJ.contains(&lw.as_str())
            && (ORG_ADJ.contains(&lw.as_str())
                || bare.chars().next().is_some_and(char::is_uppercase))
    })
}

/// Words that end the head part of a phrase (relative clauses, prepositional modifiers, verbs).
const POSTMOD: &[&str] = &[
    "who",
    "whom",
    "whose",
    "which",
    "that",
    "familiar",
    "close",
    "closest",
    "briefed",
    "speaking",
    "involved",
    "with",
    "at",
    "from",
    "in",
    "of",
    "on",
    "for",
    "to",
    "inside",
    "within",
    "near",
    "among",
    "including",
    "like",
    "over",
    "about",
    "after",
    "before",
    "during",
    "now",
    "based",
    "representing",
    "working",
    "across",
    "outside",
    "behind",
    "under",
    "between",
    "since",
    "when",
    "where",
    "while",
    "because",
    "is",
    "was",
    "were",
    "are",
    "be",
    "been",
    "has",
    "had",
    "have",
    "will",
    "would",
    "can",
    "could",
    "may",
    "might",
    "should",
    "must",
    "did",
    "does",
    "do",
    "also",
    "later",
    "then",
    "previously",
    "repeatedly",
    "again",
    "not",
    "never",
    "reportedly",
    "allegedly",
    "earlier",
    "recently",
    "often",
    "already",
    "still",
    "once",
    "first",
    "publicly",
    "privately",
    "separately",
    "told",
    "said",
    "says",
    "as",
    "by",
    "if",
    "than",
    "whether",
    "via",
    "per",
];

/// Capitalised words that make a name an organisation.
const ORG_WORDS: &[&str] = &[
    "ministry",
    "department",
    "office",
    "council",
    "agency",
    "institute",
    "commission",
    "committee",
    "court",
    "union",
    "party",
    "bank",
    "fund",
    "group",
    "company",
    "corporation",
    "corp",
    "inc",
    "ltd",
    "association",
    "federation",
    "organization",
    "organisation",
    "university",
    "college",
    "school",
    "hospital",
    "police",
    "army",
    "navy",
    "force",
    "forces",
    "guard",
    "service",
    "services",
    "authority",
    "board",
    "bureau",
    "center",
    "centre",
    "foundation",
    "network",
    "news",
    "times",
    "post",
    "journal",
    "herald",
    "tribune",
    "gazette",
    "press",
    "television",
    "tv",
    "radio",
    "house",
    "palace",
    "kremlin",
    "pentagon",
    "parliament",
    "senate",
    "congress",
    "government",
    "administration",
    "embassy",
    "mission",
    "secretariat",
    "cabinet",
    "assembly",
    "tribunal",
    "exchange",
    "reserve",
    "observatory",
    "survey",
    "statistics",
    "program",
    "programme",
    "alliance",
    "coalition",
    "movement",
    "front",
    "campaign",
    "club",
    "league",
    "society",
    "trust",
    "partners",
    "capital",
    "economics",
    "research",
    "studies",
    "laboratory",
    "systems",
    "technologies",
    "airlines",
    "airways",
    "motors",
    "energy",
    "holdings",
    "media",
    "records",
    "pictures",
    "studios",
    "agency",
    "department",
    "prosecutor's",
    "nations",
    "states",
    "republic",
    "kingdom",
    "international",
    "institution",
    "index",
    "monitor",
    "watch",
    "daily",
    "weekly",
    "magazine",
    "wire",
    "channel",
    "broadcasting",
    "corporation",
    "bbc",
    "cnn",
];

/// Lower-case heads that name an institution or a document ("the ministry", "the statement").
const INSTITUTION_NOUNS: &[&str] = &[
    "police",
    "government",
    "ministry",
    "company",
    "firm",
    "agency",
    "court",
    "army",
    "military",
    "committee",
    "commission",
    "council",
    "parliament",
    "department",
    "embassy",
    "administration",
    "authorities",
    "prosecutors",
    "prosecution",
    "statement",
    "statements",
    "report",
    "website",
    "newspaper",
    "paper",
    "broadcaster",
    "network",
    "station",
    "magazine",
    "association",
    "union",
    "bank",
    "regulator",
    "operator",
    "group",
    "team",
    "campaign",
    "office",
    "party",
    "opposition",
    "cabinet",
    "board",
    "club",
    "league",
    "organisers",
    "organizers",
    "secretariat",
    "presidency",
    "palace",
    "document",
    "survey",
    "study",
    "data",
    "figures",
    "poll",
    "census",
    "release",
    "filing",
    "institute",
    "university",
    "hospital",
    "school",
    "mission",
    "delegation",
    "alliance",
    "coalition",
    "bloc",
    "fund",
    "charity",
    "service",
    "airline",
    "manufacturer",
    "carrier",
    "utility",
    "exchange",
    "tribunal",
    "inquiry",
    "investigation",
    "review",
    "audit",
    "letter",
    "memo",
    "transcript",
    "record",
    "records",
    "outlet",
    "channel",
    "agency",
    "publication",
    "journal",
    "bulletin",
    "forecast",
    "projections",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "spokespeople",
    "ministries",
    "governments",
    "companies",
    "banks",
    "regulators",
    "organisation",
    "organization",
    "studio",
    "label",
    "employer",
    "retailer",
    "insurer",
    "lender",
    "county",
    "city",
    "state",
    "navy",
    "coastguard",
    "military's",
    "sheriff's",
    "department's",
    "ruling",
    "verdict",
    "indictment",
    "complaint",
    "lawsuit",
    "order",
    "notice",
    "announcement",
    "decree",
    "law",
    "bill",
    "resolution",
    "treaty",
    "agreement",
    "communique",
    "communiqué",
    "readout",
];

const SPOKES: &[&str] = &[
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "spokespeople",
    "spokesmen",
    "spokeswomen",
    "representative",
    "representatives",
];

/// Role words that make a following single capitalised word a person ("energy spokesman Vinding").
pub const ROLE_WORDS: &[&str] = &[
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "minister",
    "president",
    "leader",
    "chief",
    "director",
    "chairman",
    "chairwoman",
    "chair",
    "secretary",
    "ambassador",
    "envoy",
    "official",
    "lawmaker",
    "senator",
    "governor",
    "mayor",
    "general",
    "commander",
    "colonel",
    "captain",
    "coach",
    "manager",
    "executive",
    "ceo",
    "founder",
    "rep",
    "lawyer",
    "attorney",
    "actress",
    "actor",
    "singer",
    "star",
    "player",
    "economist",
    "analyst",
    "researcher",
    "professor",
    "author",
    "writer",
    "journalist",
    "reporter",
    "correspondent",
    "editor",
    "witness",
    "resident",
    "owner",
    "brother",
    "sister",
    "wife",
    "husband",
    "mother",
    "father",
    "son",
    "daughter",
    "friend",
    "colleague",
    "counterpart",
    "deputy",
    "adviser",
    "advisor",
    "aide",
    "negotiator",
    "diplomat",
    "judge",
    "prosecutor",
    "investigator",
    "officer",
    "sheriff",
    "detective",
    "inspector",
    "candidate",
    "mp",
    "mep",
    "premier",
    "chancellor",
    "king",
    "queen",
    "prince",
    "pope",
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "gen",
    "sen",
    "lt",
    "col",
    "capt",
    "maj",
    "sgt",
    "gov",
    "mme",
    "m",
    "speaker",
    "commissioner",
    "strategist",
    "scientist",
    "historian",
    "expert",
    "consultant",
    "partner",
    "founder",
    "spokesman's",
    "head",
    "boss",
    "manager",
    "legislator",
    "congressman",
    "congresswoman",
    "councillor",
    "councilor",
    "activist",
    "campaigner",
    "organiser",
    "organizer",
];

const NAME_PARTICLES: &[&str] = &[
    "de", "van", "von", "der", "da", "di", "du", "del", "della", "le", "la", "bin", "al", "ibn",
    "dos", "das", "ten", "ter",
];

/// Words that are never a source ("There is…", "This suggests…").
const NOT_SOURCES: &[&str] = &[
    "there",
    "this",
    "that",
    "these",
    "those",
    "what",
    "which",
    "who",
    "whom",
    "here",
    "such",
    "reason",
    "problem",
    "question",
    "answer",
    "result",
    "outcome",
    "idea",
    "point",
    "fact",
    "truth",
    "thing",
    "things",
    "evidence",
    "move",
    "decision",
    "deal",
    "plan",
    "vote",
    "talks",
    "meeting",
    "it's",
    "that's",
    "there's",
    "nothing",
    "everything",
    "something",
    "anything",
];

/// People the analysis has met so far (for pronouns and bare surnames).
#[derive(Debug, Default)]
pub struct Registry {
    /// (offset, full name) of people found by heuristics, in text order.
    pub persons: Vec<(usize, String)>,
}

impl Registry {
    fn surname_match(&self, w: &str) -> Option<&str> {
        self.persons
            .iter()
            .rev()
            .find(|(_, n)| n.contains(' ') && n.rsplit(' ').next().is_some_and(|s| s == w))
            .map(|(_, n)| n.as_str())
    }
}

/// Single-word entries of the lexicons the classifier consults, as hash sets (built once per
/// lexicon content and cached: configurations are few).
pub struct LexSets {
    key: u64,
    vague: std::collections::HashSet<String, FnvBuild>,
    anonymous: std::collections::HashSet<String, FnvBuild>,
    not_people: std::collections::HashSet<String, FnvBuild>,
    not_people_lower: std::collections::HashSet<String, FnvBuild>,
    /// Whether the lexicon has multi-word entries (phrase matching needed).
    vague_phrases: bool,
    anonymous_phrases: bool,
}

impl LexSets {
    pub fn get(lex: &Lexicons) -> std::sync::Arc<LexSets> {
        use std::sync::{Arc, Mutex};
        static CACHE: Mutex<Vec<Arc<LexSets>>> = Mutex::new(Vec::new());
        let names = ["vague-sources", "anonymous-sources", "not-people"];
        let mut key: u64 = 0xcbf2_9ce4_8422_2325;
        for n in names {
            for e in lex.get(n).entries() {
                for b in e.bytes().chain(std::iter::once(0)) {
                    key = (key ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
                }
            }
            key = (key ^ 0xff).wrapping_mul(0x0100_0000_01b3);
        }
        if let Ok(c) = CACHE.lock() {
            if let Some(t) = c.iter().find(|t| t.key == key) {
                return t.clone();
            }
        }
        let single = |n: &str| -> std::collections::HashSet<String, FnvBuild> {
            lex.get(n)
                .entries()
                .iter()
                .filter(|e| !e.contains(' ') && !e.contains('\t'))
                .map(|e| e.to_lowercase())
                .collect()
        };
        let phrases = |n: &str| {
            lex.get(n)
                .entries()
                .iter()
                .any(|e| e.contains(' ') && !e.contains('\t'))
        };
        let t = Arc::new(LexSets {
            key,
            vague: single("vague-sources"),
            anonymous: single("anonymous-sources"),
            not_people: lex.get("not-people").entries().iter().cloned().collect(),
            not_people_lower: lex
                .get("not-people")
                .entries()
                .iter()
                .map(|e| e.to_lowercase())
                .collect(),
            vague_phrases: phrases("vague-sources"),
            anonymous_phrases: phrases("anonymous-sources"),
        });
        if let Ok(mut c) = CACHE.lock() {
            if c.len() >= 8 {
                c.remove(0);
            }
            c.push(t.clone());
        }
        t
    }
}

/// Inputs shared by every classification in one document.
pub struct Env<'a> {
    pub prose: &'a str,
    pub people: &'a [PersonMention],
    pub lex: &'a Lexicons,
    pub sets: std::sync::Arc<LexSets>,
}

impl Env<'_> {
    /// The most recent person before `offset`: people mentions, else heuristic registry.
    pub fn last_person(&self, reg: &Registry, offset: usize) -> Option<(usize, String)> {
        let i = self.people.partition_point(|m| m.span.start < offset);
        let from_people = self.people[..i]
            .iter()
            .rev()
            .find(|m| m.role == PersonRole::Subject)
            .map(|m| (m.span.start, m.name.to_string()));
        let j = reg.persons.partition_point(|(o, _)| *o <= offset);
        let from_reg = j.checked_sub(1).map(|k| reg.persons[k].clone());
        match (from_people, from_reg) {
            (Some(a), Some(b)) => Some(if a.0 >= b.0 { a } else { b }),
            (a, b) => a.or(b),
        }
    }

    fn lex_has(&self, name: &str, w: &str) -> bool {
        let set = match name {
            "vague-sources" => &self.sets.vague,
            "anonymous-sources" => &self.sets.anonymous,
            _ => return self.lex.get(name).contains_ignore_case(w),
        };
        let mut buf = [0u8; 40];
        match super::tokens::ascii_lower(w, &mut buf) {
            Some(l) => set.contains(l),
            None => set.contains(&w.to_lowercase()),
        }
    }

    /// Whether any multi-word entry of lexicon `name` occurs in `span`.
    fn lex_phrase(&self, name: &str, span: &Span) -> bool {
        let has = match name {
            "vague-sources" => self.sets.vague_phrases,
            "anonymous-sources" => self.sets.anonymous_phrases,
            _ => true,
        };
        let Some(t) = self.prose.get(span.clone()) else {
            return false;
        };
        if !has || !t.contains(' ') {
            return false;
        }
        let lx = self.lex.get(name);
        lx.find_words(t).iter().any(|(_, i)| {
            lx.entries()
                .get(*i)
                .is_some_and(|e| e.contains(' ') && !e.contains('\t'))
        })
    }
}

pub fn is_pronoun(w: &str) -> bool {
    ["he", "she", "they", "we", "i", "you", "it"]
        .iter()
        .any(|p| w.eq_ignore_ascii_case(p))
}

/// Classify a subject phrase `toks` (one comma segment). `sent_start` is the offset of the
/// sentence (a capitalised first word there may be an ordinary word).
pub fn classify(env: &Env<'_>, reg: &mut Registry, toks: &[Tok], sent_start: usize) -> Option<Src> {
    let p = env.prose;
    // Trim leading conjunctions/adverbs and punctuation.
    let mut a = 0;
    while a < toks.len()
        && (!toks[a].word
            || is_any(
                p,
                &toks[a],
                &[
                    "and",
                    "but",
                    "so",
                    "yet",
                    "or",
                    "also",
                    "then",
                    "meanwhile",
                    "however",
                    "instead",
                    "still",
                    "now",
                    "even",
                    "only",
                ],
            ))
    {
        if !toks[a].word
            && !matches!(
                toks[a].ch,
                '(' | '—' | '–' | '-' | ',' | ';' | ':' | '"' | '“' | '”' | '‘' | '’' | '\''
            )
        {
            break;
        }
        a += 1;
    }
    let toks = &toks[a..];
    if toks.is_empty() || !toks[0].word {
        return None;
    }
    // Head part: up to the first postmodifier/verb (keeping "of" inside capitalised names).
    let mut h = 0;
    while h < toks.len() {
        let t = &toks[h];
        if !t.word {
            // Abbreviation dots ("Mr.", "U.S.") and initials stay in the phrase.
            if t.ch == '.' && h > 0 && toks[h - 1].word && h + 1 < toks.len() {
                h += 1;
                continue;
            }
            break;
        }
        if h > 0 && !capitalised(t) && in_set(p, t, &S_POSTMOD) {
            let inner_of = is_any(p, t, &["of", "for", "de"])
                && capitalised(&toks[h - 1])
                && toks.get(h + 1).is_some_and(capitalised);
            if !inner_of {
                break;
            }
        }
        h += 1;
    }
    let head_part = &toks[..h];
    let last = *head_part.iter().rev().find(|t| t.word)?;
    let first = head_part[0];
    let head_text = tt(p, &last);
    let (head_bare, head_poss) = strip_possessive(head_text);
    let lower_head = head_bare.to_lowercase();
    let postmod = &toks[h..];
    let span_end = phrase_end(p, toks, h);
    let full_span = first.s..span_end;
    let head_span = first.s..last.e;

    if head_part.len() == 1 && NOT_SOURCES.contains(&lower_head.as_str()) {
        return None;
    }
    if head_bare
        .chars()
        .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    {
        return None;
    }

    // Pronouns.
    if head_part.len() == 1 && is_pronoun(head_text) {
        let l = head_text.to_ascii_lowercase();
        return Some(match l.as_str() {
            "he" | "she" => {
                let person = env.last_person(reg, first.s).map(|x| x.1);
                Src {
                    span: head_span,
                    kind: SourceKind::NamedPerson,
                    person,
                }
            }
            "i" | "we" | "you" => Src {
                span: head_span,
                kind: SourceKind::NamedPerson,
                person: None,
            },
            _ => Src {
                span: head_span,
                kind: SourceKind::Institution,
                person: None,
            },
        });
    }
    // Possessive pronoun: "Her opening line", "His aides", "Their statement".
    if head_part.len() >= 2 && is_any(p, &first, &["his", "her", "their", "its", "our", "my"]) {
        if env.lex_has("anonymous-sources", &lower_head) && !SPOKES.contains(&lower_head.as_str()) {
            return Some(Src {
                span: full_span,
                kind: SourceKind::Anonymous,
                person: None,
            });
        }
        if is_any(p, &first, &["his", "her"]) {
            let person = env.last_person(reg, first.s).map(|x| x.1);
            return Some(Src {
                span: head_span,
                kind: SourceKind::NamedPerson,
                person,
            });
        }
        return Some(Src {
            span: head_span,
            kind: SourceKind::Institution,
            person: None,
        });
    }

    // A person mention from the people detector inside the head part.
    if let Some(m) = env
        .people
        .iter()
        .rfind(|m| m.role == PersonRole::Subject && m.span.start >= first.s && m.span.end <= last.e)
    {
        let poss = p
            .get(m.span.end..)
            .is_some_and(|r| r.starts_with("'s") || r.starts_with("’s"));
        if !poss || m.span.end >= last.e {
            return Some(Src {
                span: m.span.clone(),
                kind: SourceKind::NamedPerson,
                person: Some(m.name.to_string()),
            });
        }
    }

    let sentence_initial_common = |t: &Tok| {
        t.s == sent_start && {
            let w = tt(p, t).to_lowercase();
            DETERMINERS.contains(&w.as_str())
                || PLAIN_ADJ.contains(&w.as_str())
                || env.lex_has("vague-sources", &w)
                || env.lex_has("anonymous-sources", &w)
                || INSTITUTION_NOUNS.contains(&w.as_str())
                || NOT_SOURCES.contains(&w.as_str())
        }
    };

    // Capitalised head: a name (person) or an organisation.
    if capitalised(&last) && !head_poss && !sentence_initial_common(&last) {
        return Some(classify_name(env, reg, head_part, sent_start));
    }

    // Lower-case head (or a sentence-initial common word).
    let premods: Vec<&Tok> = head_part[..head_part.len() - 1]
        .iter()
        .filter(|t| t.word && !in_set(p, t, &S_DETERMINERS))
        .collect();
    let affiliated_pre = premods.iter().any(|t| {
        let w = tt(p, t);
        let (bare, poss) = strip_possessive(w);
        let lw = bare.to_lowercase();
        if PLAIN_ADJ.contains(&lw.as_str()) {
            return false;
        }
        if poss {
            return false;
        }
        (capitalised(t) && t.s != sent_start) || ORG_ADJ.contains(&lw.as_str())
    });
    let named_pre = premods
        .iter()
        .any(|t| capitalised(t) && !sentence_initial_common(t));
    let post_words: Vec<&Tok> = postmod
        .iter()
        .take_while(|t| t.e <= span_end)
        .filter(|t| t.word)
        .collect();
    let post_first = postmod
        .first()
        .filter(|t| t.word)
        .map(|t| tt(p, t).to_lowercase());
    let post_named = post_words.iter().skip(1).any(|t| capitalised(t));
    let post_affil = matches!(
        post_first.as_deref(),
        Some(
            "close"
                | "closest"
                | "familiar"
                | "inside"
                | "within"
                | "briefed"
                | "involved"
                | "knowledgeable"
        )
    ) || (matches!(
        post_first.as_deref(),
        Some("at" | "in" | "from" | "with" | "of" | "to" | "on" | "for")
    ) && post_named);

    // Spokespeople of a named body speak for it.
    let possessive_pre = premods.iter().any(|t| strip_possessive(tt(p, t)).1);
    if SPOKES.contains(&lower_head.as_str()) {
        let named = named_pre || post_named || possessive_pre || affiliated_pre;
        let kind = if named {
            SourceKind::Institution
        } else {
            SourceKind::Anonymous
        };
        return Some(Src {
            span: full_span,
            kind,
            person: None,
        });
    }
    if env.lex_has("anonymous-sources", &lower_head)
        || env.lex_phrase("anonymous-sources", &full_span)
    {
        // "the company's chief executive", "the church's minister": an identifiable role.
        if possessive_pre && !lower_head.ends_with('s') {
            return Some(Src {
                span: full_span,
                kind: SourceKind::Institution,
                person: None,
            });
        }
        return Some(Src {
            span: full_span,
            kind: SourceKind::Anonymous,
            person: None,
        });
    }
    let vague_phrase = env.lex_phrase("vague-sources", &full_span);
    if env.lex_has("vague-sources", &lower_head) || vague_phrase {
        let expertish = !matches!(
            lower_head.as_str(),
            "sources" | "source" | "insiders" | "people" | "some" | "many" | "others"
        );
        // "economists at Capital Economics", "Microsoft security researchers", "F.B.I.
        // surveillance reports": a named organisation's people or documents.
        let org_pre = premods.iter().any(|t| {
            capitalised(t) && t.s != sent_start && {
                let w = tt(p, t);
                let nationality = ["an", "ese", "ish", "ic", "ern", "i"]
                    .iter()
                    .any(|suf| w.ends_with(suf))
                    && !w.chars().all(|c| !c.is_lowercase());
                !nationality
            }
        });
        let kind = if expertish
            && ((post_named
                && matches!(post_first.as_deref(), Some("at" | "from" | "with" | "of")))
                || org_pre)
        {
            SourceKind::Institution
        } else if affiliated_pre || post_affil {
            SourceKind::Anonymous
        } else {
            SourceKind::Vague
        };
        // A vague group keeps its modifiers in the span ("some analysts", "sources close to …").
        return Some(Src {
            span: full_span,
            kind,
            person: None,
        });
    }
    if INSTITUTION_NOUNS.contains(&lower_head.as_str()) || named_pre || head_poss {
        return Some(Src {
            span: head_span,
            kind: SourceKind::Institution,
            person: None,
        });
    }
    if NOT_SOURCES.contains(&lower_head.as_str()) {
        return None;
    }
    // Anyone else unnamed ("witnesses", "a friend of the actress"): unnamed, not flagged unless
    // the lexicons say so.
    Some(Src {
        span: head_span,
        kind: SourceKind::Anonymous,
        person: None,
    })
}

/// End of a source phrase: the head part plus a short prepositional/adjectival postmodifier
/// ("a person familiar with the talks", "officials from both sides"), never a relative clause.
fn phrase_end(p: &str, toks: &[Tok], h: usize) -> usize {
    let head_end = toks[..h]
        .iter()
        .rev()
        .find(|t| t.word)
        .map_or(toks[0].e, |t| t.e);
    let Some(t) = toks.get(h) else {
        return head_end;
    };
    if !t.word
        || !is_any(
            p,
            t,
            &[
                "familiar",
                "close",
                "closest",
                "from",
                "at",
                "in",
                "of",
                "on",
                "with",
                "inside",
                "within",
                "to",
                "for",
                "knowledgeable",
            ],
        )
    {
        return head_end;
    }
    let mut end = t.e;
    let mut n = 0;
    for u in &toks[h + 1..] {
        if !u.word && u.ch != '.' && u.ch != '\'' && u.ch != '’' {
            break;
        }
        if is_any(
            p,
            u,
            &[
                "who", "which", "that", "said", "says", "told", "and", "but", "because",
                "speaking", "briefed", "is", "was", "were", "are", "has", "had", "have", "will",
                "would",
            ],
        ) {
            break;
        }
        // "diplomats for twenty years": a time phrase is not part of the source.
        if u.ch.is_ascii_digit()
            || is_any(
                p,
                u,
                &[
                    "years", "year", "months", "decades", "weeks", "days", "hours", "twenty",
                    "ten", "two", "three", "long",
                ],
            )
        {
            return head_end;
        }
        n += 1;
        if n > 8 {
            return head_end;
        }
        end = u.e;
    }
    end
}

/// A capitalised head part: person (title + name, or two-plus name words) or institution.
fn classify_name(env: &Env<'_>, reg: &mut Registry, head_part: &[Tok], sent_start: usize) -> Src {
    let p = env.prose;
    let last = *head_part
        .iter()
        .rev()
        .find(|t| t.word)
        .unwrap_or(&head_part[0]);
    // The capitalised run ending at the head (initials, dots and particles inside it).
    let mut i = head_part.len();
    while i > 0 {
        let t = &head_part[i - 1];
        let ok = capitalised(t)
            || (!t.word && t.ch == '.')
            || (t.word && is_any(p, t, NAME_PARTICLES) && i < head_part.len())
            || (t.word
                && is_any(p, t, &["of"])
                && i < head_part.len()
                && i >= 2
                && capitalised(&head_part[i - 2]));
        if !ok {
            break;
        }
        i -= 1;
    }
    let run = &head_part[i..];
    let run_span = run.first().map_or(last.s, |t| t.s)..last.e;
    let before_run = head_part[..i].iter().rev().find(|t| t.word);
    let role_before =
        before_run.is_some_and(|t| in_set(p, t, &S_ROLE) || strip_possessive(tt(p, t)).1);
    // Titles inside the run.
    let titles = env.lex.get("titles");
    let run_text = p.get(run_span.clone()).unwrap_or("");
    let mut title_end = run_span.start;
    for (r, _) in titles.find_words(run_text) {
        title_end = title_end.max(run_span.start + r.end);
    }
    let name_toks: Vec<&Tok> = run
        .iter()
        .filter(|t| t.word && t.s >= title_end && !is_any(p, t, NAME_PARTICLES))
        .collect();
    let has_title = title_end > run_span.start || role_before;
    let sets = &env.sets;
    let org = run.iter().any(|t| {
        t.word && {
            let w = strip_possessive(tt(p, t)).0.to_lowercase();
            ORG_WORDS.contains(&w.as_str())
        }
    });
    let all_caps_single = name_toks.len() == 1 && {
        let w = tt(p, name_toks[0]);
        w.len() > 1 && w.chars().all(|c| !c.is_lowercase())
    };
    // (A single-letter initial is part of a name even if "A" is listed as a non-name.)
    let np_hits = |t: &Tok| {
        t.e - t.s > 1 && sets.not_people.contains(tt(p, t))
            || (t.s == sent_start && sets.not_people_lower.contains(&tt(p, t).to_lowercase()))
    };
    let name_span = name_toks.first().map_or(run_span.clone(), |t| t.s..last.e);
    let name_text = || {
        strip_possessive(p.get(name_span.clone()).unwrap_or(""))
            .0
            .to_string()
    };
    if !org && !all_caps_single && !name_toks.is_empty() && !name_toks.iter().any(|t| np_hits(t)) {
        if name_toks.len() >= 2 || has_title {
            let name = name_text();
            let full = if name_toks.len() == 1 {
                reg.surname_match(&name).map(str::to_string).unwrap_or(name)
            } else {
                name
            };
            reg.persons.push((name_span.start, full.clone()));
            return Src {
                span: name_span,
                kind: SourceKind::NamedPerson,
                person: Some(full),
            };
        }
        let w = strip_possessive(tt(p, name_toks[0])).0;
        if let Some(full) = reg.surname_match(w).map(str::to_string) {
            reg.persons.push((name_span.start, full.clone()));
            return Src {
                span: name_span,
                kind: SourceKind::NamedPerson,
                person: Some(full),
            };
        }
    }
    let start = head_part
        .iter()
        .find(|t| t.word)
        .map_or(run_span.start, |t| t.s);
    Src {
        span: start..last.e,
        kind: SourceKind::Institution,
        person: None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn cls(phrase: &str) -> Option<(SourceKind, String, Option<String>)> {
        let lex = Lexicons::default();
        let env = Env {
            prose: phrase,
            people: &[],
            lex: &lex,
            sets: LexSets::get(&lex),
        };
        let mut reg = Registry::default();
        reg.persons.push((0, "Sergei Ryabkov".into()));
        let mut toks = Vec::new();
        tokenize(phrase, 0..phrase.len(), &mut toks);
        classify(&env, &mut reg, &toks, 0).map(|s| (s.kind, phrase[s.span].to_string(), s.person))
    }

    #[test]
    fn kinds() {
        use SourceKind::*;
        let k = |s: &str| cls(s).map(|x| x.0);
        assert_eq!(k("Analysts"), Some(Vague));
        assert_eq!(k("Some analysts"), Some(Vague));
        assert_eq!(k("Many"), Some(Vague));
        assert_eq!(k("a well-placed figure"), Some(Vague));
        assert_eq!(k("French officials"), Some(Anonymous));
        assert_eq!(k("senior aides"), Some(Anonymous));
        assert_eq!(k("a person familiar with the talks"), Some(Anonymous));
        assert_eq!(k("A senior U.S. official"), Some(Anonymous));
        assert_eq!(k("Two Western diplomats"), Some(Anonymous));
        assert_eq!(k("Death penalty experts"), Some(Vague));
        assert_eq!(k("sources close to the minister"), Some(Anonymous));
        assert_eq!(k("Diplomats"), Some(Vague));
        assert_eq!(k("the Foreign Ministry"), Some(Institution));
        assert_eq!(k("Reuters"), Some(Institution));
        assert_eq!(k("the Élysée"), Some(Institution));
        assert_eq!(k("the association"), Some(Institution));
        assert_eq!(k("A State Department spokesperson"), Some(Institution));
        assert_eq!(k("a spokesman"), Some(Anonymous));
        assert_eq!(k("economists at Capital Economics"), Some(Institution));
        assert_eq!(k("grid operator Energinet"), Some(Institution));
        assert_eq!(k("There"), None);
        assert_eq!(k("This"), None);
    }

    #[test]
    fn names() {
        let c = cls("Finance Minister Lena Holm").unwrap();
        assert_eq!(
            (c.0, c.1.as_str(), c.2.as_deref()),
            (SourceKind::NamedPerson, "Lena Holm", Some("Lena Holm"))
        );
        let c = cls("Russian Deputy Foreign Minister Sergei A. Ryabkov").unwrap();
        assert_eq!(c.1, "Sergei A. Ryabkov");
        let c = cls("Kremlin spokesman Dmitry Peskov").unwrap();
        assert_eq!(c.1, "Dmitry Peskov");
        let c = cls("Ryabkov").unwrap();
        assert_eq!(
            (c.0, c.2.as_deref()),
            (SourceKind::NamedPerson, Some("Sergei Ryabkov"))
        );
        let c = cls("Mr. Macron").unwrap();
        assert_eq!((c.0, c.1.as_str()), (SourceKind::NamedPerson, "Macron"));
        let c = cls("U.S. Under Secretary of State Margaret Ellison").unwrap();
        assert_eq!(c.1, "Margaret Ellison");
        let c = cls("Karsten Vinding").unwrap();
        assert_eq!(c.0, SourceKind::NamedPerson);
        let c = cls("He").unwrap();
        assert_eq!(
            (c.0, c.2.as_deref()),
            (SourceKind::NamedPerson, Some("Sergei Ryabkov"))
        );
        let c = cls("Her opening line").unwrap();
        assert_eq!(c.0, SourceKind::NamedPerson);
    }
}

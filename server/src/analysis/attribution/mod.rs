//! Attribution analysis: (source, cue, content) triples and direct quotations.
//!
//! Forms recognised, sentence by sentence on the prose view:
//! - active ("Ryabkov said", "Analysts say the …", "Ellison told reporters"), with appositives
//!   and relative clauses skipped ("Ryabkov, who has handled arms control, told …");
//! - trailing and parenthetical ("…, officials said.", "The alliance, he added, would …");
//! - inverted ("said Ryabkov", "“…,” said a senior official");
//! - passive with an agent ("was called “premature” by Finance Minister Lena Holm") and without
//!   one ("has been interpreted as", "is widely seen as", "it is believed", "are said to");
//! - colon lead-ins ("Mr. Ryabkov was blunt: “…”", "Her opening line: “…”");
//! - "according to X", "citing X", "quoting X", "in the words of X", "as X put it".
//!
//! Cues inside quotations are the quoted speaker's words and are ignored. Pronoun sources take
//! the most recent person (people mentions, or names found here). Quotations are linked to the
//! attribution of their sentence, of a quote block's lead-in, or of the sentence before/after.

mod frames;
mod groups;
pub mod np;
pub mod quotes;
pub mod tokens;

use super::document::{BlockKind, Document};
use super::{Attribution, Context, PersonMention, Quote, SourceKind, Span};
use np::{classify, Env, Registry, Src};
use quotes::QuoteInfo;
use std::sync::{Arc, LazyLock, Mutex};

use tokens::{capitalised, in_set, is, is_any, tokenize, tt, FnvBuild, Tok, WordSet};

static S_TIME: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(&[TIME_WORDS]));
static S_PREP: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(&[PREPOSITIONS]));
static S_DETS_PRON: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(&[DETS_PRON]));
static S_CLAUSE_VERBS: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(&[CLAUSE_VERBS]));
static S_NOT_CLAIM: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(&[NOT_CLAIM_NEXT]));
static S_SPEECH_NOUNS: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(&[SPEECH_NOUNS]));
static S_TIME_MONTHS: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(&[TIME_WORDS, MONTHS]));
static S_ADVERBIAL: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(&[ADVERBIAL_OPENERS]));
static S_AUX_ADV: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(&[AUX, ADVERBS]));
static S_BE: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(&[BE]));

/// Cue verbs of one lexicon as a case-insensitive word table: lower-case word → tags.
struct CueTable {
    key: u64,
    words: std::collections::HashMap<String, String, FnvBuild>,
    /// Some entries have several words: use the lexicon automaton instead.
    multi: bool,
    /// first letter × last letter of single-word entries (a cheap pre-check before hashing).
    letters: [u32; 26],
}

impl CueTable {
    /// Tags of the cue word `w` (ASCII letters only; others are never cues here).
    fn lookup(&self, w: &[u8]) -> Option<&str> {
        if w.len() < 3 || w.len() > 24 {
            return None;
        }
        let f = w[0].to_ascii_lowercase().wrapping_sub(b'a');
        let l = w[w.len() - 1].to_ascii_lowercase().wrapping_sub(b'a');
        if f >= 26 || l >= 26 || self.letters[f as usize] & (1 << l) == 0 {
            return None;
        }
        let mut buf = [0u8; 24];
        for (i, c) in w.iter().enumerate() {
            buf[i] = c.to_ascii_lowercase();
        }
        let key = std::str::from_utf8(&buf[..w.len()]).ok()?;
        self.words.get(key).map(String::as_str)
    }
}

impl CueTable {
    /// Whether token `t` is a lower-case cue word whose tags are none of `skip` (the quote
    /// frames and group subjects use cue words without the constructions the tags ask for).
    fn cue_word(&self, p: &str, t: &Tok, skip: &[&str]) -> bool {
        t.word
            && !capitalised(t)
            && self
                .lookup(tt(p, t).as_bytes())
                .is_some_and(|tags| !tags.split(',').any(|x| skip.contains(&x)))
    }
}

/// The cue table for a lexicon, cached by the lexicon's content (configurations are few).
fn cue_table(lex: &super::lexicon::Lexicon) -> Arc<CueTable> {
    static CACHE: Mutex<Vec<Arc<CueTable>>> = Mutex::new(Vec::new());
    let mut key: u64 = 0xcbf2_9ce4_8422_2325;
    for e in lex.entries() {
        for b in e.bytes().chain(std::iter::once(0)) {
            key = (key ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    if let Ok(c) = CACHE.lock() {
        if let Some(t) = c.iter().find(|t| t.key == key) {
            return t.clone();
        }
    }
    let mut words = std::collections::HashMap::with_hasher(FnvBuild::default());
    let mut multi = false;
    for e in lex.entries() {
        let mut parts = e.splitn(2, '\t');
        let w = parts.next().unwrap_or("").trim();
        let tags = parts.next().unwrap_or("").trim();
        if w.contains(' ') {
            multi = true;
        }
        words
            .entry(w.to_lowercase())
            .or_insert_with(|| tags.to_string());
    }
    let mut letters = [0u32; 26];
    for w in words.keys() {
        let b = w.as_bytes();
        if let (Some(f), Some(l)) = (b.first(), b.last()) {
            let (f, l) = (f.wrapping_sub(b'a'), l.wrapping_sub(b'a'));
            if f < 26 && l < 26 {
                letters[f as usize] |= 1 << l;
            }
        }
    }
    let t = Arc::new(CueTable {
        key,
        words,
        multi,
        letters,
    });
    if let Ok(mut c) = CACHE.lock() {
        if c.len() >= 8 {
            c.remove(0);
        }
        c.push(t.clone());
    }
    t
}

const BE: &[&str] = &["is", "are", "was", "were", "be", "been", "being", "am"];
const AUX: &[&str] = &[
    "has", "have", "had", "will", "would", "shall", "should", "can", "could", "may", "might",
    "must", "do", "does", "did", "having", "'ve", "'d", "’ve", "’d", "'ll", "’ll",
];
const ADVERBS: &[&str] = &[
    "also",
    "later",
    "previously",
    "repeatedly",
    "again",
    "then",
    "often",
    "publicly",
    "privately",
    "recently",
    "earlier",
    "long",
    "already",
    "first",
    "once",
    "still",
    "reportedly",
    "allegedly",
    "widely",
    "generally",
    "commonly",
    "largely",
    "broadly",
    "increasingly",
    "now",
    "always",
    "frequently",
    "openly",
    "explicitly",
    "specifically",
    "simply",
    "just",
    "even",
    "further",
    "similarly",
    "separately",
    "subsequently",
    "initially",
    "originally",
    "flatly",
    "firmly",
    "strongly",
    "quickly",
    "immediately",
    "apparently",
    "too",
    "repeatedly",
    "reportedly",
    "privately",
    "personally",
    "angrily",
    "bluntly",
    "quietly",
    "sharply",
    "clearly",
    "formally",
    "officially",
    "jointly",
    "ultimately",
    "indeed",
    "certainly",
    "only",
    "since",
    "yet",
    "never",
    "not",
    "no",
    "longer",
    "rightly",
    "wrongly",
    "consistently",
    "routinely",
    "tacitly",
];
const NEGATIONS: &[&str] = &["not", "never", "no", "cannot"];
/// Lower-case -ly nouns that are not adverbs.
const LY_NOUNS: &[&str] = &[
    "family",
    "assembly",
    "rally",
    "ally",
    "supply",
    "anomaly",
    "monopoly",
    "italy",
    "july",
    "bully",
    "daily",
    "weekly",
    "monthly",
    "quarterly",
    "reply",
];
/// Words that open an adverbial comma segment ("In Brussels,", "Speaking to reporters,").
const ADVERBIAL_OPENERS: &[&str] = &[
    "in",
    "on",
    "at",
    "after",
    "before",
    "during",
    "since",
    "until",
    "for",
    "with",
    "without",
    "despite",
    "amid",
    "following",
    "under",
    "over",
    "from",
    "by",
    "to",
    "inside",
    "outside",
    "across",
    "like",
    "unlike",
    "meanwhile",
    "however",
    "separately",
    "earlier",
    "later",
    "still",
    "yet",
    "indeed",
    "instead",
    "also",
    "now",
    "then",
    "today",
    "yesterday",
    "tonight",
    "overall",
    "nonetheless",
    "moreover",
    "furthermore",
    "last",
    "next",
    "this",
    "asked",
    "pressed",
    "interviewed",
    "reached",
    "contacted",
    "if",
    "when",
    "while",
    "although",
    "though",
    "as",
    "because",
    "once",
    "back",
    "elsewhere",
    "here",
    "there",
    "finally",
    "first",
    "second",
    "meantime",
    "initially",
    "previously",
    "originally",
    "speaking",
    "writing",
    "addressing",
    "responding",
    "according",
    "between",
    "within",
    "behind",
    "beyond",
    "toward",
    "towards",
    "throughout",
    "near",
    "among",
    "upon",
    "via",
    "thus",
];
const TIME_WORDS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "today",
    "yesterday",
    "tonight",
    "earlier",
    "later",
    "afterwards",
    "afterward",
    "beforehand",
    "late",
    "early",
    "again",
    "also",
    "last",
    "this",
    "next",
    "week",
    "month",
    "year",
    "morning",
    "afternoon",
    "evening",
    "night",
    "weekend",
    "recently",
    "previously",
    "repeatedly",
    "privately",
    "publicly",
    "separately",
    "too",
    "firmly",
    "flatly",
    "bluntly",
    "simply",
    "once",
    "twice",
    "quickly",
    "shortly",
    "immediately",
    "overnight",
    "now",
    "then",
    "instead",
];
const PREPOSITIONS: &[&str] = &[
    "on",
    "in",
    "at",
    "after",
    "before",
    "during",
    "outside",
    "via",
    "from",
    "over",
    "by",
    "inside",
    "following",
    "ahead",
    "while",
    "when",
    "near",
    "through",
    "throughout",
    "late",
    "earlier",
    "in",
    "into",
    "under",
    "amid",
    "upon",
    "across",
    "within",
];
/// After these the cue is not attributing a claim ("called for", "agreed to meet").
const NOT_CLAIM_NEXT: &[&str] = &[
    "for", "off", "up", "out", "back", "down", "upon", "with", "to", "on", "into", "against",
];
/// Verbs that follow a subject: the phrase after an inverted cue is a clause, not a source.
const CLAUSE_VERBS: &[&str] = &[
    "would", "will", "had", "has", "have", "was", "is", "were", "are", "could", "should", "may",
    "might", "must", "did", "does", "do", "can", "remained", "remains", "wanted", "wants",
    "planned", "plans", "needed", "needs", "saw", "see", "sees", "came", "come", "went", "got",
    "made", "felt",
];
/// Objects of "told"/"asked" are skipped before the content.
const OBJECT_CUES: &[&str] = &[
    "told", "tells", "tell", "asked", "asks", "assured", "warned", "reminded", "urged", "urges",
];
const DETS_PRON: &[&str] = &[
    "the", "a", "an", "his", "her", "their", "its", "our", "my", "this", "that", "these", "those",
    "he", "she", "they", "we", "it", "i", "you", "there", "some", "many", "no", "every", "any",
    "both", "all", "each", "one", "two", "three", "several", "most", "russia", "moscow",
];

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];

/// Cue words that are also nouns.
const NOUN_CUES: &[&str] = &[
    "call",
    "calls",
    "report",
    "reports",
    "claim",
    "claims",
    "estimate",
    "estimates",
    "fear",
    "fears",
    "doubt",
    "doubts",
    "note",
    "notes",
    "remarks",
    "comments",
    "read",
    "reads",
    "counter",
    "counters",
    "stress",
    "stresses",
    "reply",
    "replies",
    "view",
    "views",
    "regard",
    "regards",
    "states",
    "posted",
    "thought",
];

/// Nouns for what someone said, after a possessive name ("Ellison's phrase").
const SPEECH_NOUNS: &[&str] = &[
    "phrase",
    "words",
    "word",
    "line",
    "description",
    "verdict",
    "message",
    "comment",
    "comments",
    "remark",
    "remarks",
    "reply",
    "answer",
    "response",
    "statement",
    "assessment",
    "warning",
    "promise",
    "claim",
    "argument",
    "explanation",
    "account",
    "version",
    "summary",
    "quip",
    "retort",
    "slogan",
    "motto",
    "characterisation",
    "characterization",
    "own",
];

/// How the participle of an agentless passive must continue to count as an attribution.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Particle {
    /// "seen as", "interpreted … as".
    As,
    /// "said to", "believed that", "thought to" (or an expletive "it" subject).
    ToThat,
    /// "estimated at/to/that".
    ToThatAt,
    /// "considered a/the/to/likely …".
    Considered,
    /// "reported to have/be" or "that".
    Reported,
    /// anything ("deemed").
    Any,
}

const AGENTLESS: &[(&str, Particle)] = &[
    ("seen", Particle::As),
    ("viewed", Particle::As),
    ("regarded", Particle::As),
    ("interpreted", Particle::As),
    ("perceived", Particle::As),
    ("described", Particle::As),
    ("characterised", Particle::As),
    ("characterized", Particle::As),
    ("portrayed", Particle::As),
    ("touted", Particle::As),
    ("billed", Particle::As),
    ("framed", Particle::As),
    ("painted", Particle::As),
    ("said", Particle::ToThat),
    ("believed", Particle::ToThat),
    ("thought", Particle::ToThat),
    ("understood", Particle::ToThat),
    ("rumoured", Particle::ToThat),
    ("rumored", Particle::ToThat),
    ("alleged", Particle::ToThat),
    ("claimed", Particle::ToThat),
    ("suggested", Particle::ToThat),
    ("argued", Particle::ToThat),
    ("feared", Particle::ToThat),
    ("speculated", Particle::ToThat),
    ("estimated", Particle::ToThatAt),
    ("considered", Particle::Considered),
    ("reported", Particle::Reported),
    ("deemed", Particle::Any),
];

/// Attributions and quotations in text order.
pub fn find_attributions(
    doc: &Document<'_>,
    people: &[PersonMention],
    ctx: &Context<'_>,
) -> (Vec<Attribution>, Vec<Quote>) {
    let prose = doc.prose.as_str();
    let qinfos = quotes::find_quotes(doc);
    // Spans inside which cues are the quoted speaker's words (double quotes and block quotes).
    // (A quotation missing its closing mark may contain its own attribution: not excluded.)
    let quoted: Vec<Span> = qinfos
        .iter()
        .filter(|q| !q.single && q.words >= 2 && q.closed)
        .map(|q| q.span.clone())
        .collect();
    let all_quotes: Vec<Span> = qinfos.iter().map(|q| q.span.clone()).collect();
    let env = Env {
        prose,
        people,
        lex: ctx.lexicons,
        sets: np::LexSets::get(ctx.lexicons),
    };
    let mut reg = Registry::default();
    let cue_lex = ctx.lexicons.get("cue-verbs");
    let table = cue_table(cue_lex);
    // Multi-word cue entries (from configuration) need the automaton; single words a lookup.
    let cue_hits: Vec<(Span, usize)> = if table.multi {
        cue_lex.find_words(prose)
    } else {
        Vec::new()
    };
    let mut out: Vec<Attribution> = Vec::new();
    let mut toks: Vec<Tok> = Vec::with_capacity(256);
    let mut ch = 0usize;
    for (si, sent) in doc.sentences.iter().enumerate() {
        let kind = doc
            .blocks
            .get(sent.block)
            .map_or(BlockKind::Paragraph, |b| b.kind);
        if matches!(
            kind,
            BlockKind::Byline | BlockKind::Credit | BlockKind::FootnoteDef
        ) {
            continue;
        }
        // Cheap pre-pass over the bytes: cue words (ASCII letter runs looked up in the table)
        // and construction triggers. Sentences with neither are not tokenized at all.
        let sb = prose.as_bytes().get(sent.span.clone()).unwrap_or(&[]);
        let mut hits: Vec<(Span, &str)> = Vec::new();
        let mut trig = Triggers::default();
        {
            let mut k = 0;
            while k < sb.len() {
                if !sb[k].is_ascii_alphabetic() {
                    k += 1;
                    continue;
                }
                let st = k;
                while k < sb.len() && sb[k].is_ascii_alphabetic() {
                    k += 1;
                }
                // Whole words only (not inside "don't"-like or non-ASCII words).
                let glued = (st > 0 && (sb[st - 1] >= 0x80 || sb[st - 1].is_ascii_digit()))
                    || (k < sb.len() && (sb[k] >= 0x80 || sb[k].is_ascii_digit()));
                if glued {
                    continue;
                }
                let w = &sb[st..k];
                match w.len() {
                    9 if w.eq_ignore_ascii_case(b"according") => trig.lead = true,
                    6 if w.eq_ignore_ascii_case(b"citing") => trig.lead = true,
                    7 if w.eq_ignore_ascii_case(b"quoting") => trig.lead = true,
                    5 if w.eq_ignore_ascii_case(b"words") || w.eq_ignore_ascii_case(b"heard") => {
                        trig.lead = true
                    }
                    3 if w.eq_ignore_ascii_case(b"put") => trig.put = true,
                    _ => {}
                }
                if k + 1 < sb.len()
                    && (sb[k] == b'\'' && sb[k + 1] | 0x20 == b's'
                        || sb[k..].starts_with("’s".as_bytes()))
                {
                    trig.possessive = true;
                }
                if table.multi {
                    continue;
                }
                // A capitalised word inside a sentence is a name ("the United States"), not
                // a cue.
                let name_like = st > 0 && w[0].is_ascii_uppercase();
                if name_like {
                    continue;
                }
                if let Some(tags) = table.lookup(w) {
                    let a = sent.span.start + st;
                    hits.push((a..a + (k - st), tags));
                }
            }
        }
        trig.colon = sb.contains(&b':');
        trig.possessive = trig.possessive && possessive_speech(sb);
        let trigger = !hits.is_empty()
            || table.multi
            || trig.colon
            || trig.lead
            || trig.put
            || trig.possessive;
        if !trigger {
            continue;
        }
        toks.clear();
        tokenize(prose, sent.span.clone(), &mut toks);
        if toks.is_empty() {
            continue;
        }
        // Only the quotations touching this sentence.
        let qa = quoted.partition_point(|q| q.end <= sent.span.start);
        let qb = quoted.partition_point(|q| q.start < sent.span.end).max(qa);
        let aa = all_quotes.partition_point(|q| q.end < sent.span.start);
        let ab = all_quotes
            .partition_point(|q| q.start <= sent.span.end)
            .max(aa);
        let mut s = SentCtx {
            env: &env,
            toks: &toks,
            span: sent.span.clone(),
            si,
            quoted: &quoted[qa..qb],
            all_quotes: &all_quotes[aa..ab],
            clause_from: std::cell::OnceCell::new(),
        };
        let first_new = out.len();
        // Constructions first: "according to X", "citing X", "as X put it", colon lead-ins.
        if trig.colon || trig.lead || trig.put || trig.possessive {
            s.constructions(&mut reg, &mut out, doc, &trig);
        }
        // Cue verbs.
        if table.multi {
            while ch < cue_hits.len() && cue_hits[ch].0.start < sent.span.start {
                ch += 1;
            }
            let mut k = ch;
            while k < cue_hits.len() && cue_hits[k].0.end <= sent.span.end {
                let (r, idx) = cue_hits[k].clone();
                k += 1;
                let entry = cue_lex.entries().get(idx).map_or("", |e| e.as_str());
                hits.push((r, entry.split('\t').nth(1).unwrap_or("")));
            }
        }
        // A real sentence has a handful of cues; a "sentence" with hundreds (a table, a list
        // with no punctuation) gets the first ones, which keeps the per-cue work linear.
        for (r, tags) in hits.into_iter().take(MAX_CUES_PER_SENTENCE) {
            if let Some(a) = s.cue(&mut reg, r, tags, &out[first_new..]) {
                if !out[first_new..].iter().any(|b| {
                    overlaps(&b.cue, &a.cue) || (a.source == b.source && !a.source.is_empty())
                }) {
                    out.push(a);
                }
            }
        }
    }
    frames::quote_frames(doc, &env, &mut reg, &table, &qinfos, &mut out);
    groups::group_subjects(doc, &env, &mut reg, &table, &quoted, &mut out);
    out.sort_by_key(|a| (a.sentence, a.cue.start));
    let quotes = link_quotes(doc, &qinfos, &out);
    (out, quotes)
}

/// Cue words looked at per sentence (fuzzing found sentences of thousands of cues quadratic).
const MAX_CUES_PER_SENTENCE: usize = 200;

/// Which constructions a sentence may contain (from the byte pre-pass).
#[derive(Default)]
struct Triggers {
    colon: bool,
    lead: bool,
    put: bool,
    possessive: bool,
}

/// "Ellison's phrase", "the minister’s words": a possessive followed by a speech noun.
fn possessive_speech(sb: &[u8]) -> bool {
    let mut i = 0;
    while i + 2 < sb.len() {
        let after = if sb[i] == b'\'' && (sb[i + 1] == b's' || sb[i + 1] == b'S') {
            Some(i + 2)
        } else if sb[i..].starts_with("’s".as_bytes()) {
            Some(i + "’s".len())
        } else {
            None
        };
        if let Some(a) = after {
            let rest = &sb[a..];
            let rest = rest.strip_prefix(b" ").unwrap_or(rest);
            let end = rest
                .iter()
                .position(|c| !c.is_ascii_alphabetic())
                .unwrap_or(rest.len());
            let w = std::str::from_utf8(&rest[..end]).unwrap_or("");
            if S_SPEECH_NOUNS.has(w) {
                return true;
            }
            // "X's own line": one word in between.
            let rest2 = rest[end..].strip_prefix(b" ").unwrap_or(&rest[end..]);
            let end2 = rest2
                .iter()
                .position(|c| !c.is_ascii_alphabetic())
                .unwrap_or(rest2.len());
            if S_SPEECH_NOUNS.has(std::str::from_utf8(&rest2[..end2]).unwrap_or("")) {
                return true;
            }
        }
        i += 1;
    }
    false
}

fn overlaps(a: &Span, b: &Span) -> bool {
    a.start < b.end && b.start < a.end
}

struct SentCtx<'a, 'b> {
    env: &'a Env<'b>,
    toks: &'a [Tok],
    span: Span,
    si: usize,
    quoted: &'a [Span],
    all_quotes: &'a [Span],
    /// `clause_from[k]`: the last `k' <= k` with a clause boundary just before token `k'`
    /// (0 if none), built on first use so `clause_start` is O(1) even in a huge sentence.
    clause_from: std::cell::OnceCell<Vec<usize>>,
}

const CLAUSE_CONJUNCTIONS: &[&str] = &[
    "and", "but", "while", "although", "though", "so", "because", "or",
];

/// What follows a cue.
#[derive(Debug, PartialEq, Eq)]
enum After {
    /// Content follows at this offset ("said that …", "say the talks …", a quotation).
    Content(usize),
    /// Nothing but adverbials up to the end of the sentence (trailing cue).
    End,
    /// A comma follows (parenthetical "he added," or trailing before an appositive).
    Comma,
    /// Not a claim ("called for", "agreed to meet", "insisted on calling it").
    NotClaim,
}

impl SentCtx<'_, '_> {
    fn p(&self) -> &str {
        self.env.prose
    }

    fn in_quote(&self, pos: usize) -> bool {
        let i = self.quoted.partition_point(|q| q.start <= pos);
        self.quoted[..i]
            .iter()
            .rev()
            .take(3)
            .any(|q| q.start < pos && pos < q.end)
    }

    fn tok_at(&self, pos: usize) -> Option<usize> {
        let i = self.toks.partition_point(|t| t.s < pos);
        (i < self.toks.len() && self.toks[i].s == pos).then_some(i)
    }

    fn is_quote_open(&self, t: &Tok) -> bool {
        !t.word
            && matches!(t.ch, '“' | '"' | '«' | '„' | '‘')
            && self.quoted.iter().any(|q| q.start == t.s)
            || (!t.word && matches!(t.ch, '“' | '«' | '„'))
    }

    fn is_quote_close(&self, t: &Tok) -> bool {
        !t.word
            && (matches!(t.ch, '”' | '»')
                || (matches!(t.ch, '"' | '’' | '\'')
                    && self.all_quotes.iter().any(|q| q.end == t.e)))
    }

    fn sentence_end_content(&self, from: usize) -> Span {
        from.min(self.span.end)..self.span.end
    }

    // -----------------------------------------------------------------------------------------
    // Constructions

    fn constructions(
        &mut self,
        reg: &mut Registry,
        out: &mut Vec<Attribution>,
        doc: &Document<'_>,
        trig: &Triggers,
    ) {
        let n = self.toks.len();
        let mut i = 0;
        let scan = trig.lead || trig.put || trig.possessive;
        while scan && i < n {
            let t = self.toks[i];
            // Only words that can start a construction: according/citing/quoting/words/heard/
            // put, or a capitalised possessive.
            let interesting = t.word
                && (t.ch.is_uppercase() || matches!(t.ch, 'a' | 'c' | 'q' | 'w' | 'h' | 'p'));
            if !interesting || self.in_quote(t.s) {
                i += 1;
                continue;
            }
            let p = self.p();
            // "according to X", "citing X", "quoting X", "in the words of X", "heard from X".
            let lead = if is(p, &t, "according")
                && self.toks.get(i + 1).is_some_and(|u| is(p, u, "to"))
            {
                Some(i + 2)
            } else if is_any(p, &t, &["citing", "quoting"])
                && i > 0
                && !is(p, &self.toks[i - 1], "the")
            {
                Some(i + 1)
            } else if (is(p, &t, "words")
                && i >= 2
                && is(p, &self.toks[i - 1], "the")
                && is(p, &self.toks[i - 2], "in")
                && self.toks.get(i + 1).is_some_and(|u| is(p, u, "of")))
                || (is(p, &t, "heard") && self.toks.get(i + 1).is_some_and(|u| is(p, u, "from")))
            {
                Some(i + 2)
            } else {
                None
            };
            if let Some(start) = lead {
                let end = self.np_end(start);
                if end > start {
                    if let Some(src) =
                        classify(self.env, reg, &self.toks[start..end], self.span.start)
                    {
                        let cue_start = if is(p, &t, "words") {
                            self.toks[i - 2].s
                        } else {
                            t.s
                        };
                        let cue = cue_start..self.toks[start - 1].e;
                        let at_start = self.toks[..i].iter().all(|u| {
                            !u.word
                                || matches!(u.ch, _ if is_any(p, u, &["and", "but", "so", "yet"]))
                        });
                        let content = if at_start {
                            self.sentence_end_content(self.toks[end - 1].e)
                        } else {
                            self.span.clone()
                        };
                        out.push(self.make(src, cue, content));
                    }
                }
                i = end.max(i + 1);
                continue;
            }
            // "Ellison's phrase/words/description": a named possessor of what is said.
            if capitalised(&t) {
                let (bare, poss) = tokens::strip_possessive(tt(p, &t));
                let noun = self
                    .toks
                    .get(i + 1)
                    .filter(|u| in_set(p, u, &S_SPEECH_NOUNS))
                    .or_else(|| {
                        self.toks.get(i + 2).filter(|u| {
                            in_set(p, u, &S_SPEECH_NOUNS)
                                && self.toks[i + 1].word
                                && !capitalised(&self.toks[i + 1])
                        })
                    });
                let sentence_initial_common =
                    t.s == self.span.start && is_any(p, &t, np::DETERMINERS);
                if poss && !sentence_initial_common {
                    if let Some(noun) = noun.copied() {
                        let person = self
                            .env
                            .people
                            .iter()
                            .rev()
                            .find(|m| {
                                m.span.start <= t.s && t.s < m.span.end.max(m.span.start + 1) + 3
                            })
                            .map(|m| m.name.to_string())
                            .or_else(|| {
                                reg.persons
                                    .iter()
                                    .rev()
                                    .find(|(_, n)| n == bare || n.ends_with(&format!(" {bare}")))
                                    .map(|(_, n)| n.clone())
                            });
                        let titled = i > 0
                            && self.toks[i - 1].word
                            && (capitalised(&self.toks[i - 1])
                                || is_any(
                                    p,
                                    &self.toks[i - 1],
                                    &["minister", "president", "mr", "ms", "mrs", "dr"],
                                ));
                        let kind = if person.is_some() || titled {
                            SourceKind::NamedPerson
                        } else {
                            SourceKind::Institution
                        };
                        let src = Src {
                            span: t.s..t.s + bare.len(),
                            kind,
                            person: person.or_else(|| titled.then(|| bare.to_string())),
                        };
                        let content = self.sentence_end_content(noun.e);
                        out.push(self.make(src, noun.s..noun.e, content));
                        i += 2;
                        continue;
                    }
                }
            }
            // "as X put it".
            if is(p, &t, "put") && self.toks.get(i + 1).is_some_and(|u| is(p, u, "it")) {
                let lo = i.saturating_sub(10);
                if let Some(a) = (lo..i).rev().find(|&j| is(p, &self.toks[j], "as")) {
                    if a + 1 < i {
                        if let Some(src) =
                            classify(self.env, reg, &self.toks[a + 1..i], self.span.start)
                        {
                            let cue = t.s..self.toks[i + 1].e;
                            let content = self.span.clone();
                            out.push(self.make(src, cue, content));
                        }
                    }
                }
                i += 2;
                continue;
            }
            i += 1;
        }
        // Colon lead-ins: "Mr. Ryabkov was blunt: “…”".
        for (ci, t) in self.toks.iter().enumerate().filter(|_| trig.colon) {
            if t.word || t.ch != ':' || self.in_quote(t.s) {
                continue;
            }
            let next_quote = match self.toks.get(ci + 1) {
                Some(u) => self.is_quote_open(u),
                None => self.colon_before_quote(doc),
            };
            // `out` grows sentence by sentence: this sentence's attributions are its tail.
            let this_sentence = &out[out.partition_point(|a| a.sentence < self.si)..];
            let b = self.clause_start(ci);
            if !next_quote
                || this_sentence
                    .iter()
                    .any(|a| a.sentence == self.si && a.cue.end <= t.s && a.cue.start >= b)
            {
                continue;
            }
            let segs = self.segments(b, ci);
            let Some(&(s0, s1)) = segs.iter().find(|&&(a, e)| !self.adverbial(a, e)) else {
                continue;
            };
            let mut src = classify(self.env, reg, &self.toks[s0..s1], self.span.start);
            // "… may be Ellison's own: “…”": a possessive name in the lead-in.
            if src
                .as_ref()
                .is_none_or(|x| x.kind != SourceKind::NamedPerson)
            {
                let p = self.p();
                if let Some(t) = self.toks[s0..ci].iter().find(|t| {
                    capitalised(t) && t.s != self.span.start && tokens::strip_possessive(tt(p, t)).1
                }) {
                    let (bare, _) = tokens::strip_possessive(tt(p, t));
                    let person = self
                        .env
                        .people
                        .iter()
                        .rev()
                        .find(|m| m.span.start == t.s)
                        .map(|m| m.name.to_string())
                        .or_else(|| {
                            reg.persons
                                .iter()
                                .rev()
                                .find(|(_, n)| n.ends_with(bare))
                                .map(|(_, n)| n.clone())
                        });
                    if person.is_some() || self.env.people.is_empty() {
                        src = Some(Src {
                            span: t.s..t.s + bare.len(),
                            kind: SourceKind::NamedPerson,
                            person,
                        });
                    }
                }
            }
            if let Some(src) = src {
                let plausible = match src.kind {
                    SourceKind::NamedPerson => true,
                    SourceKind::Institution => {
                        src.span.start != self.span.start || src.span.end - src.span.start > 12
                    }
                    SourceKind::Vague | SourceKind::Anonymous => self.lexicon_source(&src.span),
                    SourceKind::Agentless => false,
                };
                if plausible {
                    let content = self.sentence_end_content(t.e);
                    let cue = t.s..t.e;
                    out.push(self.make(src, cue, content));
                }
            }
        }
    }

    /// Whether a sentence ending in ':' is followed by a quotation (next sentence or block).
    fn colon_before_quote(&self, doc: &Document<'_>) -> bool {
        doc.sentences.get(self.si + 1).is_some_and(|ns| {
            let t = self.p().get(ns.span.clone()).unwrap_or("");
            t.starts_with(['“', '"', '«', '„'])
                || doc
                    .blocks
                    .get(ns.block)
                    .is_some_and(|b| b.kind == BlockKind::BlockQuote)
        })
    }

    /// Whether the source phrase is an anonymous/vague source by the lexicons.
    fn lexicon_source(&self, span: &Span) -> bool {
        let t = self.p().get(span.clone()).unwrap_or("");
        let hit = |name: &str| {
            let lx = self.env.lex.get(name);
            lx.find_words(t)
                .iter()
                .any(|(_, i)| lx.entries().get(*i).is_some_and(|e| !e.contains('\t')))
        };
        hit("vague-sources") || hit("anonymous-sources")
    }

    /// End (exclusive token index) of a noun phrase starting at `start`: up to a comma, clause
    /// punctuation, a quotation, or a clause verb.
    fn np_end(&self, start: usize) -> usize {
        let p = self.p();
        let mut j = start;
        while j < self.toks.len() {
            let u = &self.toks[j];
            if !u.word && !matches!(u.ch, '.' | '\'' | '’' | '(' | ')' | '-' | '&') {
                break;
            }
            if !u.word
                && u.ch == '.'
                && (j + 1 >= self.toks.len()
                    || !self.toks[j - 1].word
                    || self.toks[j - 1].e - self.toks[j - 1].s > 4)
            {
                break;
            }
            if u.word && j > start && in_set(p, u, &S_CLAUSE_VERBS) {
                break;
            }
            j += 1;
            if j - start > 14 {
                break;
            }
        }
        j
    }

    fn make(&self, src: Src, cue: Span, content: Span) -> Attribution {
        Attribution {
            source_text: self.p().get(src.span.clone()).unwrap_or("").to_string(),
            source: src.span,
            kind: src.kind,
            person: src.person,
            cue,
            content,
            sentence: self.si,
        }
    }

    // -----------------------------------------------------------------------------------------
    // Cue verbs

    fn cue(
        &mut self,
        reg: &mut Registry,
        r: Span,
        tags: &str,
        prev: &[Attribution],
    ) -> Option<Attribution> {
        if self.in_quote(r.start) {
            return None;
        }
        let ci = self.tok_at(r.start)?;
        let ce = self.toks[ci..]
            .iter()
            .position(|t| t.e >= r.end)
            .map_or(ci, |k| ci + k);
        let p = self.p();
        let passive_only = tags.split(',').any(|x| x == "passive");
        let needs_as = tags.split(',').any(|x| x == "as");
        let needs_at = tags.split(',').any(|x| x == "at");
        let gerund = tags.split(',').any(|x| x == "decl");
        // Back over auxiliaries and adverbs.
        let mut j = ci;
        let mut negated = false;
        let mut be: Option<usize> = None;
        while j > 0 {
            let t = &self.toks[j - 1];
            if !t.word {
                break;
            }
            let w = tt(p, t);
            if S_BE.has(w) {
                be = Some(j - 1);
                j -= 1;
                continue;
            }
            if S_AUX_ADV.has(w) {
                if is_any(p, t, NEGATIONS) {
                    negated = true;
                }
                j -= 1;
                continue;
            }
            let lw = w.to_ascii_lowercase();
            let lws = lw.as_str();
            if lws.ends_with("n't") || lws.ends_with("n’t") {
                negated = true;
                if lws.starts_with("is")
                    || lws.starts_with("was")
                    || lws.starts_with("were")
                    || lws.starts_with("are")
                {
                    be = Some(j - 1);
                }
            } else if lws.len() > 4
                && lws.ends_with("ly")
                && w.chars().next().is_some_and(char::is_lowercase)
                && !LY_NOUNS.contains(&lws)
            {
                // an adverb
            } else {
                break;
            }
            j -= 1;
        }
        let aux_start = j;
        let prev_word = aux_start.checked_sub(1).map(|k| self.toks[k]);
        if negated {
            return None;
        }
        if gerund {
            return self.gerund(reg, ci, ce, aux_start, prev);
        }
        if let Some(b) = be {
            return self.passive(reg, ci, ce, b, aux_start);
        }
        if passive_only {
            return None;
        }
        if prev_word.is_some_and(|t| {
            is_any(
                p,
                &t,
                &[
                    "to", "the", "a", "an", "his", "her", "their", "its", "our", "my", "your",
                    "whose", "this", "these", "those", "of", "such",
                ],
            )
        }) {
            return None;
        }
        // Words that are nouns too ("a conference call", "insurance claims"): only after a
        // pronoun, a name, a plural noun or an auxiliary.
        if aux_start == ci
            && NOUN_CUES.contains(&tt(p, &self.toks[ci]).to_ascii_lowercase().as_str())
        {
            let ok = prev_word.is_none_or(|t| {
                let w = tt(p, &t);
                np::is_pronoun(w)
                    || (capitalised(&t) && t.s != self.span.start)
                    || (w.len() > 3 && w.ends_with('s') && !w.ends_with("ss"))
            }) && prev_word.is_some();
            if !ok {
                return None;
            }
        }
        // A noun use after an adjective or a name's possessive ("Ryabkov's remarks"): skip.
        if prev_word.is_some_and(|t| t.word && tokens::strip_possessive(tt(p, &t)).1)
            && aux_start == ci
        {
            return None;
        }
        let needs_stmt = tags.split(',').any(|x| x == "stmt");
        let after = if needs_at {
            self.after_particle(ce, "at")
        } else if needs_stmt {
            let has = self.toks.iter().skip(ce + 1).take(4).any(|u| {
                is_any(
                    p,
                    u,
                    &["statement", "statements", "communique", "communiqué"],
                )
            });
            if has {
                After::End
            } else {
                After::NotClaim
            }
        } else {
            self.after(ce, needs_as)
        };
        // Inverted: "…, said Ryabkov", "“…,” said a senior official".
        if aux_start == ci {
            let prev_tok = ci.checked_sub(1).map(|k| self.toks[k]);
            let after_boundary = prev_tok.is_none_or(|t| {
                !t.word && (matches!(t.ch, ',' | ';' | '—' | '–') || self.is_quote_close(&t))
            });
            if after_boundary {
                if let Some(a) = self.inverted(reg, ci, ce) {
                    return Some(a);
                }
            }
        }
        if after == After::NotClaim {
            return None;
        }
        // A subject pronoun right before the cue ("the toxins she thought were …").
        if prev_word.is_some_and(|t| is_any(p, &t, &["he", "she", "they", "we", "i"])) {
            let k = aux_start - 1;
            if k > 0
                && self.toks[k - 1].word
                && !is_any(
                    p,
                    &self.toks[k - 1],
                    &["and", "but", "or", "so", "then", "as", "that"],
                )
                && !self.toks[k - 1].ch.is_uppercase()
            {
                let src = classify(self.env, reg, &self.toks[k..aux_start], self.span.start)?;
                let cue = self.toks[ci].s..self.toks[ce].e;
                return Some(self.make(src, cue, self.content_for(&after, self.toks[k].s)));
            }
        }
        // Active: the subject before the cue.
        let b = self.clause_start(aux_start);
        let mut lo = b;
        if lo == aux_start {
            // Nothing before: coordinated verb ("He calls … and says …") or a quote boundary.
            let bt = b.checked_sub(1).map(|k| self.toks[k]);
            if bt.is_some_and(|t| is_any(p, &t, &["and", "but", "or"])) {
                if let Some(last) = prev.last() {
                    let mut a = last.clone();
                    a.cue = self.toks[ci].s..self.toks[ce].e;
                    a.content = self.content_for(&after, a.source.start);
                    return Some(a);
                }
                // "X expressed condolences and described him as …": X speaks.
                let b2 = self.clause_start(b.saturating_sub(1));
                let segs = self.segments(b2, b.saturating_sub(1));
                let (s0, s1) = *segs.iter().find(|&&(a, e)| !self.adverbial(a, e))?;
                let e = self.leading_np_end(s0, s1);
                if e == s0 {
                    return None;
                }
                let src = classify(self.env, reg, &self.toks[s0..e], self.span.start)?;
                let cue = self.toks[ci].s..self.toks[ce].e;
                return Some(self.make(src, cue, self.content_for(&after, self.toks[ci].s)));
            }
            if bt.is_some_and(|t| self.is_quote_close(&t)) {
                // "… accused Washington of “…,” said this time that …": look past the quote.
                let qs = self
                    .quoted
                    .iter()
                    .find(|q| q.end == bt.map_or(0, |t| t.e))
                    .map(|q| q.start)?;
                let qi = self.toks.partition_point(|t| t.s < qs);
                lo = self.clause_start(qi);
                let segs = self.segments(lo, qi);
                return self.active_from_segments(reg, segs, ci, ce, &after);
            }
            return None;
        }
        // Never reach back over an earlier cue of this sentence ("Experts believe the groups
        // announced …").
        if let Some(pc) = prev
            .iter()
            .filter(|a| a.cue.end <= self.toks[aux_start].s)
            .map(|a| a.cue.end)
            .max()
        {
            let k = self.toks.partition_point(|t| t.s < pc);
            if k > lo {
                lo = k;
                if lo >= aux_start {
                    return None;
                }
            }
        }
        let segs = self.segments(lo, aux_start);
        self.active_from_segments(reg, segs, ci, ce, &after)
    }

    /// "…, saying that …" (the subject of the sentence speaks), "ESPN is reporting that …",
    /// "with analyst David Strauss saying …".
    fn gerund(
        &self,
        reg: &mut Registry,
        ci: usize,
        ce: usize,
        aux_start: usize,
        prev: &[Attribution],
    ) -> Option<Attribution> {
        let p = self.p();
        let after = self.after(ce, false);
        if after == After::NotClaim || after == After::End {
            return None;
        }
        let cue = self.toks[ci].s..self.toks[ce].e;
        let content = self.content_for(&after, self.toks[ci].s);
        let prev_tok = aux_start.checked_sub(1).map(|k| self.toks[k]);
        if aux_start < ci {
            // Progressive: "ESPN is reporting".
            let b = self.clause_start(aux_start);
            let segs = self.segments(b, aux_start);
            return self.active_from_segments(reg, segs, ci, ce, &after);
        }
        if prev_tok
            .is_none_or(|t| !t.word || is_any(p, &t, &["by", "while", "after", "before", "when"]))
        {
            // Participle clause: the sentence's speaker, or its subject.
            if let Some(a) = prev.last() {
                let mut a = a.clone();
                a.cue = cue;
                a.content = content;
                return Some(a);
            }
            let segs = self.segments(0, aux_start);
            let (s0, s1) = *segs.iter().find(|&&(a, e)| !self.adverbial(a, e))?;
            let e = self.leading_np_end(s0, s1);
            if e == s0 {
                return None;
            }
            let src = classify(self.env, reg, &self.toks[s0..e], self.span.start)?;
            return Some(self.make(src, cue, content));
        }
        // "analyst David Strauss saying": the capitalised run just before.
        let mut s = aux_start;
        while s > 0 {
            let t = &self.toks[s - 1];
            if capitalised(t)
                || (!t.word && t.ch == '.')
                || is_any(
                    p,
                    t,
                    &[
                        "analyst",
                        "spokesman",
                        "spokeswoman",
                        "official",
                        "chief",
                        "executive",
                        "minister",
                        "coach",
                        "director",
                    ],
                )
            {
                s -= 1;
            } else {
                break;
            }
        }
        if s == aux_start {
            return None;
        }
        let src = classify(self.env, reg, &self.toks[s..aux_start], self.span.start)?;
        Some(self.make(src, cue, content))
    }

    /// End of the leading noun phrase in tokens [s0, s1): capitalised words, determiners,
    /// abbreviation dots and role words ("The current Microsoft CEO Steve Ballmer").
    fn leading_np_end(&self, s0: usize, s1: usize) -> usize {
        let p = self.p();
        let mut e = s0;
        while e < s1 {
            let t = &self.toks[e];
            let ok = capitalised(t)
                || (!t.word && t.ch == '.')
                || is_any(p, t, np::DETERMINERS)
                || is_any(
                    p,
                    t,
                    &[
                        "current",
                        "former",
                        "chief",
                        "executive",
                        "spokesman",
                        "spokeswoman",
                        "minister",
                        "president",
                        "analyst",
                        "coach",
                        "manager",
                        "director",
                        "officer",
                        "official",
                        "officials",
                        "police",
                        "company",
                        "ministry",
                        "government",
                        "senior",
                    ],
                );
            if !ok {
                break;
            }
            e += 1;
        }
        e
    }

    fn active_from_segments(
        &self,
        reg: &mut Registry,
        segs: Vec<(usize, usize)>,
        ci: usize,
        ce: usize,
        after: &After,
    ) -> Option<Attribution> {
        let p = self.p();
        let kept: Vec<(usize, usize)> = {
            let mut v = Vec::new();
            let mut leading = true;
            for &(a, e) in &segs {
                if leading && self.adverbial(a, e) {
                    continue;
                }
                leading = false;
                v.push((a, e));
            }
            v
        };
        if kept.is_empty() {
            // "During his speech he stated that …": the pronoun or name right before the cue.
            let mut s = ci;
            while s > 0
                && self.toks[s - 1].word
                && (capitalised(&self.toks[s - 1]) || np::is_pronoun(tt(p, &self.toks[s - 1])))
            {
                s -= 1;
                if np::is_pronoun(tt(p, &self.toks[s])) {
                    break;
                }
            }
            if s == ci || s == 0 {
                return None;
            }
            let src = classify(self.env, reg, &self.toks[s..ci], self.span.start)?;
            let cue = self.toks[ci].s..self.toks[ce].e;
            return Some(self.make(src, cue, self.content_for(after, self.toks[s].s)));
        }
        let trailing = matches!(after, After::End | After::Comma);
        // A segment with a finite verb outside a relative clause is a clause, not a subject.
        let is_clause = |a: usize, e: usize| {
            for t in &self.toks[a..e] {
                if is_any(p, t, &["who", "which", "that", "whose", "whom"]) {
                    return false;
                }
                if is_any(p, t, BE)
                    || is_any(
                        p,
                        t,
                        &[
                            "has", "had", "have", "will", "would", "could", "can", "should", "did",
                        ],
                    )
                {
                    return true;
                }
            }
            false
        };
        let src = if trailing && kept.len() > 1 {
            let (a, e) = *kept.last()?;
            if is_clause(a, e) {
                return None;
            }
            classify(self.env, reg, &self.toks[a..e], self.span.start)?
        } else {
            let (a, e) = kept[0];
            if trailing && is_clause(a, e) {
                return None;
            }
            let first = classify(self.env, reg, &self.toks[a..e], self.span.start)?;
            if first.kind == SourceKind::NamedPerson {
                first
            } else {
                // An appositive name after a role ("Japan's ambassador …, Keiko Tanabe, said").
                let mut best = first;
                for &(a2, e2) in kept.iter().skip(1).take(2) {
                    let t0 = self.toks[a2];
                    if capitalised(&t0)
                        && !is_any(p, &t0, &["who", "which", "including"])
                        && e2 - a2 <= 8
                    {
                        if let Some(s2) =
                            classify(self.env, reg, &self.toks[a2..e2], self.span.start)
                        {
                            if s2.kind == SourceKind::NamedPerson {
                                best = s2;
                                break;
                            }
                        }
                    }
                }
                best
            }
        };
        // A clause in subject position (more than a phrase) is not a source: "The United
        // States and Russia agreed …" is handled by kept[0]; ignore long non-name phrases.
        let cue = self.toks[ci].s..self.toks[ce].e;
        let content = match after {
            After::Content(at) => self.sentence_end_content(*at),
            After::End => self.span.start..src.span.start,
            _ => self.span.clone(),
        };
        Some(self.make(src, cue, content))
    }

    fn content_for(&self, after: &After, source_start: usize) -> Span {
        match after {
            After::Content(at) => self.sentence_end_content(*at),
            After::End => self.span.start..source_start,
            _ => self.span.clone(),
        }
    }

    /// "…, said Ryabkov" / "“…,” added the official": the phrase after the cue is the source
    /// when it ends the clause (not "said Chinese officials would …").
    fn inverted(&self, reg: &mut Registry, ci: usize, ce: usize) -> Option<Attribution> {
        let p = self.p();
        let start = ce + 1;
        let first = self.toks.get(start)?;
        if !first.word {
            return None;
        }
        let role_then_name = first.word
            && self.toks[start + 1..]
                .iter()
                .take(3)
                .take_while(|t| t.word)
                .any(capitalised);
        let ok_start = capitalised(first)
            || is_any(p, first, np::DETERMINERS)
            || is_any(
                p,
                first,
                &[
                    "he", "she", "they", "we", "i", "his", "her", "their", "its", "our",
                ],
            )
            || role_then_name;
        if !ok_start || is_any(p, first, &["that", "this", "these", "those"]) {
            return None;
        }
        // The phrase runs to a comma/end; a verb right after its head means a clause.
        let mut j = start;
        let mut saw_clause_verb = false;
        while j < self.toks.len() {
            let u = &self.toks[j];
            if !u.word && !matches!(u.ch, '.' | '\'' | '’' | '-') {
                break;
            }
            if !u.word && u.ch == '.' && j + 1 == self.toks.len() {
                break;
            }
            if u.word && j > start && (in_set(p, u, &S_CLAUSE_VERBS) || is_any(p, u, &["that"])) {
                saw_clause_verb = true;
                break;
            }
            j += 1;
        }
        if saw_clause_verb {
            return None;
        }
        let src = classify(self.env, reg, &self.toks[start..j], self.span.start)?;
        let cue = self.toks[ci].s..self.toks[ce].e;
        let content = self.span.start..self.toks[ci].s;
        Some(self.make(src, cue, content))
    }

    fn passive(
        &self,
        reg: &mut Registry,
        ci: usize,
        ce: usize,
        _be: usize,
        aux_start: usize,
    ) -> Option<Attribution> {
        let p = self.p();
        let part = tt(p, &self.toks[ci]).to_ascii_lowercase();
        // Agent: "by X" within the clause (quotations skipped).
        let mut j = ce + 1;
        let mut steps = 0;
        while j < self.toks.len() && steps < 14 {
            let u = self.toks[j];
            if self.in_quote(u.s) || self.is_quote_close(&u) || self.is_quote_open(&u) {
                j += 1;
                continue;
            }
            if !u.word && matches!(u.ch, ',' | ';' | ':' | '—' | '–' | '(' | '.') {
                break;
            }
            if is_any(p, &u, &["that", "who", "which", "because", "and", "but"])
                || is_any(p, &u, BE)
                || is_any(p, &u, AUX)
            {
                break;
            }
            if is(p, &u, "by") {
                let start = j + 1;
                let end = self.np_end_agent(start);
                if end > start {
                    let t0 = self.toks[start];
                    let numeric = t0.ch.is_ascii_digit()
                        || is_any(
                            p,
                            &t0,
                            &[
                                "then", "now", "far", "the end", "way", "mid", "early", "late",
                            ],
                        );
                    if !numeric {
                        if let Some(src) =
                            classify(self.env, reg, &self.toks[start..end], self.span.start)
                        {
                            let cue = self.toks[aux_start].s..self.toks[ce].e;
                            return Some(self.make(src, cue, self.span.clone()));
                        }
                    }
                }
                break;
            }
            j += 1;
            steps += 1;
        }
        // Agentless (not in questions, not hypothetical: "Would he be seen as a turncoat?",
        // "what would normally be regarded as a motive").
        let rule = AGENTLESS.iter().find(|(w, _)| *w == part).map(|x| x.1)?;
        if self.toks[aux_start..ci].iter().any(|t| {
            is_any(
                p,
                t,
                &[
                    "would", "could", "might", "may", "should", "can", "must", "will",
                ],
            )
        }) {
            return None;
        }
        if self.p().get(self.span.clone()).is_some_and(|t| {
            t.trim_end()
                .trim_end_matches(['"', '”', '’', ')'])
                .ends_with('?')
        }) {
            return None;
        }
        let expletive = aux_start
            .checked_sub(1)
            .map(|k| self.toks[k])
            .filter(|t| is(p, t, "it"));
        let next = self.toks.get(ce + 1).copied();
        let next_is = |ws: &[&str]| next.is_some_and(|t| is_any(p, &t, ws));
        let end_or_comma = next.is_none_or(|t| !t.word && matches!(t.ch, ',' | '.' | ';'));
        let (ok, part_end) = match rule {
            Particle::As
                if next.is_some_and(|t| {
                    t.word && tt(p, &t).len() > 4 && tt(p, &t).ends_with("ing")
                }) =>
            {
                (false, 0)
            }
            Particle::As => {
                let mut found = None;
                for (k, u) in self.toks.iter().enumerate().skip(ce + 1).take(7) {
                    if !u.word && matches!(u.ch, ',' | ';' | ':' | '.') {
                        break;
                    }
                    if is(p, u, "as") {
                        found = Some(k);
                        break;
                    }
                }
                (
                    found.is_some(),
                    found.map_or(self.toks[ce].e, |k| self.toks[k].e),
                )
            }
            Particle::ToThat => (
                next_is(&["to", "that"]) || (expletive.is_some() && end_or_comma),
                if next_is(&["to"]) {
                    next.map_or(self.toks[ce].e, |t| t.e)
                } else {
                    self.toks[ce].e
                },
            ),
            Particle::ToThatAt => (
                next_is(&["to", "that", "at"]) || (expletive.is_some() && end_or_comma),
                self.toks[ce].e,
            ),
            Particle::Considered => (
                next_is(&[
                    "to",
                    "as",
                    "likely",
                    "unlikely",
                    "among",
                    "certain",
                    "inevitable",
                    "doomed",
                ]) || (next_is(&["one"]) && self.toks.get(ce + 2).is_some_and(|t| is(p, t, "of"))),
                self.toks[ce].e,
            ),
            Particle::Reported => {
                let to_verb = next_is(&["to"])
                    && self.toks.get(ce + 2).is_some_and(|t| {
                        is_any(
                            p,
                            t,
                            &[
                                "be", "have", "own", "hold", "plan", "want", "favour", "favor",
                                "consider", "seek", "face",
                            ],
                        )
                    });
                (
                    to_verb || next_is(&["that"]) || (expletive.is_some() && end_or_comma),
                    self.toks[ce].e,
                )
            }
            Particle::Any => (true, self.toks[ce].e),
        };
        if !ok {
            return None;
        }
        let cue_start = expletive.map_or(self.toks[aux_start].s, |t| t.s);
        let cue = cue_start..part_end;
        let src = Src {
            span: self.toks[ci].s..self.toks[ci].s,
            kind: SourceKind::Agentless,
            person: None,
        };
        let mut a = self.make(src, cue, self.sentence_end_content(part_end));
        a.source_text.clear();
        Some(a)
    }

    fn np_end_agent(&self, start: usize) -> usize {
        let p = self.p();
        let mut j = start;
        while j < self.toks.len() {
            let u = &self.toks[j];
            if !u.word && !matches!(u.ch, '.' | '\'' | '’' | '-' | '&') {
                break;
            }
            if !u.word && u.ch == '.' && j + 1 >= self.toks.len() {
                break;
            }
            if u.word
                && j > start
                && is_any(
                    p,
                    u,
                    &[
                        "as", "to", "that", "in", "on", "at", "after", "before", "during", "and",
                        "but", "for", "which", "who", "because", "when", "while", "if",
                    ],
                )
            {
                break;
            }
            j += 1;
            if j - start > 10 {
                break;
            }
        }
        j
    }

    /// A cue that needs a particle within the clause ("puts the cost at").
    fn after_particle(&self, ce: usize, particle: &str) -> After {
        let p = self.p();
        for u in self.toks.iter().skip(ce + 1).take(9) {
            if !u.word && matches!(u.ch, ',' | ';' | '.' | ':') {
                break;
            }
            if is(p, u, particle) {
                return After::Content(u.e);
            }
        }
        After::NotClaim
    }

    /// Classify what follows the cue at token `ce`.
    fn after(&self, ce: usize, needs_as: bool) -> After {
        let p = self.p();
        let n = self.toks.len();
        let mut j = ce + 1;
        let cue_w = tt(p, &self.toks[ce]).to_ascii_lowercase();
        if needs_as {
            let found = self
                .toks
                .iter()
                .enumerate()
                .skip(j)
                .take(7)
                .find(|(_, u)| is(p, u, "as") || (!u.word && matches!(u.ch, ',' | ';' | '.')));
            return match found {
                Some((k, u)) if u.word => After::Content(self.toks[k].e),
                _ => After::NotClaim,
            };
        }
        // Objects of "told"/"asked".
        if OBJECT_CUES.contains(&cue_w.as_str()) {
            let mut skipped = 0;
            while j < n && skipped < 6 {
                let u = &self.toks[j];
                if !u.word {
                    if u.ch == '.'
                        && j + 1 < n
                        && j > 0
                        && self.toks[j - 1].e - self.toks[j - 1].s <= 3
                    {
                        j += 1;
                        continue;
                    }
                    break;
                }
                if is_any(
                    p,
                    u,
                    &[
                        "that", "to", "about", "of", "whether", "if", "why", "how", "what", "when",
                    ],
                ) || in_set(p, u, &S_PREP)
                    || in_set(p, u, &S_NOT_CLAIM)
                {
                    break;
                }
                if skipped > 0
                    && in_set(p, u, &S_DETS_PRON)
                    && !is_any(
                        p,
                        &self.toks[j - 1],
                        &["the", "a", "an", "his", "her", "their", "its", "our"],
                    )
                {
                    break;
                }
                j += 1;
                skipped += 1;
            }
            if j < n
                && is_any(
                    p,
                    &self.toks[j],
                    &["to", "for", "about", "off", "up", "out"],
                )
                && !matches!(cue_w.as_str(), "urged" | "urges")
            {
                return After::NotClaim;
            }
        }
        // Adverbials: times, "in a statement", "on Friday", "late on Tuesday".
        let mut guard = 0;
        loop {
            guard += 1;
            if guard > 6 || j >= n {
                break;
            }
            let u = self.toks[j];
            if !u.word {
                break;
            }
            if in_set(p, &u, &S_TIME) {
                j += 1;
                continue;
            }
            if in_set(p, &u, &S_PREP) {
                // Skip the phrase up to "that", a quotation, a comma or the end.
                let mut k = j + 1;
                let mut words = 0;
                while k < n && words < 7 {
                    let v = &self.toks[k];
                    if !v.word && v.ch != '.' && v.ch != '\'' && v.ch != '’' {
                        break;
                    }
                    if is_any(p, v, &["that"]) || is_any(p, v, &["calling", "being"]) {
                        break;
                    }
                    if v.word && v.s > u.s && in_set(p, v, &S_DETS_PRON) && words >= 2 {
                        break;
                    }
                    k += 1;
                    words += 1;
                }
                if k < n && is_any(p, &self.toks[k], &["calling", "being"]) {
                    return After::NotClaim;
                }
                // "insisted on calling": a complement, not an adverbial ("said on hearing" is fine).
                let say = matches!(
                    cue_w.as_str(),
                    "said" | "says" | "say" | "told" | "tells" | "added" | "adds"
                );
                if !say
                    && is_any(p, &u, &["on", "in"])
                    && self
                        .toks
                        .get(j + 1)
                        .is_some_and(|v| v.word && tt(p, v).ends_with("ing"))
                {
                    return After::NotClaim;
                }
                j = k;
                continue;
            }
            break;
        }
        let Some(u) = self.toks.get(j) else {
            return After::End;
        };
        if !u.word {
            return match u.ch {
                '.' | '!' | '?' | ')' => {
                    if j + 1 >= n || self.toks[j + 1..].iter().all(|t| !t.word) {
                        After::End
                    } else {
                        After::Content(u.e)
                    }
                }
                ',' | ';' | '—' | '–' => After::Comma,
                ':' => After::Content(u.e),
                _ if self.is_quote_open(u) => After::Content(u.s),
                _ => After::Content(u.s),
            };
        }
        if is(p, u, "that") {
            return After::Content(u.e);
        }
        // "confirmed to reporters that", "said to him": an addressee, then the content.
        if is(p, u, "to") && !OBJECT_CUES.contains(&cue_w.as_str()) {
            if let Some(v) = self.toks.get(j + 1) {
                if v.word
                    && (capitalised(v)
                        || is_any(
                            p,
                            v,
                            &[
                                "the",
                                "a",
                                "an",
                                "him",
                                "her",
                                "them",
                                "us",
                                "me",
                                "reporters",
                                "journalists",
                                "his",
                                "their",
                                "its",
                                "our",
                            ],
                        ))
                {
                    return match self.toks[j + 1..]
                        .iter()
                        .position(|t| is(p, t, "that") || self.is_quote_open(t))
                    {
                        Some(k) => After::Content(self.toks[j + 1 + k].e),
                        None => After::End,
                    };
                }
            }
        }
        if in_set(p, u, &S_NOT_CLAIM) {
            // "warned of", "cautioned against" are still claims.
            if matches!(
                cue_w.as_str(),
                "warned" | "warns" | "warn" | "cautioned" | "cautions"
            ) && is_any(p, u, &["against", "about"])
            {
                return After::Content(u.s);
            }
            return After::NotClaim;
        }
        After::Content(u.s)
    }

    /// Token index where the clause containing token `i` starts: just after the nearest
    /// `;`, `:`, dash, bracket, closing quote, "that"/"as"/"whereas" outside quotes, or
    /// conjunction after a comma; a bare conjunction right before `i` starts it too.
    fn clause_start(&self, i: usize) -> usize {
        let i = i.min(self.toks.len());
        if i > 0
            && self.toks[i - 1].word
            && is_any(self.p(), &self.toks[i - 1], CLAUSE_CONJUNCTIONS)
        {
            // A bare conjunction only coordinates verbs ("He calls … and says"), except
            // directly before the token asked about.
            return i;
        }
        self.clause_from.get_or_init(|| self.clause_table())[i]
    }

    fn clause_table(&self) -> Vec<usize> {
        let p = self.p();
        let mut from = Vec::with_capacity(self.toks.len() + 1);
        from.push(0);
        for k in 1..=self.toks.len() {
            let t = &self.toks[k - 1];
            let boundary = if !t.word {
                matches!(t.ch, ';' | ':' | '—' | '–' | '[' | ']')
                    || self.is_quote_close(t)
                    || (t.ch == '-' && k >= 2)
            } else if is_any(p, t, &["that", "as", "whereas"]) && !self.in_quote(t.s) {
                true
            } else {
                // A conjunction after a comma starts a clause.
                is_any(p, t, CLAUSE_CONJUNCTIONS)
                    && k >= 2
                    && !self.toks[k - 2].word
                    && self.toks[k - 2].ch == ','
            };
            from.push(if boundary { k } else { from[k - 1] });
        }
        from
    }

    /// Comma segments of tokens [lo, hi) at parenthesis depth 0: (start, end) pairs.
    fn segments(&self, lo: usize, hi: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut depth = 0i32;
        let mut s = lo;
        for k in lo..hi {
            let t = &self.toks[k];
            if t.word {
                continue;
            }
            match t.ch {
                '(' => depth += 1,
                ')' => depth -= 1,
                ',' if depth <= 0 => {
                    if k > s {
                        out.push((s, k));
                    }
                    s = k + 1;
                }
                _ => {}
            }
        }
        if hi > s {
            out.push((s, hi));
        }
        out
    }

    /// An adverbial comma segment ("In Brussels", "Speaking to reporters", "On Thursday").
    fn adverbial(&self, a: usize, e: usize) -> bool {
        let p = self.p();
        let Some(t) = self.toks[a..e]
            .iter()
            .find(|t| t.word && !is_any(p, t, &["and", "but", "so", "yet", "or"]))
        else {
            return true;
        };
        let w = tt(p, t);
        if S_ADVERBIAL.has(w) {
            return true;
        }
        let lw = w.to_ascii_lowercase();
        // "Speaking to reporters," — but not a name like "Manning" or "Stirling".
        if lw.ends_with("ing") && lw.len() > 5 {
            let words: Vec<&Tok> = self.toks[a..e].iter().filter(|t| t.word).collect();
            let next_lower = words.get(1).is_some_and(|n| !capitalised(n));
            if !capitalised(t) || (words.len() >= 2 && next_lower) {
                return true;
            }
        }
        if lw.ends_with("ly") && lw.len() > 4 && !LY_NOUNS.contains(&lw.as_str()) && e - a == 1 {
            return true;
        }
        // A short time phrase ("Last week", "On March 3").
        let words = self.toks[a..e].iter().filter(|t| t.word).count();
        words <= 4 && self.toks[a..e].iter().any(|t| in_set(p, t, &S_TIME_MONTHS))
    }
}

/// Link each quotation to its speaker's attribution.
fn link_quotes(doc: &Document<'_>, qinfos: &[QuoteInfo], atts: &[Attribution]) -> Vec<Quote> {
    let mut out: Vec<Quote> = Vec::with_capacity(qinfos.len());
    // `atts` is sorted by sentence: the attributions of sentences [si, ei] are one slice, found
    // by binary search (a scan per quotation was quadratic on quote-heavy text).
    debug_assert!(atts.windows(2).all(|w| w[0].sentence <= w[1].sentence));
    let in_sentences = |si: usize, ei: usize| {
        let lo = atts.partition_point(|a| a.sentence < si);
        let hi = atts.partition_point(|a| a.sentence <= ei).max(lo);
        atts[lo..hi]
            .iter()
            .enumerate()
            .map(move |(k, a)| (lo + k, a))
    };
    let by_sentence = |si: usize| in_sentences(si, si);
    let identified = |a: &Attribution| {
        matches!(
            a.kind,
            SourceKind::NamedPerson | SourceKind::Institution | SourceKind::Anonymous
        )
    };
    for q in qinfos {
        let si = doc.sentence_at(q.span.start);
        let mut link = None;
        if let Some(si) = si {
            // The sentences the quotation spans: the cue nearest to it.
            let ei = doc
                .sentence_at(q.span.end.saturating_sub(1))
                .unwrap_or(si)
                .max(si);
            link = in_sentences(si, ei)
                .min_by_key(|(_, a)| {
                    if a.cue.start >= q.span.end {
                        a.cue.start - q.span.end
                    } else {
                        q.span.start.saturating_sub(a.cue.end)
                    }
                })
                .map(|(i, _)| i);
            let block = doc.sentences[si].block;
            let first_in_block = si == 0 || doc.sentences[si - 1].block != block;
            if link.is_none() && si > 0 {
                let prev = &doc.sentences[si - 1];
                let prev_text = doc.prose.get(prev.span.clone()).unwrap_or("").trim_end();
                let lead_in = prev_text.ends_with(':') || q.block_quote;
                if lead_in {
                    link = by_sentence(si - 1).next_back().map(|(i, _)| i);
                } else if !first_in_block {
                    link = by_sentence(si - 1)
                        .rfind(|(_, a)| identified(a))
                        .map(|(i, _)| i);
                }
            }
            if link.is_none() {
                link = earlier_speaker(doc, q, si, &in_sentences, &identified);
            }
            if link.is_none() {
                if let Some(next) = doc.sentences.get(ei + 1) {
                    if next.block == doc.sentences[ei].block && !q.block_quote {
                        link = by_sentence(ei + 1)
                            .filter(|(_, a)| identified(a))
                            .map(|(i, _)| i)
                            .next();
                    }
                }
            }
        }
        out.push(Quote {
            span: q.span.clone(),
            words: q.words,
            attribution: link,
        });
    }
    // Multi-paragraph quotations share their speaker: the first one found in the chain.
    let mut chain_speaker: std::collections::HashMap<usize, usize> = Default::default();
    for (qi, o) in qinfos.iter().zip(&out) {
        if let Some(a) = o.attribution {
            chain_speaker.entry(qi.chain).or_insert(a);
        }
    }
    for (qi, o) in qinfos.iter().zip(out.iter_mut()) {
        if o.attribution.is_none() {
            o.attribution = chain_speaker.get(&qi.chain).copied();
        }
    }
    out
}

/// The speaker of a quotation from further back: an identified source earlier in its
/// paragraph ("Smith spoke for an hour. He took questions. “…”"), or, for a quotation that
/// opens its paragraph, the last identified source of the paragraph before (AP style).
fn earlier_speaker<'a, I>(
    doc: &Document<'_>,
    q: &QuoteInfo,
    si: usize,
    in_sentences: &dyn Fn(usize, usize) -> I,
    identified: &dyn Fn(&Attribution) -> bool,
) -> Option<usize>
where
    I: DoubleEndedIterator<Item = (usize, &'a Attribution)>,
{
    let block = doc.sentences[si].block;
    let mut first = si;
    while first > 0 && doc.sentences[first - 1].block == block {
        first -= 1;
    }
    if first < si {
        return in_sentences(first, si - 1)
            .rfind(|(_, a)| identified(a))
            .map(|(i, _)| i);
    }
    // The quotation opens its paragraph: the paragraph just before, if it is prose.
    let opens = doc
        .prose
        .get(doc.sentences[si].span.start..q.span.start)
        .is_some_and(|t| t.trim().is_empty());
    if !opens || first == 0 {
        return None;
    }
    let prev_block = doc.sentences[first - 1].block;
    if !matches!(
        doc.blocks.get(prev_block).map(|b| b.kind),
        Some(BlockKind::Paragraph | BlockKind::BlockQuote | BlockKind::ListItem)
    ) {
        return None;
    }
    let mut pfirst = first - 1;
    while pfirst > 0 && doc.sentences[pfirst - 1].block == prev_block {
        pfirst -= 1;
    }
    in_sentences(pfirst, first - 1)
        .rfind(|(_, a)| identified(a))
        .map(|(i, _)| i)
}

/// Extra facts about quotations that the rules need (not part of the shared `Quote` type).
pub fn quote_details(doc: &Document<'_>) -> Vec<QuoteInfo> {
    quotes::find_quotes(doc)
}

#[cfg(test)]
mod tests;

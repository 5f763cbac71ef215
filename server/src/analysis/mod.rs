//! Pure text analysis: one article's text in, people, events, attributions and findings out.
//!
//! Invariants:
//! - Every range is a **byte** range into the original text (`Span`), on `char` boundaries.
//! - No I/O, no async, no protocol types: this module must never import `crate::lsp`,
//!   `crate::cli`, `crate::workspace`, tokio or tower-lsp. It may use `crate::config` *types*
//!   (settings and knowledge-base data), which are plain data.
//! - Deterministic: the same text and context give the same `FileAnalysis`.
//! - Never panics on any input (fuzzed in `server/fuzz`).
//!
//! Pipeline (see `analyze`): `document` (front matter, Markdown masking, directives, sentences)
//! → `people` → `events` → `attribution` → `rules` (findings) → suppression and severities.

pub mod attribution;
pub mod document;
pub mod events;
pub mod kb;
pub mod lexicon;
pub mod people;
pub mod rules;
pub mod sentences;

use std::ops::Range;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

/// A shared immutable string. Analyses create them; the workspace interns the ones it keeps
/// of every file (its outline's titles), so a role given in 5,000 articles is stored once.
pub type Str = Arc<str>;

pub use document::{DateSource, DocMeta, Document};
pub use kb::KbIndex;
pub use lexicon::Lexicons;

/// A byte range into the article text.
pub type Span = Range<usize>;

/// Everything the analysis needs besides the text. Cheap to share (`Arc` it in callers).
pub struct Context<'a> {
    /// Compiled knowledge base (names, aliases, dated roles, events).
    pub kb: &'a KbIndex,
    /// Cue verbs, vague groups, weasel words, titles, … (defaults merged with `byline.toml`).
    pub lexicons: &'a Lexicons,
    /// Per-rule severity overrides (`None` = off). Rules not present use their default.
    pub rules: &'a rules::RuleSettings,
    /// Date to use when the article has neither front-matter date nor dateline (file mtime).
    pub fallback_date: Option<NaiveDate>,
}

impl Context<'static> {
    /// No knowledge base, default lexicons and rule severities, no fallback date: what a
    /// file outside every configured workspace gets (tests and fuzzing use it too).
    pub fn defaults() -> Context<'static> {
        use std::sync::LazyLock;
        static KB: LazyLock<KbIndex> = LazyLock::new(KbIndex::default);
        static LEX: LazyLock<Lexicons> = LazyLock::new(Lexicons::default);
        static RULES: LazyLock<rules::RuleSettings> = LazyLock::new(rules::RuleSettings::default);
        Context {
            kb: &KB,
            lexicons: &LEX,
            rules: &RULES,
            fallback_date: None,
        }
    }
}

/// The result of analysing one article.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FileAnalysis {
    pub meta: DocMeta,
    /// Sentence spans in reading order.
    pub sentences: Vec<Span>,
    pub people: Vec<PersonMention>,
    pub events: Vec<EventMention>,
    pub attributions: Vec<Attribution>,
    /// Direct quotations (the text between the quote marks, marks included).
    pub quotes: Vec<Quote>,
    /// Findings after suppression directives and severity settings were applied.
    pub findings: Vec<Finding>,
}

impl FileAnalysis {
    /// The quotation at `offset` (marks included) and its speaker's attribution, if any.
    pub fn quote_at(&self, offset: usize) -> Option<(&Quote, Option<&Attribution>)> {
        let q = self
            .quotes
            .iter()
            .filter(|q| q.span.start <= offset && offset < q.span.end)
            .min_by_key(|q| q.span.end - q.span.start)?;
        Some((q, q.attribution.and_then(|i| self.attributions.get(i))))
    }

    /// The person mention a source phrase names (inside the phrase), else, for a pronoun or a
    /// source resolved by name, the last mention of that person before it.
    pub fn speaker_mention(&self, a: &Attribution) -> Option<&PersonMention> {
        let name = a.person.as_deref();
        self.people
            .iter()
            .find(|m| {
                !a.source.is_empty() && m.span.start >= a.source.start && m.span.end <= a.source.end
            })
            .or_else(|| {
                let name = name?;
                self.people
                    .iter()
                    .rev()
                    .find(|m| m.span.start < a.source.start.max(a.cue.start) && &*m.name == name)
            })
    }
}

// ---------------------------------------------------------------------------------------------
// People

/// How a person is referred to at one place in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MentionForm {
    /// "Sergei Ryabkov", "Deputy Foreign Minister Sergei Ryabkov" (span covers the name only).
    FullName,
    /// "Ryabkov", "Ryabkov's" (span covers the name without the possessive).
    Surname,
    /// "President Macron", "Ms. Frederiksen" (span covers title and surname).
    TitledSurname,
    /// "the French ambassador to Germany" — resolved through the KB's dated roles.
    RoleOnly,
    /// A knowledge-base alias ("S. Ryabkov").
    Alias,
}

/// Why this person is mentioned: an official/newsmaker, or the article's author/credit line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum PersonRole {
    #[default]
    Subject,
    /// "By Anna Keller", "Written by …", front-matter author.
    Author,
    /// "Photo: Marc Dubois/Ledger".
    Credit,
}

/// A role or title the text gives a person, verbatim, with where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleText {
    pub span: Span,
    /// Verbatim text ("top Élysée adviser").
    pub text: Str,
    /// Normalised for grouping ("elysee adviser"): lowercase, no articles/adjectives of degree.
    pub normalized: Str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonMention {
    pub span: Span,
    /// Surface text of `span`.
    pub text: Str,
    pub form: MentionForm,
    pub role: PersonRole,
    /// Canonical key for grouping inside this article: the full name as introduced in this
    /// article ("Sergei Ryabkov") when known, else the surface surname ("Ryabkov").
    pub name: Str,
    /// Lower-cased surname used for cross-article resolution ("ryabkov").
    pub surname: Str,
    /// True when `name` is a full name (resolved in this article or given in full here).
    pub resolved: bool,
    /// Knowledge-base person id when the mention matched the KB.
    pub kb_id: Option<Str>,
    /// Title or role the text attaches to this mention, if any.
    pub title: Option<Box<RoleText>>,
}

// ---------------------------------------------------------------------------------------------
// Events

/// Compatible trigger classes: mentions of different classes never link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventClass {
    /// talks, meeting, negotiations, discussions, summit, conference, visit, call.
    Meeting,
    /// vote, election, referendum, ballot.
    Vote,
    /// test, launch (weapons/missile tests).
    Test,
    /// strike, attack, shooting, bombing, raid, assault.
    Violence,
    /// earthquake, quake, tsunami, flood, hurricane, fire, eruption.
    Disaster,
    /// ceasefire, deal, agreement, accord, treaty.
    Agreement,
    /// arrest, trial, verdict, sentencing, charges.
    Legal,
    /// Anything else with an event trigger (announcement, acquisition, death, …).
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventMention {
    pub span: Span,
    pub text: Str,
    /// Lower-cased trigger noun ("summit").
    pub trigger: Str,
    /// Lexicon group of the trigger ("talks", "summit", "negotiations" → "meeting"): mentions
    /// link across articles only within one class and group. Defaults to the trigger word.
    pub group: Str,
    pub class: EventClass,
    /// Normalised place (city) if known: "geneva".
    pub place: Option<Str>,
    /// Normalised parties ("us", "russia").
    pub parties: Vec<Str>,
    /// People (names as in `PersonMention::name`) taking part.
    pub participants: Vec<Str>,
    /// Date of the event if stated or resolvable.
    pub date: Option<NaiveDate>,
    /// "three-hour", "two-day".
    pub extent: Option<Str>,
    /// Bare anaphor ("the talks"): index into `FileAnalysis::events` of its antecedent.
    pub antecedent: Option<usize>,
    /// Knowledge-base event id when an alias or name matched.
    pub kb_id: Option<Str>,
}

// ---------------------------------------------------------------------------------------------
// Attribution

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A named person ("Ryabkov", "he" resolved to a person).
    NamedPerson,
    /// A named institution or outlet ("the Élysée", "Reuters", "the Foreign Ministry").
    Institution,
    /// Unnamed official identified by affiliation ("a senior US official").
    Anonymous,
    /// Vague group ("analysts", "observers", "sources", "some").
    Vague,
    /// No agent at all ("has been interpreted as", "it is believed").
    Agentless,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attribution {
    /// Source phrase (empty range at the cue for agentless passives).
    pub source: Span,
    pub source_text: String,
    pub kind: SourceKind,
    /// For `NamedPerson`: the person's `name` (pronouns resolved to the last person).
    pub person: Option<String>,
    /// The cue ("said", "according to", "as … put it").
    pub cue: Span,
    /// What is attributed (the claim or quotation), possibly empty.
    pub content: Span,
    /// Index into `FileAnalysis::sentences`.
    pub sentence: usize,
}

impl Attribution {
    /// The source's class as `byline index` reports it (`None`: no agent at all):
    /// `named_person`, `pronoun`, `named_org`, `unnamed_official` (an unnamed source with an
    /// official capacity: "a senior official", "people familiar with the talks"),
    /// `description` (other unnamed people: "a retired teacher"), `vague_group`.
    pub fn source_class(&self) -> Option<&'static str> {
        /// Head words of an official capacity.
        const OFFICIAL: &[&str] = &[
            "official",
            "spokesman",
            "spokeswoman",
            "spokesperson",
            "spokespeople",
            "aide",
            "adviser",
            "advisor",
            "staffer",
            "diplomat",
            "source",
            "insider",
            "familiar",
            "representative",
            "officer",
            "strategist",
            "operative",
            "negotiator",
            "envoy",
        ];
        let official = || {
            self.source_text
                .split(|c: char| !c.is_alphanumeric())
                .map(str::to_ascii_lowercase)
                .any(|w| {
                    OFFICIAL
                        .iter()
                        .any(|h| w == *h || w.strip_suffix('s') == Some(h))
                })
        };
        Some(match self.kind {
            SourceKind::Agentless => return None,
            SourceKind::NamedPerson if attribution::np::is_pronoun(&self.source_text) => "pronoun",
            SourceKind::NamedPerson => "named_person",
            SourceKind::Institution => "named_org",
            SourceKind::Anonymous if official() => "unnamed_official",
            SourceKind::Anonymous => "description",
            SourceKind::Vague => "vague_group",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    /// Including the quote marks.
    pub span: Span,
    pub words: usize,
    /// Index into `FileAnalysis::attributions` of its speaker's attribution, if any.
    pub attribution: Option<usize>,
}

// ---------------------------------------------------------------------------------------------
// Findings

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    /// LSP numbering (1 = error … 4 = hint).
    pub fn lsp_number(self) -> u8 {
        match self {
            Severity::Error => 1,
            Severity::Warning => 2,
            Severity::Information => 3,
            Severity::Hint => 4,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }
}

/// A text edit inside the analysed file. `snippet` marks LSP snippet syntax (`${1:name}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub span: Span,
    pub new_text: String,
    pub snippet: bool,
}

/// A quick fix offered for a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    /// Preferred fix (shown first / applied by "fix all").
    pub preferred: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable kebab-case rule code ("vague-attribution").
    pub code: &'static str,
    pub severity: Severity,
    pub span: Span,
    pub message: String,
    /// Related places in the same file with a note ("nearest candidate speaker").
    pub related: Vec<(Span, String)>,
    pub fixes: Vec<Fix>,
}

/// Analyse one article. Never panics; total on any `&str`.
pub fn analyze(text: &str, ctx: &Context<'_>) -> FileAnalysis {
    let doc = Document::parse(text, ctx.fallback_date);
    let people = people::find_people(&doc, ctx);
    let events = events::find_events(&doc, &people, ctx);
    let (attributions, quotes) = attribution::find_attributions(&doc, &people, ctx);
    let mut findings = rules::run_all(&doc, &people, &attributions, &quotes, ctx);
    rules::finalize(&doc, &mut findings, ctx.rules);
    FileAnalysis {
        meta: doc.meta.clone(),
        sentences: doc.sentences.iter().map(|s| s.span.clone()).collect(),
        people,
        events,
        attributions,
        quotes,
        findings,
    }
}

#[cfg(test)]
pub(crate) mod testutil {
    use super::*;

    /// The text of every finding of rule `code` when `text` is analysed with `ctx()`.
    pub fn flagged(text: &str, code: &str) -> Vec<String> {
        analyze(text, &ctx())
            .findings
            .into_iter()
            .filter(|f| f.code == code)
            .map(|f| text[f.span].to_string())
            .collect()
    }

    /// A knowledge-base person for tests.
    pub fn kb_person(
        id: &str,
        name: &str,
        aliases: &[&str],
        roles: Vec<crate::config::KbRole>,
    ) -> crate::config::PersonEntry {
        crate::config::PersonEntry {
            id: id.into(),
            name: name.into(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            description: None,
            roles,
            links: vec![],
            notes: None,
            span: 0..0,
            name_span: 0..0,
        }
    }

    /// A dated knowledge-base role for tests (dates as `config::parse_loose_date` reads them).
    pub fn kb_role(
        title: &str,
        org: Option<&str>,
        from: &str,
        to: Option<&str>,
    ) -> crate::config::KbRole {
        crate::config::KbRole {
            title: title.into(),
            organization: org.map(str::to_string),
            from: crate::config::parse_loose_date(from),
            to: to.and_then(crate::config::parse_loose_date),
        }
    }

    /// A context with no knowledge base and default lexicons.
    pub fn ctx() -> Context<'static> {
        Context::defaults()
    }
}

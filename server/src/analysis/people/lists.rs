//! Small fixed word lists used by the detector (compiled once). The configurable lists are the
//! `titles` and `not-people` lexicons; these are structural words of English and two internal
//! data files beside this module.

use std::collections::HashSet;
use std::sync::LazyLock;

fn set(text: &'static str) -> HashSet<&'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .flat_map(|l| l.split_whitespace())
        .collect()
}

/// Common given names (lower case, ASCII-folded where the list has them so).
pub static GIVEN: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set(include_str!("given-names.txt")));

/// Words that make a capitalised sequence an organisation or place ("Center", "Court").
pub static ORG_WORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set(include_str!("org-words.txt")));

/// Lower-case name particles allowed inside a name ("Ursula von der Leyen").
pub const PARTICLES: &[&str] = &[
    "von", "van", "der", "den", "de", "da", "di", "du", "del", "della", "la", "le", "dos", "das",
    "ter", "ten", "bin", "ibn", "al", "el", "zu", "af", "y", "e", "st.",
];

/// Honorifics: a capitalised word after them is a person, but they are not roles.
pub const HONORIFICS: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "mme", "mlle", "messrs", "sir", "dame", "lord", "lady",
    "prof",
];

/// Words before a name that indicate a place rather than a person ("in Geneva").
pub const PLACE_PREPS: &[&str] = &[
    "in",
    "at",
    "near",
    "outside",
    "inside",
    "across",
    "into",
    "toward",
    "towards",
    "throughout",
    "from",
    "via",
    "around",
    "within",
    "onto",
    "between",
];

/// Determiners: "the Betty Ford Center", "a Boeing jet": names rarely take them.
pub const DETERMINERS: &[&str] = &[
    "the", "a", "an", "this", "that", "these", "those", "every", "each", "any",
];

/// Lower-case modifiers that may stand inside a role before a title ("former deputy foreign
/// minister", "national security adviser").
pub const ROLE_MODIFIERS: &[&str] = &[
    "former",
    "deputy",
    "senior",
    "top",
    "chief",
    "acting",
    "assistant",
    "associate",
    "vice",
    "executive",
    "general",
    "special",
    "national",
    "security",
    "foreign",
    "defense",
    "defence",
    "interior",
    "finance",
    "state",
    "federal",
    "local",
    "regional",
    "presidential",
    "defensive",
    "offensive",
    "interim",
    "longtime",
    "veteran",
    "then",
    "lead",
    "head",
    "press",
    "public",
    "health",
    "trade",
    "energy",
    "justice",
    "economy",
    "education",
    "prime",
    "first",
    "second",
    "third",
    "junior",
    "principal",
    "managing",
    "district",
    "county",
    "city",
    "police",
    "fire",
    "army",
    "navy",
    "military",
    "opposition",
    "party",
    "campaign",
    "government",
    "team",
    "club",
    "company",
    "embassy",
    "ministry",
    "white",
    "house",
    "news",
    "sports",
    "film",
    "music",
    "pop",
    "rock",
    "country",
    "star",
    "retired",
    "late",
    "new",
    "outgoing",
    "incoming",
    "embattled",
    "disgraced",
    "convicted",
    "accused",
    "defence",
    "criminal",
    "defense",
    "civil",
    "rights",
    "human",
    "chairman",
    "board",
    "union",
    "labor",
    "labour",
    "business",
    "tech",
    "veteran",
    "celebrity",
    "family",
    "personal",
    "legal",
    "medical",
    "world",
    "heavyweight",
    "lightweight",
    "olympic",
    "tour",
    "general's",
    "guard",
];

/// Role modifiers dropped when a role is normalised for grouping.
pub const DEGREE_WORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "top",
    "senior",
    "leading",
    "longtime",
    "veteran",
    "influential",
    "powerful",
    "key",
    "his",
    "her",
    "its",
    "their",
    "then",
];

/// Third-person pronouns: evidence for (he/she) or against (it) a person.
pub const PERSON_PRONOUNS: &[&str] = &[
    "he", "him", "his", "himself", "she", "her", "hers", "herself",
];
pub const THING_PRONOUNS: &[&str] = &["it", "its", "itself"];

/// Auxiliaries between a subject and its speech verb ("Ryabkov has said").
pub const AUX: &[&str] = &[
    "has",
    "had",
    "have",
    "was",
    "is",
    "also",
    "later",
    "then",
    "previously",
    "earlier",
    "again",
    "once",
    "repeatedly",
    "would",
    "will",
    "could",
    "had",
    "further",
    "publicly",
    "recently",
    "reportedly",
    "flatly",
    "firmly",
];

/// Verbs that, right after a name, mark it as a person acting or speaking (beyond cue verbs).
pub const PERSON_VERBS: &[&str] = &[
    "died",
    "dies",
    "resigned",
    "resigns",
    "was born",
    "married",
    "sang",
    "testified",
    "pleaded",
    "apologized",
    "apologised",
    "smiled",
    "laughed",
    "wept",
    "tweeted",
    "spoke",
    "speaks",
    "recalled",
    "joked",
    "shrugged",
    "nodded",
    "vowed",
    "urged",
    "insisted",
    "wrote",
    "met",
    "visited",
    "arrived",
    "flew",
    "signed",
    "retired",
    "starred",
    "won",
    "lost",
    "scored",
    "threw",
    "pleads",
    "admitted",
    "thanked",
    "praised",
    "criticized",
    "criticised",
    "accused",
    "defended",
    "attended",
    "appeared",
    "entered",
    "checked",
    "left",
    "returned",
    "married",
    "divorced",
    "gave",
    "hopes",
    "hoped",
    "wants",
    "wanted",
    "believes",
    "knew",
    "felt",
    "feels",
];

/// Opening and closing quotation marks.
pub fn is_open_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '‘' | '«' | '\'')
}
pub fn is_close_quote(c: char) -> bool {
    matches!(c, '"' | '”' | '’' | '»' | '\'')
}

/// Lower-case nouns that, right after a capitalised name, make it a modifier of a thing
/// ("Kennedy airport", "Boeing jets", "Apple shares").
pub const ORG_FOLLOWERS: &[&str] = &[
    "airport",
    "station",
    "stadium",
    "school",
    "hospital",
    "university",
    "center",
    "centre",
    "bridge",
    "building",
    "street",
    "avenue",
    "highway",
    "plant",
    "factory",
    "company",
    "corporation",
    "brand",
    "jet",
    "jets",
    "aircraft",
    "plane",
    "planes",
    "airliner",
    "airliners",
    "engine",
    "engines",
    "fleet",
    "model",
    "models",
    "shares",
    "stock",
    "store",
    "stores",
    "products",
    "product",
    "device",
    "devices",
    "software",
    "computers",
    "computer",
    "phones",
    "phone",
    "employees",
    "workers",
    "executives",
    "chief",
    "ceo",
    "subsidiary",
    "unit",
    "division",
    "headquarters",
    "website",
    "users",
    "customers",
    "stake",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "officials",
    "board",
    "airlines",
    "county",
    "river",
    "island",
    "province",
    "region",
    "state",
    "city",
    "area",
    "district",
    "village",
    "town",
    "valley",
    "lake",
    "mountains",
    "coast",
    "border",
    "vice",
    "president",
    "chairman",
    "executive",
    "director",
    "engineers",
    "analyst",
    "analysts",
    "team",
    "family",
    "crime",
    "campaign",
    "administration",
    "government",
    "officials",
    "police",
    "residents",
    "man",
    "woman",
    "native",
    "magazine",
    "newspaper",
];

/// Words that start place names ("Mount Cook", "San Diego", "Fort Worth").
pub const PLACE_PREFIXES: &[&str] = &[
    "Mount",
    "Mt",
    "Lake",
    "Cape",
    "Fort",
    "Port",
    "San",
    "Santa",
    "Los",
    "Las",
    "Saint",
    "St",
    "New",
    "North",
    "South",
    "East",
    "West",
    "Upper",
    "Lower",
    "Greater",
    "Central",
    "Rue",
    "Place",
    "Via",
    "Bay",
    "Gulf",
    "Avenue",
    "Boulevard",
    "Piazza",
    "Plaza",
    "Calle",
    "Lago",
    "Monte",
    "Rio",
];

/// Capitalised function words that may be stripped from the front of a run ("The", "In").
pub const FUNCTION_WORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "in",
    "on",
    "at",
    "for",
    "but",
    "and",
    "or",
    "if",
    "as",
    "by",
    "from",
    "with",
    "without",
    "this",
    "that",
    "these",
    "those",
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
    "despite",
    "however",
    "meanwhile",
    "according",
    "after",
    "before",
    "during",
    "although",
    "while",
    "when",
    "also",
    "among",
    "because",
    "both",
    "each",
    "even",
    "every",
    "here",
    "his",
    "her",
    "its",
    "like",
    "many",
    "more",
    "most",
    "now",
    "once",
    "only",
    "since",
    "so",
    "some",
    "still",
    "then",
    "there",
    "under",
    "until",
    "what",
    "where",
    "which",
    "who",
    "why",
    "yet",
    "you",
    "your",
    "our",
    "my",
    "no",
    "not",
    "dear",
    "mr",
    "mrs",
    "ms",
    "sir",
    "thanks",
    "yesterday",
    "today",
    "tonight",
    "tomorrow",
    "earlier",
    "later",
    "last",
    "next",
    "following",
    "besides",
    "over",
    "upon",
    "instead",
    "thus",
    "therefore",
    "another",
    "any",
    "all",
    "either",
    "neither",
    "nor",
    "than",
    "whether",
    "breaking",
    "update",
    "updated",
    "editor",
    "note",
    "related",
    "read",
    "watch",
    "photo",
    "video",
    "to",
    "of",
];

/// Nouns after a possessive that only people have ("Whitfield's lawyer", "Holm's deputy").
pub const POSS_PERSON: &[&str] = &[
    "wife",
    "husband",
    "son",
    "daughter",
    "mother",
    "father",
    "brother",
    "sister",
    "family",
    "lawyer",
    "lawyers",
    "attorney",
    "attorneys",
    "widow",
    "girlfriend",
    "boyfriend",
    "deputy",
    "aide",
    "aides",
    "death",
    "funeral",
    "arrest",
    "trial",
    "parents",
    "children",
    "mom",
    "dad",
    "grandson",
    "granddaughter",
    "fiancee",
    "fiance",
    "publicist",
    "rep",
    "bodyguard",
    "predecessor",
    "successor",
    "resignation",
    "career",
    "biography",
    "memoir",
];

/// A small, fast, non-cryptographic hasher for the detector's per-article maps (keys are short
/// strings from one article; no untrusted-key flooding concern at this size).
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            h = (h.rotate_left(5) ^ v).wrapping_mul(K);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut v = 0u64;
            for (k, &b) in rest.iter().enumerate() {
                v |= u64::from(b) << (8 * k);
            }
            h = (h.rotate_left(5) ^ v).wrapping_mul(K);
        }
        self.0 = h;
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, i: usize) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub type FastMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<FastHasher>>;

pub const MONTHS_DAYS: &[&str] = &[
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
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
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

pub const NAME_SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv"];

// Word classes: one hash lookup per word gives every list it belongs to.
pub const C_PARTICLE: u32 = 1;
pub const C_HONORIFIC: u32 = 1 << 1;
pub const C_PLACE_PREP: u32 = 1 << 2;
pub const C_DET: u32 = 1 << 3;
pub const C_ROLE_MOD: u32 = 1 << 4;
pub const C_PERS_PRON: u32 = 1 << 5;
pub const C_THING_PRON: u32 = 1 << 6;
pub const C_AUX: u32 = 1 << 7;
pub const C_PERS_VERB: u32 = 1 << 8;
pub const C_FUNCTION: u32 = 1 << 9;
pub const C_ORG_FOLLOWER: u32 = 1 << 10;
pub const C_POSS_PERSON: u32 = 1 << 11;
pub const C_PLACE_PREFIX: u32 = 1 << 12;
pub const C_MONTH_DAY: u32 = 1 << 13;
pub const C_GIVEN: u32 = 1 << 14;
pub const C_ORG_WORD: u32 = 1 << 15;
pub const C_SUFFIX: u32 = 1 << 16;

static CLASSES: LazyLock<FastMap<String, u32>> = LazyLock::new(|| {
    let mut m: FastMap<String, u32> = FastMap::default();
    let mut add = |list: &mut dyn Iterator<Item = &str>, bit: u32| {
        for w in list {
            *m.entry(w.trim_end_matches('.').to_lowercase()).or_default() |= bit;
        }
    };
    add(&mut PARTICLES.iter().copied(), C_PARTICLE);
    add(&mut HONORIFICS.iter().copied(), C_HONORIFIC);
    add(&mut PLACE_PREPS.iter().copied(), C_PLACE_PREP);
    add(&mut DETERMINERS.iter().copied(), C_DET);
    add(&mut ROLE_MODIFIERS.iter().copied(), C_ROLE_MOD);
    add(&mut PERSON_PRONOUNS.iter().copied(), C_PERS_PRON);
    add(&mut THING_PRONOUNS.iter().copied(), C_THING_PRON);
    add(&mut AUX.iter().copied(), C_AUX);
    add(&mut PERSON_VERBS.iter().copied(), C_PERS_VERB);
    add(&mut FUNCTION_WORDS.iter().copied(), C_FUNCTION);
    add(&mut ORG_FOLLOWERS.iter().copied(), C_ORG_FOLLOWER);
    add(&mut POSS_PERSON.iter().copied(), C_POSS_PERSON);
    add(&mut PLACE_PREFIXES.iter().copied(), C_PLACE_PREFIX);
    add(&mut MONTHS_DAYS.iter().copied(), C_MONTH_DAY);
    add(&mut GIVEN.iter().copied(), C_GIVEN);
    add(&mut ORG_WORDS.iter().copied(), C_ORG_WORD);
    add(&mut NAME_SUFFIXES.iter().copied(), C_SUFFIX);
    m
});

/// Every class of a word (case-insensitive, a final full stop ignored, diacritics folded).
pub fn classify(w: &str) -> u32 {
    let w = w.strip_suffix('.').unwrap_or(w);
    if w.len() > 24 {
        return 0;
    }
    if w.is_ascii() {
        let mut buf = [0u8; 24];
        for (d, s) in buf.iter_mut().zip(w.bytes()) {
            *d = s.to_ascii_lowercase();
        }
        return std::str::from_utf8(&buf[..w.len()])
            .ok()
            .and_then(|k| CLASSES.get(k))
            .copied()
            .unwrap_or(0);
    }
    let k = crate::analysis::lexicon::fold_diacritics(w).to_lowercase();
    CLASSES.get(k.as_str()).copied().unwrap_or(0)
}

/// The word-class table (word → classes), for merging into other per-word tables.
pub fn class_table() -> &'static FastMap<String, u32> {
    &CLASSES
}

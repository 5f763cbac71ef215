//! Deterministic synthetic newsroom corpus for benchmarks: article `i` is the same for any
//! corpus size with the same seed. ~4 KB articles with invented officials (with titles and
//! surname second references), events, quotes, vague and named attribution, statistics.
#![allow(dead_code)]

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407)
            | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545F4914F6CDD1D)
    }
    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[(self.next_u64() % v.len() as u64) as usize]
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

const FIRST: &[&str] = &[
    "Anna",
    "Lars",
    "Mette",
    "Sergei",
    "Margaret",
    "Pierre",
    "Helene",
    "Tomas",
    "Ingrid",
    "Jonas",
    "Katarzyna",
    "Mehmet",
    "Ayesha",
    "Kenji",
    "Lucia",
    "Oskar",
    "Daniela",
    "Viktor",
    "Sofia",
    "Emil",
];
const LAST: &[&str] = &[
    "Keller",
    "Ryberg",
    "Holmgren",
    "Dvorak",
    "Ellwood",
    "Garnier",
    "Daubigny",
    "Lindqvist",
    "Novak",
    "Brandt",
    "Kowalczyk",
    "Yilmaz",
    "Rahman",
    "Tanabe",
    "Moretti",
    "Strand",
    "Vidal",
    "Petrov",
    "Andersen",
    "Falk",
];
const TITLES: &[&str] = &[
    "Foreign Minister",
    "Deputy Foreign Minister",
    "Finance Minister",
    "Prime Minister",
    "Interior Minister",
    "Ambassador",
    "Under Secretary of State",
    "Energy Minister",
    "Senator",
    "Defence Minister",
];
const CITIES: &[&str] = &[
    "Geneva",
    "Copenhagen",
    "Vienna",
    "Brussels",
    "Oslo",
    "Helsinki",
    "Warsaw",
    "Lisbon",
];
const TRIGGERS: &[&str] = &[
    "talks",
    "summit",
    "meeting",
    "negotiations",
    "vote",
    "conference",
];
const VAGUE: &[&str] = &[
    "Analysts say",
    "Observers noted that",
    "Critics argue that",
    "Sources indicate that",
    "Many believe",
];
const CLAIMS: &[&str] = &[
    "the agreement would hold through the winter",
    "the two delegations remained far apart on verification",
    "the government had underestimated the cost of the grid upgrade",
    "a second round was planned for the spring",
    "the proposal would need the approval of parliament",
    "the timing of the announcement was deliberate",
];
const QUOTES: &[&str] = &[
    "We came here to listen, and we listened",
    "Nobody should expect miracles from one afternoon",
    "The door remains open, but not indefinitely",
    "This is a serious offer and it deserves a serious answer",
];

/// The ~200 invented officials: (title, first, last).
pub fn official(k: usize) -> (&'static str, &'static str, &'static str) {
    (
        TITLES[k % TITLES.len()],
        FIRST[(k / 7) % FIRST.len()],
        LAST[(k * 13 + k / 20) % LAST.len()],
    )
}

/// Article `i` of the corpus with `seed` (≈4 KB).
pub fn article(seed: u64, i: usize) -> String {
    let mut r = Rng::new(seed ^ (i as u64).wrapping_mul(0x9E3779B97F4A7C15));
    let city = *r.pick(CITIES);
    let trigger = *r.pick(TRIGGERS);
    let day = 1 + r.below(28);
    let a = official(r.below(200) as usize);
    let b = official(r.below(200) as usize);
    let mut s = format!(
        "---\ntitle: \"{} {} ends without agreement\"\ndate: 2026-03-{:02}\nauthor: \"{} {}\"\n---\n\n# {} {} ends without agreement\n\n",
        city, trigger, day, r.pick(FIRST), r.pick(LAST), city, trigger
    );
    s.push_str(&format!(
        "{} — {} {} {} and {} {} {} met for three hours on Tuesday at the {} {}, the first such contact in more than a year.\n\n",
        city.to_uppercase(), a.0, a.1, a.2, b.0, b.1, b.2, city, trigger
    ));
    while s.len() < 3900 {
        match r.below(7) {
            0 => s.push_str(&format!(
                "“{},” {} said after the {}.\n\n",
                r.pick(QUOTES),
                a.2,
                trigger
            )),
            1 => s.push_str(&format!("{} {}.\n\n", r.pick(VAGUE), r.pick(CLAIMS))),
            2 => s.push_str(&format!(
                "According to {} {}, {}.\n\n",
                b.1,
                b.2,
                r.pick(CLAIMS)
            )),
            3 => s.push_str(&format!(
                "Turnout rose to {}.{} percent, and the budget reached €{}.{} billion.\n\n",
                40 + r.below(50),
                r.below(10),
                1 + r.below(9),
                r.below(10)
            )),
            4 => s.push_str(&format!(
                "A senior official, who spoke on condition of anonymity, said {}.\n\n",
                r.pick(CLAIMS)
            )),
            5 => s.push_str(&format!(
                "“{}.” The {} in {} continues on Wednesday.\n\n",
                r.pick(QUOTES),
                trigger,
                city
            )),
            _ => s.push_str(&format!(
                "{}'s delegation reportedly left early, while {} told reporters that {}.\n\n",
                b.2,
                a.2,
                r.pick(CLAIMS)
            )),
        }
    }
    s
}

/// Write `n` articles under `dir` (1,000 per subfolder).
pub fn write_corpus(dir: &std::path::Path, seed: u64, n: usize) -> u64 {
    let mut bytes = 0;
    for i in 0..n {
        let sub = dir.join(format!("shard{:03}", i / 1000));
        std::fs::create_dir_all(&sub).unwrap();
        let a = article(seed, i);
        bytes += a.len() as u64;
        std::fs::write(sub.join(format!("article-{i:06}.md")), a).unwrap();
    }
    bytes
}

/// A ~2,000-word article (for per-article budgets).
/// The corpus of `n` articles (seed 42) in `$TMPDIR/byline-bench-N`, written once and reused
/// (a `.complete` marker says the last write finished).
pub fn cached_corpus(n: usize) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("byline-bench-{n}"));
    if !dir.join(".complete").exists() {
        let _ = std::fs::remove_dir_all(&dir);
        write_corpus(&dir, 42, n);
        std::fs::write(dir.join(".complete"), b"").unwrap();
    }
    dir
}

pub fn long_article(seed: u64, words: usize) -> String {
    let mut s = String::new();
    let mut i = 0;
    while s.split_whitespace().count() < words {
        let a = article(seed, i);
        let body = a.split("\n---\n").nth(1).unwrap_or(&a);
        s.push_str(body);
        i += 1;
    }
    s
}
